"""The search page, the job page with its JSON-LD, the Atom feed and the sitemap."""

import json
import re
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest

from portal.extensions import db as _db
from portal.jobs import demo
from portal.jobs.models import Posting
from portal.jobs.structured import REQUIRED
from portal.taxonomy.models import ExchangeRate
from portal.timeutil import today

from tests.services.test_search import make_posting


def jsonld(html: str) -> dict | None:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else None


def test_search_page_in_both_languages(client, db):
    welder = make_posting(title_en=None, description_en=None, title_ja="溶接工", description_ja="溶接の仕事です。")
    for lang, query in (("en", "welder"), ("ja", "溶接")):
        html = client.get(f"/{lang}/jobs?q={query}").get_data(as_text=True)
        assert f"/{lang}/jobs/{welder.id}" in html
        assert 'lang="ja"' in html  # the Japanese-only title is marked as Japanese on the English page


def test_search_page_keeps_the_whole_search_in_links(client, db):
    for i in range(25):
        make_posting(title_en=f"Factory job {i}", sector_code="industrial_products")
    html = client.get("/en/jobs?q=factory&sector=industrial_products&sort=pay").get_data(as_text=True)
    assert "25 jobs found" in html
    assert 'href="/en/jobs?q=factory&amp;sector=industrial_products&amp;sort=pay&amp;page=2"' in html
    page2 = client.get("/en/jobs?q=factory&sector=industrial_products&sort=pay&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in page2 and 'rel="prev"' in page2
    assert '<option value="industrial_products" selected>' in page2


def test_search_page_shows_facet_counts(client, db):
    make_posting(sector_code="nursing_care", prefecture_code="13")
    make_posting(sector_code="nursing_care", prefecture_code="27")
    make_posting(sector_code="construction", prefecture_code="27")
    html = client.get("/en/jobs?prefecture=27").get_data(as_text=True)
    assert "Nursing care (1)" in html and "Construction (1)" in html
    assert "Tokyo (1)" in html  # other prefectures counted without the prefecture filter


def test_bad_search_parameters_are_explained_and_dropped(client, db):
    make_posting()
    response = client.get("/ja/jobs?page=abc&sector=astronaut")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'role="alert"' in html and "1件" in html


@pytest.fixture
def staff_rate(db):
    rate = ExchangeRate(currency="PKR", per_jpy=2.0, as_of=today() + timedelta(days=1), source="test")
    _db.session.add(rate)
    _db.session.commit()
    yield rate
    _db.session.delete(rate)
    _db.session.commit()


def test_job_page_shows_pay_in_yen_and_rupees_and_against_minimum_wage(client, staff_rate):
    posting = make_posting(prefecture_code="13", salary_min=1300, salary_max=1500, salary_unit="HOUR", hours_per_week=40)
    html = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert "¥1,300 to ¥1,500" in html and "per hour" in html
    assert "¥225,333" in html  # 1,300 × 40 × 52 / 12
    assert "Rs\u00a0450,666" in html  # the monthly figure at the staff rate of 2.0
    assert "above the minimum wage in Tokyo (¥1,226 an hour)" in html


def test_job_page_warns_when_pay_is_below_minimum_wage(client, db):
    posting = make_posting(prefecture_code="13", salary_min=150_000, salary_unit="MONTH")
    html = client.get(f"/ja/jobs/{posting.id}").get_data(as_text=True)
    assert "最低賃金" in html and "warning-text" in html


def test_job_page_falls_back_to_the_other_language_with_a_note(client, db):
    posting = make_posting(title_en=None, description_en=None, title_ja="農業スタッフ", description_ja="野菜の収穫です。")
    html = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert '<h1 lang="ja">農業スタッフ</h1>' in html
    assert "This job is only described in Japanese." in html


def test_job_page_jsonld_survives_script_tags_in_the_text(client, db):
    posting = make_posting(description_en="Bad text </script><script>alert(1)</script> & more")
    html = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    data = jsonld(html)
    assert "</script><script>alert(1)</script>" in data["description"] or "&lt;/script&gt;" in data["description"]


def test_closed_posting_stays_reachable_without_jobposting_markup(client, db):
    posting = make_posting(title_en="Closed welder job")
    assert jsonld(client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)) is not None
    posting.status = "closed"
    _db.session.commit()
    response = client.get(f"/en/jobs/{posting.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This job is closed." in html and jsonld(html) is None and 'name="robots" content="noindex"' in html
    assert f"/en/jobs/{posting.id}" not in client.get("/en/jobs?q=welder").get_data(as_text=True)


def test_expired_posting_is_closed_too(client, db):
    posting = make_posting(valid_through=today() - timedelta(days=1))
    html = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert "This job is closed." in html and jsonld(html) is None


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "changes_requested"])
def test_unpublished_postings_are_not_found(client, db, status):
    posting = make_posting(status=status)
    assert client.get(f"/en/jobs/{posting.id}").status_code == 404


