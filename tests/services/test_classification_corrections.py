"""Close calls go to staff with both fields named; staff corrections are kept and teach the classifier."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.feeds.http import fetcher_from_config
from portal.feeds.services import add_source, run_source
from portal.jobs.models import Posting
from portal.jobs.services import correct_classification
from portal.matching.corrections import accuracy_report, learned
from portal.matching.models import ClassificationCloseCall, ClassificationCorrection
from portal.feeds.services import taxonomy
from tests.services.test_imports import allow_robots, indeed, serve

CLOSE = {"id": "C1", "title": "Airport cleaning", "description": "Clean the terminal."}
CLEAR = {"id": "C2", "title": "介護職員（特別養護老人ホーム）", "description": "入浴介助、食事介助をお願いします。"}


@pytest.fixture
def fetcher(app):
    return fetcher_from_config(app.config)


@pytest.fixture(autouse=True)
def _robots(httpserver):
    allow_robots(httpserver)


def _posting(source, external_id) -> Posting:
    _db.session.expire_all()
    return _db.session.scalar(select(Posting).where(Posting.import_source_id == source.id,
                                                    Posting.external_id == external_id))


def test_a_close_call_waits_for_staff_with_both_fields(httpserver, fetcher, db):
    serve(httpserver, "/a.xml", indeed([CLOSE, CLEAR]))
    source = add_source("a", httpserver.url_for("/a.xml"), "indeed-xml")
    run_source(source.id, fetcher)
    close, clear = _posting(source, "C1"), _posting(source, "C2")
    calls = {row.posting_id: row for row in _db.session.scalars(select(ClassificationCloseCall))}
    assert set(calls) == {close.id}
    assert {calls[close.id].sector, calls[close.id].runner_up} == {"aviation", "building_cleaning"}
    assert calls[close.id].sector == close.sector_code
    assert clear.sector_code == "nursing_care"


def test_a_correction_is_kept_and_used_for_the_same_text(httpserver, fetcher, db, login_as):
    staff = login_as("staff")
    serve(httpserver, "/a.xml", indeed([CLOSE]))
    first = add_source("a", httpserver.url_for("/a.xml"), "indeed-xml")
    run_source(first.id, fetcher)
    posting = _posting(first, "C1")
    assert posting.sector_code == "aviation"  # the tie goes to the first field by name
    report = accuracy_report(taxonomy())
    assert report["corrections"].before == (0, 0)

    correct_classification(posting.id, "building_cleaning", "9112", actor=staff)
    row = _db.session.scalars(select(ClassificationCorrection)).one()
    assert (row.posting_id, row.old_sector, row.new_sector, row.new_occupation, row.corrected_by_id) == (
        posting.id, "aviation", "building_cleaning", "9112", staff.id)
    assert row.corrected_at is not None and row.title == "Airport cleaning"
    assert _db.session.scalars(select(ClassificationCloseCall)).all() == []  # staff decided
    assert len(learned()) == 1

    # The same ad on another board is classified as staff said, and is no close call.
    serve(httpserver, "/b.xml", indeed([{**CLOSE, "company": "Another agency"}]))
    second = add_source("b", httpserver.url_for("/b.xml"), "indeed-xml")
    run_source(second.id, fetcher)
    copy = _posting(second, "C1")
    assert (copy.sector_code, copy.occupation_code) == ("building_cleaning", "9112")
    assert _db.session.scalars(select(ClassificationCloseCall)).all() == []

    report = accuracy_report(taxonomy())
    assert report["corrections"].before == (0, 1) and report["corrections"].after == (1, 1)
    assert report["heldout"].after[1] == report["heldout"].before[1] >= 100
