"""Pure parsers for job sources: bytes in, ParseResult out.

No network, no Flask, no database. Every function takes the body of one fetch and returns the jobs
it found as RawItems. An item that is broken is left out and recorded as a ``Skip`` (short
``reason`` code, human ``detail``); it never raises. A body that is not the kind of document asked
for at all (an HTML error page instead of XML, truncated XML, an empty body, invalid JSON, a CSV in
an unknown encoding) raises ``ParseError(reason, detail)``: the caller then treats the whole fetch
as failed and changes no data (a truncated feed must never look like "these jobs were removed").

Parsers
-------
``parse_jsonld_page(content, url, encoding_hint=None)``
    schema.org JobPosting in ``<script type="application/ld+json">`` blocks (top level, arrays,
    ``@graph``, nested entities), with basic microdata as a fallback when no JSON-LD posting exists.
``parse_sitemap(content) -> (ParseResult, child_sitemaps)``
    ``<urlset>`` → ``links`` and ``lastmod``; ``<sitemapindex>`` → child sitemap URLs.
``parse_indeed_xml(content)``
    Indeed-style ``<source><job>`` XML (``referencenumber`` is the stable id).
``parse_feed(content)``
    RSS / Atom through feedparser; every entry's link is also put in ``links`` so that the caller
    can fetch the page and prefer its JSON-LD.
``parse_json_api(content, mapping)`` and ``validate_mapping(mapping)``
    A JSON API described by a mapping of RawItem fields to dotted paths (``data.jobs``,
    ``locations[0].city``).
``parse_csv(content)``
    A CSV uploaded by staff, with the columns below.

XML is parsed with expat directly: any DOCTYPE (and so any ENTITY declaration, the "billion
laughs" and external-entity attacks) is refused with ``ParseError("unsafe_xml")`` before anything
is expanded. Feeds (feedparser) may keep a plain DOCTYPE such as RSS 0.91's, but never one with
an internal subset. Every scan is linear in the size of the body and every walk into nested
data is depth-limited, so hostile input costs no more than a large honest one.

ParseError reasons: empty, encoding, not_xml, truncated, unsafe_xml, too_deep, too_large,
not_a_sitemap, not_a_job_feed, not_a_feed, invalid_json, invalid_mapping, items_not_a_list,
missing_header, missing_columns, invalid_csv.
Skip reasons: invalid_json, missing_id, missing_title, duplicate_id, missing_loc, invalid_url,
not_an_object, too_deep.

CSV columns (a header row is required; other columns are ignored; ``id`` and ``title`` are
required in every row; UTF-8 with or without BOM, or Shift_JIS/CP932 as Excel writes it):

- id: the employer's or staff's own stable id for the job (required)
- title: job title, in Japanese or English (required)
- description: job description, text or HTML
- employer: hiring company's name (株式会社…)
- prefecture: prefecture, e.g. 東京都 or Tokyo
- city: city, ward or town, e.g. 新宿区
- address: street address or full address as free text
- postal_code: postal code, e.g. 160-0022
- salary: pay as free text, e.g. 月給18万円〜25万円
- salary_min: lowest pay as a number (yen)
- salary_max: highest pay as a number (yen)
- salary_unit: HOUR, DAY, WEEK, MONTH or YEAR (or 時給, 月給…)
- employment_type: FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY… or 正社員, 契約社員…; several separated by commas
- japanese_level: Japanese needed, e.g. N4 or JFT-Basic
- visa: visa / status of residence, e.g. 特定技能1号 (passed on in RawItem.requirements)
- date_posted: date posted, YYYY-MM-DD (2026-3-5 and 2026/3/5 are accepted)
- valid_through: last day to apply, YYYY-MM-DD
- url: the job's page at its source
- apply_url: where to apply
- occupation: ISCO-08 code, e.g. 7212

Every CSV row is a job in Japan: its ``address_country`` is set to ``JP``.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import dataclasses
import email.utils
import html
import io
import json
import math
import re
import unicodedata
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree as ET
from xml.parsers import expat

import feedparser

from portal.feeds.types import ParseResult, RawItem, Skip

__all__ = [
    "CSV_COLUMNS",
    "MAPPING_ALIASES",
    "ParseError",
    "parse_csv",
    "parse_feed",
    "parse_indeed_xml",
    "parse_json_api",
    "parse_jsonld_page",
    "parse_sitemap",
    "validate_mapping",
]


class ParseError(Exception):
    """The whole document is unusable (not what it should be): the fetch failed, change no data."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


CSV_COLUMNS: dict[str, str] = {
    "id": "the employer's or staff's own stable id for the job (required)",
    "title": "job title, in Japanese or English (required)",
    "description": "job description, text or HTML",
    "employer": "hiring company's name (株式会社…)",
    "prefecture": "prefecture, e.g. 東京都 or Tokyo",
    "city": "city, ward or town, e.g. 新宿区",
    "address": "street address or full address as free text",
    "postal_code": "postal code, e.g. 160-0022",
    "salary": "pay as free text, e.g. 月給18万円〜25万円",
    "salary_min": "lowest pay as a number (yen)",
    "salary_max": "highest pay as a number (yen)",
    "salary_unit": "HOUR, DAY, WEEK, MONTH or YEAR (or 時給, 月給…)",
    "employment_type": (
        "FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY… or 正社員, 契約社員…; several separated by commas"
    ),
    "japanese_level": "Japanese needed, e.g. N4 or JFT-Basic",
    "visa": "visa / status of residence, e.g. 特定技能1号 (passed on in RawItem.requirements)",
    "date_posted": "date posted, YYYY-MM-DD (2026-3-5 and 2026/3/5 are accepted)",
    "valid_through": "last day to apply, YYYY-MM-DD",
    "url": "the job's page at its source",
    "apply_url": "where to apply",
    "occupation": "ISCO-08 code, e.g. 7212",
}

# Keys a JSON API mapping may use besides the RawItem field names themselves.
MAPPING_ALIASES: dict[str, str] = {
    "id": "external_id",
    "location": "address_region",
    "prefecture": "address_region",
    "city": "address_locality",
    "japanese": "japanese_text",
    "currency": "salary_currency",
}

_RAW_FIELDS = tuple(f.name for f in dataclasses.fields(RawItem))
_MAX_DEPTH = 64  # how deep the parsers walk into JSON or XML; deeper documents are refused or cut
_MAX_XML_DEPTH = 256
_MAX_DECOMPRESSED = 50 * 1024 * 1024  # a gzipped sitemap may not expand beyond this


# ---------------------------------------------------------------------------------------------
# Small helpers shared by all parsers
# ---------------------------------------------------------------------------------------------

_SPACES = re.compile(r"[^\S\u3000]+")  # collapse whitespace, but keep the ideographic space
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(.*)$", re.S)
_NUMBER = re.compile(r"^[+]?\d+(?:\.\d+)?$")
_BAD_LIMIT = (ValueError, TypeError, OverflowError, RecursionError)


def _looks_like_html(content: bytes) -> bool:
    head = content[:4096].lstrip(codecs.BOM_UTF8)
    return bool(_HTML_START.match(head))


def _clean(value: str | None) -> str | None:
    """Strip and collapse whitespace of a one-line text; empty → None."""
    if value is None:
        return None
    value = _SPACES.sub(" ", value.replace("\ufeff", "")).strip()
    return value or None


