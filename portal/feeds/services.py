"""Import runs: claim a source, fetch and parse it, then store what changed in one transaction.

The run has two stages on purpose. *Collect* talks to the network and holds no database
transaction (a slow site must not keep SQLite's write lock). *Store* is one short transaction:
if anything fails in it, nothing is written, so a failed or killed import changes no data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import socket
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import insert, or_, select, update

from portal.db import writing
from portal.extensions import db
from portal.feeds import parsers
from portal.feeds.http import Fetcher, FetchError, next_attempt_at
from portal.feeds.models import ImportPage, ImportRun, ImportSkip, ImportSource, RunStatus, SourceKind
from portal.feeds import htmlpages, places
from portal.feeds.normalize import normalise
from portal.feeds.types import NormalisedPosting, RawItem, Skip
from portal.feeds.applicants import infer_applicants_from, infer_dispatch, infer_sub_area
from portal.jobs.indexing import derived_values
from portal.jobs.models import Posting, PostingStatus, Source
from portal.jobs.textindex import normalise as normalise_text
from portal.matching.classify import Classification, LearnedLabels, classify, load_taxonomy
from portal.moderation.flags import SEVERITY, Flag, holds_publication, red_flags
from portal.moderation.services import import_facts
from portal.taxonomy.lookup import Reference, reference
from portal.timeutil import as_utc, today, utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=30)  # the default; app config IMPORT_LEASE_MINUTES overrides it
# While it collects, a run renews its lease once a minute, or sooner when less than half of it is left.
RENEW_EVERY = 60.0
MAX_SKIPS_KEPT = 500
MAX_SITEMAP_DEPTH = 2
# The primary place of a posting that names none, when no minimum wages are known (the capital).
STAND_IN_PREFECTURE = "13"
TAXONOMY_DIR = Path(__file__).resolve().parent.parent / "data"


class SourceError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def host_id() -> str:
    """Who holds a lease: host name and process, so two cron jobs on one host differ too."""
    return f"{socket.gethostname()}:{os.getpid()}"


# ---- sources ----------------------------------------------------------------------------------


def add_source(name: str, url: str, kind: str, *, trusted: bool = False, mapping: dict | None = None,
               every_hours: float = 24, max_concurrency: int = 2, delay_seconds: float = 1.0,
               actor=None) -> ImportSource:
    """A new import source. With `actor` (staff on the web) it writes one audit row."""
    name = name.strip()
    if not name:
        raise SourceError(_l("Give the source a name."))
    if kind not in {k.value for k in SourceKind}:
        raise SourceError(_l("Unknown kind of source."))
    if kind != SourceKind.CSV and not url.lower().startswith(("http://", "https://")):
        raise SourceError(_l("The address must start with http:// or https://."))
    if kind == SourceKind.JSON:
        problems = parsers.validate_mapping(mapping or {})
        if not mapping or problems:
            raise SourceError(_l("A JSON source needs a valid field mapping: %(problems)s",
                                 problems="; ".join(problems) or "empty"))
    if kind == SourceKind.HTML:
        problems = htmlpages.validate_html_mapping(mapping or {})
        if not mapping or problems:
            raise SourceError(_l("A source of job pages needs a valid CSS-selector mapping: %(problems)s",
                                 problems="; ".join(problems) or "empty"))
    if db.session.scalar(select(ImportSource.id).where(ImportSource.name == name)) is not None:
        raise SourceError(_l("A source with this name already exists."))
    if every_hours <= 0:
        raise SourceError(_l("The interval must be more than zero hours."))
    source = ImportSource(name=name, url=url, kind=kind, trusted=trusted, mapping=mapping, every_hours=every_hours,
                          max_concurrency=max(1, max_concurrency), delay_seconds=max(0.0, delay_seconds),
                          next_run_at=utcnow())
    db.session.add(source)
    if actor is not None:
        db.session.flush()
        _audit(actor, "add_source", source, after="trusted" if trusted else "reviewed", reason=name)
    db.session.commit()
    return source


def _audit(actor, action: str, source: ImportSource, *, before: str | None = None, after: str | None = None,
           reason: str | None = None) -> None:
    from portal.moderation.services import audit

    audit(actor, action, "import_source", source.id, before=before, after=after, reason=reason)


def set_enabled(name: str, enabled: bool, actor=None) -> ImportSource:
    source = db.session.scalar(select(ImportSource).where(ImportSource.name == name))
    if source is None:
        raise SourceError(_l("No source with this name."))
    before = "enabled" if source.enabled else "disabled"
    source.enabled = enabled
    if enabled:
        source.next_run_at = utcnow()
    if actor is not None:
        _audit(actor, "enable_source" if enabled else "disable_source", source, before=before,
               after="enabled" if enabled else "disabled")
    db.session.commit()
    return source


def run_soon(source_id: int, actor) -> ImportSource:
    """Staff: due at once; the next scheduled `flask import` takes it. One audit row."""
    source = db.session.get(ImportSource, source_id)
    if source is None:
        raise SourceError(_l("No source with this name."))
    source.next_run_at = utcnow()
    _audit(actor, "run_source_soon", source)
    db.session.commit()
    return source


def upload_csv(source_id: int, data: bytes, fetcher: Fetcher, actor, filename: str | None = None) -> ImportRun | None:
    """Staff: import an uploaded CSV file now. One audit row for the upload (None: the source is busy,
    nothing was done)."""
    run = run_source(source_id, fetcher, upload=data)
    if run is not None:
        source = db.session.get(ImportSource, source_id)
        _audit(actor, "upload_csv", source, after=f"run {run.id}", reason=(filename or "")[:200] or None)
        db.session.commit()
    return run


def due_sources(now: datetime | None = None) -> list[ImportSource]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(ImportSource).where(
            ImportSource.enabled.is_(True), ImportSource.kind != SourceKind.CSV,
            or_(ImportSource.next_run_at.is_(None), ImportSource.next_run_at <= now),
        ).order_by(ImportSource.next_run_at)
    ))


# ---- leases -----------------------------------------------------------------------------------


def lease_length() -> timedelta:
    """How long a lease lasts: IMPORT_LEASE_MINUTES in the app's config, else LEASE."""
    minutes = current_app.config.get("IMPORT_LEASE_MINUTES") if has_app_context() else None
    return timedelta(minutes=float(minutes)) if minutes else LEASE


