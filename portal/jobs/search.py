"""Job search behind one interface, on SQLite (FTS5) and PostgreSQL (GIN on tsvector).

Parameters are validated here, so the search page, the Atom feed and the API accept exactly the
same ones and report the same errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select, text
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.jobs.models import EmploymentType, JapaneseLevel, Posting, PostingStatus, VISA_CODES
from portal.jobs.textindex import fts5_query, parse_query, tsquery
from portal.taxonomy.lookup import reference
from portal.timeutil import today

SORTS = ("newest", "pay", "closing")
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 1000
MAX_QUERY_LENGTH = 200

# "What I can do with N4": a level admits postings that need it or less. JFT-Basic (A2) counts as N4.
LEVEL_RANK = {"none": 0, "N5": 1, "JFT_BASIC": 2, "N4": 2, "N3": 3, "N2": 4, "N1": 5}


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


def _keyword_condition(q: str):
    terms = parse_query(q, reference().synonyms)
    if not terms:
        return None
    if db.engine.dialect.name == "sqlite":
        return Posting.id.in_(
            text("SELECT rowid FROM postings_fts WHERE postings_fts MATCH :match").bindparams(match=fts5_query(terms))
        )
    # Written out so that it is the same expression as the GIN index (ix_postings_search).
    return text("to_tsvector('simple', postings.search_tokens) @@ to_tsquery('simple', :tsq)").bindparams(
        tsq=tsquery(terms)
    )


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
    facets = _facets(base, filters) if with_facets else None
    return SearchResult(params=params, items=list(items), total=total, facets=facets)


def _facets(base: list, filters: dict) -> Facets:
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