def _unescape(value: str | None) -> str | None:
    """A one-line text that may carry HTML entities (Caf&eacute;, &amp;, &nbsp;)."""
    if value is None:
        return None
    return _clean(html.unescape(value))


def _html_text(value: str | None) -> str | None:
    """Description-like HTML: keep it as given, but undo a whole-document entity escape."""
    if value is None:
        return None
    value = value.replace("\ufeff", "").strip()
    if "<" not in value and re.search(r"&lt;/?[a-zA-Z]", value):
        value = html.unescape(value)
    return value or None


def _number_text(value: int | float) -> str | None:
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                return None
            if value.is_integer() and abs(value) < 1e16:
                return str(int(value))
            return repr(value)
        return str(value)
    except _BAD_LIMIT:  # an int beyond Python's digit limit
        return None


def _text(value: Any, *, dump: bool = False, join: str = ", ", depth: int = 0) -> str | None:
    """Stringify a JSON value sensibly: objects by their value/name, lists joined, None for nothing.

    With ``dump`` an object without a recognisable value becomes compact JSON instead of None.
    """
    if value is None or depth > _MAX_DEPTH:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, str):
        return value.replace("\ufeff", "").strip() or None
    if isinstance(value, dict):
        for key in ("@value", "value", "name", "text", "codeValue", "code", "label"):
            if key in value:
                found = _text(value[key], dump=dump, join=join, depth=depth + 1)
                if found is not None:
                    return found
        if not dump:
            return None
        try:
            return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        except _BAD_LIMIT:
            return None
    if isinstance(value, (list, tuple)):
        parts = [_text(v, dump=dump, join=join, depth=depth + 1) for v in value]
        return join.join(p for p in parts if p) or None
    return _clean(str(value))


def _first(value: Any) -> Any:
    """The first non-empty element of a list, or the value itself."""
    if isinstance(value, (list, tuple)):
        for element in value:
            if element not in (None, "", [], {}):
                return element
        return None
    return value


def _first_text(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        for element in value:
            found = _text(element)
            if found is not None:
                return found
        return None
    return _text(value)


def _to_float(value: Any) -> float | None:
    """A finite, non-negative number from a number or a plain numeric string (250,000; ２５００００)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip().replace(",", "").replace(" ", "")
            text = text.removeprefix("¥").removesuffix("円")
            if not _NUMBER.match(text):
                return None
            number = float(text)
        else:
            return None
    except _BAD_LIMIT:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    return number


def _clean_date(value: Any) -> str | None:
    """A date as ISO text when it can be read (2026-3-5, 2026/3/5, 2026年3月5日, RFC 822), else as given."""
    text = _first_text(value)
    if text is None:
        return None
    normal = unicodedata.normalize("NFKC", text).strip()
    match = _DATE.match(normal)
    if match:
        year, month, day = (int(g) for g in match.groups()[:3])
        if 1 <= month <= 12 and 1 <= day <= 31:
            iso = f"{year:04d}-{month:02d}-{day:02d}"
            rest = match.group(4).strip()
            if rest and rest[0] in "T " and len(rest) > 1 and rest[1:].strip()[:1].isdigit():
                return f"{iso}T{rest[1:].strip()}"
            if rest and rest[0].isdigit():
                return f"{iso}T{rest}"
            return iso
        return text
    try:
        parsed = email.utils.parsedate_to_datetime(normal)
    except (TypeError, ValueError, IndexError, OverflowError):
        return text
    return parsed.isoformat() if parsed is not None else text


def _split_types(value: Any) -> list[str]:
    """employment_type as a list: a list, or a string separated by commas (FULL_TIME, PART_TIME)."""
    out: list[str] = []
    values = value if isinstance(value, (list, tuple)) else [value]
    for element in values:
        text = _text(element)
        if text is None:
            continue
        for part in re.split(r"[,、，;]", html.unescape(text)):
            part = _clean(part)
            if part and part not in out:
                out.append(part)
    return out


def _http_url(value: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL, resolved against ``base``; anything else (javascript:, mailto:) → None."""
    if not value:
        return None
    value = value.strip()
    try:
        if base:
            value = urljoin(base, value)
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value


def _append_unique(target: list[str], value: str | None) -> None:
    if value and value not in target:
        target.append(value)


def _drop_duplicates(result: ParseResult) -> ParseResult:
    """Keep the first item for each external_id; later ones become Skip('duplicate_id')."""
    seen: set[str] = set()
    kept: list[RawItem] = []
    for item in result.items:
        if item.external_id is not None and item.external_id in seen:
            result.skipped.append(
                Skip("duplicate_id", f"id {item.external_id!r} appears more than once",
                     external_id=item.external_id, url=item.url)
            )
            continue
        if item.external_id is not None:
            seen.add(item.external_id)
        kept.append(item)
    result.items = kept
    return result


# ---------------------------------------------------------------------------------------------
# Text encodings
# ---------------------------------------------------------------------------------------------

_JAPANESE_CODECS = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "ms_kanji": "cp932", "ms-kanji": "cp932", "csshiftjis": "cp932", "windows-31j": "cp932",
    "cp932": "cp932", "ms932": "cp932", "x-ms-cp932": "cp932",
    "euc-jp": "euc_jp", "euc_jp": "euc_jp", "eucjp": "euc_jp", "x-euc-jp": "euc_jp",
    "cseucpkdfmtjapanese": "euc_jp", "iso-2022-jp": "iso2022_jp",
}
_WEAK_CODECS = {"latin_1", "iso8859-1", "ascii", "cp1252"}  # HTTP defaults more often guessed than meant


def _codec(label: str | bytes | None) -> str | None:
    """A Python codec name for a charset label, or None when it is unknown or not a text encoding."""
    if label is None:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    label = label.strip().strip("\"'").lower()
    if not label:
        return None
    if label in _JAPANESE_CODECS:
        return _JAPANESE_CODECS[label]
    try:
        info = codecs.lookup(label)
        b"".decode(info.name)  # refuses bytes-to-bytes "codecs" such as zlib or hex
    except (LookupError, ValueError, TypeError):
        return None
    return info.name


def _decode_strict(content: bytes, codec: str) -> str | None:
    try:
        return content.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)[\"']", re.I)


