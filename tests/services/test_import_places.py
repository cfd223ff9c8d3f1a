"""Postings as they state their place, imported over real HTTP and found through the prefecture
filters: several workplaces, nationwide, remote, and an ad without pay (kept, flagged for staff)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.feeds.http import fetcher_from_config
from portal.feeds.services import add_source, run_source
from portal.jobs.models import Posting
from portal.moderation import services as moderation
from tests.conftest import make_user

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds" / "places"
PAGES = {"/jobs/multi": "multi_place.html", "/jobs/nationwide": "nationwide.html", "/jobs/remote": "remote.html",
         "/jobs/no-pay": "no_pay.html"}


@pytest.fixture
def imported(httpserver, app, db):
    """The four fixture pages imported from a trusted sitemap; the one without pay approved by staff."""
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    for path, name in PAGES.items():
        httpserver.expect_request(path).respond_with_data((FIXTURES / name).read_bytes(),
                                                          content_type="text/html; charset=utf-8")
    urls = "".join(f"<url><loc>{httpserver.url_for(path)}</loc></url>" for path in PAGES)
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        content_type="application/xml")
    source = add_source("places", httpserver.url_for("/sitemap.xml"), "jsonld", trusted=True, delay_seconds=0)
    run = run_source(source.id, fetcher_from_config(app.config))
    assert (run.status, run.new, run.skipped) == ("succeeded", 4, 0)
    _db.session.expire_all()
    by_id = {p.external_id: p for p in _db.session.scalars(select(Posting).where(Posting.import_source_id == source.id))}
    return {"multi": by_id["HK-2031"], "nationwide": by_id["ZK-77"], "remote": by_id["RM-9"],
            "no_pay": by_id["MN-4"]}


def test_places_are_stored_as_the_ads_state_them(imported):
    multi, nationwide, remote, no_pay = (imported[k] for k in ("multi", "nationwide", "remote", "no_pay"))
    assert multi.location_kind == "places" and multi.prefecture_code == "13"
    assert [(p.prefecture_code, p.city_ja) for p in multi.places] == [
        ("13", "大田区"), ("27", "東大阪市"), ("23", "名古屋市港区")]
    assert nationwide.location_kind == "nationwide" and nationwide.places == []
    assert remote.location_kind == "remote" and remote.places == []
    assert no_pay.location_kind == "place" and no_pay.prefecture_code == "40"
    assert (multi.status, nationwide.status, remote.status) == ("published",) * 3


def test_an_ad_without_pay_is_kept_and_flagged_for_staff(imported, client):
    no_pay = imported["no_pay"]
    assert (no_pay.salary_min, no_pay.salary_max, no_pay.salary_unit) == (None, None, None)
    assert no_pay.status == "submitted"  # a red flag holds even a trusted source's posting
    assert [flag.code for flag in moderation.stored_flags(no_pay.id)] == ["pay_not_stated"]
    staff = make_user("staff")
    moderation.approve(no_pay.id, staff)
    english = client.get("/en/jobs?prefecture=40").get_data(as_text=True)
    assert "Pay not stated" in english
    japanese = client.get(f"/ja/jobs/{no_pay.id}").get_data(as_text=True)
    assert "記載なし" in japanese


def _listed(client, query: str) -> set[int]:
    html = client.get(f"/en/jobs?{query}&per_page=100").get_data(as_text=True)
    return {int(i) for i in re.findall(r'<h3><a href="/en/jobs/(\d+)"', html)}


def _api(client, query: str) -> set[int]:
    response = client.get(f"/api/v1/jobs?{query}&per_page=100")
    assert response.status_code == 200
    return {item["id"] for item in response.get_json()["items"]}


def test_prefecture_filters_find_each_place_and_every_nationwide_job(imported, client):
    moderation.approve(imported["no_pay"].id, make_user("staff"))
    ids = {name: posting.id for name, posting in imported.items()}
    everywhere = {ids["nationwide"], ids["remote"]}
    for query, expected in [
        ("prefecture=27", {ids["multi"]} | everywhere),  # Osaka: one of the three workplaces
        ("prefecture=23", {ids["multi"]} | everywhere),
        ("prefecture=40", {ids["no_pay"]} | everywhere),  # Fukuoka: not a workplace of the welding job
        ("prefecture=47", everywhere),
        ("region=kansai", {ids["multi"]} | everywhere),
        ("region=kyushu_okinawa", {ids["no_pay"]} | everywhere),
        ("q=溶接&prefecture=23", {ids["multi"]}),
    ]:
        assert _listed(client, query) == expected, query
        assert _api(client, query) == expected, query


def test_results_mark_nationwide_and_remote_jobs_and_count_each_place(imported, client):
    html = client.get("/en/jobs?prefecture=47").get_data(as_text=True)
    assert "Anywhere in Japan" in html and "Remote, from anywhere in Japan" in html
    everything = client.get("/en/jobs").get_data(as_text=True)
    assert "Tokyo, Osaka, and Aichi" in everything
    # The facet of a prefecture counts what its filter would show: the welding job and the two
    # that may be anywhere (the job without pay is still waiting for staff).
    osaka = re.search(r'<option value="27"[^>]*>([^<]*)</option>', everything).group(1)
    assert "(3)" in osaka
    japanese = client.get("/ja/jobs?prefecture=47").get_data(as_text=True)
    assert "日本全国" in japanese and "リモート" in japanese


def test_job_pages_list_the_places_and_keep_valid_job_posting_data(imported, client):
    multi = client.get(f"/en/jobs/{imported['multi'].id}").get_data(as_text=True)
    for city in ("大田区", "東大阪市", "名古屋市港区"):
        assert city in multi
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', multi, re.S).group(1))
    assert [place["address"]["addressRegion"] for place in data["jobLocation"]] == ["Tokyo", "Osaka", "Aichi"]
    remote = client.get(f"/en/jobs/{imported['remote'].id}").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', remote, re.S).group(1))
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == {"@type": "Country", "name": "Japan"}
    assert data["jobLocation"]["address"]["addressCountry"] == "JP"
    # The pay is held to the highest minimum wage in Japan, as the worker may be anywhere.
    assert "Tokyo" in remote.split("Minimum wage", 1)[1].split("</dd>", 1)[0]


def test_the_atom_feed_of_a_prefecture_names_nationwide_jobs_as_such(imported, client):
    feed = client.get("/en/jobs/feed.atom?prefecture=47").get_data(as_text=True)
    assert "全国建設サポート株式会社 · Anywhere in Japan" in feed
    summaries = re.findall(r"<(?:\w+:)?summary>([^<]*)</", feed)
    assert "Sakura Pay K.K. · Remote, from anywhere in Japan" in summaries
    assert not any("Tokyo" in summary for summary in summaries)  # the stand-in primary place is never shown


def test_a_reimport_that_drops_workplaces_drops_them_from_the_filters(imported, httpserver, app, client):
    multi = imported["multi"]
    assert multi.id in _listed(client, "prefecture=27")
    page = (FIXTURES / "multi_place.html").read_text(encoding="utf-8")
    start, end = page.index('"jobLocation":['), page.index('"baseSalary"')
    one_place = ('"jobLocation":{"@type":"Place","address":{"@type":"PostalAddress","addressRegion":"東京都",'
                 '"addressLocality":"大田区","addressCountry":"JP"}},')
    page = page[:start] + one_place + page[end:]
    page = page.replace("大阪府東大阪市、愛知県名古屋市港区の各工場（希望考慮）", "の工場")
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    for path, name in PAGES.items():
        body = page.encode() if path == "/jobs/multi" else (FIXTURES / name).read_bytes()
        httpserver.expect_request(path).respond_with_data(body, content_type="text/html; charset=utf-8")
    urls = "".join(f"<url><loc>{httpserver.url_for(path)}</loc></url>" for path in PAGES)
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        content_type="application/xml")
    run = run_source(multi.import_source_id, fetcher_from_config(app.config))
    assert (run.status, run.updated) == ("succeeded", 1)
    _db.session.expire_all()
    posting = _db.session.get(Posting, multi.id)
    assert (posting.location_kind, posting.prefecture_code, posting.places) == ("place", "13", [])
    assert multi.id not in _listed(client, "prefecture=27") and multi.id in _listed(client, "prefecture=13")
