"""Matching a seeker's profile against the published postings (the engine is pure; this feeds it)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


from portal.accounts.models import SeekerProfile
from portal.extensions import db
from portal.jobs.models import VISA_CODES, Posting
from portal.jobs import posting_index
from portal.jobs.search import postings_in_order
from portal.matching import engine
from portal.taxonomy.lookup import reference
from portal.timeutil import today

JLPT_LEVELS = ("N5", "N4", "N3", "N2", "N1")


def trade_infos() -> dict[str, engine.TradeInfo]:
    return {code: engine.TradeInfo(frozenset(t.isco_codes), frozenset(t.sector_codes))
            for code, t in reference().trades.items()}


def test_code(sector: str, sub_area: str | None, level: str | None = "i") -> str:
    """A passed skills test as the engine names it: "<sector>[/<sub_area>][:ii]"."""
    code = f"{sector}/{sub_area}" if sub_area else sector
    return f"{code}:ii" if level == "ii" else code


def profile_from_model(profile: SeekerProfile | None) -> engine.Profile:
    if profile is None:
        return engine.Profile()
    tests = frozenset(test_code(t.sector_code, t.sub_area, t.level) for t in profile.skills_tests)
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
        sub_area=row.sub_area or None, applicants_from=row.applicants_from or "unknown",
        employment_type=row.employment_type, dispatch=bool(row.dispatch),
        salary_unit=row.salary_unit if row.salary_min is not None or row.salary_max is not None else None,
    )


def job_from_posting(posting: Posting) -> engine.Job:
    regions = {code: p.region for code, p in reference().prefectures.items()}
    return job_from_row(posting, regions)


@dataclass
class Match:
    result: engine.MatchResult
    posting: Posting


def clear_cache() -> None:
    """Matching reads the search's posting snapshot; tests forget it between cases."""
    from portal.jobs.search import clear_facet_cache

    clear_facet_cache()


def best_matches(profile: engine.Profile, *, limit: int = 20, sector: str | None = None,
                 eligibility: str | None = None) -> list[Match]:
    """The best public postings for a profile, with the engine's verdict and reasons.

    A score depends only on a few attributes of a posting (field, occupation, place, Japanese level,
    visas, housing, and whether the pay reaches the seeker's minimum). So the postings are first
    grouped by those attributes, in the process's posting snapshot (numpy, over every posting); the
    engine scores one posting per group; and only the postings of the best groups are ranked
    exactly. Matching against 100,000 postings then scores a few hundred groups instead of every row.
    """
    trades = trade_infos()
    snapshot = posting_index.current()
    vocab = snapshot.vocab
    candidates = snapshot.open_on(today())
    sectors = frozenset([sector]) if sector else engine.candidate_sectors(profile, trades)
    if sectors:
        candidates &= np.isin(snapshot.sector, [vocab.sectors.position(code) for code in sectors])
    rows = np.flatnonzero(candidates)
    if not len(rows):
        return []
    prefs = profile.preferences
    min_pay = prefs.min_monthly_pay
    # Place and housing change a score only when the seeker states a preference about them.
    place = snapshot.prefecture[rows] if (prefs.prefectures or prefs.regions) else np.zeros(len(rows), np.int16)
    housing = snapshot.housing[rows] if prefs.housing_needed else np.zeros(len(rows), bool)
    monthly = snapshot.monthly[rows]
    if min_pay is None:
        pay = np.zeros(len(rows), np.int64)  # 0: not asked (or pay unknown), 1: reaches it, 2: does not
    else:
        pay = np.where(monthly < 0, 0, np.where(monthly >= min_pay, 1, 2))
    key = snapshot.sector[rows].astype(np.int64)
    for column, size in ((snapshot.verdict_key[rows], len(snapshot.verdict_keys) + 1),
                         (snapshot.occupation[rows], len(vocab.occupations.codes) + 1),
                         (snapshot.level[rows], len(vocab.levels.codes) + 1), (snapshot.visa[rows], 32),
                         (place, len(vocab.prefectures.codes) + 1), (housing, 2), (pay, 3)):
        key = key * size + column
    groups, first, group_of_row, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)

    regions = {code: p.region for code, p in reference().prefectures.items()}
    wanted = limit if not eligibility else max(limit * 10, 200)
    scored = []
    for group, representative in enumerate(first):
        job = _job(snapshot, rows[representative], regions, place_known=bool(prefs.prefectures or prefs.regions),
                   housing_known=prefs.housing_needed)
        if min_pay is not None and pay[representative]:
            job = replace(job, monthly_jpy=min_pay if pay[representative] == 1 else min_pay - 1)
        result = engine.rank(profile, [job], trades, limit=1)
        if result and (not eligibility or result[0].eligibility == eligibility):
            scored.append((result[0].score, group))
    scored.sort(key=lambda item: item[0], reverse=True)
    chosen, total, cutoff = [], 0, None
    for score, group in scored:
        if cutoff is not None and score < cutoff:
            break
        chosen.append(group)
        total += int(counts[group])
        if total >= wanted and cutoff is None:
            cutoff = score  # keep every group tied with the last one: ties are broken by posting id
    if not chosen:
        return []
    jobs = [_job(snapshot, row, regions) for row in rows[np.isin(group_of_row, chosen)]]
    ranked = engine.rank(profile, jobs, trades, limit=wanted)
    if eligibility:
        ranked = [r for r in ranked if r.eligibility == eligibility][:limit]
    postings = {p.id: p for p in postings_in_order([r.job_id for r in ranked])}
    return [Match(r, postings[r.job_id]) for r in ranked if r.job_id in postings]


def _job(snapshot: posting_index.Snapshot, row: int, regions: dict[str, str], *, place_known: bool = True,
         housing_known: bool = True) -> engine.Job:
    """The engine's view of one posting of the snapshot (place or housing left out when the seeker
    states no preference about them, as when grouping)."""
    vocab = snapshot.vocab

    def code(vocabulary: posting_index.Vocabulary, position) -> str | None:
        return vocabulary.codes[position] if position < len(vocabulary.codes) else None

    prefecture = code(vocab.prefectures, snapshot.prefecture[row]) if place_known else None
    monthly = int(snapshot.monthly[row])
    sub_area, applicants_from, employment_type, dispatch, salary_unit = snapshot.verdict_keys[snapshot.verdict_key[row]]
    return engine.Job(
        id=int(snapshot.ids[row]), sector=code(vocab.sectors, snapshot.sector[row]),
        occupation=code(vocab.occupations, snapshot.occupation[row]), prefecture=prefecture,
        region=regions.get(prefecture), japanese_level=code(vocab.levels, snapshot.level[row]),
        visas=frozenset(c for offset, c in enumerate(VISA_CODES) if snapshot.visa[row] & (1 << offset)),
        monthly_jpy=monthly if monthly >= 0 else None,
        housing=bool(snapshot.housing[row]) if housing_known else False,
        sub_area=sub_area, applicants_from=applicants_from, employment_type=employment_type, dispatch=dispatch,
        salary_unit=salary_unit,
    )


def match_posting(profile: engine.Profile, posting: Posting) -> engine.MatchResult:
    return engine.match(profile, job_from_posting(posting), trade_infos())