def _decode_html(content: bytes, hint: str | None) -> str:
    """Decode a page: BOM, then the HTTP charset (hint), then <meta charset>, then UTF-8.

    Each is tried strictly, in that order. A hint of ISO-8859-1/ASCII/windows-1252 is weak (it is
    what HTTP libraries assume when the server says nothing): it is used only when no <meta> says
    otherwise and the bytes are not UTF-8. When nothing declares an encoding and the bytes are not
    UTF-8, CP932 (Shift_JIS) and EUC-JP are tried, as browsers do for Japanese pages. The last
    resort is UTF-8 with replacement characters.
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if content.startswith(bom):
            return content[len(bom):].decode(codec, "replace")
    hinted = _codec(hint)
    meta_match = _META_CHARSET.search(content[:8192])
    meta = _codec(meta_match.group(1)) if meta_match else None
    if meta and meta.startswith(("utf-16", "utf-32")):
        meta = "utf-8"  # the bytes we could read the <meta> in are ASCII-compatible: it cannot be UTF-16
    candidates: list[str] = []
    if hinted and hinted not in _WEAK_CODECS:
        candidates.append(hinted)
    if meta:
        candidates.append(meta)
    candidates.append("utf-8")
    if hinted in _WEAK_CODECS and not meta:
        candidates.append(hinted)
    if not meta and not hinted:
        candidates += ["cp932", "euc_jp"]  # an undeclared Japanese page, as browsers sniff it
    for codec in dict.fromkeys(candidates):
        text = _decode_strict(content, codec)
        if text is None and codec == "euc_jp":
            text = _decode_strict(content, "euc_jis_2004")
        if text is not None:
            return text
    return content.decode("utf-8", "replace")


def _decode_xml(content: bytes) -> str:
    """Decode an XML document by its BOM or its declaration (Shift_JIS feeds exist); UTF-8 otherwise."""
    if content.startswith(codecs.BOM_UTF8):
        return content[3:].decode("utf-8", "replace")
    if content.startswith(codecs.BOM_UTF16_LE):
        return content[2:].decode("utf-16-le", "replace")
    if content.startswith(codecs.BOM_UTF16_BE):
        return content[2:].decode("utf-16-be", "replace")
    if content.startswith(b"<\x00?\x00"):
        return content.decode("utf-16-le", "replace")
    if content.startswith(b"\x00<\x00?"):
        return content.decode("utf-16-be", "replace")
    match = _XML_ENCODING.match(content[:512])
    codec = (_codec(match.group(1)) if match else None) or "utf-8"
    if codec.startswith(("utf-16", "utf-32")):
        codec = "utf-8"  # no BOM and an ASCII-readable declaration: the label is wrong
    text = _decode_strict(content, codec)
    if text is None and codec != "utf-8":
        text = _decode_strict(content, "utf-8")
    if text is None:
        text = content.decode(codec, "replace")
    return text


# ---------------------------------------------------------------------------------------------
# Safe XML (expat directly, DOCTYPE refused)
# ---------------------------------------------------------------------------------------------


class _Unsafe(Exception):
    pass


class _TooDeep(Exception):
    pass


def _local(tag: str) -> str:
    """`image:loc` or `{ns}loc` → `loc`, lower-cased (tag names are matched case-insensitively)."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


_XML_DECL = re.compile(r"^\s*<\?xml\b[^>]*\?>")


def _parse_xml(content: bytes) -> ET.Element:
    """Parse XML into an Element tree, refusing DOCTYPE/ENTITY, HTML pages and truncated documents."""
    if not content or not content.strip(b" \t\r\n\x00"):
        raise ParseError("empty", "the body is empty")
    if _looks_like_html(content):
        raise ParseError("not_xml", "an HTML page, not XML")
    text = _decode_xml(content).lstrip("\ufeff")
    text = _XML_DECL.sub("", text, count=1)  # already decoded: expat must not re-read the label
    builder = ET.TreeBuilder()
    depth = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > _MAX_XML_DEPTH:
            raise _TooDeep()
        builder.start(tag, attrs)

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(tag)

    def refuse(*_args: Any) -> None:
        raise _Unsafe()

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        try:
            parser.Parse(text, False)
        except expat.ExpatError as exc:
            raise ParseError("not_xml", str(exc)) from None
        try:
            parser.Parse("", True)
        except expat.ExpatError as exc:
            raise ParseError("truncated", str(exc)) from None
    except _Unsafe:
        raise ParseError("unsafe_xml", "DOCTYPE and ENTITY declarations are refused") from None
    except _TooDeep:
        raise ParseError("too_deep", f"elements nested more than {_MAX_XML_DEPTH} deep") from None
    except RecursionError:
        raise ParseError("too_deep", "nesting too deep") from None
    try:
        return builder.close()
    except (AssertionError, ET.ParseError) as exc:  # no root element
        raise ParseError("not_xml", str(exc) or "no root element") from None


def _element_text(element: ET.Element) -> str:
    return "".join(element.itertext())


def _inner_xml(element: ET.Element) -> str:
    """Text and child elements serialised back (an un-CDATA'd XHTML description keeps its tags)."""
    parts = [element.text or ""]
    for child in element:
        parts.append(ET.tostring(child, encoding="unicode"))
    return "".join(parts)


def _children(element: ET.Element) -> dict[str, ET.Element]:
    """First child element for each local name (lower-case)."""
    out: dict[str, ET.Element] = {}
    for child in element:
        if isinstance(child.tag, str):
            out.setdefault(_local(child.tag), child)
    return out


# ---------------------------------------------------------------------------------------------
# 1. schema.org JobPosting in HTML pages (JSON-LD, microdata)
# ---------------------------------------------------------------------------------------------

_SCRIPT_START = re.compile(r"<script\b", re.I)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.I)
_TAG_SPECIAL = re.compile(r"[>=]")
_SPACE_RUN = re.compile(r"\s*")
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_MAX_SCRIPT_EXTENSIONS = 5  # how many later </script> a broken block may be extended to


def _tag_end(text: str, pos: int) -> int | None:
    """Where the tag whose attributes start at ``pos`` ends (the index of its ">").

    As in browsers, a quote opens a value only after "=", and a quoted value runs to its closing
    quote whatever it holds (data-x='a>b'). None when the tag never ends: an unclosed quoted value
    or no ">" swallows the rest of the page, so callers stop there, which keeps every scan linear.
    """
    while True:
        special = _TAG_SPECIAL.search(text, pos)
        if special is None:
            return None
        if special.group() == ">":
            return special.start()
        value = _SPACE_RUN.match(text, special.end()).end()
        if text[value:value + 1] in ("\"", "'"):
            close = text.find(text[value], value + 1)
            if close == -1:
                return None
            pos = close + 1
        else:
            pos = value


def _attributes(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        name = match.group(1).lower()
        value = next((g for g in match.groups()[1:] if g is not None), "")
        out.setdefault(name, html.unescape(value))
    return out


def _is_jsonld(attrs: dict[str, str]) -> bool:
    kind = attrs.get("type", "").split(";", 1)[0].strip().lower()
    return kind == "application/ld+json"


def _jsonld_blocks(text: str) -> Iterator[tuple[Any, str | None]]:
    """(value, None) or (None, error) for each <script type="application/ld+json"> block.

    A browser ends a block at the first </script>, but real pages put a literal </script> inside a
    JSON string: when the first cut is not JSON, the cut is extended to the next </script> (a few
    times). Commented-out blocks (<!-- … -->) are ignored. Every scan is linear in the page size.
    """
    closes = [(m.start(), m.end()) for m in _SCRIPT_CLOSE.finditer(text)]
    close_starts = [start for start, _ in closes]
    pos = 0
    while True:
        script = _SCRIPT_START.search(text, pos)
        if script is None:
            return
        comment = text.find("<!--", pos, script.start())
        if comment != -1:
            end = text.find("-->", comment + 4)
            if end == -1:
                return
            pos = end + 3
            continue
        tag_end = _tag_end(text, script.end())
        if tag_end is None:
            return
        body_start = tag_end + 1
        first = bisect.bisect_left(close_starts, body_start)
        following = closes[first:first + _MAX_SCRIPT_EXTENSIONS]
        if not _is_jsonld(_attributes(text[script.end():tag_end])):
            pos = following[0][1] if following else body_start
            continue
        if not following:  # an unterminated block at the end of the page
            yield _load_json_lenient(_strip_wrappers(text[body_start:]))
            return
        outcome = None
        for start, end in following:
            value, error = _load_json_lenient(_strip_wrappers(text[body_start:start]))
            if error is None:
                outcome, pos = (value, None), end
                break
            if outcome is None:
                outcome, pos = (None, error), end  # report the error of the first (browser's) cut
        yield outcome


_CDATA_OPEN = re.compile(r"^(?:/\*\s*)?(?://\s*)?<!\[CDATA\[(?:\s*\*/)?")
_CDATA_CLOSE = re.compile(r"(?:/\*\s*)?(?://\s*)?\]\](?:>|&gt;)(?:\s*\*/)?$")


def _strip_wrappers(body: str) -> str:
    """A block's JSON without a BOM and the <!-- --> or //<![CDATA[ … //]]> some CMSes wrap it in."""
    body = body.replace("\ufeff", "").strip()
    if body.startswith("<!--"):
        body = body[4:]
        if body.rstrip().endswith("-->"):
            body = body.rstrip()[:-3]
        body = body.strip()
    opening = _CDATA_OPEN.match(body)
    if opening:
        body = body[opening.end():]
        closing = _CDATA_CLOSE.search(body[-64:])
        if closing:
            body = body[:len(body) - len(body[-64:]) + closing.start()]
    return body.strip()


# A string (an unterminated one runs to the end, so the scan stays linear) or a trailing comma.
_STRING_OR_TRAILING_COMMA = re.compile(r'("(?:[^"\\]++|\\.)*+(?:"|\\?\Z))|,(\s*+[}\]])', re.S)


def _without_trailing_commas(text: str) -> str:
    """Remove commas directly before } or ] (strings are matched whole, so theirs stay)."""
    return _STRING_OR_TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), text)


