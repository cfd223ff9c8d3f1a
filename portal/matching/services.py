"""Matching a seeker's profile against the published postings (the engine is pure; this feeds it)."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from portal.accounts.models import SeekerProfile
from portal.extensions import db
from portal.jobs.models import VISA_CODES, Posting
from portal.jobs.search import public_condition
from portal.matching import engine
from portal.taxonomy.lookup import reference

JLPT_LEVELS = ("N5", "N4", "N3", "N2", "N1")


def trade_infos() -> dict[str, engine.TradeInfo]:
    return {code: engine.TradeInfo(frozenset(t.isco_codes), frozenset(t.sector_codes))
            for code, t in reference().trades.items()}


def profile_from_model(profile: SeekerProfile | None) -> engine.Profile:
    if profile is None:
        return engine.Profile()
    tests = frozenset(t.sector_code if t.level == "i" else f"{t.sector_code}:ii" for t in profile.skills_tests)
    return engine.Profile(
        trades=tuple(engine.TradeSkill(t.trade_code, t.years or 0, t.navttc_level) for t in profile.trades),
        jlpt=profile.jlpt_level or None,
        jft_basic=bool(profile.jft_basic_score and profile.jft_basic_score >= 200),
        nursing_japanese=profile.nursing_japanese_passed,
        skills_tests=tests,
        titp_completed=profile.titp_field or None,
        licences=frozenset(profile.licences or ()),
        education=profile.education or None,
        preferences=engine.Preferences(
            sectors=frozenset(profile.pref_sectors or ()), regions=frozenset(profile.pref_regions or ()),
            min_monthly_pay=profile.pref_min_monthly_pay, housing_needed=profile.pref_housing_needed,
            strict=profile.pref_strict),
    )


def profile_from_answers(*, trade: str | None, years: float | None = None, japanese: str | None = None,
                         skills_test: str | None = None, titp_field: str | None = None,
                         licences: frozenset[str] = frozenset(), education: str | None = None) -> engine.Profile:
    """Quick match and the API: a few answers, nothing stored."""
    return engine.Profile(
        trades=(engine.TradeSkill(trade, years or 0),) if trade else (),
        jlpt=japanese if japanese in JLPT_LEVELS else None,
        jft_basic=japanese == "JFT_BASIC",
        skills_tests=frozenset([skills_test]) if skills_test else frozenset(),
        titp_completed=titp_field or None,
        licences=licences,
        education=education,
    )


def job_from_row(row, regions: dict[str, str]) -> engine.Job:
    return engine.Job(
        id=row.id, sector=row.sector_code, occupation=row.occupation_code, prefecture=row.prefecture_code,
        region=regions.get(row.prefecture_code), japanese_level=row.japanese_level,
        visas=frozenset(code for code in VISA_CODES if getattr(row, f"visa_{code}")),
        monthly_jpy=row.monthly_jpy, housing=row.support_housing,
    )


def job_from_posting(posting: Posting) -> engine.Job:
    regions = {code: p.region for code, p in reference().prefectures.items()}
    return job_from_row(posting, regions)


_JOB_COLUMNS = (Posting.id, Posting.sector_code, Posting.occupation_code, Posting.prefecture_code,
                Posting.japanese_level, *(getattr(Posting, f"visa_{code}") for code in VISA_CODES),
                Posting.monthly_jpy, Posting.support_housing)


@dataclass
class Match:
    result: engine.MatchResult
    posting: Posting


# The groups depend on the postings, not on the person: kept for a minute, like the search facets.
GROUPS_TTL_SECONDS = 60
_groups_cache: OrderedDict[tuple, tuple[float, list]] = OrderedDict()


def _cached_groups(key: tuple, load) -> list:
    now = time.monotonic()
    cached = _groups_cache.get(key)
    if cached is not None and cached[0] > now:
        _groups_cache.move_to_end(key)
        return cached[1]
    groups = load()
    _groups_cache[key] = (now + GROUPS_TTL_SECONDS, groups)
    while len(_groups_cache) > 256:
        _groups_cache.popitem(last=False)
    return groups


def clear_cache() -> None:
    _groups_cache.clear()


def best_matches(profile: engine.Profile, *, limit: int = 20, sector: str | None = None,
                 eligibility: str | None = None) -> list[Match]:
    """The best public postings for a profile, with the engine's verdict and reasons.

    A score depends only on a few attributes of a posting (field, occupation, place, Japanese level,
    visas, housing, and whether the pay reaches the seeker's minimum). So the database first groups
    the postings by those attributes (in C, over every posting); the engine scores one posting per
    group; and only the postings of the best groups are loaded and ranked exactly. Matching against
    100,000 postings then reads a few hundred groups instead of every row.
    """
    trades = trade_infos()
    conditions = [public_condition()]
    sectors = frozenset([sector]) if sector else engine.candidate_sectors(profile, trades)
    if sectors:
        conditions.append(Posting.sector_code.in_(sorted(sectors)))
    min_pay = profile.preferences.min_monthly_pay
    pay_ok = (Posting.monthly_jpy >= min_pay) if min_pay is not None else literal(None)
    prefs = profile.preferences
    # Place and housing change a score only when the seeker states a preference about them.
    keys = (Posting.sector_code, Posting.occupation_code, Posting.japanese_level,
            *(getattr(Posting, f"visa_{code}") for code in VISA_CODES),
            Posting.prefecture_code if (prefs.prefectures or prefs.regions) else literal(None).label("prefecture"),
            Posting.support_housing if prefs.housing_needed else literal(False).label("housing"))
    cache_key = (str(db.engine.url), tuple(sorted(sectors)), bool(prefs.prefectures or prefs.regions),
                 prefs.housing_needed, min_pay)
    groups = _cached_groups(cache_key, lambda: db.session.connection().execute(
        select(*keys, pay_ok.label("pay_ok"), func.count()).where(*conditions).group_by(*keys, pay_ok)
    ).all())
    regions = {code: p.region for code, p in reference().prefectures.items()}
    wanted = limit if not eligibility else max(limit * 10, 200)
    scored = []
    for group in groups:
        (sector_code, occupation, level, *flags, prefecture, housing, ok, count) = group
        monthly = None if ok is None else (min_pay if ok else (min_pay or 1) - 1)
        job = engine.Job(0, sector_code, occupation, prefecture, regions.get(prefecture), level,
                         frozenset(code for code, flag in zip(VISA_CODES, flags) if flag), monthly, housing)
        result = engine.rank(profile, [job], trades, limit=1)
        if result and (not eligibility or result[0].eligibility == eligibility):
            scored.append((result[0].score, group, count))
    scored.sort(key=lambda item: item[0], reverse=True)
    chosen, total, cutoff = [], 0, None
    for score, group, count in scored:
        if cutoff is not None and score < cutoff:
            break
        chosen.append(group)
        total += count
        if total >= wanted and cutoff is None:
            cutoff = score  # keep every group tied with the last one: ties are broken by posting id
    if not chosen:
        return []
    matches_group = []
    for group in chosen:
        values = group[:len(keys)]
        parts = [column.is_(None) if value is None else column == value
                 for column, value in zip(keys, values) if isinstance(column, InstrumentedAttribute)]
        if min_pay is not None:
            ok = group[len(keys)]
            parts.append(Posting.monthly_jpy.is_(None) if ok is None else (pay_ok if ok else ~pay_ok))
        matches_group.append(and_(*parts))
    query = select(*_JOB_COLUMNS).where(*conditions, or_(*matches_group))
    jobs = []
    for row in db.session.connection().execute(query):
        (posting_id, sector_code, occupation, prefecture, level, *flags, monthly, housing) = row
        jobs.append(engine.Job(posting_id, sector_code, occupation, prefecture, regions.get(prefecture), level,
                               frozenset(code for code, flag in zip(VISA_CODES, flags) if flag), monthly, housing))
    ranked = engine.rank(profile, jobs, trades, limit=wanted)
    if eligibility:
        ranked = [r for r in ranked if r.eligibility == eligibility][:limit]
    postings = {p.id: p for p in db.session.scalars(
        select(Posting).where(Posting.id.in_([r.job_id for r in ranked])).options(selectinload(Posting.organisation)))}
    return [Match(r, postings[r.job_id]) for r in ranked if r.job_id in postings]


def match_posting(profile: engine.Profile, posting: Posting) -> engine.MatchResult:
    return engine.match(profile, job_from_posting(posting), trade_infos())
