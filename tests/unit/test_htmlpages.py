"""The CSS-selector connector's pure parser (portal/feeds/htmlpages.py) on fixture pages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from portal.feeds import htmlpages
from portal.feeds.htmlpages import parse_html_page, validate_html_mapping
from portal.feeds.parsers import ParseError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds" / "html"
BOARD = {"items": "div.job", "id": "@data-job-id", "title": "h2.job-title a", "url": "h2.job-title a@href",
         "employer": ".company", "location": "dd.place", "salary_text": "dd.pay", "description": "div.body"}


def test_jobs_listed_on_one_shift_jis_page():
    result = parse_html_page((FIXTURES / "board.html").read_bytes(), "https://board.example.jp/list", BOARD)
    assert [item.external_id for item in result.items] == ["B-101", "B-102", "B-104"]
    food = result.items[0]
    assert food.title == "食品製造スタッフ（弁当・惣菜）" and food.employer == "株式会社みなと食品"
    assert food.url == "https://board.example.jp/board/B-101"  # resolved against the page
    assert food.address_region == "埼玉県川越市" and food.more_locations == [{"address_region": "千葉県船橋市"}]
    assert food.salary_text == "時給1,250円～" and "<br>" in food.description  # CP932 has the full-width tilde
    [skip] = result.skipped
    assert (skip.reason, skip.external_id) == ("missing_title", "B-103")


def test_a_list_page_gives_the_mapped_links_and_a_job_page_gives_one_job():
    mapping = {"links": "ul.openings a.opening", "title": "h1.title", "employer": "=Nagoya Auto Parts",
               "id": "#job@data-ref", "location": "td.location"}
    listing = parse_html_page((FIXTURES / "list.html").read_bytes(), "https://careers.example.jp/careers", mapping)
    assert listing.items == [] and listing.links == [
        "https://careers.example.jp/careers/painter", "https://careers.example.jp/careers/maintenance",
        "https://careers.example.jp/careers/draft"]
    page = parse_html_page((FIXTURES / "maintenance.html").read_bytes(), listing.links[1], mapping, job_page=True)
    [job] = page.items
    assert (job.external_id, job.employer, job.url) == ("NAP-MAINT-2", "Nagoya Auto Parts", listing.links[1])
    assert job.address_region == "Nagoya, Aichi" and len(job.more_locations) == 2
    draft = parse_html_page((FIXTURES / "draft.html").read_bytes(), listing.links[2], mapping, job_page=True)
    assert draft.items == [] and [s.reason for s in draft.skipped] == ["missing_title"]


@pytest.mark.parametrize("content, reason", [(b"", "empty"), (b"just words, no markup", "not_html")])
def test_a_page_that_is_not_html_is_refused_whole(content, reason):
    with pytest.raises(ParseError) as caught:
        parse_html_page(content, "https://x.example/", BOARD)
    assert caught.value.reason == reason


def test_mapping_problems_are_named():
    assert validate_html_mapping(BOARD) == []
    assert validate_html_mapping({"links": "a", "title": "=Fixed title"}) == []
    assert validate_html_mapping(["not", "an", "object"]) == ["the mapping must be an object of field → CSS selector"]
    problems = validate_html_mapping({"items": "div", "title": "h1[", "city": "", "location": "p", "prefecture": "q"})
    assert "the selector for 'title' is not valid CSS: 'h1['" in problems
    assert any("'city'" in p for p in problems) and any("both set address_region" in p for p in problems)
    with pytest.raises(ParseError) as caught:
        parse_html_page(b"<p>x</p>", "https://x.example/", {"items": "div"})
    assert caught.value.reason == "invalid_mapping"


def test_the_connector_is_pure():
    tree = ast.parse(Path(htmlpages.__file__).read_text(encoding="utf-8"))
    imported = {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"flask", "sqlalchemy", "requests", "flask_sqlalchemy"}
