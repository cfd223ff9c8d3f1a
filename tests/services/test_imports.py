"""Imports end to end, over real HTTP on 127.0.0.1 (pytest-httpserver): every kind of source,
real-world defects, deduplication, lifecycle, and never losing data."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug import Response

from portal.extensions import db as _db
from portal.feeds.http import fetcher_from_config
from portal.feeds.models import ImportRun, ImportSkip, ImportSource
from portal.feeds.services import add_source, run_source
from portal.jobs.models import Posting
from portal.jobs.services import correct_classification
from portal.timeutil import as_utc, today, utcnow


@pytest.fixture
def fetcher(app):
    return fetcher_from_config(app.config)


@pytest.fixture(autouse=True)
def _robots(httpserver):
    """Sites without robots.txt (a 404 allows everything); pytest-httpserver answers 500 otherwise."""
    allow_robots(httpserver)


def allow_robots(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)


def reset(httpserver):
    httpserver.clear()
    allow_robots(httpserver)


def jobpage(job_id: str, title: str, *, region="東京都", employment="正社員", date_posted="2026-3-5",
            valid=None, description="<p>仕事内容です。</p>", employer="株式会社テスト", extra_block="") -> str:
    data = {
        "@context": "https://schema.org", "@type": "JobPosting", "title": title, "description": description,
        "identifier": {"@type": "PropertyValue", "name": "test", "value": job_id},
        "datePosted": date_posted, "employmentType": employment,
        "validThrough": valid or (today() + timedelta(days=30)).isoformat(),
        "hiringOrganization": {"@type": "Organization", "name": employer},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressRegion": region,
                                                       "addressCountry": "JP"}},
        "baseSalary": {"@type": "MonetaryAmount", "currency": "JPY",
                       "value": {"@type": "QuantitativeValue", "minValue": 200000, "maxValue": 250000,
                                 "unitText": "MONTH"}},
    }
    body = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return (f"<!doctype html><html><head><title>{title}</title>{extra_block}"
            f'<script type="application/ld+json">{body}</script></head><body><h1>{title}</h1></body></html>')


def sitemap(httpserver, paths_lastmod: dict[str, str]) -> str:
    urls = "".join(f"<url><loc>{httpserver.url_for(path)}</loc><lastmod>{lastmod}</lastmod></url>"
                   for path, lastmod in paths_lastmod.items())
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def indeed(jobs: list[dict]) -> str:
    items = "".join(
        f"<job><title><![CDATA[{j['title']}]]></title><referencenumber>{j['id']}</referencenumber>"
        f"<url>http://127.0.0.1/jobs/{j['id']}</url><company>{j.get('company', '株式会社サンプル')}</company>"
        f"<state>{j.get('state', '愛知県')}</state><country>JP</country>"
        f"<description><![CDATA[<p>{j.get('description', '工場での仕事です。')}</p><script>alert(1)</script>]]></description>"
        f"<salary>{j.get('salary', '月給20万円〜25万円')}</salary><jobtype>{j.get('jobtype', '正社員')}</jobtype></job>"
        for j in jobs)
    return f'<?xml version="1.0" encoding="utf-8"?><source><publisher>test</publisher>{items}</source>'


def postings(source: ImportSource | None = None) -> list[Posting]:
    _db.session.expire_all()
    query = select(Posting).order_by(Posting.external_id)
    if source is not None:
        query = query.where(Posting.import_source_id == source.id)
    return list(_db.session.scalars(query))


def serve(httpserver, path, body, content_type="application/xml", **kwargs):
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type, **kwargs)


# ---- each kind -----------------------------------------------------------------------------------


def test_indeed_xml_import_and_reimport(httpserver, fetcher, db):
    serve(httpserver, "/feed.xml", indeed([{"id": "A1", "title": "溶接工（特定技能）"},
                                           {"id": "A2", "title": "Care worker", "state": "Osaka",
                                            "description": "Care for elderly residents.", "salary": "¥1,200/hour",
                                            "jobtype": "part-time"}]))
    source = add_source("indeed", httpserver.url_for("/feed.xml"), "indeed-xml")
    run = run_source(source.id, fetcher)
    assert (run.status, run.new, run.skipped) == ("succeeded", 2, 0)
    welder, care = postings(source)
    assert welder.title_ja == "溶接工（特定技能）" and welder.prefecture_code == "23"
    assert welder.employment_type == "FULL_TIME" and (welder.salary_min, welder.salary_max) == (200000, 250000)
    assert welder.visa_ssw1 and welder.status == "submitted"  # untrusted: staff review first
    assert "<script" not in (welder.description_ja or "")
    assert welder.sector_code == "industrial_products" and welder.classification_confidence > 0
    assert care.title_en == "Care worker" and care.sector_code == "nursing_care" and care.salary_unit == "HOUR"
    assert care.employment_type == "PART_TIME" and care.prefecture_code == "27"
    again = run_source(source.id, fetcher)  # the same bytes (this server sends no ETag)
    assert (again.status, again.new, again.updated, again.closed) == ("not_modified", 0, 0, 0)
    # Same items in a different document: each item is recognised as unchanged by its own hash.
    reset(httpserver)
    serve(httpserver, "/feed.xml", indeed([{"id": "A2", "title": "Care worker", "state": "Osaka",
                                            "description": "Care for elderly residents.", "salary": "¥1,200/hour",
                                            "jobtype": "part-time"}, {"id": "A1", "title": "溶接工（特定技能）"}]))
    reordered = run_source(source.id, fetcher)
    assert (reordered.status, reordered.new, reordered.updated, reordered.unchanged) == ("succeeded", 0, 0, 2)


def test_trusted_source_publishes_and_search_finds_it(httpserver, fetcher, db, client):
    serve(httpserver, "/feed.xml", indeed([{"id": "T1", "title": "溶接スタッフ"}]))
    source = add_source("trusted", httpserver.url_for("/feed.xml"), "indeed-xml", trusted=True)
    run_source(source.id, fetcher)
    posting = postings(source)[0]
    assert posting.status == "published"
    html = client.get("/en/jobs?q=welder").get_data(as_text=True)
    assert f"/en/jobs/{posting.id}" in html
    page = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert "original posting" in page  # imported postings show their source


def test_jsonld_sitemap_with_real_world_defects(httpserver, fetcher, db):
    broken_block = '<script type="application/ld+json">{"@type": "Organization", "name": </script>'
    pages = {
        "/jobs/1": jobpage("J1", "介護スタッフ", region="大阪府", extra_block=broken_block),
        "/jobs/2": jobpage("J2", "Truck driver", region="Saitama", employment="FULL_TIME",
                           description="Drive </script><script>alert(1)</script> trucks", employer="Sample Logistics"),
        "/jobs/3": jobpage("J3", "農業スタッフ", region="北海道", date_posted="2026-1-9"),
        "/jobs/4": "<html><body>No structured data here</body></html>",
    }
    for path, body in pages.items():
        serve(httpserver, path, body, content_type="text/html; charset=utf-8")
    serve(httpserver, "/sitemap.xml", sitemap(httpserver, {p: "2026-11-01" for p in pages}))
    source = add_source("jsonld", httpserver.url_for("/sitemap.xml"), "jsonld", delay_seconds=0)
    run = run_source(source.id, fetcher)
    assert run.status == "succeeded" and run.new == 3
    reasons = {s.reason for s in _db.session.scalars(select(ImportSkip).where(ImportSkip.run_id == run.id))}
    assert "invalid_json" in reasons
    by_id = {p.external_id: p for p in postings(source)}
    assert by_id["J1"].prefecture_code == "27" and by_id["J1"].employment_type == "FULL_TIME"
    assert by_id["J1"].sector_code == "nursing_care"
    assert by_id["J2"].prefecture_code == "11" and "<script" not in (by_id["J2"].description_en or "")
    assert by_id["J3"].sector_code == "agriculture"


def test_unchanged_sitemap_pages_are_not_fetched_again(httpserver, fetcher, db):
    serve(httpserver, "/jobs/1", jobpage("J1", "溶接工"), content_type="text/html")
    serve(httpserver, "/sitemap.xml", sitemap(httpserver, {"/jobs/1": "2026-11-01"}))
    source = add_source("lastmod", httpserver.url_for("/sitemap.xml"), "jsonld", delay_seconds=0)
    run_source(source.id, fetcher)
    page_hits = len([r for r, _ in httpserver.log if r.path == "/jobs/1"])
    source.next_run_at = utcnow()
    _db.session.commit()
    second = run_source(source.id, fetcher)
    assert second.status == "succeeded" and second.closed == 0
    assert len([r for r, _ in httpserver.log if r.path == "/jobs/1"]) == page_hits  # not fetched again
    assert postings(source)[0].status == "submitted"


def test_feed_items_follow_links_for_jsonld(httpserver, fetcher, db):
    rss = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Jobs</title>
      <item><title>Cook</title><link>{httpserver.url_for('/jobs/c1')}</link><guid>c1</guid>
        <description>Cook at a ramen shop in Fukuoka</description></item>
      <item><title>Cleaner in Tokyo, 東京都</title><link>{httpserver.url_for('/jobs/gone')}</link><guid>c2</guid>
        <description>Building cleaning, 東京都新宿区</description></item></channel></rss>"""
    serve(httpserver, "/feed.rss", rss, content_type="application/rss+xml")
    serve(httpserver, "/jobs/c1", jobpage("C1", "調理スタッフ（ラーメン店）", region="福岡県"), content_type="text/html")
    httpserver.expect_request("/jobs/gone").respond_with_data("not found", status=404)
    source = add_source("rss", httpserver.url_for("/feed.rss"), "feed", delay_seconds=0)
    run = run_source(source.id, fetcher)
    assert run.new == 2
    titles = {p.title_ja or p.title_en: p for p in postings(source)}
    assert titles["調理スタッフ（ラーメン店）"].prefecture_code == "40"  # from the linked page's JSON-LD
    assert titles["Cleaner in Tokyo, 東京都"].prefecture_code == "13"  # the feed's own item