def claim(source_id: int, owner: str, now: datetime | None = None, lease: timedelta | None = None) -> bool:
    """Take the source's lease if nobody holds a live one. Safe across hosts and processes:

    on PostgreSQL the row is locked with SELECT … FOR UPDATE SKIP LOCKED (a busy row is skipped,
    not waited for: it is being claimed, renewed or stored by its holder); on both databases the
    lease is set by one conditional UPDATE, so of two processes racing for it exactly one sees its
    row updated.
    """
    now = now or utcnow()
    lease = lease or lease_length()
    with writing():
        db.session.rollback()
        if db.engine.dialect.name == "postgresql":
            row = db.session.execute(
                select(ImportSource.id).where(ImportSource.id == source_id).with_for_update(skip_locked=True)
            ).first()
            if row is None:
                db.session.rollback()
                return False
        result = db.session.execute(
            update(ImportSource)
            .where(ImportSource.id == source_id,
                   or_(ImportSource.lease_expires_at.is_(None), ImportSource.lease_expires_at < now,
                       ImportSource.lease_owner == owner))
            .values(lease_owner=owner, lease_expires_at=now + lease)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    return result.rowcount == 1


def _extend_lease(connection, source_id: int, owner: str, expires_at: datetime) -> bool:
    """Move the lease's end if `owner` still holds it (one conditional UPDATE). False: another
    process has taken the source over. On PostgreSQL the UPDATE also locks the row until the
    transaction ends, so a competing claim skips the source meanwhile."""
    result = connection.execute(
        update(ImportSource).where(ImportSource.id == source_id, ImportSource.lease_owner == owner)
        .values(lease_expires_at=expires_at).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


LEASE_LOST = ("lease_lost", "another process took over this source's import lease while this run was still "
                            "going (the run outlasted its lease); nothing this run fetched was stored")


class Lease:
    """The lease a run holds, renewed while it collects: `keep()` is called between pages and
    writes only when the renewal is due (see RENEW_EVERY), each time in a short transaction of its
    own, never one held across fetches. Raises CollectError("lease_lost") once it is no longer ours."""

    def __init__(self, source_id: int, owner: str, length: timedelta, expires_at: datetime | None = None):
        self.source_id, self.owner, self.length = source_id, owner, length
        self.expires_at = expires_at or utcnow() + length
        self._renewed = time.monotonic()

    def due(self) -> bool:
        half_left = as_utc(self.expires_at) - utcnow() < self.length / 2
        return half_left or time.monotonic() - self._renewed >= RENEW_EVERY

    def keep(self) -> None:
        if self.due():
            self.renew()

    def renew(self) -> None:
        expires_at = utcnow() + self.length
        # Its own connection: the session (and objects the collect stage reads) is left alone.
        with writing(), db.engine.begin() as connection:
            kept = _extend_lease(connection, self.source_id, self.owner, expires_at)
        self._renewed = time.monotonic()
        if not kept:
            log.warning("import of source %s: lease lost by %s while collecting", self.source_id, self.owner)
            raise CollectError(*LEASE_LOST)
        self.expires_at = expires_at

    def fence(self, now: datetime | None = None) -> bool:
        """Inside the store transaction, first thing: extend the lease if it is still ours. False:
        another process holds it now, and this run must not write anything of its own."""
        expires_at = (now or utcnow()) + self.length
        if not _extend_lease(db.session, self.source_id, self.owner, expires_at):
            return False
        self.expires_at = expires_at
        return True


def release(source_id: int, owner: str) -> None:
    with writing():
        db.session.execute(
            update(ImportSource).where(ImportSource.id == source_id, ImportSource.lease_owner == owner)
            .values(lease_owner=None, lease_expires_at=None).execution_options(synchronize_session=False)
        )
        db.session.commit()


# ---- collect: network and parsing, no transaction ----------------------------------------------


@dataclass
class Collected:
    items: list[RawItem] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    complete: bool = True  # every page fetched: postings not seen may be closed
    fetched: int = 0
    errors: int = 0
    not_modified: bool = False
    content_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    # Job pages: url → (lastmod, etag, last_modified, external ids) to remember.
    pages: dict[str, tuple] = field(default_factory=dict)
    # External ids known to be still there without refetching (unchanged pages, 304s).
    seen_unchanged: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class KnownPage:
    """A job page as remembered from the last run."""

    lastmod: str | None
    etag: str | None
    last_modified: str | None
    external_ids: list


class CollectError(Exception):
    def __init__(self, reason: str, detail: str = "", retry_after: float | None = None):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.retry_after = reason, detail, retry_after


def _fetch_main(source: ImportSource, fetcher: Fetcher):
    try:
        return fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
    except FetchError as error:
        raise CollectError(error.reason, error.detail, getattr(error, "retry_after_seconds", None)) from error


def _parse_document(kind: str, content: bytes, source: ImportSource, url: str):
    try:
        if kind == SourceKind.INDEED_XML:
            return parsers.parse_indeed_xml(content)
        if kind == SourceKind.FEED:
            return parsers.parse_feed(content)
        if kind == SourceKind.JSON:
            return parsers.parse_json_api(content, source.mapping or {})
        if kind == SourceKind.CSV:
            return parsers.parse_csv(content)
        if kind == SourceKind.HTML:
            return htmlpages.parse_html_page(content, url, source.mapping or {})
        return parsers.parse_jsonld_page(content, url)
    except parsers.ParseError as error:
        raise CollectError(error.reason, error.detail) from error


def _no_lease() -> None:
    pass


def collect(source: ImportSource, fetcher: Fetcher, *, upload: bytes | None = None,
            known_pages: dict[str, KnownPage] | None = None,
            keep_lease: Callable[[], None] = _no_lease) -> Collected:
    """Fetch and parse the source. `keep_lease` is called between fetches (a run's Lease.keep:
    it renews the lease when due, and raises CollectError("lease_lost") to stop collecting)."""
    collected = Collected()
    if source.kind == SourceKind.CSV and upload is not None:
        result = _parse_document(SourceKind.CSV, upload, source, source.url)
        collected.items, collected.skips, collected.fetched = result.items, list(result.skipped), len(result.items)
        return collected
    response = _fetch_main(source, fetcher)
    collected.fetched += 1
    keep_lease()
    collected.etag, collected.last_modified = response.etag, response.last_modified
    if response.not_modified:
        collected.not_modified = True
        return collected
    collected.content_hash = hashlib.sha256(response.content).hexdigest()
    if collected.content_hash == source.content_hash and source.kind not in (SourceKind.JSONLD, SourceKind.HTML):
        # Byte for byte what was stored last time (a server without ETag): nothing can have changed.
        collected.not_modified = True
        return collected
    if source.kind == SourceKind.JSONLD:
        _collect_jsonld(source, fetcher, response, collected, known_pages or {}, keep_lease)
        return collected
    result = _parse_document(source.kind, response.content, source, response.url)
    collected.items.extend(result.items)
    collected.skips.extend(result.skipped)
    if source.kind == SourceKind.FEED and result.links:
        _follow_feed_links(source, fetcher, result, collected, known_pages or {}, keep_lease)
    if source.kind == SourceKind.HTML and result.links:
        mapping = source.mapping or {}
        _fetch_pages(source, fetcher, {link: None for link in result.links}, collected, known_pages or {},
                     keep_lease=keep_lease,
                     parse=lambda content, url: htmlpages.parse_html_page(content, url, mapping, job_page=True))
    return collected


def _looks_like_sitemap(content: bytes) -> bool:
    head = content[:2000].lstrip().lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def _collect_jsonld(source, fetcher, response, collected: Collected, known_pages: dict[str, KnownPage],
                    keep_lease: Callable[[], None] = _no_lease) -> None:
    if not _looks_like_sitemap(response.content):
        result = _parse_document(SourceKind.JSONLD, response.content, source, response.url)
        collected.items.extend(result.items)
        collected.skips.extend(result.skipped)
        return
    links: dict[str, str | None] = {}
    queue, depth = [response.content], 0
    while queue and depth <= MAX_SITEMAP_DEPTH:
        children: list[str] = []
        for content in queue:
            try:
                result, child_sitemaps = parsers.parse_sitemap(content)
            except parsers.ParseError as error:
                raise CollectError(error.reason, error.detail) from error
            for link in result.links:
                links[link] = result.lastmod.get(link)
            children.extend(child_sitemaps)
        queue = []
        for child in children:
            try:
                queue.append(fetcher.fetch(child).content)
                collected.fetched += 1
            except FetchError as error:
                raise CollectError(error.reason, f"{child}: {error.detail}") from error
            keep_lease()
        depth += 1
    _fetch_pages(source, fetcher, links, collected, known_pages, keep_lease=keep_lease)


def _fetch_pages(source, fetcher, links: dict[str, str | None], collected: Collected,
                 known_pages: dict[str, KnownPage], fallback: dict[str, RawItem] | None = None,
                 keep_lease: Callable[[], None] = _no_lease, parse=parsers.parse_jsonld_page) -> None:
    """Fetch job pages (skipping those unchanged since last time), in parallel within the
    source's politeness limit. `keep_lease` runs in this thread after each page; when it raises,
    the pages not yet fetched are cancelled."""
    to_fetch = []
    for url, lastmod in links.items():
        known = known_pages.get(url)
        if known is not None and lastmod and known.lastmod == lastmod:
            collected.seen_unchanged.update(known.external_ids or [])  # nothing to remember anew
            continue
        to_fetch.append((url, lastmod, known))

    delay = source.delay_seconds  # read here: the worker threads must not touch the database session

    def fetch_one(job):
        url, lastmod, known = job
        try:
            page = fetcher.fetch(url, etag=known.etag if known else None,
                                 last_modified=known.last_modified if known else None, respect_robots=True,
                                 min_delay=delay)
            return job, page, None
        except FetchError as error:
            return job, None, error

    workers = max(1, min(source.max_concurrency, 32))
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        _take_pages(pool.map(fetch_one, to_fetch), collected, fallback, keep_lease, parse)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # after lease_lost: fetch no more pages


def _take_pages(results, collected: Collected, fallback: dict[str, RawItem] | None,
                keep_lease: Callable[[], None], parse=parsers.parse_jsonld_page) -> None:
    for (url, lastmod, known), page, error in results:
        keep_lease()
        if error is not None:
            collected.errors += 1
            collected.complete = False
            collected.skips.append(Skip("fetch_failed", f"{error.reason}: {error.detail}"[:300], url=url))
            if known is not None:
                collected.seen_unchanged.update(known.external_ids or [])
            if fallback and url in fallback:
                collected.items.append(fallback[url])
            continue
        collected.fetched += 1
        if page.not_modified and known is not None:
            collected.seen_unchanged.update(known.external_ids or [])
            collected.pages[url] = (lastmod, known.etag, known.last_modified, known.external_ids or [])
            continue
        try:
            result = parse(page.content, page.url)
        except parsers.ParseError as parse_error:
            collected.skips.append(Skip(parse_error.reason, parse_error.detail[:300], url=url))
            result = None
        items = result.items if result else []
        if result:
            collected.skips.extend(result.skipped)
        if not items and fallback and url in fallback:
            items = [fallback[url]]
        for item in items:
            item.url = item.url or url
            item.external_id = item.external_id or item.url
        collected.items.extend(items)
        collected.pages[url] = (lastmod, page.etag, page.last_modified, [i.external_id for i in items])


def _follow_feed_links(source, fetcher, result, collected: Collected, known_pages,
                       keep_lease: Callable[[], None] = _no_lease) -> None:
    """Feed items are thin (title, link, summary): the linked page's JSON-LD, when there is one,
    replaces the item. A page that cannot be fetched keeps the feed's own item."""
    by_link = {item.url: item for item in result.items if item.url}
    collected.items = [item for item in collected.items if item.url not in by_link]
    before = collected.complete
    _fetch_pages(source, fetcher, {link: None for link in by_link}, collected, known_pages, fallback=by_link,
                 keep_lease=keep_lease)
    collected.complete = before  # a feed's own list is complete even when a linked page failed


# ---- store: one transaction --------------------------------------------------------------------


def raw_hash(item: RawItem) -> str:
    """What the source sent, hashed: an unchanged item is skipped before any normalising."""
    return hashlib.sha256(json.dumps(vars(item), sort_keys=True, default=str).encode()).hexdigest()


def fingerprint(posting: NormalisedPosting) -> str | None:
    """Same employer, same title, same prefecture: the same job, wherever it was found."""
    employer = posting.employer_name_ja or posting.employer_name_en
    title = posting.title_ja or posting.title_en
    if not (employer and title and posting.prefecture_code):
        return None
    key = "|".join(normalise_text(part).replace(" ", "") for part in (employer, title, posting.prefecture_code))
    return hashlib.sha256(key.encode()).hexdigest()


_taxonomy = None


def taxonomy():
    global _taxonomy  # noqa: PLW0603 - loaded once per process; shipped data only
    if _taxonomy is None:
        _taxonomy = load_taxonomy(TAXONOMY_DIR)
    return _taxonomy


def _posting_values(np: NormalisedPosting, source_id: int, cls: Classification | None, now: datetime) -> dict:
    values = {
        "title_en": np.title_en, "title_ja": np.title_ja,
        "description_en": np.description_en, "description_ja": np.description_ja,
        "requirements_en": np.requirements_en, "requirements_ja": np.requirements_ja,
        "employer_name_en": np.employer_name_en, "employer_name_ja": np.employer_name_ja,
        "prefecture_code": np.prefecture_code, "location_kind": np.location_kind, "city_en": np.city_en, "city_ja": np.city_ja,
        "employment_type": np.employment_type, "salary_min": np.salary_min, "salary_max": np.salary_max,
        "salary_unit": np.salary_unit, "japanese_level": np.japanese_level,
        "visa_ssw1": "ssw1" in np.visas, "visa_ssw2": "ssw2" in np.visas, "visa_esd": "esd" in np.visas,
        "visa_engineer": "engineer" in np.visas, "visa_other": "other" in np.visas,
        "support_housing": np.support_housing,
        "valid_through": np.valid_through, "apply_url": np.apply_url or np.source_url,
        "source": Source.IMPORT, "source_url": np.source_url, "import_source_id": source_id,
        "external_id": np.external_id, "fingerprint": fingerprint(np), "updated_at": now,
    }
    if cls is not None:
        values.update(sector_code=cls.sector, occupation_code=cls.occupation,
                      classification_confidence=cls.confidence)
        # Read from the text unless staff have corrected this posting (then `cls` is None: kept).
        texts = (np.title_en, np.title_ja, np.description_en, np.description_ja, np.requirements_en,
                 np.requirements_ja)
        values.update(applicants_from=infer_applicants_from(texts, np.employment_type),
                      dispatch=infer_dispatch(texts), sub_area=infer_sub_area(cls.sector, texts, _sub_area_rows()))
    return values


def _sub_area_rows() -> list[tuple[str, str, str, str]]:
    """(sector, code, name_en, name_ja) of every business category, from the shipped taxonomy."""
    return [(sector, code, en, ja) for sector, rows in taxonomy().sub_areas.items() for code, en, ja in rows]


@dataclass
class Prepared:
    """An item made ready to store (values for the postings table), decided without the database."""

    external_id: str
    valid_through: object
    values: dict
    flags: list = field(default_factory=list)  # moderation.flags.Flag: red flags hold publication
    places: list[dict] = field(default_factory=list)  # posting_places rows, without the posting's id
    close_call: tuple[str, str] | None = None  # (sector, runner-up): staff choose between the two


def prepare(item: RawItem, digest: str, *, locked: bool, source_id: int, now: datetime,
            ref: Reference, minimum_wages: dict[str, int] | None = None,
            learned: LearnedLabels | None = None) -> Prepared | Skip:
    """Normalise, locate, classify, index and red-flag one item. Pure (given the taxonomy, the
    reference labels and the minimum wages), so that large imports can spread it over processes."""
    normalised = normalise(item)
    if isinstance(normalised, Skip):
        return normalised
    if normalised.location_kind == places.UNSTATED and not (
            (normalised.description_en or normalised.description_ja)
            and (normalised.employer_name_en or normalised.employer_name_ja)):
        # A title alone with no place is not a job ad a worker could act on; with a text and an
        # employer it is kept, and its page says the place is not stated.
        return Skip("no_prefecture", "no place in Japan, and no job text or employer", normalised.external_id,
                    normalised.source_url)
    wages = minimum_wages or {}
    place_codes = [code for code, _ in normalised.places]
    if normalised.prefecture_code is None:
        # Nothing named: the stand-in primary place is the prefecture whose minimum wage the pay is held to.
        normalised.prefecture_code = places.minimum_wage_for(normalised.location_kind, place_codes, wages)[1] \
            or STAND_IN_PREFECTURE
    cls = None if locked else classify(
        taxonomy(), title_en=normalised.title_en, title_ja=normalised.title_ja,
        description_en=normalised.description_en, description_ja=normalised.description_ja,
        occupational_category=normalised.occupational_category, learned=learned)
    values = _posting_values(normalised, source_id, cls, now)
    values["content_hash"] = digest
    values.update(derived_values(values, ref=ref))
    flags = red_flags(import_facts(values, wages, place_codes))
    close_call = (cls.sector, cls.runner_up) if cls is not None and cls.runner_up else None
    return Prepared(normalised.external_id, normalised.valid_through, values, flags,
                    [{"position": i, "prefecture_code": code, **_city_values(city)}
                     for i, (code, city) in enumerate(normalised.places)], close_call)


def _city_values(city: str | None) -> dict:
    from portal.feeds.normalize import detect_language

    language = detect_language(city) or "ja"
    return {"city_en": city if language == "en" else None, "city_ja": city if language != "en" else None}


# Large imports prepare items in worker processes (forked: they inherit the taxonomy and labels).
PARALLEL_THRESHOLD = 2000
_worker_ref: Reference | None = None
_worker_wages: dict[str, int] | None = None
_worker_learned: LearnedLabels | None = None


def _prepare_chunk(jobs: list[tuple[RawItem, str, bool, int, datetime]]) -> list[Prepared | Skip]:
    return [prepare(item, digest, locked=locked, source_id=source_id, now=now, ref=_worker_ref,
                    minimum_wages=_worker_wages, learned=_worker_learned)
            for item, digest, locked, source_id, now in jobs]


def _prepare_all(jobs: list[tuple[RawItem, str, bool, int, datetime]], ref: Reference,
                 minimum_wages: dict[str, int] | None = None,
                 learned: LearnedLabels | None = None) -> list[Prepared | Skip]:
    global _worker_ref, _worker_wages, _worker_learned  # noqa: PLW0603 - read by forked workers
    workers = os.cpu_count() or 1
    if len(jobs) < PARALLEL_THRESHOLD or workers < 2:
        return [prepare(item, digest, locked=locked, source_id=source_id, now=now, ref=ref,
                        minimum_wages=minimum_wages, learned=learned)
                for item, digest, locked, source_id, now in jobs]
    _worker_ref, _worker_wages, _worker_learned = ref, minimum_wages, learned
    taxonomy()  # load before forking, once
    size = -(-len(jobs) // (workers * 4))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return [result for chunk in pool.map(_prepare_chunk, chunks) for result in chunk]


def store(source: ImportSource, run: ImportRun, collected: Collected, now: datetime) -> None:
    from portal.moderation.services import minimum_wages_on

    existing = {
        row.external_id: row for row in db.session.execute(
            select(Posting.id, Posting.external_id, Posting.content_hash, Posting.status,
                   Posting.classification_locked, Posting.sector_code, Posting.occupation_code)
            .where(Posting.import_source_id == source.id)
        )
    }
    seen: set[str] = set(collected.seen_unchanged)
    run.unchanged = len(seen)  # pages not fetched again (unchanged lastmod, 304)
    inserts: list[dict] = []
    updates: list[dict] = []
    skips: list[Skip] = list(collected.skips)
    jobs = []
    for item in collected.items:
        digest = raw_hash(item)
        known = existing.get(item.external_id or item.url)
        if known is not None and known.content_hash == digest:
            seen.add(known.external_id)
            run.unchanged += 1
            continue
        jobs.append((item, digest, bool(known is not None and known.classification_locked), source.id, now))
    # Red flags: a flagged posting is never published automatically, even from a trusted source.
    flagged_before = _flagged_codes(source.id)
    flags_by_id: dict[str, list] = {}
    from portal.matching.corrections import learned as learned_labels

    places_by_id: dict[str, list[dict]] = {}
    close_calls: dict[str, tuple[str, str] | None] = {}
    for result in _prepare_all(jobs, reference(), minimum_wages_on(now.date()), learned_labels()):
        if isinstance(result, Skip):
            skips.append(result)
            continue
        if result.external_id in seen:
            skips.append(Skip("duplicate_id", "the same id appears twice in this fetch", result.external_id))
            continue
        known = existing.get(result.external_id)
        expired = result.valid_through is not None and result.valid_through < today()
        if known is None and expired:
            skips.append(Skip("expired", f"validThrough {result.valid_through}", result.external_id))
            continue
        seen.add(result.external_id)
        values = result.values
        values["sector_code"] = values.get("sector_code") or (known.sector_code if known else "other")
        flags_by_id[result.external_id] = result.flags
        places_by_id[result.external_id] = result.places
        if not (known is not None and known.classification_locked):
            close_calls[result.external_id] = result.close_call
        publish = source.trusted and not holds_publication(result.flags)
        if known is None:
            values.update(status=PostingStatus.PUBLISHED if publish else PostingStatus.SUBMITTED,
                          created_at=now, published_at=now if publish else None)
            inserts.append(values)
        else:
            if expired:
                values["status"] = PostingStatus.EXPIRED
            elif known.status in (PostingStatus.CLOSED, PostingStatus.EXPIRED):
                values["status"] = PostingStatus.PUBLISHED if publish else PostingStatus.SUBMITTED
            elif known.status == PostingStatus.PUBLISHED and {f.code for f in result.flags} - flagged_before.get(
                    known.id, set()):
                values["status"] = PostingStatus.SUBMITTED  # the new text raises a new flag: staff look again
            values["id"] = known.id
            updates.append(values)

    if inserts:
        # Core executemany: the ORM's bulk path would fetch keys row by row, and nothing needs them.
        db.session.execute(Posting.__table__.insert(), _with_defaults(inserts))
    updated_posting_ids = [values["id"] for values in updates]
    if updates:
        for values in updates:  # rows differ in which columns they set; per-row UPDATE by primary key
            posting_id = values.pop("id")
            db.session.execute(update(Posting).where(Posting.id == posting_id).values(**values)
                               .execution_options(synchronize_session=False))
    run.new, run.updated = len(inserts), len(updates)
    updated_ids = {v["external_id"]: posting_id for v, posting_id in zip(updates, updated_posting_ids)}
    linked = _link_duplicates(source, [v["fingerprint"] for v in inserts + updates if v.get("fingerprint")])
    _store_flags(source, flags_by_id, updated_ids, linked, now)
    _store_places(source, places_by_id, updated_ids)
    _store_close_calls(source, close_calls, now)

    if collected.complete:
        gone = [row.id for external_id, row in existing.items()
                if external_id not in seen and row.status in (PostingStatus.PUBLISHED, PostingStatus.SUBMITTED)]
        if gone:
            db.session.execute(update(Posting).where(Posting.id.in_(gone))
                               .values(status=PostingStatus.CLOSED, updated_at=now)
                               .execution_options(synchronize_session=False))
        run.closed = len(gone)

    _remember_pages(source, collected)
    run.skipped = len(skips)
    for skip in skips[:MAX_SKIPS_KEPT]:
        db.session.add(ImportSkip(run=run, reason=skip.reason[:40], detail=(skip.detail or "")[:1000],
                                  external_id=(skip.external_id or "")[:300] or None, url=(skip.url or "")[:1000] or None))


def _store_close_calls(source: ImportSource, close_calls: dict[str, tuple[str, str] | None], now: datetime) -> None:
    """Postings whose two best fields scored close wait in the staff queue with both named."""
    from portal.matching.models import ClassificationCloseCall

    if not close_calls:
        return
    ids: dict[str, int] = {}
    external_ids = list(close_calls)
    for start in range(0, len(external_ids), 5000):
        ids.update({external_id: posting_id for posting_id, external_id in db.session.execute(
            select(Posting.id, Posting.external_id).where(Posting.import_source_id == source.id,
                                                          Posting.external_id.in_(external_ids[start:start + 5000])))})
    posting_ids = list(ids.values())
    for start in range(0, len(posting_ids), 5000):
        db.session.execute(ClassificationCloseCall.__table__.delete().where(
            ClassificationCloseCall.posting_id.in_(posting_ids[start:start + 5000])))
    rows = [{"posting_id": ids[external_id], "sector": pair[0], "runner_up": pair[1], "created_at": now}
            for external_id, pair in close_calls.items() if pair and external_id in ids]
    if rows:
        db.session.execute(ClassificationCloseCall.__table__.insert(), rows)


def _with_defaults(rows: list[dict]) -> list[dict]:
    """Core inserts skip the ORM's Python-side defaults: give every row every column explicitly."""
    defaults = {"worker_costs": [], "openings": 1, "visa_ssw1": False, "visa_ssw2": False, "visa_esd": False,
                "visa_engineer": False, "visa_other": False, "support_housing": False, "support_airfare": False,
                "support_visa_sponsorship": False, "support_japanese_training": False,
                "support_support_org": False, "classification_locked": False, "applicants_from": "unknown",
                "dispatch": False, "location_kind": "place"}
    columns = {column.key for column in Posting.__table__.columns} - {"id"}
    return [{**{name: None for name in columns}, **defaults, **row} for row in rows]


def _link_duplicates(source: ImportSource, prints: list[str]) -> list[int]:
    """A posting whose fingerprint matches an older posting from elsewhere points at that one.
    Returns the ids of the postings linked now."""
    linked: list[int] = []
    if not prints:
        return linked
    # Few, large chunks: each query reads the postings of every fingerprint in it, and on PostgreSQL
    # just after a large insert (no statistics yet for the new rows) each one may scan the table.
    # 5,000 values stay well under SQLite's limit of 32,766 bound values.
    for chunk_start in range(0, len(prints), 5000):
        chunk = prints[chunk_start:chunk_start + 5000]
        rows = db.session.execute(
            select(Posting.id, Posting.fingerprint, Posting.import_source_id)
            .where(Posting.fingerprint.in_(chunk), Posting.duplicate_of_id.is_(None))
            .order_by(Posting.id)
        ).all()
        first: dict[str, tuple[int, int | None]] = {}
        for posting_id, fp, source_id in rows:
            if fp not in first:
                first[fp] = (posting_id, source_id)
            elif source_id != first[fp][1] and source_id == source.id:
                db.session.execute(update(Posting).where(Posting.id == posting_id)
                                   .values(duplicate_of_id=first[fp][0]).execution_options(synchronize_session=False))
                linked.append(posting_id)
    return linked


def _flagged_codes(source_id: int) -> dict[int, set[str]]:
    """The flag codes kept for this source's flagged postings."""
    from portal.moderation.models import PostingFlags

    rows = db.session.execute(select(PostingFlags.posting_id, PostingFlags.codes)
                              .join(Posting, Posting.id == PostingFlags.posting_id)
                              .where(Posting.import_source_id == source_id))
    return {posting_id: set(filter(None, codes.split(","))) for posting_id, codes in rows}


def _store_flags(source: ImportSource, flags_by_id: dict[str, list], updated_ids: dict[str, int],
                 linked: list[int], now: datetime) -> None:
    """Keep the red flags of the postings stored in this run (only flagged postings get a row).
    A posting just linked as a duplicate gets `likely_duplicate` and is not published automatically."""
    from portal.moderation.models import PostingFlags
    from portal.moderation.services import flag_row

    wanted = [external_id for external_id, flags in flags_by_id.items() if flags and external_id not in updated_ids]
    ids = dict(updated_ids)
    for start in range(0, len(wanted), 500):
        ids.update((external_id, posting_id) for posting_id, external_id in db.session.execute(
            select(Posting.id, Posting.external_id).where(Posting.import_source_id == source.id,
                                                          Posting.external_id.in_(wanted[start:start + 500]))))
    by_posting = {ids[external_id]: flags for external_id, flags in flags_by_id.items() if external_id in ids}
    if linked:
        for posting_id, external_id in db.session.execute(select(Posting.id, Posting.external_id)
                                                          .where(Posting.id.in_(linked))):
            flags = list(flags_by_id.get(external_id, []))
            if not any(flag.code == "likely_duplicate" for flag in flags):
                flags.append(Flag("likely_duplicate", SEVERITY["likely_duplicate"], {}))
            by_posting[posting_id] = flags
        db.session.execute(update(Posting).where(Posting.id.in_(linked), Posting.status == PostingStatus.PUBLISHED)
                           .values(status=PostingStatus.SUBMITTED, published_at=None, updated_at=now)
                           .execution_options(synchronize_session=False))
    stale = list(set(updated_ids.values()) | set(linked))
    for start in range(0, len(stale), 500):
        db.session.execute(PostingFlags.__table__.delete().where(PostingFlags.posting_id.in_(stale[start:start + 500])))
    rows = [flag_row(posting_id, flags, now) for posting_id, flags in by_posting.items() if flags]
    if rows:
        db.session.execute(PostingFlags.__table__.insert(), rows)


def _store_places(source: ImportSource, places_by_id: dict[str, list[dict]], updated_ids: dict[str, int]) -> None:
    """The workplaces of the postings stored in this run (rows only for those that name several,
    or for nationwide and remote ones that name some); an updated posting's old rows go first."""
    from portal.jobs.models import PostingPlace

    table = PostingPlace.__table__
    stale = list(updated_ids.values())
    for start in range(0, len(stale), 500):
        db.session.execute(table.delete().where(table.c.posting_id.in_(stale[start:start + 500])))
    wanted = [external_id for external_id, rows in places_by_id.items() if rows and external_id not in updated_ids]
    ids = dict(updated_ids)
    for start in range(0, len(wanted), 500):
        ids.update((external_id, posting_id) for posting_id, external_id in db.session.execute(
            select(Posting.id, Posting.external_id).where(Posting.import_source_id == source.id,
                                                          Posting.external_id.in_(wanted[start:start + 500]))))
    rows = [{"posting_id": ids[external_id], **row} for external_id, place_rows in places_by_id.items()
            if external_id in ids for row in place_rows]
    if rows:
        db.session.execute(table.insert(), rows)


def _remember_pages(source: ImportSource, collected: Collected) -> None:
    if not collected.pages:
        return
    urls = list(collected.pages)
    known = {p.url: p for start in range(0, len(urls), 1000) for p in db.session.scalars(
        select(ImportPage).where(ImportPage.source_id == source.id, ImportPage.url.in_(urls[start:start + 1000])))}
    fresh = []
    for url, (lastmod, etag, last_modified, external_ids) in collected.pages.items():
        page = known.get(url)
        if page is None:
            fresh.append({"source_id": source.id, "url": url, "lastmod": lastmod, "etag": etag,
                          "last_modified": last_modified, "external_ids": list(external_ids)})
        else:
            page.lastmod, page.etag, page.last_modified, page.external_ids = lastmod, etag, last_modified, list(external_ids)
    if fresh:
        db.session.execute(insert(ImportPage), fresh)


# ---- a whole run ------------------------------------------------------------------------------


def run_source(source_id: int, fetcher: Fetcher, *, owner: str | None = None, upload: bytes | None = None,
               now: datetime | None = None, lease: timedelta | None = None) -> ImportRun | None:
    """Import one source if its lease can be had; None when another process holds it.

    The lease (`lease`, else IMPORT_LEASE_MINUTES) is renewed while the run collects, and checked
    again as the store transaction begins: a run that lost it (it outlasted its lease and another
    process took the source over) stores nothing and is recorded as failed with "lease_lost"."""
    owner = owner or host_id()
    length = lease or lease_length()
    now = now or utcnow()
    if not claim(source_id, owner, now, length):
        return None
    try:
        return _run_claimed(source_id, fetcher, owner=owner, upload=upload,
                            lease=Lease(source_id, owner, length, expires_at=now + length))
    finally:
        release(source_id, owner)


# The error of a run whose process died (killed, out of memory, host down): its store transaction,
# if it had begun, was rolled back, so nothing it fetched was stored.
INTERRUPTED = "interrupted: the import stopped before it finished; nothing it fetched was stored"


def _run_claimed(source_id: int, fetcher: Fetcher, *, owner: str, upload: bytes | None, lease: Lease) -> ImportRun:
    started = utcnow()
    with writing():
        db.session.rollback()
        _close_interrupted_runs(source_id, started)
        # Staff see the run while it runs; a process killed from here on leaves it "running" until
        # the next run of the source closes it as failed.
        run = ImportRun(source_id=source_id, host=owner, started_at=started, status=RunStatus.RUNNING)
        db.session.add(run)
        db.session.flush()
        run_id = run.id
        db.session.commit()
    source = db.session.get(ImportSource, source_id)
    known_pages = {row.url: KnownPage(row.lastmod, row.etag, row.last_modified, row.external_ids)
                   for row in db.session.execute(
                       select(ImportPage.url, ImportPage.lastmod, ImportPage.etag, ImportPage.last_modified,
                              ImportPage.external_ids).where(ImportPage.source_id == source_id))}
    # No transaction held while fetching: collect reads a copy that is not in the session, since the
    # session's own object, expired by the commit, would begin a transaction again to reload itself.
    source = _unattached_copy(source)
    db.session.commit()
    try:
        collected = collect(source, fetcher, upload=upload, known_pages=known_pages, keep_lease=lease.keep)
        error = None
    except CollectError as failure:
        collected, error = None, failure
    now = utcnow()
    with writing():
        db.session.rollback()
        # Fencing: the store transaction begins by extending the lease if it is still ours (on
        # PostgreSQL this also locks the source's row until commit, so a competing claim skips it).
        lost = (error is not None and error.reason == LEASE_LOST[0]) or not lease.fence(now)
        run = db.session.get(ImportRun, run_id)
        if lost:
            # Another process holds the source and writes its postings and state: only this run's
            # own row is written.
            _record_lost(run)
        elif error is not None:
            source = db.session.get(ImportSource, source_id)
            source.last_run_at = now
            _record_failure(source, run, error, now)
        else:
            source = db.session.get(ImportSource, source_id)
            source.last_run_at = now
            try:
                if collected.not_modified:
                    run.status = RunStatus.NOT_MODIFIED
                else:
                    store(source, run, collected, now)
                    run.status = RunStatus.SUCCEEDED if collected.complete else RunStatus.PARTIAL
                run.fetched, run.errors = collected.fetched, collected.errors
                source.etag, source.last_modified = collected.etag, collected.last_modified
                if collected.complete:
                    source.content_hash = collected.content_hash
                source.consecutive_failures = 0
                source.last_success_at = now
                source.last_error = None
                source.next_run_at = now + timedelta(hours=source.every_hours)
            except Exception as failure:  # noqa: BLE001 - any failure in store: write nothing but the run
                log.exception("Import of source %s failed while storing", source.name)
                db.session.rollback()
                held = lease.fence(now)  # the rollback undid the first extension and its row lock
                run = db.session.get(ImportRun, run_id)  # as committed when it started: running, all zero
                if held:
                    source = db.session.get(ImportSource, source_id)
                    source.last_run_at = now
                    _record_failure(source, run, CollectError("store_failed", repr(failure)[:500]), now)
                else:
                    _record_lost(run)
        run.finished_at = utcnow()
        run.duration_ms = int((as_utc(run.finished_at) - as_utc(started)).total_seconds() * 1000)
        db.session.commit()
    log.info("import %s: %s fetched=%d new=%d updated=%d unchanged=%d closed=%d skipped=%d errors=%d %dms",
             source.name, run.status, run.fetched, run.new, run.updated, run.unchanged, run.closed, run.skipped,
             run.errors, run.duration_ms)
    return run


def _unattached_copy(source: ImportSource) -> ImportSource:
    """The source's column values in an object no session knows (never added, never flushed)."""
    return ImportSource(**{attr.key: getattr(source, attr.key) for attr in sa_inspect(ImportSource).column_attrs})


def _close_interrupted_runs(source_id: int, now: datetime) -> None:
    """Runs of this source still marked running belong to a process that died: the caller holds the
    source's lease, which it could only take once theirs had expired (a live run renews its lease).
    They count as failures. (A run that was only stalled finds its lease lost when it goes on, and
    records itself as failed with "lease_lost".)"""
    stale = db.session.scalars(select(ImportRun).where(ImportRun.source_id == source_id,
                                                       ImportRun.status == RunStatus.RUNNING)).all()
    if not stale:
        return
    source = db.session.get(ImportSource, source_id)
    for run in stale:
        run.status, run.errors, run.error, run.finished_at = RunStatus.FAILED, 1, INTERRUPTED, now
        source.consecutive_failures += 1
        source.last_error = INTERRUPTED
        log.warning("import %s: run %d on %s was interrupted; closed as failed", source.name, run.id, run.host)


def _record_lost(run: ImportRun) -> None:
    """A run that lost its lease failed, but the source is left as its new holder keeps it (no failure
    counted, no backoff): the source did nothing wrong, this run was only too slow."""
    run.status = RunStatus.FAILED
    run.errors = 1
    run.error = "{}: {}".format(*LEASE_LOST)


def _record_failure(source: ImportSource, run: ImportRun, error: CollectError, now: datetime) -> None:
    run.status = RunStatus.FAILED
    run.errors = 1
    run.error = f"{error.reason}: {error.detail}"[:2000]
    source.consecutive_failures += 1
    source.last_error = run.error
    # Capped exponential backoff, never a silent disable: staff see failures and the next attempt.
    source.next_run_at = next_attempt_at(now, source.consecutive_failures, error.retry_after)


def run_due(fetcher: Fetcher, *, owner: str | None = None,
            progress: Callable[[ImportSource, ImportRun | None], object] | None = None) -> list[ImportRun]:
    owner = owner or host_id()
    runs = []
    for source in due_sources():
        run = run_source(source.id, fetcher, owner=owner)
        if run is not None:
            runs.append(run)
        if progress:
            progress(source, run)
    return runs