def _load_json_lenient(body: str) -> tuple[Any, str | None]:
    """(value, None) or (None, error). Strict first; then control characters allowed and trailing
    commas removed."""
    try:
        return json.loads(body), None
    except RecursionError:
        return None, "nested too deeply"
    except ValueError as exc:
        first_error = str(exc)
    try:
        return json.loads(_without_trailing_commas(body), strict=False), None
    except RecursionError:
        return None, "nested too deeply"
    except ValueError:
        return None, first_error


def _type_names(node: dict) -> list[str]:
    kinds = node.get("@type")
    if kinds is None:
        return []
    if not isinstance(kinds, list):
        kinds = [kinds]
    names = []
    for kind in kinds:
        if isinstance(kind, str):
            names.append(re.split(r"[/#:]", kind.strip())[-1].lower())
    return names


def _find_postings(node: Any, out: list[dict], depth: int = 0) -> None:
    """JobPosting objects at top level, in arrays, in @graph or nested (mainEntity, itemListElement)."""
    if depth > _MAX_DEPTH or len(out) >= 1000:
        return
    if isinstance(node, list):
        for element in node:
            _find_postings(element, out, depth + 1)
    elif isinstance(node, dict):
        if "jobposting" in _type_names(node):
            out.append(node)
            return
        for value in node.values():
            if isinstance(value, (dict, list)):
                _find_postings(value, out, depth + 1)


_JAPAN = {"jp", "jpn", "japan", "日本", "日本国", "nippon", "nihon"}


def _country_text(address: Any) -> str | None:
    if not isinstance(address, dict):
        return None
    return _unescape(_first_text(address.get("addressCountry")))


def _pick_location(value: Any) -> tuple[Any, Any]:
    """(place, address) for the first location in Japan; else the first without a country; else the
    first one at all."""
    pairs = _all_locations(value)
    if not pairs:
        return None, None
    for pair in pairs:
        country = _country_text(pair[1])
        if country and country.lower() in _JAPAN:
            return pair
    for pair in pairs:
        if not _country_text(pair[1]):
            return pair
    return pairs[0]


def _all_locations(value: Any) -> list[tuple[Any, Any]]:
    """(place, address) for every jobLocation, in order."""
    pairs = []
    for place in (value if isinstance(value, list) else [value])[:100]:
        if isinstance(place, str):
            pairs.append((place, place))
        elif isinstance(place, dict):
            address = _first(place.get("address"))
            if address is None and any(k in place for k in ("addressRegion", "addressLocality",
                                                             "addressCountry", "streetAddress")):
                address = place  # a PostalAddress given directly as jobLocation
            pairs.append((place, address))
    return pairs


def _location_fields(place: Any, address: Any) -> dict[str, str | None]:
    """The RawItem location fields of one jobLocation (empty when it says nothing)."""
    fields: dict[str, str | None] = {}
    if isinstance(address, dict):
        fields = {
            "address_region": _unescape(_first_text(address.get("addressRegion"))),
            "address_locality": _unescape(_first_text(address.get("addressLocality"))),
            "street_address": _unescape(_first_text(address.get("streetAddress"))),
            "postal_code": _unescape(_first_text(address.get("postalCode"))),
            "address_country": _country_text(address),
        }
    elif isinstance(address, str):
        fields = {"address": _unescape(address)}
    if isinstance(place, dict) and address is None:
        fields["address"] = _unescape(_first_text(place.get("name")))
    return {name: value for name, value in fields.items() if value}


def _applicants_in_japan(value: Any) -> bool:
    """applicantLocationRequirements naming Japan as a whole (a remote job open to anyone in Japan)."""
    for requirement in (value if isinstance(value, list) else [value])[:20]:
        name = _text(requirement.get("name")) if isinstance(requirement, dict) else _text(requirement)
        if name and name.strip().lower() in _JAPAN:
            return True
    return False


def _salary(value: Any) -> tuple[float | None, float | None, str | None, str | None, str | None]:
    """(min, max, unit, currency, text) from a MonetaryAmount, a number or a string."""
    value = _first(value)
    lo = hi = None
    unit = currency = text = None

    def amount(v: Any) -> None:
        nonlocal lo, hi, text
        number = _to_float(v)
        if number is not None:
            lo = hi = number
        elif isinstance(v, str) and v.strip():
            text = _unescape(v)

    if isinstance(value, dict):
        currency = _unescape(_first_text(value.get("currency")))
        unit = _unescape(_first_text(value.get("unitText")))
        inner = _first(value.get("value"))
        ranges = value if ("minValue" in value or "maxValue" in value) else None
        if isinstance(inner, dict):
            unit = _unescape(_first_text(inner.get("unitText"))) or unit
            amount(inner.get("value"))
            ranges = inner
        else:
            amount(inner)
        if ranges is not None:
            low = _to_float(ranges.get("minValue"))
            high = _to_float(ranges.get("maxValue"))
            if low is not None or high is not None:
                lo, hi = low, high
    else:
        amount(value)
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return lo, hi, unit, currency, text


def _requirement_lines(value: Any, depth: int = 0) -> list[str]:
    if value is None or depth > 8:
        return []
    if isinstance(value, list):
        lines: list[str] = []
        for element in value[:200]:
            lines.extend(_requirement_lines(element, depth + 1))
        return lines
    if isinstance(value, dict):
        for key in ("description", "name", "credentialCategory", "text", "@value", "value"):
            found = _text(value.get(key))
            if found:
                return [found]
        months = _to_float(value.get("monthsOfExperience"))
        if months is not None:
            return [f"{_number_text(months)} months of experience"]
        return []
    found = _text(value)
    return [found] if found else []