def test_json_api_with_mapping(httpserver, fetcher, db):
    body = {"data": {"jobs": [
        {"id": 7, "title": "CNC machinist", "body": {"html": "<p>Operate CNC lathes.</p>"},
         "location": {"prefecture": "Shizuoka"}, "pay": {"min": 230000, "period": "MONTH"},
         "company": {"name": "Fuji Parts"}, "links": {"self": "http://127.0.0.1/j/7"}},
        {"id": 8, "body": {"html": "no title"}},
    ]}}
    serve(httpserver, "/api/jobs", json.dumps(body), content_type="application/json")
    mapping = {"items": "data.jobs", "id": "id", "title": "title", "description": "body.html",
               "address_region": "location.prefecture", "salary_min": "pay.min", "salary_unit": "pay.period",
               "employer": "company.name", "url": "links.self"}
    source = add_source("api", httpserver.url_for("/api/jobs"), "json", mapping=mapping)
    run = run_source(source.id, fetcher)
    assert (run.new, run.skipped) == (1, 1)
    posting = postings(source)[0]
    assert posting.prefecture_code == "22" and posting.salary_min == 230000 and posting.external_id == "7"


CSV_HEADER = "id,title,description,employer,prefecture,salary,employment_type\n"


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_csv_upload_in_utf8_and_shift_jis(fetcher, db, encoding):
    content = (CSV_HEADER + "S1,ビルクリーニングスタッフ,清掃の仕事です,株式会社クリーン,東京都,時給1300円,パート\n"
               "S2,,タイトルなし,株式会社クリーン,東京都,,\n").encode(encoding)
    source = add_source(f"csv-{encoding}", "", "csv")
    run = run_source(source.id, fetcher, upload=content)
    assert (run.new, run.skipped) == (1, 1)
    posting = postings(source)[0]
    assert posting.title_ja == "ビルクリーニングスタッフ" and posting.salary_unit == "HOUR"
    assert posting.sector_code == "building_cleaning"


