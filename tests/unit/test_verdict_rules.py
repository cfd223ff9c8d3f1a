"""The rules behind a verdict for a worker in Pakistan: who the employer takes, the SSW visa's own
rules (full-time direct employment, dispatch only in agriculture and fishery, monthly wage in
construction) and skills tests per business category. The table of cases is tests/verdict_table.py;
here it runs through the pure engine, and tests/web/test_verdict_channels.py runs it through quick
match, the API and the job page, in English and Japanese."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from portal.matching import engine
from portal.matching.engine import Eligibility, Job, Profile, TradeInfo, TradeSkill, skills_test_status, ssw_rule_breaks
from tests.verdict_table import CASES, Case

DATA = Path(engine.__file__).resolve().parents[1] / "data"
TODAY = date(2026, 12, 5)


def _trades() -> dict[str, TradeInfo]:
    with (DATA / "taxonomy" / "trades.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: TradeInfo(frozenset(row["isco_codes"].split(";")), frozenset(row["sectors"].split(";")))
                for row in csv.DictReader(handle)}


TRADES = _trades()


def job_of(values: dict, job_id: int = 1) -> Job:
    return Job(id=job_id, sector=values["sector_code"], occupation=values["occupation_code"],
               prefecture=values["prefecture_code"], region=None, japanese_level=values["japanese_level"],
               visas=frozenset(values["visas"]), monthly_jpy=None, housing=False, sub_area=values["sub_area"],
               applicants_from=values["applicants_from"], employment_type=values["employment_type"],
               dispatch=values["dispatch"], salary_unit=values["salary_unit"])


def profile_of(case: Case) -> Profile:
    answers = case.answers
    return Profile(trades=(TradeSkill(answers.trade, answers.years),),
                   jlpt=answers.japanese if answers.japanese not in ("none", "JFT_BASIC") else None,
                   jft_basic=answers.japanese == "JFT_BASIC",
                   skills_tests=frozenset([answers.test]) if answers.test else frozenset(),
                   titp_completed=answers.titp)


def test_the_table_covers_every_rule_in_both_directions():
    assert len(CASES) >= 40
    topics = Counter(case.topic for case in CASES)
    assert set(topics) == {"applicants_from", "part-time", "dispatch", "daily pay", "sub-area", "japanese"}
    assert all(count >= 5 for count in topics.values()), topics
    for topic in topics:  # each rule has cases that pass it and cases that fail it
        assert len({case.verdict for case in CASES if case.topic == topic}) >= 2, topic
    assert all(case.answers.trade in TRADES for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_engine_gives_the_table_verdict_and_reason(case: Case):
    result = engine.match(profile_of(case), job_of(case.posting_values()), TRADES, today=TODAY)
    assert result.eligibility == case.verdict, [r.code for r in result.reasons]
    assert case.code in {r.code for r in result.reasons}
    # rank agrees with match (its caches are keyed on the same posting attributes)
    assert engine.rank(profile_of(case), [job_of(case.posting_values())], TRADES, today=TODAY) == [result]


@pytest.mark.parametrize(("sector", "employment", "dispatch", "unit", "expected"), [
    ("food_service", "FULL_TIME", False, "MONTH", ()),
    ("food_service", "PART_TIME", False, "HOUR", ("part_time",)),
    ("building_cleaning", "PER_DIEM", False, "DAY", ("day_labour",)),
    ("food_service", "CONTRACTOR", False, "MONTH", ()),  # 契約社員: fixed-term direct employment is fine
    ("agriculture", "TEMPORARY", True, "HOUR", ()),  # seasonal dispatch in farming is allowed
    ("fishery", "FULL_TIME", True, "MONTH", ()),
    ("food_manufacturing", "FULL_TIME", True, "MONTH", ("dispatch",)),
    ("construction", "FULL_TIME", False, "DAY", ("monthly_pay",)),
    ("construction", "FULL_TIME", False, "HOUR", ("monthly_pay",)),
    ("construction", "FULL_TIME", False, "YEAR", ()),
    ("construction", "FULL_TIME", False, None, ()),  # no pay stated: nothing to judge
    ("construction", "PART_TIME", True, "HOUR", ("part_time", "dispatch", "monthly_pay")),
    ("food_service", "FULL_TIME", False, "DAY", ()),  # daily pay is a construction rule only
])
def test_ssw_rule_breaks(sector, employment, dispatch, unit, expected):
    assert ssw_rule_breaks(sector, employment, dispatch, unit) == expected


@pytest.mark.parametrize(("tests", "sector", "sub_area", "level", "expected"), [
    ({"construction/building"}, "construction", "building", "i", "passed"),
    ({"construction/civil_engineering"}, "construction", "building", "i", "other_sub_area"),
    ({"construction"}, "construction", "building", "i", "test_sub_area_unknown"),
    ({"construction", "construction/building"}, "construction", "building", "i", "passed"),
    ({"construction/building"}, "construction", None, "i", "job_sub_area_unknown"),
    (set(), "construction", "building", "i", "missing"),
    ({"construction/building:ii"}, "construction", "building", "i", "missing"),  # (ii) is not (i)
    ({"construction/building:ii"}, "construction", "building", "ii", "passed"),
    ({"construction/building"}, "construction", "building", "ii", "missing"),
    ({"food_service"}, "food_service", None, "i", "passed"),  # one category: the field's test
    ({"food_service"}, "food_service", "cooking_service", "i", "passed"),
    ({"nursing_care"}, "nursing_care", "care", "i", "passed"),
    ({"agriculture/crops"}, "fishery", "fishing", "i", "missing"),  # another field
    ({"industrial_products/machining"}, "industrial_products", "textiles", "i", "other_sub_area"),
])
def test_a_skills_test_counts_for_its_own_category_only(tests, sector, sub_area, level, expected):
    assert skills_test_status(frozenset(tests), sector, sub_area, level) == expected


def test_sub_areas_match_the_taxonomy_csv():
    rows = list(csv.DictReader((DATA / "taxonomy" / "sub_areas.csv").open(encoding="utf-8")))
    assert len(rows) == 45
    by_sector: dict[str, set[str]] = {}
    for row in rows:
        by_sector.setdefault(row["sector"], set()).add(row["code"])
    ssw = {sector: codes for sector, codes in by_sector.items() if sector in engine.SSW_FIELDS}
    assert engine.SUB_AREAS == {sector: codes for sector, codes in ssw.items() if len(codes) > 1}
    assert engine.DISPATCH_FIELDS == {"agriculture", "fishery"}


def test_applicants_from_changes_every_route_the_same_way():
    profile = Profile(trades=(TradeSkill("cook", 3),), jlpt="N4", skills_tests=frozenset({"food_service"}),
                      education="bachelor")
    for visas in ({"ssw1"}, {"ssw2"}, {"esd"}, {"engineer"}, {"other"}, set()):
        base = Job(1, "food_service", None, "13", None, "none", frozenset(visas), None, False)
        verdicts = {who: engine.match(profile, Job(**{**{s: getattr(base, s) for s in base.__slots__},
                                                      "applicants_from": who}), TRADES, today=TODAY)
                    for who in (None, "abroad", "unknown", "in_japan_only")}
        assert verdicts["in_japan_only"].eligibility is Eligibility.NOT_ELIGIBLE
        assert verdicts["abroad"].eligibility == verdicts[None].eligibility
        if verdicts["abroad"].eligibility is not Eligibility.NOT_ELIGIBLE:
            assert verdicts["unknown"].eligibility is Eligibility.NEEDS_STEPS
        # knowing less never scores more
        assert verdicts["abroad"].score >= verdicts["unknown"].score >= verdicts["in_japan_only"].score


def test_the_readiness_wizard_judges_a_test_in_its_own_category():
    from portal.guidance.readiness import Answers, check

    ready = check(Answers(trade="carpenter", japanese="N4", skills_tests=frozenset({"construction/civil_engineering"})),
                  TRADES, today=TODAY)
    ssw1 = next(r for r in ready.routes if r.route == "ssw1")
    assert (ssw1.sector, ssw1.verdict) == ("construction", Eligibility.ELIGIBLE)
    unnamed = check(Answers(trade="carpenter", japanese="N4", skills_tests=frozenset({"construction"})),
                    TRADES, today=TODAY)
    ssw1 = next(r for r in unnamed.routes if r.route == "ssw1" and r.sector == "construction")
    assert ssw1.verdict is Eligibility.NEEDS_STEPS
    assert [r.code for r in ssw1.missing] == ["ask_job_sub_area"]
