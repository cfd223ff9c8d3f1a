"""Guide content: the shipped Markdown files (portal/data/guides/<slug>.<lang>.md with front matter)
and Markdown → safe HTML. Pure: no Flask, no SQLAlchemy.

Front matter, between two lines of three dashes:

    ---
    title: Visa and Certificate of Eligibility
    last_checked: 2026-11-27
    sources:
      - Immigration Services Agency of Japan | https://www.moj.go.jp/isa/
    ---

Markdown is rendered with markdown-it-py (CommonMark, raw HTML off, tables on) and the result is
sanitised with nh3 (an allow-list of tags; links get rel="noopener noreferrer").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import nh3
from markdown_it import MarkdownIt

GUIDES_DIR = Path(__file__).resolve().parent.parent / "data" / "guides"
LANGS = ("en", "ja")

#: The guides in the order they are listed; sector pages are generated, not files.
GUIDE_SLUGS = ("routes", "japanese-tests", "visa", "pakistan", "living-in-japan", "staying-safe")

ALLOWED_TAGS = {"p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "code", "blockquote",
                "table", "thead", "tbody", "tr", "th", "td", "hr", "abbr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"scope"}}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


class ContentError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    last_checked: date
    sources: tuple[Source, ...]
    body: str  # Markdown


def render(markdown: str) -> str:
    """Markdown → sanitised HTML. Headings start at h2 (the page has the h1)."""
    html = _md.render(markdown or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"})


def parse_source(line: str) -> Source:
    """"Title | https://…". An address, when there is one, must be http(s) (see portal.weburl)."""
    from portal.weburl import is_web_url

    title, _, url = line.partition("|")
    if url.strip() and not is_web_url(url):  # a source may be a law or a paper without an address
        raise ContentError(f"a source needs an http or https address: {line.strip()[:200]!r}")
    return Source(title.strip(), url.strip())


def parse(text: str) -> Document:
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError("missing front matter")
    try:
        end = lines.index("---", 1)
    except ValueError as error:
        raise ContentError("front matter is not closed") from error
    meta: dict[str, str] = {}
    sources: list[Source] = []
    key = None
    for line in lines[1:end]:
        if not line.strip():
            continue
        if line.lstrip().startswith("- ") and key == "sources":
            sources.append(parse_source(line.lstrip()[2:]))
            continue
        key, _, value = line.partition(":")
        key = key.strip()
        meta[key] = value.strip()
    if not meta.get("title") or not meta.get("last_checked"):
        raise ContentError("title and last_checked are required")
    if not sources:
        raise ContentError("at least one source is required")
    try:
        checked = date.fromisoformat(meta["last_checked"])
    except ValueError as error:
        raise ContentError(f"bad last_checked date: {meta['last_checked']!r}") from error
    return Document(meta["title"], checked, tuple(sources), "\n".join(lines[end + 1:]).strip() + "\n")


def read_shipped(slug: str, lang: str, directory: Path = GUIDES_DIR) -> Document:
    return parse((directory / f"{slug}.{lang}.md").read_text(encoding="utf-8"))


def sources_to_json(sources) -> list[dict]:
    return [{"title": s.title, "url": s.url} for s in sources]


def sources_from_text(text: str) -> tuple[Source, ...]:
    """Staff type one source a line: "Title | https://…"."""
    return tuple(parse_source(line) for line in (text or "").splitlines() if line.strip())


def sources_to_text(sources: list[dict]) -> str:
    return "\n".join(f"{s.get('title', '')} | {s.get('url', '')}".rstrip(" |") for s in sources or ())


#: The field pages are generated from portal/data/ssw_fields.csv and the taxonomy.
SECTOR_CHECKED = date(2026, 11, 27)
SECTOR_SOURCES = {
    "en": (Source("Specified Skilled Worker: the fields and their tests, Immigration Services Agency of Japan",
                  "https://www.ssw.go.jp/"),
           Source("Test dates and countries, Prometric Japan", "https://www.prometric-jp.com/en/"),
           Source("Kakehashi data: ssw_fields.csv (fields, SSW (ii), tests) and trades.csv (trade mapping, the portal's own)")),
    "ja": (Source("出入国在留管理庁「特定技能」分野と試験", "https://www.ssw.go.jp/"),
           Source("プロメトリック（試験の日程と実施国）", "https://www.prometric-jp.com/"),
           Source("架け橋のデータ：ssw_fields.csv（分野・2号・試験）とtrades.csv（職種の対応は架け橋独自）")),
    "ur": (Source("جاپان کی امیگریشن سروسز ایجنسی: مخصوص ہنرمند کارکن کے شعبے اور ان کے امتحانات",
                  "https://www.ssw.go.jp/"),
           Source("امتحانات کی تاریخیں اور ممالک: پرومیٹرک جاپان", "https://www.prometric-jp.com/en/"),
           Source("کاکے ہاشی کا ڈیٹا: شعبے، دوم درجہ، امتحانات اور پیشوں کا نقشہ (پیشوں کا نقشہ کاکے ہاشی کا اپنا ہے)")),
}
