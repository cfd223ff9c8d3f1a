"""Machine-readable ways out: an Atom feed for any search, and the sitemap."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.i18n import current_language
from portal.jobs.models import Posting
from portal.jobs.search import SearchParamError, parse_params, public_condition, search
from portal.web.public import place_summary
from portal.jobs.structured import description_html
from portal.taxonomy.lookup import reference
from portal.timeutil import as_utc, utcnow

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
# Each job sitemap covers a block of this many posting ids (one URL per language for each public
# one): a page is an index range scan however many postings there are, where OFFSET paging read
# every earlier row (1.7 s for the last page of a million).
SITEMAP_ID_RANGE = 5000
SITEMAP_INDEX_SECONDS = 600  # the index groups every public posting: computed once per worker per 10 min
FEED_SIZE = 50

_index_cache: dict[str, tuple[float, list[tuple[int, datetime | None]]]] = {}
_index_lock = threading.Lock()


def _xml(root: ET.Element, mimetype: str, max_age: int = 300) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _stamp(value: datetime) -> str:
    return as_utc(value).isoformat(timespec="seconds").replace("+00:00", "Z")


@bp.get("/<lang:lang>/jobs/feed.atom")
def jobs_atom():
    try:
        params, _errors = parse_params(request.args, strict=True)
    except SearchParamError:
        abort(400)
    result = search(params.__class__(**{**params.__dict__, "sort": "newest", "page": 1, "per_page": FEED_SIZE}),
                    with_facets=False)
    lang = current_language()
    ref = reference()
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = (
        _("Kakehashi: jobs for “%(query)s”", query=params.q) if params.q else _("Kakehashi: new jobs in Japan"))
    ET.SubElement(feed, f"{{{ATOM}}}id").text = request.url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=request.url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                  href=url_for("public.jobs", _external=True, **params.to_args(page=1)))
    newest = max((p.published_at for p in result.items if p.published_at), default=None)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest or utcnow())
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = _("Kakehashi")
    for posting in result.items:
        url = url_for("public.job", posting_id=posting.id, _external=True)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        title, title_lang = posting.text("title", lang)
        ET.SubElement(entry, f"{{{ATOM}}}title", {"xml:lang": title_lang or lang}).text = title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(posting.updated_at or posting.published_at)
        if posting.published_at:
            ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(posting.published_at)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=posting.sector_code,
                      label=ref.sectors[posting.sector_code].name(lang))
        summary = " · ".join(filter(None, [posting.employer(lang), place_summary(posting)]))
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
        description, description_lang = posting.text("description", lang)
        ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html", "xml:lang": description_lang or lang}).text = (
            description_html(description))
    return _xml(feed, "application/atom+xml")


def sitemap_blocks() -> list[tuple[int, datetime | None]]:
    """(sitemap number, newest change) for every block of SITEMAP_ID_RANGE ids with a public posting."""
    key = str(db.engine.url)
    now = time.monotonic()
    with _index_lock:
        cached = _index_cache.get(key)
    if cached and cached[0] > now:
        return cached[1]
    block = (Posting.id - 1) // SITEMAP_ID_RANGE
    rows = db.session.execute(
        select(block.label("block"), func.max(Posting.updated_at)).where(public_condition())
        .group_by(block).order_by(block)
    ).all()
    blocks = [(int(number) + 1, updated) for number, updated in rows]
    with _index_lock:
        _index_cache[key] = (now + SITEMAP_INDEX_SECONDS, blocks)
    return blocks


def clear_sitemap_cache() -> None:
    with _index_lock:
        _index_cache.clear()


@bp.get("/sitemap.xml")
def sitemap_index():
    ET.register_namespace("", SITEMAP)
    index = ET.Element(f"{{{SITEMAP}}}sitemapindex")
    ET.SubElement(ET.SubElement(index, f"{{{SITEMAP}}}sitemap"), f"{{{SITEMAP}}}loc").text = url_for(
        "feeds.sitemap_pages", _external=True)
    for number, updated in sitemap_blocks():
        sitemap = ET.SubElement(index, f"{{{SITEMAP}}}sitemap")
        ET.SubElement(sitemap, f"{{{SITEMAP}}}loc").text = url_for("feeds.sitemap_jobs", page=number, _external=True)
        if updated:
            ET.SubElement(sitemap, f"{{{SITEMAP}}}lastmod").text = _stamp(updated)
    return _xml(index, "application/xml")


@bp.get("/robots.txt")
def robots_txt():
    """Crawlers may read the public pages; signed-in areas are not for them. Names the sitemap."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: /*/{area}/" for area in ("account", "seeker", "recruiter", "staff", "notifications")]
    lines += ["Disallow: /*/jobs/*/report", "Disallow: /*/alerts/", "",
              f"Sitemap: {url_for('feeds.sitemap_index', _external=True)}", ""]
    response = Response("\n".join(lines), mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _url_with_alternates(urlset, endpoint: str, lastmod: datetime | None = None, **values) -> None:
    languages = current_app.config["LANGUAGES"]
    for lang in languages:
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = url_for(endpoint, lang=lang, _external=True, **values)
        if lastmod:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = _stamp(lastmod)
        for other in languages:
            ET.SubElement(url, f"{{{XHTML}}}link", rel="alternate", hreflang=other,
                          href=url_for(endpoint, lang=other, _external=True, **values))


@bp.get("/sitemaps/pages.xml")
def sitemap_pages():
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for endpoint in ("public.home", "public.jobs"):
        _url_with_alternates(urlset, endpoint)
    return _xml(urlset, "application/xml")


@bp.get("/sitemaps/jobs-<int:page>.xml")
def sitemap_jobs(page: int):
    if page < 1:
        abort(404)
    rows = db.session.execute(
        select(Posting.id, Posting.updated_at)
        .where(Posting.id > (page - 1) * SITEMAP_ID_RANGE, Posting.id <= page * SITEMAP_ID_RANGE, public_condition())
        .order_by(Posting.id)
    ).all()
    if not rows:
        abort(404)
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for posting_id, updated_at in rows:
        _url_with_alternates(urlset, "public.job", lastmod=updated_at, posting_id=posting_id)
    return _xml(urlset, "application/xml", max_age=3600)
