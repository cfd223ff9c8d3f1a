"""Sitemaps paged by blocks of posting ids, and robots.txt naming them."""

from __future__ import annotations

import pytest

from portal.web import feeds
from tests.services.test_search import make_posting

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _fresh_index():
    feeds.clear_sitemap_cache()
    yield
    feeds.clear_sitemap_cache()


def _locs(response) -> list[str]:
    from xml.etree import ElementTree as ET

    return [element.text for element in ET.fromstring(response.data).iter(f"{SITEMAP_NS}loc")]


def test_sitemaps_are_blocks_of_ids_with_only_public_postings(client, db):
    size = feeds.SITEMAP_ID_RANGE
    for posting_id in (1, size + 1, 2 * size + 7):
        make_posting(id=posting_id, title_en=f"Job {posting_id}")
    make_posting(id=size + 2, title_en="Draft", status="draft")
    make_posting(id=3 * size + 1, title_en="Rejected", status="rejected")

    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert _locs(index) == ["http://localhost/sitemaps/pages.xml"] + [
        f"http://localhost/sitemaps/jobs-{number}.xml" for number in (1, 2, 3)]  # no block 4: nothing public
    assert index.data.count(b"<lastmod>") == 3

    second = client.get("/sitemaps/jobs-2.xml")
    assert second.status_code == 200 and second.headers["Cache-Control"] == "public, max-age=3600"
    urls = _locs(second)
    assert f"http://localhost/en/jobs/{size + 1}" in urls and f"http://localhost/ja/jobs/{size + 1}" in urls
    assert not any(url.endswith(f"/jobs/{size + 2}") for url in urls)  # a draft is not listed
    assert client.get("/sitemaps/jobs-4.xml").status_code == 404
    assert client.get("/sitemaps/jobs-0.xml").status_code == 404


def test_the_index_is_computed_once_then_served_from_the_cache(client, db):
    make_posting(id=1)
    assert len(_locs(client.get("/sitemap.xml"))) == 2
    make_posting(id=feeds.SITEMAP_ID_RANGE * 4 + 1)
    assert len(_locs(client.get("/sitemap.xml"))) == 2  # cached for SITEMAP_INDEX_SECONDS
    assert client.get("/sitemaps/jobs-5.xml").status_code == 200  # the page itself is always current
    feeds.clear_sitemap_cache()
    assert len(_locs(client.get("/sitemap.xml"))) == 3


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_accounts(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in body
    for area in ("account", "seeker", "recruiter", "staff"):
        assert f"Disallow: /*/{area}/" in body