def _category(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        for key in ("codeValue", "termCode", "name", "@value", "value"):
            found = _text(value.get(key))
            if found:
                return _unescape(found)
        return None
    return _unescape(_text(value))


def _language(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        return _unescape(_text(value.get("alternateName")) or _text(value.get("name")))
    return _unescape(_text(value))


def _apply_url(posting: dict, job_url: str | None) -> str | None:
    direct = posting.get("directApply")
    if isinstance(direct, str):  # a boolean by the schema, but some sites put the apply URL there
        if direct.strip().lower().startswith(("http://", "https://")):
            return _http_url(direct)
        direct = direct.strip().lower() == "true"
    if direct is True:
        return job_url
    actions = posting.get("potentialAction")
    for action in actions if isinstance(actions, list) else [actions]:
        if isinstance(action, dict) and "applyaction" in _type_names(action):
            target = _first(action.get("target"))
            if isinstance(target, dict):
                target = target.get("urlTemplate") or target.get("url")
            url = _http_url(_text(target), job_url)
            if url:
                return url
    return None


def _posting_to_item(posting: dict, page_url: str, index: int, count: int) -> RawItem | Skip:
    own_url = _http_url(_first_text(posting.get("url")), page_url or None)
    job_url = own_url or _http_url(page_url) or page_url or None
    identifier = _unescape(_first_text(posting.get("identifier")))
    if identifier is None:
        if own_url:
            identifier = own_url
        elif page_url:
            identifier = page_url if count == 1 else f"{page_url}#job-{index + 1}"
    title = _unescape(_first_text(posting.get("title"))) or _unescape(_first_text(posting.get("name")))
    if title is None:
        return Skip("missing_title", f"JobPosting {index + 1} on the page has no title",
                    external_id=identifier, url=job_url)
    item = RawItem(external_id=identifier, url=job_url, title=title)
    description = posting.get("description")
    item.description = _html_text(_text(description, join="\n"))

    organisation = _first(posting.get("hiringOrganization"))
    if isinstance(organisation, dict):
        item.employer = _unescape(_first_text(organisation.get("name")))
        item.employer_url = _http_url(_first_text(organisation.get("sameAs")), job_url) or _http_url(
            _first_text(organisation.get("url")), job_url)
    else:
        item.employer = _unescape(_text(organisation))

    place, address = _pick_location(posting.get("jobLocation"))
    primary = _location_fields(place, address)
    for name, value in primary.items():
        setattr(item, name, value)
    item.more_locations = [fields for other in _all_locations(posting.get("jobLocation"))
                           if other != (place, address) and (fields := _location_fields(*other))]
    kinds = _text(posting.get("jobLocationType")) or ""
    item.remote = "telecommute" in kinds.lower()
    item.nationwide = _applicants_in_japan(posting.get("applicantLocationRequirements"))

    lo, hi, unit, currency, text = _salary(posting.get("baseSalary"))
    item.salary_min, item.salary_max, item.salary_unit = lo, hi, unit
    item.salary_currency, item.salary_text = currency, text

    item.employment_type = _split_types(posting.get("employmentType"))
    item.date_posted = _clean_date(posting.get("datePosted"))
    item.valid_through = _clean_date(posting.get("validThrough"))
    item.occupational_category = _category(posting.get("occupationalCategory"))
    lines: list[str] = []
    for key in ("qualifications", "experienceRequirements", "educationRequirements", "skills",
                "eligibilityToWorkRequirement"):
        for line in _requirement_lines(posting.get(key)):
            _append_unique(lines, _html_text(line))
    item.requirements = "\n".join(lines) or None
    item.language = _language(posting.get("inLanguage"))
    item.apply_url = _apply_url(posting, job_url)
    return item


_RAW_TEXT = {name: re.compile(rf"</{name}\s*>", re.I) for name in ("script", "style", "textarea", "title")}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_-]*)")


def _html_tokens(text: str) -> Iterator[tuple]:
    """("start", tag, attrs, self_closing) / ("end", tag) / ("text", data) for an HTML page.

    A small tolerant tokenizer, linear even on garbage (html.parser is quadratic on thousands of
    unclosed "<script " and the like). Script and style content is skipped.
    """
    pos, size = 0, len(text)
    while pos < size:
        lt = text.find("<", pos)
        if lt == -1:
            yield ("text", html.unescape(text[pos:]))
            return
        if lt > pos:
            yield ("text", html.unescape(text[pos:lt]))
        if text.startswith("<!--", lt):
            end = text.find("-->", lt + 4)
            if end == -1:
                return
            pos = end + 3
            continue
        if text.startswith(("<!", "<?"), lt):
            end = text.find(">", lt)
            if end == -1:
                return
            pos = end + 1
            continue
        name = _TAG.match(text, lt)
        if name is None:
            yield ("text", "<")
            pos = lt + 1
            continue
        tag_end = _tag_end(text, name.end())
        if tag_end is None:
            return
        tag = name.group(2).lower()
        pos = tag_end + 1
        if name.group(1):
            yield ("end", tag)
            continue
        raw = text[name.end():tag_end]
        self_closing = raw.rstrip().endswith("/")
        yield ("start", tag, _attributes(raw), self_closing)
        if tag in _RAW_TEXT and not self_closing:
            close = _RAW_TEXT[tag].search(text, pos)
            if tag in ("textarea", "title"):
                yield ("text", html.unescape(text[pos:close.start() if close else size]))
            yield ("end", tag)
            pos = close.end() if close else size


class _Microdata:
    """Basic microdata: itemscope/itemtype/itemprop into JSON-LD-like dicts."""

    _VOID = frozenset("area base br col embed hr img input link meta source track wbr param".split())
    _URL_ATTR = {"a": "href", "area": "href", "link": "href", "img": "src", "audio": "src",
                 "video": "src", "source": "src", "iframe": "src", "embed": "src", "track": "src",
                 "object": "data"}
    _MAX_STACK = 1000
    _END_TAG_LOOKBACK = 64  # an end tag closes an element at most this far up (unclosed <p>, <li>…)

    def __init__(self) -> None:
        self.items: list[dict] = []
        # Each open element: (tag, the item in scope inside it, text capture or None).
        self._stack: list[tuple[str, dict | None, tuple | None]] = []
        self._text: list[str] = []

    def parse(self, text: str) -> list[dict]:
        for token in _html_tokens(text):
            if token[0] == "start":
                self._start(token[1], token[2], token[3] or token[1] in self._VOID)
            elif token[0] == "end":
                self._end(token[1])
            elif token[1]:
                self._text.append(token[1])
        while self._stack:
            self._close(self._stack.pop())
        return self.items

    def _start(self, tag: str, attrs: dict[str, str], void: bool) -> None:
        props = attrs.get("itemprop", "").split()
        parent = self._stack[-1][1] if self._stack else None
        scope = parent
        capture = None
        if "itemscope" in attrs:
            scope = {"@type": attrs.get("itemtype", "").split() or None}
            if props and parent is not None:
                for prop in props:
                    parent.setdefault(prop, []).append(scope)
            elif len(self.items) < 1000:
                self.items.append(scope)
        elif props and parent is not None:
            value = None
            if tag == "meta":
                value = attrs.get("content")
            elif tag in self._URL_ATTR:
                value = attrs.get(self._URL_ATTR[tag])
            elif tag in ("data", "meter"):
                value = attrs.get("value")
            elif tag == "time" and "datetime" in attrs:
                value = attrs["datetime"]
            if value is not None:
                for prop in props:
                    parent.setdefault(prop, []).append(value)
            elif not void:
                capture = (parent, props, len(self._text))
        if not void and len(self._stack) < self._MAX_STACK:
            self._stack.append((tag, scope, capture))

    def _end(self, tag: str) -> None:
        lowest = max(0, len(self._stack) - self._END_TAG_LOOKBACK)
        for i in range(len(self._stack) - 1, lowest - 1, -1):
            if self._stack[i][0] == tag:
                while len(self._stack) > i:
                    self._close(self._stack.pop())
                return

    def _close(self, entry: tuple[str, dict | None, tuple | None]) -> None:
        capture = entry[2]
        if capture is not None:
            parent, props, start = capture
            value = _clean("".join(self._text[start:])) or ""
            for prop in props:
                parent.setdefault(prop, []).append(value)