def test_job_page_canonical_and_hreflang(client, db):
    posting = make_posting()
    html = client.get(f"/ja/jobs/{posting.id}").get_data(as_text=True)
    assert f'<link rel="canonical" href="http://localhost/ja/jobs/{posting.id}">' in html
    assert f'hreflang="en" href="http://localhost/en/jobs/{posting.id}"' in html


def test_every_demo_posting_has_googles_required_properties(client, db):
    demo.seed_world()
    postings = _db.session.scalars(_db.select(Posting)).all()
    assert len(postings) >= 60
    for posting in postings:
        for lang in ("en", "ja"):
            data = jsonld(client.get(f"/{lang}/jobs/{posting.id}").get_data(as_text=True))
            assert data["@type"] == "JobPosting"
            for key in REQUIRED:
                assert data.get(key), (posting.id, lang, key)
            assert data["jobLocation"]["address"]["addressCountry"] == "JP"
            assert data["hiringOrganization"]["name"]
            assert data["employmentType"] in {"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN",
                                              "VOLUNTEER", "PER_DIEM", "OTHER"}
            assert data["baseSalary"]["currency"] == "JPY"
            assert data["baseSalary"]["value"]["unitText"] in {"HOUR", "DAY", "WEEK", "MONTH", "YEAR"}
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["datePosted"])


ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_for_a_search(client, db):
    care = make_posting(title_en="Care worker", sector_code="nursing_care")
    make_posting(title_en="Truck driver", sector_code="automobile_transport")
    html = client.get("/en/jobs?q=介護").get_data(as_text=True)
    assert 'type="application/atom+xml"' in html
    response = client.get("/en/jobs/feed.atom?q=介護")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [f"http://localhost/en/jobs/{care.id}"]
    assert client.get("/en/jobs/feed.atom?page=0").status_code == 400


def test_sitemap_lists_public_jobs_in_both_languages(client, db):
    live = make_posting()
    closed = make_posting(status="closed")
    index = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [el.text for el in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "http://localhost/sitemaps/jobs-1.xml" in locs
    jobs = client.get("/sitemaps/jobs-1.xml").get_data(as_text=True)
    assert f"http://localhost/en/jobs/{live.id}</" in jobs and f"http://localhost/ja/jobs/{live.id}</" in jobs
    assert f"/jobs/{closed.id}<" not in jobs
    assert 'hreflang="ja"' in jobs
    assert client.get("/sitemaps/jobs-2.xml").status_code == 404


def test_home_page_counts_open_jobs_per_sector(client, db):
    for _ in range(3):
        make_posting(sector_code="nursing_care")
    make_posting(sector_code="construction")
    make_posting(sector_code="construction", status="closed")
    make_posting(sector_code="construction", valid_through=today() - timedelta(days=1))
    html = client.get("/en/").get_data(as_text=True)
    assert "4 open jobs in Japan" in html
    nursing = re.search(r'Nursing care</span> <span class="count">(\d+) jobs?</span>', html)
    construction = re.search(r'Construction</span> <span class="count">(\d+) jobs?</span>', html)
    assert (nursing.group(1), construction.group(1)) == ("3", "1")
