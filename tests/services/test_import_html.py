"""The connector for job pages without JSON-LD (a CSS-selector mapping per source), over real HTTP
on 127.0.0.1: a Shift_JIS board listing several jobs on one page, and an employer's careers list
linking to job pages. Malformed items are skipped with their reason; the rest are found by search."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.feeds.http import fetcher_from_config
from portal.feeds.models import ImportSkip, ImportSource
from portal.feeds.services import SourceError, add_source, run_source
from portal.jobs.models import Posting
from portal.moderation import services as moderation

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds" / "html"

BOARD = {"items": "div.job", "id": "@data-job-id", "title": "h2.job-title a", "url": "h2.job-title a@href",
         "employer": ".company", "location": "dd.place", "salary_text": "dd.pay", "employment_type": "dd.type",
         "description": "div.body"}
CAREERS = {"links": "ul.openings a.opening", "id": "#job@data-ref", "title": "h1.title",
           "description": "section.details", "employer": "=Nagoya Auto Parts Co., Ltd.", "location": "td.location",
           "salary_text": "td.salary", "employment_type": "td.employment", "valid_through": "td.deadline",
           "apply_url": "a.apply@href"}


@pytest.fixture
def fetcher(app):
    return fetcher_from_config(app.config)


@pytest.fixture(autouse=True)
def _robots(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)


def serve(httpserver, path: str, name: str, content_type: str = "text/html") -> None:
    httpserver.expect_request(path).respond_with_data((FIXTURES / name).read_bytes(), content_type=content_type)


def _postings(source: ImportSource) -> dict[str, Posting]:
    _db.session.expire_all()
    return {p.external_id: p for p in _db.session.scalars(select(Posting).where(Posting.import_source_id == source.id))}


def _skips(run) -> list[tuple[str, str]]:
    return [(skip.reason, skip.detail) for skip in _db.session.scalars(select(ImportSkip).where(ImportSkip.run_id == run.id))]


def test_one_page_of_several_jobs(httpserver, fetcher, db, client):
    serve(httpserver, "/board", "board.html")  # Shift_JIS, declared only in <meta>
    source = add_source("board", httpserver.url_for("/board"), "html", mapping=BOARD, trusted=True)
    run = run_source(source.id, fetcher)
    assert (run.status, run.new, run.skipped) == ("succeeded", 3, 1)
    [(reason, detail)] = _skips(run)
    assert reason == "missing_title" and "job 3" in detail and "h2.job-title a" in detail
    jobs = _postings(source)
    food, it, cleaning = jobs["B-101"], jobs["B-102"], jobs["B-104"]
    assert food.title_ja == "食品製造スタッフ（弁当・惣菜）" and food.employer_name_ja == "株式会社みなと食品"
    assert food.source_url == httpserver.url_for("/board/B-101")
    assert food.location_kind == "places" and [p.prefecture_code for p in food.places] == ["11", "12"]
    assert (food.salary_min, food.salary_unit, food.employment_type) == (1250, "HOUR", "FULL_TIME")
    assert food.visa_ssw1 and food.support_housing
    assert it.location_kind == "remote" and it.salary_unit == "YEAR" and it.visa_engineer
    assert cleaning.location_kind == "nationwide" and cleaning.salary_min is None
    assert [flag.code for flag in moderation.stored_flags(cleaning.id)] == ["pay_not_stated"]
    assert (food.status, it.status, cleaning.status) == ("published", "published", "submitted")
    # Found under the prefecture filters: Chiba is a workplace of the food job; remote work is anywhere.
    html = client.get("/en/jobs?prefecture=12").get_data(as_text=True)
    assert f"/en/jobs/{food.id}" in html and f"/en/jobs/{it.id}" in html
    api = client.get("/api/v1/jobs?prefecture=11").get_json()
    assert {item["id"] for item in api["items"]} == {food.id, it.id}
    # The same page again: every item unchanged, nothing rewritten.
    again = run_source(source.id, fetcher)
    assert (again.status, again.new, again.updated, again.unchanged) == ("succeeded", 0, 0, 3)


def test_a_list_page_linking_to_job_pages(httpserver, fetcher, db, client):
    serve(httpserver, "/careers", "list.html")
    serve(httpserver, "/careers/painter", "painter.html")
    serve(httpserver, "/careers/maintenance", "maintenance.html")
    serve(httpserver, "/careers/draft", "draft.html")
    source = add_source("careers", httpserver.url_for("/careers"), "html", mapping=CAREERS, trusted=True,
                        delay_seconds=0)
    run = run_source(source.id, fetcher)
    assert (run.status, run.new, run.skipped) == ("succeeded", 2, 1)
    [(reason, detail)] = _skips(run)
    assert reason == "missing_title" and "/careers/draft" in detail
    assert not any(r.path == "/about" for r, _ in httpserver.log)  # only the mapped links are followed
    jobs = _postings(source)
    painter, maintenance = jobs["NAP-PAINT-7"], jobs["NAP-MAINT-2"]
    assert painter.title_en == "Automotive painter (spray booth)"
    assert painter.employer_name_en == "Nagoya Auto Parts Co., Ltd."
    assert (painter.prefecture_code, painter.location_kind) == ("23", "place")
    assert (painter.salary_min, painter.salary_max, painter.salary_unit) == (230000, 270000, "MONTH")
    assert painter.japanese_level == "N4" and painter.support_housing and painter.visa_ssw1
    assert painter.apply_url == httpserver.url_for("/careers/painter/apply")
    assert painter.valid_through.isoformat() == "2099-03-31"
    assert maintenance.location_kind == "places"
    assert [p.prefecture_code for p in maintenance.places] == ["23", "22", "24"]
    assert maintenance.employment_type == "CONTRACTOR"
    assert "<script" not in (painter.description_en or "") and "<p>" in painter.description_en
    html = client.get("/en/jobs?prefecture=24").get_data(as_text=True)  # Mie: the third plant
    assert f"/en/jobs/{maintenance.id}" in html and f"/en/jobs/{painter.id}" not in html


def test_a_page_that_is_not_html_fails_the_run_and_keeps_what_was_there(httpserver, fetcher, db):
    serve(httpserver, "/board", "board.html")
    source = add_source("board", httpserver.url_for("/board"), "html", mapping=BOARD)
    assert run_source(source.id, fetcher).new == 3
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/board").respond_with_data("", content_type="text/html")
    run = run_source(source.id, fetcher)
    assert run.status == "failed" and run.error.startswith("empty")
    assert len(_postings(source)) == 3 and all(p.status == "submitted" for p in _postings(source).values())


@pytest.mark.parametrize("mapping, problem", [
    ({"title": "h1"}, "either 'items'"),
    ({"items": "div.job", "links": "a", "title": "h1"}, "either 'items'"),
    ({"items": "div.job[", "id": "@id", "title": "h1"}, "not valid CSS"),
    ({"items": "div.job", "title": "h1"}, "'id' or a 'url'"),
    ({"links": "a", "headline": "h1"}, "unknown key 'headline'"),
])
def test_a_bad_mapping_is_refused_when_the_source_is_added(db, mapping, problem):
    with pytest.raises(SourceError) as caught:
        add_source("bad", "https://jobs.example.com/", "html", mapping=mapping)
    assert problem in str(caught.value.message)
    assert _db.session.scalar(select(ImportSource)) is None