def _flatten_microdata(node: Any, depth: int = 0) -> Any:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, list):
        values = [_flatten_microdata(v, depth + 1) for v in node]
        return values[0] if len(values) == 1 else values
    if isinstance(node, dict):
        return {k: _flatten_microdata(v, depth + 1) for k, v in node.items()}
    return node


_MICRODATA_JOB = re.compile(r"itemtype\s*=\s*[\"']?[^\"'>\s]*JobPosting", re.I)


def _microdata_postings(text: str) -> list[dict]:
    if not _MICRODATA_JOB.search(text):
        return []
    flat = [_flatten_microdata(item) for item in _Microdata().parse(text)]
    postings: list[dict] = []
    _find_postings(flat, postings)
    return postings


def parse_jsonld_page(content: bytes, url: str, encoding_hint: str | None = None) -> ParseResult:
    """Every schema.org JobPosting on an HTML page (JSON-LD; microdata when there is no JSON-LD one).

    ``url`` is the page's address (relative URLs are resolved against it; it is the posting's url,
    and its id when the posting has no identifier). ``encoding_hint`` is the HTTP charset, if any.
    A page without any JobPosting gives an empty result; a JSON-LD block that is not JSON even after
    a lenient second pass (trailing commas removed, raw control characters allowed) is a
    Skip("invalid_json") and the other blocks are still read. A body that is itself JSON is read
    as one JSON-LD document.
    """
    content = bytes(content or b"")
    if not content.strip(b" \t\r\n\x00"):
        raise ParseError("empty", "the body is empty")
    text = _decode_html(content, encoding_hint)
    result = ParseResult()
    postings: list[dict] = []
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        value, error = _load_json_lenient(stripped)
        if error is not None:
            raise ParseError("invalid_json", error)
        _find_postings(value, postings)
    else:
        for number, (value, error) in enumerate(_jsonld_blocks(text), start=1):
            if error is not None:
                result.skipped.append(Skip("invalid_json", f"JSON-LD block {number}: {error}", url=url))
            else:
                _find_postings(value, postings)
        if not postings:
            postings = _microdata_postings(text)
    for index, posting in enumerate(postings):
        try:
            made = _posting_to_item(posting, url, index, len(postings))
        except RecursionError:
            made = Skip("too_deep", f"JobPosting {index + 1} is nested too deeply", url=url)
        if isinstance(made, Skip):
            result.skipped.append(made)
        else:
            result.items.append(made)
    return _drop_duplicates(result)


# ---------------------------------------------------------------------------------------------
# 2. Sitemaps
# ---------------------------------------------------------------------------------------------


def _gunzip(content: bytes) -> bytes:
    decompressor = zlib.decompressobj(wbits=47)  # gzip or zlib header
    try:
        data = decompressor.decompress(content, _MAX_DECOMPRESSED)
    except zlib.error as exc:
        raise ParseError("not_xml", f"broken gzip: {exc}") from None
    if decompressor.unconsumed_tail:
        raise ParseError("too_large", f"a gzipped sitemap may not expand beyond {_MAX_DECOMPRESSED} bytes")
    return data


def parse_sitemap(content: bytes) -> tuple[ParseResult, list[str]]:
    """(job page links with their <lastmod>, child sitemap URLs).

    A ``<urlset>`` fills ``links`` and ``lastmod`` (link → lastmod as given); a ``<sitemapindex>``
    gives the child sitemaps to fetch next in the second value. Gzipped sitemaps are accepted. A
    ``<url>`` without an http(s) ``<loc>`` is a Skip. A root other than these two is
    ParseError("not_a_sitemap").
    """
    content = bytes(content or b"")
    if content.startswith(b"\x1f\x8b"):
        content = _gunzip(content)
    root = _parse_xml(content)
    result = ParseResult()
    children: list[str] = []
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError("not_a_sitemap", f"root element <{kind}>")
    entry_name = "url" if kind == "urlset" else "sitemap"
    number = 0
    for entry in root:
        if not isinstance(entry.tag, str) or _local(entry.tag) != entry_name:
            continue
        number += 1
        fields = _children(entry)
        loc_text = _clean(_element_text(fields["loc"])) if "loc" in fields else None
        loc = _http_url(loc_text)
        if loc is None:
            reason = "missing_loc" if not loc_text else "invalid_url"
            result.skipped.append(Skip(reason, f"<{entry_name}> {number}: {loc_text or 'no <loc>'}"))
            continue
        if kind == "sitemapindex":
            _append_unique(children, loc)
            continue
        if loc in result.links:
            continue
        result.links.append(loc)
        lastmod = _clean(_element_text(fields["lastmod"])) if "lastmod" in fields else None
        if lastmod:
            result.lastmod[loc] = lastmod
    return result, children


# ---------------------------------------------------------------------------------------------
# 3. Indeed-style XML
# ---------------------------------------------------------------------------------------------


def parse_indeed_xml(content: bytes) -> ParseResult:
    """Jobs from an Indeed-style ``<source><job>…</job></source>`` feed (tag names in any case).

    ``referencenumber`` is the id (a job without one is Skip("missing_id")); ``salary`` is free
    text; ``jobtype`` is split on commas; ``education`` and ``experience`` become requirements.
    The encoding comes from the BOM or the XML declaration (Shift_JIS feeds exist).
    """
    root = _parse_xml(bytes(content or b""))
    jobs = [el for el in root.iter() if isinstance(el.tag, str) and _local(el.tag) == "job"]
    if not jobs and _local(root.tag) not in ("source", "jobs"):
        raise ParseError("not_a_job_feed", f"root element <{_local(root.tag)}> and no <job>")
    result = ParseResult()
    for number, job in enumerate(jobs, start=1):
        fields = _children(job)

        def get(name: str) -> str | None:
            element = fields.get(name)
            return _clean(_element_text(element)) if element is not None else None

        external_id = get("referencenumber")
        title = _unescape(get("title"))
        url = _http_url(get("url"))
        if not external_id:
            result.skipped.append(Skip("missing_id", f"job {number} ({title or 'no title'}) has no "
                                       "<referencenumber>", url=url))
            continue
        if not title:
            result.skipped.append(Skip("missing_title", f"job {number} has no <title>",
                                       external_id=external_id, url=url))
            continue
        description = None
        if "description" in fields:
            element = fields["description"]
            description = _html_text(_inner_xml(element) if len(element) else element.text)
        lines = []
        for name, label in (("education", "Education"), ("experience", "Experience")):
            value = get(name)
            if value:
                lines.append(f"{label}: {value}")
        result.items.append(RawItem(
            external_id=external_id,
            url=url,
            title=title,
            description=description,
            employer=_unescape(get("company")),
            employer_url=_http_url(get("companyurl") or get("company_url")),
            address_region=_unescape(get("state")),
            address_locality=_unescape(get("city")),
            street_address=_unescape(get("streetaddress")),
            postal_code=_unescape(get("postalcode")),
            address_country=_unescape(get("country")),
            salary_text=_unescape(get("salary")),
            employment_type=_split_types(get("jobtype")),
            date_posted=_clean_date(get("date")),
            valid_through=_clean_date(get("expirationdate") or get("expiration_date")),
            occupational_category=_unescape(get("category")),
            requirements="\n".join(lines) or None,
            apply_url=_http_url(get("applyurl") or get("apply_url")),
        ))
    return _drop_duplicates(result)