# ---- never losing data -----------------------------------------------------------------------------


def _imported_once(httpserver, fetcher, path="/feed.xml"):
    serve(httpserver, path, indeed([{"id": "K1", "title": "溶接工"}, {"id": "K2", "title": "塗装工"}]))
    source = add_source("keep", httpserver.url_for(path), "indeed-xml")
    assert run_source(source.id, fetcher).new == 2
    reset(httpserver)
    source.next_run_at = utcnow()
    _db.session.commit()
    return source


def _unchanged(source):
    found = postings(source)
    return [(p.external_id, p.status, p.title_ja) for p in found] == [("K1", "submitted", "溶接工"),
                                                                      ("K2", "submitted", "塗装工")]


@pytest.mark.parametrize("case", ["html_error_page", "truncated", "empty", "server_error", "malformed_json"])
def test_bad_fetch_changes_no_existing_posting(httpserver, fetcher, db, case):
    source = _imported_once(httpserver, fetcher)
    body = {
        "html_error_page": ("<!doctype html><html><body><h1>503 Service Unavailable</h1></body></html>", 200),
        "truncated": (indeed([{"id": "K1", "title": "溶接工"}])[:150], 200),
        "empty": ("", 200),
        "server_error": ("oops", 500),
        "malformed_json": ("{not json", 200),
    }[case]
    httpserver.expect_request("/feed.xml").respond_with_data(body[0], status=body[1], content_type="text/html")
    run = run_source(source.id, fetcher)
    assert run.status == "failed" and run.error
    assert _unchanged(source)
    _db.session.refresh(source)
    assert source.consecutive_failures == 1 and as_utc(source.next_run_at) > utcnow() + timedelta(minutes=1)


