"""Job pages that give no JSON-LD, read through a CSS-selector mapping kept per source.

A pure core (no Flask, no SQLAlchemy, no network): bytes of one page in, a ParseResult out. The
HTML is parsed by selectolax (the Lexbor engine: a browser-grade HTML5 parser in C, small, with CSS
selectors built in), so broken real-world markup is read as a browser reads it.

A mapping is JSON that staff write on the import-source form, like the JSON API's field mapping:

    {"links": "ul.jobs a.detail",                 (a list page: each link is one job's page)
     "title": "h1", "description": ".job-body", "employer": "=株式会社サンプル",
     "location": "dd.place", "salary_text": "dd.pay", "id": "@data-job-id"}

* Exactly one of ``items`` (each element matching it on the page is one job) or ``links`` (anchors
  on the page leading to job pages; the fields are then read on each job page) must be given.
* A field's value is a CSS selector inside the job (``h1``), a selector and an attribute
  (``a.apply@href``), an attribute of the job element itself (``@data-id``), or fixed text after
  ``=`` (``=株式会社サンプル``, for an employer's own careers site).
* Keys: any RawItem field or an alias of parsers.MAPPING_ALIASES (id, location, prefecture, city…).
  ``title`` is required, and ``id`` or ``url`` when jobs are ``items`` of one page; a job page
  found through ``links`` is identified by its address when no id is mapped.
* description and requirements keep their HTML (sanitised later); other fields are text. Several
  matches of ``location``/``address`` are several workplaces.

An item without a title or an id is skipped with its reason (``missing_title``, ``missing_id``);
a page that is not HTML, or a mapping that is not valid, is a ParseError for the whole fetch.
"""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from portal.feeds import parsers
from portal.feeds.types import ParseResult, RawItem, Skip

__all__ = ["parse_html_page", "validate_html_mapping"]

_STRUCTURE_KEYS = ("items", "links")
_HTML_FIELDS = ("description", "requirements")
_LOCATION_FIELDS = ("address", "address_region", "address_locality")
_ATTRIBUTE = re.compile(r"^(?P<selector>[^@]*)@(?P<attribute>[A-Za-z_:][-A-Za-z0-9_:.]*)$")
_MAX_ITEMS = 5000
_MAX_MATCHES = 50  # values read for one field of one job (several workplaces, paragraphs)


def _valid_selector(selector: str) -> bool:
    try:
        LexborHTMLParser("<p></p>").css(selector)
    except (SelectolaxError, ValueError, TypeError):
        return False
    return True


def _split(spec: str) -> tuple[str, str | None]:
    """A field's spec as (selector, attribute or None): `a@href`, `@data-id`, `h1`."""
    match = _ATTRIBUTE.match(spec.strip())
    if match:
        return match.group("selector").strip(), match.group("attribute").lower()
    return spec.strip(), None


def validate_html_mapping(mapping: Any) -> list[str]:
    """Problems with a CSS-selector mapping (empty list when it is fine)."""
    if not isinstance(mapping, dict):
        return ["the mapping must be an object of field → CSS selector"]
    problems: list[str] = []
    targets: dict[str, str] = {}
    structure = [key for key in _STRUCTURE_KEYS if key in mapping]
    if len(structure) != 1:
        problems.append("give either 'items' (jobs on this page) or 'links' (links to job pages), not both")
    for key, spec in mapping.items():
        if not isinstance(key, str):
            problems.append(f"key {key!r} is not a string")
            continue
        if not isinstance(spec, str) or not spec.strip():
            problems.append(f"the selector for {key!r} is not a non-empty string: {spec!r}")
            continue
        if key in _STRUCTURE_KEYS:
            if not _valid_selector(spec):
                problems.append(f"the selector for {key!r} is not valid CSS: {spec!r}")
            continue
        target = parsers.MAPPING_ALIASES.get(key, key)
        if target not in parsers._RAW_FIELDS or target in ("more_locations", "remote", "nationwide"):
            problems.append(f"unknown key {key!r}")
            continue
        if target in targets:
            problems.append(f"{key!r} and {targets[target]!r} both set {target}")
        targets[target] = key
        if spec.startswith("="):
            continue
        selector, _ = _split(spec)
        if selector and not _valid_selector(selector):
            problems.append(f"the selector for {key!r} is not valid CSS: {spec!r}")
    if "title" not in targets:
        problems.append("no selector for 'title'")
    if "items" in mapping and "external_id" not in targets and "url" not in targets:
        problems.append("jobs listed on one page need an 'id' or a 'url' selector")
    return problems