# ---------------------------------------------------------------------------------------------
# 4. RSS / Atom
# ---------------------------------------------------------------------------------------------


_SKIP_SPACE = re.compile(r"[\s\ufeff]*")
_NAME = re.compile(r"<([A-Za-z_][\w:.-]*)")


def _prolog(text: str) -> tuple[int, str | None]:
    """(where the root element starts, the DOCTYPE declaration if there is one)."""
    pos, doctype, size = 0, None, len(text)
    while True:
        pos = _SKIP_SPACE.match(text, pos).end()
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
            pos = size if end == -1 else end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            pos = size if end == -1 else end + 3
        elif text[pos:pos + 9].upper() == "<!DOCTYPE":
            close = text.find(">", pos)
            bracket = text.find("[", pos)
            if bracket != -1 and (close == -1 or bracket < close):
                subset_end = text.find("]", bracket)
                close = -1 if subset_end == -1 else text.find(">", subset_end)
            end = size if close == -1 else close + 1
            doctype, pos = text[pos:end], end
        else:
            return min(pos, size), doctype


def _feed_is_unsafe(text: str) -> bool:
    """A DOCTYPE with an internal subset, or an ENTITY declaration, in a feed's prolog."""
    root, doctype = _prolog(text)
    if text[root:root + 8].upper() == "<!ENTITY":
        return True
    return doctype is not None and ("[" in doctype or "<!ENTITY" in doctype.upper())


def _feed_is_truncated(text: str) -> bool:
    """The root element is never closed (feedparser would return the first half without complaint)."""
    root, _ = _prolog(text)
    name = _NAME.match(text, root)
    if name is None:
        return False
    return re.search(rf"</{re.escape(name.group(1))}\s*>", text[root:]) is None


