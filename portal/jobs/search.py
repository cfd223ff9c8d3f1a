"""Job search behind one interface, on SQLite (FTS5) and PostgreSQL (GIN on tsvector).

Parameters are validated here, so the search page, the Atom feed and the API accept exactly the
same ones and report the same errors.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, false, func, or_, select, text
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.jobs.models import EmploymentType, JapaneseLevel, Posting, PostingStatus, VISA_CODES
from portal.jobs.textindex import fts5_query, parse_query, tsquery
from portal.matching.engine import JAPANESE_RANK
from portal.taxonomy.lookup import reference
from portal.timeutil import today

SORTS = ("newest", "pay", "closing")
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 1000
MAX_QUERY_LENGTH = 200

# "What I can do with N4": a level admits postings that need it or less. JFT-Basic (A2) counts as N4.
LEVEL_RANK = JAPANESE_RANK


class SearchParamError(ValueError):
    def __init__(self, param: str, message):
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    sector: str | None = None
    region: str | None = None
    prefecture: str | None = None
    japanese: str | None = None
    visa: str | None = None
    employment_type: str | None = None
    min_pay: int | None = None
    housing: bool = False
    sort: str = "newest"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def to_args(self, **changes) -> dict[str, str]:
        """Query-string arguments for this search (defaults left out), for links and bookmarks."""
        params = replace(self, **changes) if changes else self
        args = {}
        for item in fields(params):
            value = getattr(params, item.name)
            if value in (None, "", False) or value == item.default:
                continue
            args[item.name] = "1" if value is True else str(value)
        return args

    @property
    def is_filtered(self) -> bool:
        return bool(self.to_args(sort="newest", page=1, per_page=DEFAULT_PER_PAGE))


def _int(args: Mapping, name: str, low: int, high: int) -> int | None:
    raw = (args.get(name) or "").strip()
    if raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise SearchParamError(name, _l("Enter a whole number.")) from None
    if not low <= value <= high:
        raise SearchParamError(name, _l("Enter a number from %(low)s to %(high)s.", low=low, high=high))
    return value


def _choice(args: Mapping, name: str, allowed) -> str | None:
    raw = (args.get(name) or "").strip()
    if raw == "":
        return None
    if raw not in allowed:
        raise SearchParamError(name, _l("This value is not one of the choices."))
    return raw


def parse_params(args: Mapping, *, strict: bool = True) -> tuple[SearchParams, list[SearchParamError]]:
    """Search parameters from a query string. With strict=False, bad values are dropped and returned
    as errors (the HTML page shows them); with strict=True the first one is raised (the API)."""
    ref = reference()
    errors: list[SearchParamError] = []
    values: dict = {}

    def take(name, parser, *parser_args):
        try:
            value = parser(args, name, *parser_args)
        except SearchParamError as error:
            if strict:
                raise
            errors.append(error)
            return
        if value is not None:
            values[name] = value

    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        error = SearchParamError("q", _l("Use at most %(count)d characters.", count=MAX_QUERY_LENGTH))
        if strict:
            raise error
        errors.append(error)
        q = q[:MAX_QUERY_LENGTH]
    values["q"] = q
    take("sector", _choice, ref.sectors)
    take("region", _choice, ref.regions)
    take("prefecture", _choice, ref.prefectures)
    take("japanese", _choice, LEVEL_RANK)
    take("visa", _choice, VISA_CODES)
    take("employment_type", _choice, {e.value for e in EmploymentType})
    take("min_pay", _int, 0, 10_000_000)
    take("sort", _choice, SORTS)
    take("page", _int, 1, MAX_PAGE)
    take("per_page", _int, 1, MAX_PER_PAGE)
    housing = (args.get("housing") or "").strip().lower()
    if housing not in ("", "0", "1", "true", "false", "on"):
        error = SearchParamError("housing", _l("This value is not one of the choices."))
        if strict:
            raise error
        errors.append(error)
    values["housing"] = housing in ("1", "true", "on")
    return SearchParams(**values), errors


@dataclass
class Facets:
    sector: dict[str, int] = field(default_factory=dict)
    region: dict[str, int] = field(default_factory=dict)
    prefecture: dict[str, int] = field(default_factory=dict)
    japanese: dict[str, int] = field(default_factory=dict)  # postings a seeker with this level can do
    visa: dict[str, int] = field(default_factory=dict)
    employment_type: dict[str, int] = field(default_factory=dict)
    housing: int = 0


@dataclass
class SearchResult:
    params: SearchParams
    items: list[Posting]
    total: int
    facets: Facets | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))


def public_condition():
    """What the public may see: published, not past its closing date, not a duplicate of another."""
    return and_(Posting.status == PostingStatus.PUBLISHED, Posting.duplicate_of_id.is_(None),
                or_(Posting.valid_through.is_(None), Posting.valid_through >= today()))


# Keyword matches are looked up once per request and reused by every query of the request (count,
# page, facets) as a list of ids when it is short enough; a long list stays a subquery.
MAX_MATERIALISED_IDS = 3000


def _keyword_match_sql(q: str) -> tuple[str, dict] | None:
    terms = parse_query(q, reference().synonyms)
    if not terms:
        return None
    if db.engine.dialect.name == "sqlite":
        return "SELECT rowid FROM postings_fts WHERE postings_fts MATCH :match", {"match": fts5_query(terms)}
    # Written out so that it is the same expression as the GIN index (ix_postings_search).
    return ("SELECT id FROM postings WHERE to_tsvector('simple', postings.search_tokens) @@ to_tsquery('simple', :tsq)",
            {"tsq": tsquery(terms)})


def _keyword_condition(q: str):
    """A condition on Posting.id for the keyword query, or None when the query has no words."""
    match = _keyword_match_sql(q)
    if match is None:
        return None
    sql, values = match
    ids = db.session.execute(text(sql + " LIMIT :limit"), {**values, "limit": MAX_MATERIALISED_IDS + 1}).scalars().all()
    if len(ids) <= MAX_MATERIALISED_IDS:
        return Posting.id.in_(ids) if ids else false()
    if db.engine.dialect.name == "sqlite":
        # Many matches: keep them in this connection's temporary table, so that the count, the page
        # and every facet read them instead of running the full-text match again. (A temporary
        # table takes no lock on the database file; PostgreSQL plans the subquery well by itself.)
        connection = db.session.connection()
        connection.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS search_matches (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql("DELETE FROM temp.search_matches")
        connection.execute(text("INSERT INTO temp.search_matches " + sql), values)
        return Posting.id.in_(text("SELECT id FROM temp.search_matches"))
    return Posting.id.in_(text(sql).bindparams(**values))


def _filters(params: SearchParams) -> dict[str, object]:
    """One condition per facet group, so facet counts can leave out their own group."""
    ref = reference()
    conditions: dict[str, object] = {}
    if params.sector:
        conditions["sector"] = Posting.sector_code == params.sector
    if params.prefecture:
        conditions["location"] = Posting.prefecture_code == params.prefecture
    elif params.region:
        codes = [code for code, p in ref.prefectures.items() if p.region == params.region]
        conditions["location"] = Posting.prefecture_code.in_(codes)
    if params.japanese:
        rank = LEVEL_RANK[params.japanese]
        conditions["japanese"] = Posting.japanese_level.in_([lvl for lvl, r in LEVEL_RANK.items() if r <= rank])
    if params.visa:
        conditions["visa"] = getattr(Posting, f"visa_{params.visa}").is_(True)
    if params.employment_type:
        conditions["employment_type"] = Posting.employment_type == params.employment_type
    if params.min_pay:
        conditions["min_pay"] = Posting.monthly_jpy >= params.min_pay
    if params.housing:
        conditions["housing"] = Posting.support_housing.is_(True)
    return conditions


def _order(sort: str):
    if sort == "pay":
        return [Posting.monthly_jpy.desc().nulls_last(), Posting.id.desc()]
    if sort == "closing":
        return [Posting.valid_through.asc().nulls_last(), Posting.id.desc()]
    return [Posting.published_at.desc(), Posting.id.desc()]


def search(params: SearchParams, *, with_facets: bool = True) -> SearchResult:
    base = [public_condition()]
    keyword = _keyword_condition(params.q) if params.q else None
    if keyword is not None:
        base.append(keyword)
    filters = _filters(params)
    where = [*base, *filters.values()]

    total = db.session.scalar(select(func.count()).select_from(Posting).where(*where)) or 0
    items = []
    if total and (params.page - 1) * params.per_page < total:
        items = db.session.scalars(
            select(Posting).where(*where).order_by(*_order(params.sort))
            .offset((params.page - 1) * params.per_page).limit(params.per_page)
            .options(selectinload(Posting.organisation))
        ).all()
    facets = _facets(params, base, filters) if with_facets else None
    return SearchResult(params=params, items=list(items), total=total, facets=facets)


# ---- facets -------------------------------------------------------------------------------------
# Counts per filter value, each facet leaving out its own filter (so the other values stay
# reachable). A small candidate set (a keyword search) is counted in Python from one query; a large
# one (browsing) by GROUP BY queries whose answer is kept for a minute: counts a minute old are fine,
# and browsing pages are the ones most often repeated.

FACET_TTL_SECONDS = 60
FACET_CACHE_SIZE = 512
PYTHON_FACET_LIMIT = 5000
_facet_cache: OrderedDict[tuple, tuple[float, Facets]] = OrderedDict()

_FACET_COLUMNS = (Posting.sector_code, Posting.prefecture_code, Posting.japanese_level, Posting.employment_type,
                  *(getattr(Posting, f"visa_{code}") for code in VISA_CODES), Posting.support_housing)


def _facets(params: SearchParams, base: list, filters: dict) -> Facets:
    key = (str(db.engine.url), tuple(sorted(params.to_args(page=1, sort="newest", per_page=DEFAULT_PER_PAGE).items())))
    now = time.monotonic()
    cached = _facet_cache.get(key)
    if cached is not None and cached[0] > now:
        _facet_cache.move_to_end(key)
        return cached[1]
    # min_pay is not a facet: it narrows every count.
    base = [*base, *([filters["min_pay"]] if "min_pay" in filters else [])]
    filters = {name: condition for name, condition in filters.items() if name != "min_pay"}
    size = db.session.scalar(select(func.count()).select_from(Posting).where(*base)) or 0
    if size <= PYTHON_FACET_LIMIT:
        rows = db.session.connection().execute(select(*_FACET_COLUMNS).where(*base)).all()
        facets = _facets_in_python(params, rows)
    else:
        facets = _facets_in_sql(base, filters)
    _facet_cache[key] = (now + FACET_TTL_SECONDS, facets)
    while len(_facet_cache) > FACET_CACHE_SIZE:
        _facet_cache.popitem(last=False)
    return facets


def clear_facet_cache() -> None:
    _facet_cache.clear()


def _python_filters(params: SearchParams) -> dict[str, object]:
    """The same filters as _filters(), as predicates on a facet row."""
    ref = reference()
    checks: dict[str, object] = {}
    if params.sector:
        checks["sector"] = lambda row: row[0] == params.sector
    if params.prefecture:
        checks["location"] = lambda row: row[1] == params.prefecture
    elif params.region:
        checks["location"] = lambda row: ref.prefectures[row[1]].region == params.region
    if params.japanese:
        rank = LEVEL_RANK[params.japanese]
        checks["japanese"] = lambda row: LEVEL_RANK.get(row[2], 9) <= rank
    if params.visa:
        index = 4 + VISA_CODES.index(params.visa)
        checks["visa"] = lambda row: bool(row[index])
    if params.employment_type:
        checks["employment_type"] = lambda row: row[3] == params.employment_type
    if params.housing:
        checks["housing"] = lambda row: bool(row[-1])
    return checks


def _facets_in_python(params: SearchParams, rows) -> Facets:
    checks = _python_filters(params)
    prefectures = reference().prefectures
    facets = Facets()
    by_level: dict[str, int] = {}
    for row in rows:
        failed = [name for name, check in checks.items() if not check(row)]
        if len(failed) > 1:
            continue
        missing = failed[0] if failed else None  # the one facet this row still counts for

        def counts(group: str) -> bool:
            return missing is None or missing == group

        if counts("sector"):
            facets.sector[row[0]] = facets.sector.get(row[0], 0) + 1
        if counts("location"):
            facets.prefecture[row[1]] = facets.prefecture.get(row[1], 0) + 1
            region = prefectures[row[1]].region
            facets.region[region] = facets.region.get(region, 0) + 1
        if counts("japanese"):
            by_level[row[2]] = by_level.get(row[2], 0) + 1
        if counts("employment_type"):
            facets.employment_type[row[3]] = facets.employment_type.get(row[3], 0) + 1
        if counts("visa"):
            for offset, code in enumerate(VISA_CODES):
                if row[4 + offset]:
                    facets.visa[code] = facets.visa.get(code, 0) + 1
        if counts("housing") and row[-1]:
            facets.housing += 1
    for code in VISA_CODES:
        facets.visa.setdefault(code, 0)
    for level, rank in LEVEL_RANK.items():
        facets.japanese[level] = sum(count for lvl, count in by_level.items() if LEVEL_RANK.get(lvl, 9) <= rank)
    return facets


def _facets_in_sql(base: list, filters: dict) -> Facets:
    def without(group: str) -> list:
        return [*base, *(condition for name, condition in filters.items() if name != group)]

    def grouped(column, group: str) -> dict[str, int]:
        rows = db.session.execute(select(column, func.count()).where(*without(group)).group_by(column))
        return {key: count for key, count in rows if key is not None}

    facets = Facets()
    facets.sector = grouped(Posting.sector_code, "sector")
    facets.prefecture = grouped(Posting.prefecture_code, "location")
    prefectures = reference().prefectures
    for code, count in facets.prefecture.items():
        region = prefectures[code].region
        facets.region[region] = facets.region.get(region, 0) + count
    by_level = grouped(Posting.japanese_level, "japanese")
    for level, rank in LEVEL_RANK.items():
        facets.japanese[level] = sum(count for lvl, count in by_level.items() if LEVEL_RANK.get(lvl, 9) <= rank)
    facets.employment_type = grouped(Posting.employment_type, "employment_type")
    visa_sums = db.session.execute(
        select(*(func.sum(case((getattr(Posting, f"visa_{code}").is_(True), 1), else_=0)) for code in VISA_CODES))
        .where(*without("visa"))
    ).one()
    facets.visa = {code: int(value or 0) for code, value in zip(VISA_CODES, visa_sums, strict=True)}
    facets.housing = db.session.scalar(
        select(func.count()).select_from(Posting).where(*without("housing"), Posting.support_housing.is_(True))
    ) or 0
    return facets


__all__ = ["JapaneseLevel", "SearchParamError", "SearchParams", "SearchResult", "parse_params", "search",
           "public_condition", "LEVEL_RANK", "SORTS"]
