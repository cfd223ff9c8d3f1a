"""Shipped guides (both languages, sources, a date), Markdown → safe HTML, and the glossary."""

import json
import re
from pathlib import Path

import pytest
from markupsafe import escape

from portal.guidance import content, glossary
from portal.jobs.structured import description_html

DATA = Path(__file__).resolve().parents[2] / "portal" / "data"


@pytest.mark.parametrize("slug", content.GUIDE_SLUGS)
@pytest.mark.parametrize("lang", content.LANGS)
def test_every_guide_exists_in_both_languages_with_sources_and_a_date(slug, lang):
    document = content.read_shipped(slug, lang)
    assert document.title and document.body.strip()
    assert document.sources and all(s.title for s in document.sources)
    assert document.last_checked.year >= 2025
    if lang == "ja":
        assert "です" in document.body or "ます" in document.body


def test_markdown_is_sanitised():
    html = content.render("# Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) [ok](visa)\n\n"
                          "| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<script" not in html and "href=\"javascript" not in html
    assert "<h2>Title</h2>" in html and "<table>" in html
    assert 'href="visa"' in html


def test_front_matter_is_required():
    with pytest.raises(content.ContentError):
        content.parse("no front matter")
    with pytest.raises(content.ContentError):
        content.parse("---\ntitle: x\nlast_checked: 2026-01-01\n---\nbody")  # no source


def test_glossary_has_at_least_80_terms_with_reading_meaning_and_explanation():
    terms = glossary.read_terms()
    assert len(terms) >= 80
    assert len({t.term for t in terms}) == len(terms)
    for term in terms:
        assert term.reading and term.meaning_en and term.explanation_en and term.explanation_ja
        assert re.search(r"[\u0600-\u06ff]", term.meaning_ur), term.term  # a short meaning in Urdu
    for word in ("社会保険完備", "賞与", "寮あり", "交通費支給", "試用期間", "固定残業代", "日勤・夜勤", "週休2日制"):
        assert word in {t.term for t in terms}
    assert (DATA / "GLOSSARY_SOURCES.md").exists()


def test_marking_only_touches_text_and_escapes_correctly():
    text = '社会保険完備 <b>"寮あり"</b> & 賞与年2回。\n\n賞与 again'
    html = description_html(text)
    marked, found = glossary.mark_terms(html, "/en/guide/glossary")
    assert [t.term for t in found] == ["社会保険完備", "寮あり", "賞与年2回", "賞与"]
    assert "&lt;b&gt;&quot;" in marked and "&amp;" in marked  # the posting's own markup stays escaped
    assert marked.count('<a class="term"') == 4
    # Remove the inserted links: the rest is byte for byte the sanitised HTML.
    import re
    assert re.sub(r'<a class="term" href="[^"]*">([^<]*)</a>', r"\1", marked) == html


def test_marking_never_enters_tags_or_attributes():
    html = '<p title="寮あり">寮あり</p><a href="/x">賞与</a>'
    marked, found = glossary.mark_terms(html, "/g")
    assert marked.startswith('<p title="寮あり"><a class="term"')
    assert '<a href="/x">賞与</a>' in marked  # never a link inside a link
    assert [t.term for t in found] == ["寮あり"]


def test_glossary_link_escapes_the_url():
    marked, _ = glossary.mark_terms("<p>寮あり</p>", '/g?"x')
    assert '"x' not in marked.split(">", 2)[1] or escape('"') in marked


def test_demo_japanese_postings_get_their_terms_marked():
    postings = json.loads((DATA / "demo" / "postings.json").read_text(encoding="utf-8"))
    with_terms = marked = 0
    for item in postings:
        text = "\n\n".join(filter(None, (item.get("description_ja"), item.get("requirements_ja"))))
        if not text or not glossary.find_terms(text):
            continue
        with_terms += 1
        html, found = glossary.mark_terms(description_html(text), "/ja/guide/glossary")
        marked += bool(found)
    assert with_terms >= 30
    assert marked / with_terms >= 0.9