def parse_feed(content: bytes) -> ParseResult:
    """Items of an RSS or Atom feed, each also put in ``links`` (follow it for JSON-LD and prefer that).

    An HTML page or a body that is not a feed is ParseError("not_a_feed"); a feed cut short is
    ParseError("truncated") (feedparser would otherwise return the first half without complaint).
    """
    content = bytes(content or b"")
    if not content.strip(b" \t\r\n\x00"):
        raise ParseError("empty", "the body is empty")
    if _looks_like_html(content):
        raise ParseError("not_a_feed", "an HTML page, not a feed")
    text = _decode_xml(content)
    if _feed_is_unsafe(text):
        raise ParseError("unsafe_xml", "DOCTYPE internal subsets and ENTITY declarations are refused")
    try:
        # A stream, never bytes: feedparser would try to open bytes as a local file name.
        parsed = feedparser.parse(io.BytesIO(content), sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 - feedparser's loose parser can fail in many ways
        raise ParseError("not_a_feed", f"{type(exc).__name__}: {exc}") from None
    version = parsed.get("version") or ""
    if not version:
        problem = parsed.get("bozo_exception")
        raise ParseError("not_a_feed", str(problem) if problem else "no RSS or Atom found")
    if parsed.get("bozo") and _feed_is_truncated(text):
        raise ParseError("truncated", str(parsed.get("bozo_exception") or "the feed ends early"))
    result = ParseResult()
    for number, entry in enumerate(parsed.get("entries") or [], start=1):
        link = _http_url(entry.get("link"))
        if link is None:
            for candidate in entry.get("links") or []:
                if candidate.get("rel", "alternate") == "alternate":
                    link = _http_url(candidate.get("href"))
                    if link:
                        break
        title = _clean(entry.get("title"))
        external_id = _clean(entry.get("id")) or link
        if not external_id:
            result.skipped.append(Skip("missing_id", f"entry {number} ({title or 'no title'}) has no "
                                       "id or link"))
            continue
        if not title:
            result.skipped.append(Skip("missing_title", f"entry {number} has no title",
                                       external_id=external_id, url=link))
            continue
        description = None
        for part in entry.get("content") or []:
            if part.get("value"):
                description = part["value"]
                break
        if description is None:
            description = entry.get("summary")
        tags = [t.get("term") for t in entry.get("tags") or [] if t.get("term")]
        result.items.append(RawItem(
            external_id=external_id,
            url=link,
            title=title,
            description=_html_text(description),
            date_posted=_clean_date(entry.get("published") or entry.get("updated")),
            occupational_category=_clean(tags[0]) if tags else None,
            language=_clean((entry.get("title_detail") or {}).get("language")),
        ))
        _append_unique(result.links, link)
    return _drop_duplicates(result)


# ---------------------------------------------------------------------------------------------
# 5. JSON APIs with a field mapping
# ---------------------------------------------------------------------------------------------

_PATH_SEGMENT = re.compile(r"^([^\[\]]*)((?:\[\d+\])*)$")
_NUMERIC_FIELDS = {"salary_min", "salary_max"}


def _parse_path(path: str) -> list[str | int] | None:
    """`locations[0].city` → ['locations', 0, 'city']; None when it is not a valid path."""
    if not isinstance(path, str) or not path.strip():
        return None
    steps: list[str | int] = []
    for segment in path.strip().split("."):
        match = _PATH_SEGMENT.match(segment)
        if match is None:
            return None
        key, indexes = match.groups()
        if not key and not indexes:
            return None
        if key:
            steps.append(key)
        steps.extend(int(i) for i in re.findall(r"\[(\d+)\]", indexes))
    return steps


def _follow(value: Any, steps: list[str | int]) -> Any:
    for step in steps:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return None
            value = value[step]
        else:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
        if value is None:
            return None
    return value


def validate_mapping(mapping: Any) -> list[str]:
    """Problems with a JSON API mapping (empty list when it is fine).

    Keys: ``items`` (path to the list of jobs; the document itself when absent), any RawItem field
    name, or an alias from MAPPING_ALIASES (id, location, prefecture, city, japanese, currency).
    Values: dotted paths, with ``[n]`` list indexes (``locations[0].city``). An id and a title are
    required.
    """
    if not isinstance(mapping, dict):
        return ["the mapping must be an object of field → path"]
    problems: list[str] = []
    targets: dict[str, str] = {}
    for key, path in mapping.items():
        if not isinstance(key, str):
            problems.append(f"key {key!r} is not a string")
            continue
        if key != "items":
            target = MAPPING_ALIASES.get(key, key)
            if target not in _RAW_FIELDS:
                problems.append(f"unknown key {key!r}")
                continue
            if target in targets:
                problems.append(f"{key!r} and {targets[target]!r} both set {target}")
            targets[target] = key
        if not isinstance(path, str):
            problems.append(f"the path for {key!r} is not a string: {path!r}")
        elif _parse_path(path) is None:
            problems.append(f"the path for {key!r} is not a valid path: {path!r}")
    if "external_id" not in targets:
        problems.append("no path for the id ('id' or 'external_id')")
    if "title" not in targets:
        problems.append("no path for 'title'")
    return problems


def _api_item(values: dict[str, Any]) -> RawItem:
    item = RawItem()
    for name, value in values.items():
        if name in _NUMERIC_FIELDS:
            setattr(item, name, _to_float(value))
        elif name == "employment_type":
            item.employment_type = _split_types(value)
        elif name in ("description", "requirements"):
            setattr(item, name, _html_text(_text(value, dump=True, join="\n")))
        elif name in ("date_posted", "valid_through"):
            setattr(item, name, _clean_date(value))
        elif name in ("url", "apply_url", "employer_url"):
            setattr(item, name, _http_url(_text(value)))
        else:
            setattr(item, name, _clean(_text(value, dump=True)))
    if item.salary_text is None:  # "25万" in a min/max field is still worth keeping as text
        words = [v for n in ("salary_min", "salary_max") if isinstance(v := values.get(n), str)
                 and v.strip() and _to_float(v) is None]
        item.salary_text = _clean(" - ".join(words)) if words else None
    return item


def parse_json_api(content: bytes, mapping: dict) -> ParseResult:
    """Jobs from a JSON API: ``mapping`` says where each RawItem field is (see validate_mapping).

    A missing path gives None; objects and lists are stringified (an object by its value/name, else
    as compact JSON). A bad mapping is ParseError("invalid_mapping"); a body that is not JSON is
    ParseError("invalid_json"); an ``items`` path that does not lead to a list is
    ParseError("items_not_a_list").
    """
    problems = validate_mapping(mapping)
    if problems:
        raise ParseError("invalid_mapping", "; ".join(problems))
    content = bytes(content or b"")
    if not content.strip(b" \t\r\n\x00"):
        raise ParseError("empty", "the body is empty")
    if _looks_like_html(content):
        raise ParseError("invalid_json", "an HTML page, not JSON")
    try:
        document = json.loads(content)
    except RecursionError:
        raise ParseError("invalid_json", "nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise ParseError("encoding", str(exc)) from None
    except ValueError as exc:
        raise ParseError("invalid_json", str(exc)) from None
    items_path = mapping.get("items")
    entries = _follow(document, _parse_path(items_path) or []) if items_path else document
    if not isinstance(entries, list):
        raise ParseError("items_not_a_list", f"{items_path or 'the document'} is "
                         f"{type(entries).__name__ if entries is not None else 'missing'}")
    paths = {MAPPING_ALIASES.get(k, k): _parse_path(v) for k, v in mapping.items() if k != "items"}
    result = ParseResult()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            result.skipped.append(Skip("not_an_object", f"item {number} is {type(entry).__name__}"))
            continue
        item = _api_item({name: _follow(entry, steps or []) for name, steps in paths.items()})
        if not item.external_id:
            result.skipped.append(Skip("missing_id", f"item {number} ({item.title or 'no title'}) has no id",
                                       url=item.url))
        elif not item.title:
            result.skipped.append(Skip("missing_title", f"item {number} has no title",
                                       external_id=item.external_id, url=item.url))
        else:
            result.items.append(item)
    return _drop_duplicates(result)


# ---------------------------------------------------------------------------------------------
# 6. Staff CSV uploads
# ---------------------------------------------------------------------------------------------

def _csv_header(name: str) -> str:
    name = unicodedata.normalize("NFKC", name.replace("\ufeff", "")).strip().lower()
    return re.sub(r"[\s\-]+", "_", name)


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, fields); the header is row 1."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    row_number = 0
    for fields in reader:
        row_number += 1
        yield row_number, fields


def parse_csv(content: bytes) -> ParseResult:
    """Jobs from a staff-uploaded CSV with the columns of CSV_COLUMNS (see the module docstring).

    UTF-8 (with or without BOM) is tried first, then CP932 (Shift_JIS as Excel writes it);
    anything else is ParseError("encoding"). A header without ``id`` and ``title`` is
    ParseError("missing_columns"). A row without id or title is a Skip naming its row number (the
    header is row 1); blank rows are passed over; a row with too few or too many fields is still
    read by the header's positions.
    """
    content = bytes(content or b"")
    if not content.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise ParseError("empty", "the file is empty")
    text = None
    for codec in ("utf-8-sig", "cp932"):
        try:
            text = content.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ParseError("encoding", "the file is neither UTF-8 nor Shift_JIS (CP932)")
    if "\x00" in text:
        raise ParseError("encoding", "the file contains NUL bytes (UTF-16 or not a CSV)")
    result = ParseResult()
    try:
        rows = _csv_rows(text)
        header_row = next(rows, None)
        if header_row is None:
            raise ParseError("missing_header", "the file has no header row")
        header: dict[str, int] = {}
        for position, name in enumerate(header_row[1]):
            header.setdefault(_csv_header(name), position)
        missing = [name for name in ("id", "title") if name not in header]
        if missing:
            raise ParseError("missing_columns", f"the header has no {', '.join(missing)} column "
                             f"(columns: {', '.join(CSV_COLUMNS)})")
        for row_number, fields in rows:
            if not any(f.strip() for f in fields):
                continue

            def cell(name: str) -> str | None:
                position = header.get(name)
                if position is None or position >= len(fields):
                    return None
                return fields[position].strip() or None

            external_id = _clean(cell("id"))
            title = _clean(cell("title"))
            if not external_id or not title:
                missing = "id" if not external_id else "title"
                result.skipped.append(Skip(f"missing_{missing}", f"row {row_number}: {missing} is empty",
                                           external_id=external_id))
                continue
            salary_text = _clean(cell("salary"))
            bounds = []
            for name in ("salary_min", "salary_max"):
                raw = cell(name)
                value = _to_float(raw)
                if value is None and raw and not salary_text:
                    salary_text = _clean(raw)
                bounds.append(value)
            result.items.append(RawItem(
                external_id=external_id,
                url=_http_url(cell("url")),
                title=title,
                description=cell("description"),
                employer=_clean(cell("employer")),
                address_region=_clean(cell("prefecture")),
                address_locality=_clean(cell("city")),
                address=_clean(cell("address")),
                postal_code=_clean(cell("postal_code")),
                address_country="JP",  # the upload is for jobs in Japan only
                salary_min=bounds[0],
                salary_max=bounds[1],
                salary_unit=_clean(cell("salary_unit")),
                salary_text=salary_text,
                employment_type=_split_types(cell("employment_type")),
                date_posted=_clean_date(cell("date_posted")),
                valid_through=_clean_date(cell("valid_through")),
                occupational_category=_clean(cell("occupation")),
                requirements=_clean(cell("visa")),
                japanese_text=_clean(cell("japanese_level")),
                apply_url=_http_url(cell("apply_url")),
            ))
    except csv.Error as exc:  # e.g. a cell beyond csv.field_size_limit() (128 KiB)
        raise ParseError("invalid_csv", str(exc)) from None
    return _drop_duplicates(result)