def _values(job: LexborNode, spec: str, *, html: bool, many: bool) -> list[str]:
    """The text (or HTML, or attribute) the spec selects inside one job."""
    if spec.startswith("="):
        return [spec[1:].strip()] if spec[1:].strip() else []
    selector, attribute = _split(spec)
    nodes = [job] if not selector else job.css(selector)[:_MAX_MATCHES if many else 1]
    found = []
    for node in nodes:
        if attribute:
            value = (node.attributes or {}).get(attribute)
        elif html:
            value = node.html
        else:
            value = node.text(separator=" ", strip=True)
        value = value.strip() if isinstance(value, str) else None
        if value:
            found.append(value)
    return found


def _item(job: LexborNode, fields: dict[str, str], base_url: str) -> RawItem:
    item = RawItem()
    for name, spec in fields.items():
        values = _values(job, spec, html=name in _HTML_FIELDS,
                         many=name in _HTML_FIELDS or name in _LOCATION_FIELDS)
        if not values:
            continue
        if name in _HTML_FIELDS:
            setattr(item, name, "\n".join(values))
        elif name in _LOCATION_FIELDS:
            setattr(item, name, parsers._clean(values[0]))
            item.more_locations.extend({name: parsers._clean(v)} for v in values[1:])
        elif name in ("salary_min", "salary_max"):
            number = parsers._to_float(values[0])
            setattr(item, name, number)
            if number is None and item.salary_text is None:
                item.salary_text = parsers._clean(values[0])
        elif name == "employment_type":
            item.employment_type = parsers._split_types(values[0])
        elif name in ("date_posted", "valid_through"):
            setattr(item, name, parsers._clean_date(values[0]))
        elif name in ("url", "apply_url", "employer_url"):
            setattr(item, name, parsers._http_url(values[0], base_url))
        else:
            setattr(item, name, parsers._clean(values[0]))
    return item


def _document(content: bytes, encoding_hint: str | None) -> LexborHTMLParser:
    content = bytes(content or b"")
    if not content.strip(b" \t\r\n\x00"):
        raise parsers.ParseError("empty", "the body is empty")
    text = parsers._decode_html(content, encoding_hint)
    if not re.search(r"<[A-Za-z!]", text[:65536]):
        raise parsers.ParseError("not_html", "the page has no HTML tags")
    return LexborHTMLParser(text)


def parse_html_page(content: bytes, url: str, mapping: dict, *, job_page: bool = False,
                    encoding_hint: str | None = None) -> ParseResult:
    """Jobs (``items``) or job-page links (``links``) on a page of the source; with ``job_page``, the
    one job a linked page describes (the fields read on the whole page)."""
    problems = validate_html_mapping(mapping)
    if problems:
        raise parsers.ParseError("invalid_mapping", "; ".join(problems))
    tree = _document(content, encoding_hint)
    fields = {parsers.MAPPING_ALIASES.get(k, k): v for k, v in mapping.items() if k not in _STRUCTURE_KEYS}
    result = ParseResult()
    if "links" in mapping and not job_page:
        for anchor in tree.css(mapping["links"])[:_MAX_ITEMS]:
            parsers._append_unique(result.links, parsers._http_url((anchor.attributes or {}).get("href"), url))
        return result
    if job_page:
        jobs = [tree.body or tree.root]
    else:
        jobs = tree.css(mapping["items"])[:_MAX_ITEMS]
    for number, job in enumerate(jobs, start=1):
        if job is None:
            continue
        item = _item(job, fields, url)
        if job_page:
            item.url = item.url or parsers._http_url(url)
            item.external_id = item.external_id or item.url
        elif item.external_id is None and item.url:
            item.external_id = item.url
        if not item.title:
            result.skipped.append(Skip("missing_title", f"job {number} on {url} has no title "
                                       f"(selector {fields['title']!r} found nothing)",
                                       external_id=item.external_id, url=item.url or url))
        elif not item.external_id:
            result.skipped.append(Skip("missing_id", f"job {number} ({item.title[:80]}) on {url} has no id",
                                       url=item.url or url))
        else:
            result.items.append(item)
    return parsers._drop_duplicates(result)
