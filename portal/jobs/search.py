"""Job search behind one interface, on SQLite (FTS5) and PostgreSQL (GIN on tsvector).

Parameters are validated here, so the search page, the Atom feed and the API accept exactly the
same ones and report the same errors.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, text
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.jobs import posting_index, relevance
from portal.jobs.models import EmploymentType, JapaneseLevel, Posting, PostingStatus, VISA_CODES
from portal.jobs.textindex import (Term, fts5_query, parse_query, phrase_term, strong_term, trade_occupation_term,
                                   tsquery)
from portal.matching.engine import JAPANESE_RANK
from portal.taxonomy.lookup import reference
from portal.timeutil import today

# "relevance" is best match for search words; with none, it is the newest first.
SORTS = ("relevance", "newest", "pay", "closing")
DEFAULT_SORT = "relevance"
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
    sort: str = DEFAULT_SORT
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
        return bool(self.to_args(sort=DEFAULT_SORT, page=1, per_page=DEFAULT_PER_PAGE))


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
    scores: dict[int, int] | None = None  # posting id → relevance score, when ordered by relevance

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))


def organisation_visible_condition():
    """The posting has no organisation (imported) or one whose postings may be shown: verified, or
    back to unverified after an edit of a verified one. Never-verified and suspended ones are hidden."""
    from portal.accounts.models import Organisation, OrganisationStatus

    visible = select(Organisation.id).where(or_(
        Organisation.status == OrganisationStatus.VERIFIED,
        and_(Organisation.status == OrganisationStatus.UNVERIFIED, Organisation.verified_at.is_not(None))))
    return or_(Posting.organisation_id.is_(None), Posting.organisation_id.in_(visible))


def not_hidden_condition():
    """Not hidden by open reports (moderation: three open reports hide a posting until staff decide)."""
    from portal.moderation.models import hidden_by_reports

    return Posting.id.not_in(hidden_by_reports())


def listed_condition():
    """Published, not a duplicate of another posting, from an organisation that may be shown, not
    hidden by reports: public until its closing date."""
    return and_(Posting.status == PostingStatus.PUBLISHED, Posting.duplicate_of_id.is_(None),
                organisation_visible_condition(), not_hidden_condition())


def public_condition():
    """What the public may see: listed, and not past its closing date."""
    return and_(listed_condition(), or_(Posting.valid_through.is_(None), Posting.valid_through >= today()))


# Popular words ("driver", 介護) are searched again and again, and a common word can match tens of
# thousands of postings, which PostgreSQL must then visit one heap page each to check. So each
# process remembers the ids for the last few hundred queries, until any posting changes.
KEYWORD_CACHE_SIZE = 256
_keyword_cache: OrderedDict[tuple, np.ndarray] = OrderedDict()


def query_terms(q: str) -> list[Term]:
    ref = reference()
    return parse_query(q, ref.synonyms, ref.occupation_words, ref.romaji)


def keyword_ids(q: str, generation: object = None) -> np.ndarray | None:
    """Ids of the postings (public or not) whose text matches the query; None when it has no words.

    `generation` names the state of the postings table (the snapshot's newest update): answers are
    reused only for the same one. The database joins the ids into one string: a common word
    matches tens of thousands of postings, and one value is read far faster than as many rows.
    """
    terms = query_terms(q)
    if not terms:
        return None
    return _cached_ids(terms, generation)


def _cached_ids(terms: list[Term], generation: object) -> np.ndarray:
    key = (str(db.engine.url), generation, repr(terms))
    cached = _keyword_cache.get(key) if generation is not None and KEYWORD_CACHE_SIZE else None
    if cached is not None:
        _keyword_cache.move_to_end(key)
        return cached
    ids = _matching_ids(terms)
    if generation is not None and KEYWORD_CACHE_SIZE:
        _keyword_cache[key] = ids
        while len(_keyword_cache) > KEYWORD_CACHE_SIZE:
            _keyword_cache.popitem(last=False)
    return ids


def _matching_ids(terms) -> np.ndarray:
    if db.engine.dialect.name == "sqlite":
        sql = "SELECT group_concat(rowid) FROM postings_fts WHERE postings_fts MATCH :match"
        values = {"match": fts5_query(terms)}
    else:
        # Through the GIN index of posting_terms, always (portal/jobs/search_index.py).
        sql = "SELECT posting_ids_matching(to_tsquery('simple', :tsq))"
        values = {"tsq": tsquery(terms)}
    joined = db.session.execute(text(sql), values).scalar()
    if not joined:
        return np.zeros(0, dtype=np.int64)
    ids = np.fromiter(map(int, joined.split(",")), dtype=np.int64)
    ids.flags.writeable = False  # shared by the requests that reuse it
    return ids


def _filter_masks(snapshot: posting_index.Snapshot, params: SearchParams) -> dict[str, np.ndarray]:
    """One mask per facet group, so that facet counts can leave out their own group."""
    ref = reference()
    vocab = snapshot.vocab
    masks: dict[str, np.ndarray] = {}
    if params.sector:
        masks["sector"] = snapshot.sector == vocab.sectors.position(params.sector)
    # A posting is under each prefecture it names; a nationwide or remote one under every one.
    if params.prefecture:
        masks["location"] = (snapshot.places & _bits([vocab.prefectures.position(params.prefecture)])) != 0
    elif params.region:
        codes = [vocab.prefectures.position(code) for code, p in ref.prefectures.items() if p.region == params.region]
        masks["location"] = (snapshot.places & _bits(codes)) != 0
    if params.japanese:
        rank = LEVEL_RANK[params.japanese]
        levels = [vocab.levels.position(level) for level, r in LEVEL_RANK.items() if r <= rank]
        masks["japanese"] = np.isin(snapshot.level, levels)
    if params.visa:
        masks["visa"] = (snapshot.visa & (1 << VISA_CODES.index(params.visa))) != 0
    if params.employment_type:
        masks["employment_type"] = snapshot.employment == vocab.employment_types.position(params.employment_type)
    if params.housing:
        masks["housing"] = snapshot.housing
    return masks


def _bits(positions) -> np.uint64:
    return np.uint64(sum(1 << int(position) for position in positions if position < 64))


def _place_counts(snapshot: posting_index.Snapshot, mask: np.ndarray) -> tuple[dict[str, int], dict[str, int]]:
    """Postings per prefecture and per region, each posting counted once under every place it is in:
    most name one prefecture (counted by position); the few others bit by bit."""
    vocab = snapshot.vocab.prefectures
    places = snapshot.places[mask]
    single = (places & (places - np.uint64(1))) == 0  # at most one bit set
    counted = np.bincount(snapshot.prefecture[mask][single & (places != 0)], minlength=len(vocab.codes) + 1)
    wide = places[~single]
    by_prefecture = {}
    for position, code in enumerate(vocab.codes):
        count = int(counted[position])
        if len(wide):
            count += int(np.count_nonzero(wide & np.uint64(1 << position)))
        if count:
            by_prefecture[code] = count
    by_region: dict[str, int] = {}
    prefectures = reference().prefectures
    regions: dict[str, list[int]] = {}
    for position, code in enumerate(vocab.codes):
        regions.setdefault(prefectures[code].region, []).append(position)
    for region, positions in regions.items():
        count = sum(int(counted[p]) for p in positions)
        if len(wide):
            count += int(np.count_nonzero(wide & _bits(positions)))
        if count:
            by_region[region] = count
    return by_prefecture, by_region


def _all(base: np.ndarray, masks) -> np.ndarray:
    result = base.copy()
    for mask in masks:
        result &= mask
    return result


def search(params: SearchParams, *, with_facets: bool = True, lang: str | None = None) -> SearchResult:
    """Filter, count and order in the process's posting snapshot; read only the page's postings.
    `lang` is the searcher's language: best match puts postings titled in it first."""
    snapshot = posting_index.current()
    generation = (snapshot.newest_update, snapshot.built_at)
    base = snapshot.open_on(today())
    terms = query_terms(params.q) if params.q else []
    if terms:
        base &= snapshot.mask_of(_cached_ids(terms, generation))
    if params.min_pay:
        base &= snapshot.monthly >= params.min_pay  # not a facet: it narrows every count
    masks = _filter_masks(snapshot, params)
    matching = _all(base, masks.values())
    total = int(np.count_nonzero(matching))
    offset = (params.page - 1) * params.per_page
    scores = None
    if params.sort == "relevance" and terms:
        page_ids, scores = _best_matches(snapshot, matching, terms, generation, lang, offset, params.per_page)
    else:  # with no words every score is the same, and ties go to the newest
        sort = "newest" if params.sort == "relevance" else params.sort
        page_ids = snapshot.page(matching, sort, offset, params.per_page)
    facets = _facets(snapshot, base, masks) if with_facets else None
    return SearchResult(params=params, items=postings_in_order(page_ids), total=total, facets=facets, scores=scores)


def _best_matches(snapshot: posting_index.Snapshot, matching: np.ndarray, terms: list[Term], generation,
                  lang: str | None, offset: int, limit: int) -> tuple[list[int], dict[int, int]]:
    """One page of the matching postings, best match first, with their scores. Where each word was
    found is asked of the index once per word (and once for the phrase), cached like the matches."""
    rows = np.flatnonzero(matching)

    def found(term: Term | None) -> np.ndarray | None:
        if term is None:
            return None
        return snapshot.mask_of(_cached_ids([term], generation))[rows]

    phrase = phrase_term(terms)
    score = relevance.scores(
        len(rows), [found(strong_term(term)) for term in terms],
        [found(strong_term(term, typed=True)) for term in terms],
        [mask for term in terms if (mask := found(trade_occupation_term(term))) is not None], found(phrase),
        found(strong_term(phrase)) if phrase is not None else None, snapshot.languages[rows], lang)
    order = relevance.best_first(score, snapshot.published[rows], snapshot.ids[rows])[offset:offset + limit]
    page_ids = [int(i) for i in snapshot.ids[rows[order]]]
    return page_ids, dict(zip(page_ids, (int(value) for value in score[order])))


def postings_in_order(ids: list[int]) -> list[Posting]:
    """These postings in this order, re-checked as public: the snapshot may be a moment behind."""
    if not ids:
        return []
    # The condition is computed per row, not used to find rows: found by primary key, twenty rows are
    # read whatever the planner thinks of the status index.
    found = db.session.execute(
        select(Posting, public_condition().label("public")).where(Posting.id.in_(ids))
        .options(selectinload(Posting.organisation), selectinload(Posting.places))
    ).all()
    by_id = {posting.id: posting for posting, public in found if public}
    return [by_id[i] for i in ids if i in by_id]


def open_jobs_by_sector() -> dict[str, int]:
    """Open postings per sector (the home page), counted in the process's snapshot as search counts them."""
    snapshot = posting_index.current()
    return snapshot.vocab.sectors.counts(snapshot.sector[snapshot.open_on(today())])


def open_jobs_by_prefecture() -> dict[str, int]:
    """Open postings per prefecture (the home page), in prefecture-code order."""
    snapshot = posting_index.current()
    counts = snapshot.vocab.prefectures.counts(snapshot.prefecture[snapshot.open_on(today())])
    return {code: counts[code] for code in snapshot.vocab.prefectures.codes if code in counts}


def _facets(snapshot: posting_index.Snapshot, base: np.ndarray, masks: dict[str, np.ndarray]) -> Facets:
    """Counts per filter value, each group leaving out its own filter (so other values stay reachable)."""
    vocab = snapshot.vocab
    everything = _all(base, masks.values())

    def without(group: str) -> np.ndarray:
        if group not in masks:
            return everything
        return _all(base, (mask for name, mask in masks.items() if name != group))

    facets = Facets()
    facets.sector = vocab.sectors.counts(snapshot.sector[without("sector")])
    facets.prefecture, facets.region = _place_counts(snapshot, without("location"))
    by_level = vocab.levels.counts(snapshot.level[without("japanese")])
    for level, rank in LEVEL_RANK.items():
        facets.japanese[level] = sum(count for lvl, count in by_level.items() if LEVEL_RANK.get(lvl, 9) <= rank)
    facets.employment_type = vocab.employment_types.counts(snapshot.employment[without("employment_type")])
    visa = snapshot.visa[without("visa")]
    facets.visa = {code: int(np.count_nonzero(visa & (1 << offset))) for offset, code in enumerate(VISA_CODES)}
    facets.housing = int(np.count_nonzero(snapshot.housing & without("housing")))
    return facets


def clear_facet_cache() -> None:
    """Forget the posting snapshots and keyword answers (tests empty the database between cases)."""
    posting_index.clear()
    _keyword_cache.clear()


__all__ = ["JapaneseLevel", "SearchParamError", "SearchParams", "SearchResult", "parse_params", "search",
           "public_condition", "listed_condition", "keyword_ids", "LEVEL_RANK", "SORTS"]
