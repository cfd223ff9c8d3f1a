"""Matching a seeker's profile against the published postings (the engine is pure; this feeds it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

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


def best_matches(profile: engine.Profile, *, limit: int = 20, sector: str | None = None,
                 eligibility: str | None = None) -> list[Match]:
    """The best public postings for a profile, with the engine's verdict and reasons."""
    trades = trade_infos()
    query = select(*_JOB_COLUMNS).where(public_condition())
    sectors = frozenset([sector]) if sector else engine.candidate_sectors(profile, trades)
    if sectors:
        query = query.where(Posting.sector_code.in_(sorted(sectors)))
    regions = {code: p.region for code, p in reference().prefectures.items()}
    jobs = [job_from_row(row, regions) for row in db.session.execute(query)]
    ranked = engine.rank(profile, jobs, trades, limit=limit if not eligibility else max(limit * 10, 200))
    if eligibility:
        ranked = [r for r in ranked if r.eligibility == eligibility][:limit]
    postings = {p.id: p for p in db.session.scalars(
        select(Posting).where(Posting.id.in_([r.job_id for r in ranked])).options(selectinload(Posting.organisation)))}
    return [Match(r, postings[r.job_id]) for r in ranked if r.job_id in postings]


def match_posting(profile: engine.Profile, posting: Posting) -> engine.MatchResult:
    return engine.match(profile, job_from_posting(posting), trade_infos())