def test_slow_server_trips_the_deadline(httpserver, app, db):
    from portal.feeds.http import fetcher_from_config

    source = _imported_once(httpserver, fetcher_from_config(app.config))

    def slow(_request):
        def body():
            yield b'<?xml version="1.0"?><source>'
            for _ in range(30):
                time.sleep(0.1)
                yield b" "
        return Response(body(), content_type="application/xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(slow)
    quick = fetcher_from_config({**app.config, "PORTAL_FETCH_DEADLINE": 1})
    run = run_source(source.id, quick)
    assert run.status == "failed" and "deadline" in run.error
    assert _unchanged(source)


@pytest.mark.parametrize("chunked", [True, False])
def test_oversized_body_is_refused(httpserver, app, db, chunked):
    source = _imported_once(httpserver, fetcher_from_config(app.config))
    big = indeed([{"id": f"X{i}", "title": "溶接工" * 20} for i in range(400)]).encode()

    def handler(_request):
        if chunked:
            return Response(iter([big[i:i + 4096] for i in range(0, len(big), 4096)]), content_type="application/xml")
        return Response(big, content_type="application/xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    small = fetcher_from_config({**app.config, "PORTAL_FETCH_MAX_BYTES": 50_000})
    run = run_source(source.id, small)
    assert run.status == "failed" and "too_large" in run.error
    assert _unchanged(source)


def test_not_modified_changes_nothing(httpserver, fetcher, db):
    httpserver.expect_request("/feed.xml").respond_with_data(indeed([{"id": "E1", "title": "溶接工"}]),
                                                            headers={"ETag": '"v1"'}, content_type="application/xml")
    source = add_source("etag", httpserver.url_for("/feed.xml"), "indeed-xml")
    run_source(source.id, fetcher)
    reset(httpserver)
    httpserver.expect_request("/feed.xml", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    run = run_source(source.id, fetcher)
    assert run.status == "not_modified" and run.closed == 0
    assert [p.status for p in postings(source)] == ["submitted"]


def test_429_retry_after_sets_the_next_attempt(httpserver, fetcher, db):
    httpserver.expect_request("/feed.xml").respond_with_data("slow down", status=429, headers={"Retry-After": "7200"})
    source = add_source("limited", httpserver.url_for("/feed.xml"), "indeed-xml")
    run = run_source(source.id, fetcher)
    _db.session.refresh(source)
    assert run.status == "failed"
    assert as_utc(source.next_run_at) >= utcnow() + timedelta(seconds=7100)


def test_redirect_to_a_private_address_is_refused(httpserver, fetcher, db):
    httpserver.expect_request("/feed.xml").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    source = add_source("redirect", httpserver.url_for("/feed.xml"), "indeed-xml")
    run = run_source(source.id, fetcher)
    assert run.status == "failed" and "private" in run.error
    assert postings(source) == []


# ---- dedup and lifecycle ----------------------------------------------------------------------------


def test_changed_content_updates_and_missing_postings_close_after_a_complete_fetch(httpserver, fetcher, db):
    source = _imported_once(httpserver, fetcher)
    serve(httpserver, "/feed.xml", indeed([{"id": "K1", "title": "溶接工（夜勤あり）"}]))
    run = run_source(source.id, fetcher)
    assert (run.updated, run.closed) == (1, 1)
    k1, k2 = postings(source)
    assert k1.title_ja == "溶接工（夜勤あり）" and k2.status == "closed"


def test_partial_jsonld_fetch_closes_nothing(httpserver, fetcher, db):
    serve(httpserver, "/jobs/1", jobpage("P1", "溶接工"), content_type="text/html")
    serve(httpserver, "/jobs/2", jobpage("P2", "塗装工"), content_type="text/html")
    serve(httpserver, "/sitemap.xml", sitemap(httpserver, {"/jobs/1": "2026-11-01", "/jobs/2": "2026-11-01"}))
    source = add_source("partial", httpserver.url_for("/sitemap.xml"), "jsonld", delay_seconds=0)
    run_source(source.id, fetcher)
    reset(httpserver)
    serve(httpserver, "/sitemap.xml", sitemap(httpserver, {"/jobs/1": "2026-11-02", "/jobs/3": "2026-11-02"}))
    httpserver.expect_request("/jobs/1").respond_with_data("down", status=500)
    serve(httpserver, "/jobs/3", jobpage("P3", "農業スタッフ"), content_type="text/html")
    run = run_source(source.id, fetcher)
    assert run.status == "partial" and run.closed == 0 and run.new == 1
    assert {p.external_id: p.status for p in postings(source)} == {"P1": "submitted", "P2": "submitted",
                                                                     "P3": "submitted"}


def test_valid_through_in_the_past_closes_the_posting(httpserver, fetcher, db):
    serve(httpserver, "/jobs/1", jobpage("V1", "溶接工"), content_type="text/html")
    serve(httpserver, "/sitemap.xml", sitemap(httpserver, {"/jobs/1": "2026-11-01"}))
    source = add_source("expiry", httpserver.url_for("/sitemap.xml"), "jsonld", delay_seconds=0)
    run_source(source.id, fetcher)
    reset(httpserver)
    serve(httpserver, "/jobs/1", jobpage("V1", "溶接工", valid=(today() - timedelta(days=2)).isoformat()),
          content_type="text/html")
    serve(httpserver, "/sitemap.xml", sitemap(httpserver, {"/jobs/1": "2026-11-05"}))
    run_source(source.id, fetcher)
    assert postings(source)[0].status == "expired"


def test_same_job_from_two_sources_is_listed_once(httpserver, fetcher, db):
    serve(httpserver, "/a.xml", indeed([{"id": "1", "title": "溶接工", "company": "株式会社同じ"}]))
    serve(httpserver, "/b.xml", indeed([{"id": "zz", "title": "溶接工", "company": "株式会社同じ"}]))
    first = add_source("a", httpserver.url_for("/a.xml"), "indeed-xml", trusted=True)
    second = add_source("b", httpserver.url_for("/b.xml"), "indeed-xml", trusted=True)
    run_source(first.id, fetcher)
    run_source(second.id, fetcher)
    original, duplicate = postings(first)[0], postings(second)[0]
    assert duplicate.duplicate_of_id == original.id and original.duplicate_of_id is None
    from portal.jobs.search import SearchParams, search

    assert [p.id for p in search(SearchParams(q="溶接")).items] == [original.id]


def test_staff_classification_sticks_on_reimport(httpserver, fetcher, db):
    source = _imported_once(httpserver, fetcher)
    k1 = postings(source)[0]
    correct_classification(k1.id, "shipbuilding", "7212")
    serve(httpserver, "/feed.xml", indeed([{"id": "K1", "title": "溶接工（改）"}, {"id": "K2", "title": "塗装工"}]))
    run_source(source.id, fetcher)
    k1 = postings(source)[0]
    assert (k1.title_ja, k1.sector_code, k1.occupation_code) == ("溶接工（改）", "shipbuilding", "7212")


def test_a_live_lease_blocks_a_second_run(httpserver, fetcher, db):
    from portal.feeds.services import claim

    serve(httpserver, "/feed.xml", indeed([{"id": "L1", "title": "溶接工"}]))
    source = add_source("lease", httpserver.url_for("/feed.xml"), "indeed-xml")
    assert claim(source.id, "other-host:1")
    assert run_source(source.id, fetcher, owner="this-host:2") is None
    assert _db.session.scalar(select(func.count()).select_from(ImportRun)) == 0
    # A crashed run's lease expires.
    assert claim(source.id, "this-host:2", now=utcnow() + timedelta(hours=1))


def test_large_imports_prepare_items_in_worker_processes(httpserver, fetcher, db, monkeypatch):
    from portal.feeds import services

    monkeypatch.setattr(services, "PARALLEL_THRESHOLD", 4)
    jobs = [{"id": f"W{i}", "title": title, "state": state} for i, (title, state) in
            enumerate([("溶接工", "愛知県"), ("介護職員", "大阪府"), ("Truck driver", "Saitama"), ("農業スタッフ", "北海道")] * 5)]
    serve(httpserver, "/many.xml", indeed(jobs))
    source = add_source("many", httpserver.url_for("/many.xml"), "indeed-xml")
    run = run_source(source.id, fetcher)
    assert run.new == 20
    sectors = {p.external_id: (p.sector_code, p.prefecture_code) for p in postings(source)}
    assert sectors["W0"] == ("industrial_products", "23") and sectors["W1"] == ("nursing_care", "27")
    assert sectors["W2"] == ("automobile_transport", "11") and sectors["W3"] == ("agriculture", "01")
    assert all(p.search_tokens for p in postings(source))
