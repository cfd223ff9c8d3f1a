"""Red flags in imports: a trusted source's flagged posting is held for review (on insert, on a
re-import that adds a flag, on reopening, and when it turns out to be a duplicate)."""

from __future__ import annotations

import pytest

from portal.extensions import db as _db
from portal.feeds.http import fetcher_from_config
from portal.feeds.services import add_source, run_source
from portal.moderation import services as moderation

from tests.services.test_imports import allow_robots, indeed, postings, reset, serve


@pytest.fixture
def fetcher(app):
    return fetcher_from_config(app.config)


@pytest.fixture(autouse=True)
def _robots(httpserver):
    allow_robots(httpserver)


def codes(posting) -> list[str]:
    return [flag.code for flag in moderation.stored_flags(posting.id)]


def test_a_trusted_sources_flagged_posting_stays_submitted(httpserver, fetcher, db):
    serve(httpserver, "/feed.xml", indeed([
        {"id": "OK", "title": "溶接スタッフ"},
        {"id": "FEE", "title": "介護スタッフ", "description": "渡航前に保証金30万円をお支払いください。"},
        {"id": "LOW", "title": "清掃スタッフ", "salary": "時給500円"},
    ]))
    source = add_source("trusted", httpserver.url_for("/feed.xml"), "indeed-xml", trusted=True)
    run = run_source(source.id, fetcher)
    assert run.new == 3
    by_id = {p.external_id: p for p in postings(source)}
    assert by_id["OK"].status == "published" and codes(by_id["OK"]) == []
    assert by_id["FEE"].status == "submitted" and codes(by_id["FEE"]) == ["deposit_words"]
    assert by_id["FEE"].published_at is None
    assert by_id["LOW"].status == "submitted" and codes(by_id["LOW"]) == ["below_minimum_wage"]
    queue = [p.external_id for p, _ in moderation.review_queue(source=str(source.id))]
    assert queue[:2] == ["FEE", "LOW"] or set(queue[:2]) == {"FEE", "LOW"}

    # A re-import whose new text raises a flag sends the published posting back for review; a fixed
    # text clears the flag (published postings stay as staff left them).
    reset(httpserver)
    serve(httpserver, "/feed.xml", indeed([
        {"id": "OK", "title": "溶接スタッフ", "description": "ビザ手数料として20万円を前払いしてください。"},
        {"id": "FEE", "title": "介護スタッフ", "description": "費用はすべて会社が負担します。"},
        {"id": "LOW", "title": "清掃スタッフ", "salary": "時給500円"},
    ]))
    run_source(source.id, fetcher)
    by_id = {p.external_id: p for p in postings(source)}
    assert by_id["OK"].status == "submitted" and codes(by_id["OK"])
    assert codes(by_id["FEE"]) == [] and by_id["FEE"].status == "submitted"


def test_a_duplicate_found_after_linking_is_held_for_review(httpserver, fetcher, db):
    serve(httpserver, "/a.xml", indeed([{"id": "1", "title": "溶接工", "company": "株式会社同じ"}]))
    serve(httpserver, "/b.xml", indeed([{"id": "zz", "title": "溶接工", "company": "株式会社同じ"}]))
    first = add_source("a", httpserver.url_for("/a.xml"), "indeed-xml", trusted=True)
    second = add_source("b", httpserver.url_for("/b.xml"), "indeed-xml", trusted=True)
    run_source(first.id, fetcher)
    run_source(second.id, fetcher)
    original, duplicate = postings(first)[0], postings(second)[0]
    assert duplicate.duplicate_of_id == original.id
    assert original.status == "published" and codes(original) == []
    assert duplicate.status == "submitted" and codes(duplicate) == ["likely_duplicate"]
    assert duplicate.published_at is None


def test_an_untrusted_source_is_held_with_its_flags(httpserver, fetcher, db):
    serve(httpserver, "/feed.xml", indeed([{"id": "X", "title": "農業スタッフ",
                                            "description": "パスポートは会社が預かります。"}]))
    source = add_source("plain", httpserver.url_for("/feed.xml"), "indeed-xml")
    run_source(source.id, fetcher)
    posting = postings(source)[0]
    assert posting.status == "submitted" and codes(posting) == ["passport_retention"]
    _db.session.rollback()
