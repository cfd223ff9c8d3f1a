"""The matching engine: eligibility per visa route and field, scoring properties, reason codes."""

from __future__ import annotations

import ast
import csv
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from portal.matching import engine
from portal.matching.engine import (
    JAPANESE_RANK,
    REASON_CODES,
    SSW_FIELDS,
    SSW_II_FIELDS,
    Eligibility as E,
    Job,
    MatchResult,
    Preferences,
    Profile,
    TradeInfo,
    TradeSkill,
    candidate_sectors,
    match,
    meets_preferences,
    rank,
)

DATA_DIR = Path(engine.__file__).resolve().parents[1] / "data"
TODAY = date(2026, 11, 30)  # before Employment for Skill Development starts
AFTER_ESD = date(2027, 4, 1)


def _info(isco: str, sectors: str) -> TradeInfo:
    return TradeInfo(frozenset(isco.split()), frozenset(sectors.split()))


TRADES = {
    "welder": _info("7212", "industrial_products construction shipbuilding"),
    "caregiver": _info("5321 5322", "nursing_care"),
    "htv_driver": _info("8332", "automobile_transport"),
    "forklift_operator": _info("8344", "other industrial_products"),
    "it_software": _info("2512 2513 2514", "it_engineering"),
    "cook": _info("5120", "food_service"),
    "auto_mechanic": _info("7231", "automobile_repair"),
    "heavy_equipment_operator": _info("8342", "construction"),
    "farm_worker": _info("9211 6111", "agriculture"),
}
ALL_SECTORS = sorted(SSW_FIELDS | {"it_engineering", "other"})


# A skills test counts per business category. These tables are about routes and fields, so a job
# is in its field's first category and a test named by its field alone ("construction") is that
# category's test; tests/unit/test_verdict_rules.py covers the categories themselves.
FIRST_SUB_AREA = {sector: sorted(codes)[0] for sector, codes in engine.SUB_AREAS.items()}


def _in_first_sub_area(test: str) -> str:
    body, colon, level = test.partition(":")
    if "/" in body or body not in FIRST_SUB_AREA:
        return test
    return f"{body}/{FIRST_SUB_AREA[body]}{colon}{level}"


def make_job(**kw) -> Job:
    values = dict(id=1, sector="construction", occupation=None, prefecture="13", region="kanto",
                  japanese_level="none", visas="ssw1", monthly_jpy=230_000, housing=True)
    values.update(kw)
    values.setdefault("sub_area", FIRST_SUB_AREA.get(values["sector"]))
    if isinstance(values["visas"], str):
        values["visas"] = frozenset(values["visas"].split())
    return Job(**values)


def make_profile(**kw) -> Profile:
    for name in ("skills_tests", "licences"):
        if isinstance(kw.get(name), str):
            kw[name] = frozenset(kw[name].split())
    if "skills_tests" in kw:
        kw["skills_tests"] = frozenset(_in_first_sub_area(test) for test in kw["skills_tests"])
    if "trades" in kw:
        kw["trades"] = tuple(t if isinstance(t, TradeSkill) else TradeSkill(*t) for t in kw["trades"])
    return Profile(**kw)


def run(profile: Profile, job: Job, today: date = TODAY) -> MatchResult:
    return match(profile, job, TRADES, today=today)


def gap_codes(result: MatchResult) -> set[str]:
    # "Pass the skills test of <category>" is these tables' "pass the field's skills test" when the
    # job's field has categories (the job is in its first one, see make_job).
    return ({"pass_skills_test" if r.code == "pass_sub_area_test" else r.code for r in result.reasons
             if r.kind == "gap"} - {"no_matching_trade"})


def reason(result: MatchResult, code: str) -> dict[str, str]:
    found = [r for r in result.reasons if r.code == code]
    assert found, f"{code} not in {[r.code for r in result.reasons]}"
    return dict(found[0].params)


# ------------------------------------------------------------------------------------- table

P = make_profile
# (case id, profile, job kwargs, verdict, route, gap codes (besides no_matching_trade))
CASES = [
    # SSW (i): skills test and JFT-Basic / N4
    ("ssw1 test+N4", P(jlpt="N4", skills_tests="construction"), {}, E.ELIGIBLE, "ssw1", set()),
    ("ssw1 test+JFT equals N4", P(jft_basic=True, skills_tests="construction"), {}, E.ELIGIBLE, "ssw1", set()),
    ("ssw1 test+N1", P(jlpt="N1", skills_tests="construction"), {}, E.ELIGIBLE, "ssw1", set()),
    ("ssw1 test+N5", P(jlpt="N5", skills_tests="construction"), {}, E.NEEDS_STEPS, "ssw1", {"pass_jft_or_n4"}),
    ("ssw1 N4 no test", P(jlpt="N4"), {}, E.NEEDS_STEPS, "ssw1", {"pass_skills_test"}),
    ("ssw1 nothing", P(), {}, E.NEEDS_STEPS, "ssw1", {"pass_skills_test", "pass_jft_or_n4"}),
    ("ssw1 test of another field", P(jlpt="N4", skills_tests="agriculture"), {}, E.NEEDS_STEPS, "ssw1",
     {"pass_skills_test"}),
    ("ssw1 SSW(ii) test is not the SSW(i) test", P(jlpt="N4", skills_tests="construction:ii"), {},
     E.NEEDS_STEPS, "ssw1", {"pass_skills_test"}),
    ("ssw1 TITP same field exempts both", P(titp_completed="construction"), {}, E.ELIGIBLE, "ssw1", set()),
    ("ssw1 TITP other field exempts nothing", P(titp_completed="agriculture"), {}, E.NEEDS_STEPS, "ssw1",
     {"pass_skills_test", "pass_jft_or_n4"}),
    ("ssw1 TITP other field, N4", P(jlpt="N4", titp_completed="food_service"), {"sector": "agriculture"},
     E.NEEDS_STEPS, "ssw1", {"pass_skills_test"}),
    # nursing care: the extra Japanese test
    ("care all three", P(jlpt="N4", skills_tests="nursing_care", nursing_japanese=True),
     {"sector": "nursing_care"}, E.ELIGIBLE, "ssw1", set()),
    ("care JFT all three", P(jft_basic=True, skills_tests="nursing_care", nursing_japanese=True),
     {"sector": "nursing_care"}, E.ELIGIBLE, "ssw1", set()),
    ("care without care Japanese", P(jlpt="N4", skills_tests="nursing_care"), {"sector": "nursing_care"},
     E.NEEDS_STEPS, "ssw1", {"pass_nursing_japanese"}),
    ("care nothing", P(), {"sector": "nursing_care"}, E.NEEDS_STEPS, "ssw1",
     {"pass_skills_test", "pass_jft_or_n4", "pass_nursing_japanese"}),
    ("care TITP care exempts all", P(titp_completed="nursing_care"), {"sector": "nursing_care"},
     E.ELIGIBLE, "ssw1", set()),
    ("care TITP construction exempts nothing", P(jlpt="N4", skills_tests="nursing_care",
                                                 titp_completed="construction"),
     {"sector": "nursing_care"}, E.NEEDS_STEPS, "ssw1", {"pass_nursing_japanese"}),
    ("care Japanese test alone", P(nursing_japanese=True), {"sector": "nursing_care"}, E.NEEDS_STEPS, "ssw1",
     {"pass_skills_test", "pass_jft_or_n4"}),
    # fields without SSW
    ("it_engineering cannot use ssw1", P(jlpt="N1", skills_tests="it_engineering"),
     {"sector": "it_engineering"}, E.NOT_ELIGIBLE, "ssw1", {"ssw1_not_in_field"}),
    ("other cannot use ssw1", P(jlpt="N4", skills_tests="other"), {"sector": "other"}, E.NOT_ELIGIBLE,
     "ssw1", {"ssw1_not_in_field"}),
    # the posting's own Japanese level
    ("N3 posting, N4 profile", P(jlpt="N4", skills_tests="construction"), {"japanese_level": "N3"},
     E.NEEDS_STEPS, "ssw1", {"needs_japanese_level"}),
    ("N3 posting, JFT profile", P(jft_basic=True, skills_tests="construction"), {"japanese_level": "N3"},
     E.NEEDS_STEPS, "ssw1", {"needs_japanese_level"}),
    ("N4 posting, JFT profile", P(jft_basic=True, skills_tests="construction"), {"japanese_level": "N4"},
     E.ELIGIBLE, "ssw1", set()),
    ("JFT posting, N4 profile", P(jlpt="N4", skills_tests="construction"), {"japanese_level": "JFT_BASIC"},
     E.ELIGIBLE, "ssw1", set()),
    ("N4 posting, N5 profile: one Japanese step", P(jlpt="N5", skills_tests="construction"),
     {"japanese_level": "N4"}, E.NEEDS_STEPS, "ssw1", {"pass_jft_or_n4"}),
    ("N3 posting, no Japanese: two Japanese steps", P(skills_tests="construction"), {"japanese_level": "N3"},
     E.NEEDS_STEPS, "ssw1", {"pass_jft_or_n4", "needs_japanese_level"}),
    ("N3 posting, TITP exempt, N5", P(jlpt="N5", titp_completed="construction"), {"japanese_level": "N3"},
     E.NEEDS_STEPS, "ssw1", {"needs_japanese_level"}),
    ("N2 posting, N1 profile", P(jlpt="N1", skills_tests="construction"), {"japanese_level": "N2"},
     E.ELIGIBLE, "ssw1", set()),
    # SSW (ii): only where it exists
    ("ssw2 test passed", P(skills_tests="construction:ii"), {"visas": "ssw2"}, E.ELIGIBLE, "ssw2", set()),
    ("ssw2 without its test", P(jlpt="N4", skills_tests="construction"), {"visas": "ssw2"}, E.NEEDS_STEPS,
     "ssw2", {"pass_ssw2_test", "ssw2_follows_ssw1"}),
    ("ssw2 nursing care has none", P(skills_tests="nursing_care:ii"), {"sector": "nursing_care", "visas": "ssw2"},
     E.NOT_ELIGIBLE, "ssw2", {"ssw2_not_in_field"}),
    ("ssw2 railway has none", P(skills_tests="railway:ii"), {"sector": "railway", "visas": "ssw2"},
     E.NOT_ELIGIBLE, "ssw2", {"ssw2_not_in_field"}),
    ("ssw2 it_engineering has none", P(), {"sector": "it_engineering", "visas": "ssw2"}, E.NOT_ELIGIBLE,
     "ssw2", {"ssw2_not_in_field"}),
    ("ssw1+ssw2 both passed: ssw2", P(jlpt="N4", skills_tests="construction construction:ii"),
     {"visas": "ssw1 ssw2"}, E.ELIGIBLE, "ssw2", set()),
    ("ssw1+ssw2 beginner: ssw1 first", P(), {"visas": "ssw1 ssw2"}, E.NEEDS_STEPS, "ssw1",
     {"pass_skills_test", "pass_jft_or_n4"}),
    ("ssw1+ssw2 ssw1 ready", P(jlpt="N4", skills_tests="construction"), {"visas": "ssw1 ssw2"},
     E.ELIGIBLE, "ssw1", set()),
    ("ssw1+ssw2 in nursing care", P(jlpt="N4", skills_tests="nursing_care"),
     {"sector": "nursing_care", "visas": "ssw1 ssw2"}, E.NEEDS_STEPS, "ssw1", {"pass_nursing_japanese"}),
    # Employment for Skill Development / Technical Intern Training
    ("esd N5", P(jlpt="N5"), {"visas": "esd"}, E.ELIGIBLE, "esd", set()),
    ("esd JFT", P(jft_basic=True), {"visas": "esd"}, E.ELIGIBLE, "esd", set()),
    ("esd no Japanese", P(), {"visas": "esd"}, E.NEEDS_STEPS, "esd", {"reach_n5"}),
    ("esd N5 posting, no Japanese: one step", P(), {"visas": "esd", "japanese_level": "N5"}, E.NEEDS_STEPS,
     "esd", {"reach_n5"}),
    ("esd N4 posting, N5 profile", P(jlpt="N5"), {"visas": "esd", "japanese_level": "N4"}, E.NEEDS_STEPS,
     "esd", {"needs_japanese_level"}),
    ("esd in it_engineering is not restricted", P(jlpt="N5"), {"visas": "esd", "sector": "it_engineering"},
     E.ELIGIBLE, "esd", set()),
    ("ssw1+esd beginner: esd has fewer steps", P(), {"visas": "ssw1 esd"}, E.NEEDS_STEPS, "esd",
     {"reach_n5"}),
    ("ssw1+esd N5: esd eligible", P(jlpt="N5"), {"visas": "ssw1 esd"}, E.ELIGIBLE, "esd", set()),
    ("ssw1+esd ready: ssw1 preferred", P(jlpt="N4", skills_tests="construction"), {"visas": "ssw1 esd"},
     E.ELIGIBLE, "ssw1", set()),
    # Engineer / Specialist
    ("engineer bachelor", P(education="bachelor"), {"sector": "it_engineering", "visas": "engineer"},
     E.ELIGIBLE, "engineer", set()),
    ("engineer master", P(education="master"), {"sector": "it_engineering", "visas": "engineer"},
     E.ELIGIBLE, "engineer", set()),
    ("engineer diploma + 3 years", P(education="diploma", trades=[("it_software", 3)]),
     {"sector": "it_engineering", "visas": "engineer"}, E.NOT_ELIGIBLE, "engineer",
     {"needs_degree_or_10_years"}),
    ("engineer no education", P(), {"sector": "it_engineering", "visas": "engineer"}, E.NOT_ELIGIBLE,
     "engineer", {"needs_degree_or_10_years"}),
    ("engineer 10 years related", P(education="intermediate", trades=[("it_software", 10)]),
     {"sector": "it_engineering", "visas": "engineer", "occupation": "2512"}, E.ELIGIBLE, "engineer", set()),
    ("engineer 9.5 years related", P(trades=[("it_software", 9.5)]),
     {"sector": "it_engineering", "visas": "engineer"}, E.NOT_ELIGIBLE, "engineer",
     {"needs_degree_or_10_years"}),
    ("engineer 12 years unrelated", P(trades=[("cook", 12)]), {"sector": "it_engineering", "visas": "engineer"},
     E.NOT_ELIGIBLE, "engineer", {"needs_degree_or_10_years"}),
    ("engineer degree, N2 posting, N3", P(education="bachelor", jlpt="N3"),
     {"sector": "it_engineering", "visas": "engineer", "japanese_level": "N2"}, E.NEEDS_STEPS, "engineer",
     {"needs_japanese_level"}),
    ("engineer or other without degree: other", P(), {"sector": "it_engineering", "visas": "engineer other"},
     E.ELIGIBLE, "other", set()),
    ("engineer or other with degree: engineer", P(education="bachelor"),
     {"sector": "it_engineering", "visas": "engineer other"}, E.ELIGIBLE, "engineer", set()),
    # other and no stated visa
    ("other visa", P(), {"sector": "other", "visas": "other"}, E.ELIGIBLE, "other", set()),
    ("other visa N4 posting, N5", P(jlpt="N5"), {"sector": "other", "visas": "other", "japanese_level": "N4"},
     E.NEEDS_STEPS, "other", {"needs_japanese_level"}),
    ("no visa stated", P(), {"sector": "other", "visas": ""}, E.ELIGIBLE, None, set()),
    ("unknown visa code ignored", P(), {"sector": "other", "visas": "student"}, E.ELIGIBLE, None, set()),
    # drivers and licences
    ("truck jp licence", P(jlpt="N4", skills_tests="automobile_transport", licences="jp pk_htv"),
     {"sector": "automobile_transport", "occupation": "8332"}, E.ELIGIBLE, "ssw1", set()),
    ("truck Pakistani HTV", P(jlpt="N4", skills_tests="automobile_transport", licences="pk_htv"),
     {"sector": "automobile_transport", "occupation": "8332"}, E.NEEDS_STEPS, "ssw1", {"convert_licence"}),
    ("truck international permit", P(jlpt="N4", skills_tests="automobile_transport", licences="international"),
     {"sector": "automobile_transport"}, E.NEEDS_STEPS, "ssw1", {"convert_licence"}),
    ("truck no licence", P(jlpt="N4", skills_tests="automobile_transport"), {"sector": "automobile_transport"},
     E.NEEDS_STEPS, "ssw1", {"needs_driving_licence"}),
    ("truck beginner with LTV", P(jlpt="N5", licences="pk_ltv"), {"sector": "automobile_transport"},
     E.NEEDS_STEPS, "ssw1", {"pass_skills_test", "pass_jft_or_n4", "convert_licence"}),
    ("forklift (8344) no licence", P(), {"sector": "other", "occupation": "8344", "visas": "other"},
     E.NEEDS_STEPS, "other", {"needs_driving_licence"}),
    ("forklift (8344) jp licence", P(licences="jp"), {"sector": "other", "occupation": "8344", "visas": "other"},
     E.ELIGIBLE, "other", set()),
    ("excavator (8342) Pakistani LTV", P(jlpt="N4", skills_tests="construction", licences="pk_ltv"),
     {"occupation": "8342"}, E.NEEDS_STEPS, "ssw1", {"convert_licence"}),
    ("farm tractor (8341) no licence", P(jlpt="N5"), {"sector": "agriculture", "occupation": "8341", "visas": "esd"},
     E.NEEDS_STEPS, "esd", {"needs_driving_licence"}),
    ("welding job needs no licence", P(jlpt="N4", skills_tests="construction"), {"occupation": "7212"},
     E.ELIGIBLE, "ssw1", set()),
]


@pytest.mark.parametrize(("profile", "job_kw", "verdict", "route", "gaps"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_eligibility_table(profile, job_kw, verdict, route, gaps):
    result = run(profile, make_job(**job_kw))
    assert (result.eligibility, result.route, gap_codes(result)) == (verdict, route, gaps)
    assert result.eligibility is E.NOT_ELIGIBLE or result.score > 0


def test_table_is_large_enough():
    assert len(CASES) >= 45


@pytest.mark.parametrize("sector", sorted(SSW_FIELDS))
def test_every_ssw_field_takes_ssw1(sector):
    ready = P(jlpt="N4", skills_tests=frozenset({sector}), nursing_japanese=True, licences="jp")
    assert run(ready, make_job(sector=sector)).eligibility is E.ELIGIBLE
    without_test = run(replace(ready, skills_tests=frozenset()), make_job(sector=sector))
    assert without_test.eligibility is E.NEEDS_STEPS
    if sector in FIRST_SUB_AREA:  # a field with business categories: the category's test
        assert reason(without_test, "pass_sub_area_test") == {"sub_area": f"{sector}/{FIRST_SUB_AREA[sector]}"}
    else:
        assert reason(without_test, "pass_skills_test") == {"sector": sector}
    exempt = run(P(titp_completed=sector, licences="jp"), make_job(sector=sector))
    assert exempt.eligibility is E.ELIGIBLE and reason(exempt, "titp_exempts_tests") == {"sector": sector}


@pytest.mark.parametrize("sector", ALL_SECTORS)
def test_ssw2_only_in_its_fields(sector):
    result = run(P(skills_tests=frozenset({f"{sector}:ii"}), licences="jp"), make_job(sector=sector, visas="ssw2"))
    if sector in SSW_II_FIELDS:
        assert (result.eligibility, result.route) == (E.ELIGIBLE, "ssw2")
    else:
        assert result.eligibility is E.NOT_ELIGIBLE
        assert reason(result, "ssw2_not_in_field") == {"sector": sector}


def test_field_constants_match_the_csv():
    rows = list(csv.DictReader((DATA_DIR / "ssw_fields.csv").open(encoding="utf-8")))
    assert SSW_FIELDS == {row["code"] for row in rows}
    assert SSW_II_FIELDS == {row["code"] for row in rows if row["ssw_ii"] == "yes"}
    assert len(SSW_FIELDS) == 16 and len(SSW_II_FIELDS) == 11


# ------------------------------------------------------------------------------------- reason params

def test_esd_is_named_by_the_date():
    job = make_job(visas="esd")
    before = run(P(jlpt="N5"), job, today=date(2027, 3, 31))
    after = run(P(jlpt="N5"), job, today=AFTER_ESD)
    assert reason(before, "meets_esd_japanese") == {"route": "technical_intern_training", "have": "N5"}
    assert reason(after, "meets_esd_japanese") == {"route": "employment_for_skill_development", "have": "N5"}
    missing = run(P(), job, today=AFTER_ESD)
    assert reason(missing, "reach_n5") == {"route": "employment_for_skill_development", "have": "none"}
    assert before.route == after.route == "esd"


def test_japanese_params_say_what_is_needed_and_what_the_profile_has():
    result = run(P(jlpt="N4", skills_tests="construction"), make_job(japanese_level="N3"))
    assert reason(result, "needs_japanese_level") == {"needed": "N3", "have": "N4"}
    jft = run(P(jft_basic=True, jlpt="N5"), make_job(japanese_level="N3"))
    assert reason(jft, "needs_japanese_level") == {"needed": "N3", "have": "JFT_BASIC"}
    n5 = run(P(jlpt="N5"), make_job())
    assert reason(n5, "pass_jft_or_n4") == {"have": "N5"}
    assert reason(run(P(jlpt="N3", jft_basic=True, skills_tests="construction"), make_job()),
                  "has_jft_or_n4") == {"have": "N3"}


def test_trade_fit_prefers_the_occupation():
    profile = P(trades=[("welder", 4, 3)], jlpt="N4", skills_tests="shipbuilding")
    occupation = run(profile, make_job(sector="shipbuilding", occupation="7212"))
    sector = run(profile, make_job(sector="shipbuilding", occupation="7214"))
    none = run(profile, make_job(sector="food_service", occupation="5120"))
    assert reason(occupation, "trade_fits_occupation") == {"trade": "welder", "occupation": "7212"}
    assert reason(sector, "trade_fits_sector") == {"trade": "welder", "sector": "shipbuilding"}
    assert reason(none, "no_matching_trade") == {"sector": "food_service"}
    assert reason(occupation, "experience") == {"trade": "welder", "years": "4"}
    assert reason(occupation, "navttc_level") == {"trade": "welder", "level": "3"}
    assert occupation.score > sector.score > none.score
    assert "experience" not in {r.code for r in none.reasons}  # years count only in a fitting trade


def test_engineer_params():
    result = run(P(education="diploma", trades=[("it_software", 3.5)]), make_job(sector="it_engineering",
                                                                                 visas="engineer"))
    assert reason(result, "needs_degree_or_10_years") == {"education": "diploma", "years": "3.5"}
    ok = run(P(trades=[("it_software", 11)]), make_job(sector="it_engineering", visas="engineer"))
    assert reason(ok, "has_10_years") == {"trade": "it_software", "years": "11"}
    assert reason(run(P(education="master"), make_job(visas="engineer")), "has_degree") == {"education": "master"}


def test_licence_params():
    result = run(P(licences="pk_ltv international"), make_job(sector="automobile_transport"))
    assert reason(result, "convert_licence") == {"have": "international,pk_ltv"}
    assert "has_japanese_licence" in {r.code for r in run(P(licences="jp"), make_job(occupation="8332")).reasons}


def test_reasons_are_ordered_fits_first_then_by_weight():
    profile = P(trades=[("welder", 3, 2)], jlpt="N5", preferences=Preferences(
        sectors=frozenset({"construction"}), regions=frozenset({"kansai"}), min_monthly_pay=250_000,
        housing_needed=True))
    result = run(profile, make_job(occupation="7212", japanese_level="N3"))
    kinds = [r.kind for r in result.reasons]
    assert kinds == sorted(kinds, key=lambda kind: kind != "fit")
    for kind in ("fit", "gap"):
        weights = [r.weight for r in result.reasons if r.kind == kind]
        assert weights == sorted(weights, reverse=True)
    first_gap = next(r for r in result.reasons if r.kind == "gap")
    assert first_gap.code in ("pass_skills_test", "pass_sub_area_test")
    assert {r.code for r in result.reasons} >= {"preferred_sector", "outside_preferred_locations",
                                                "pay_below_preference", "housing_provided"}


# ------------------------------------------------------------------------------------- random sweep

VISA_SETS = ["ssw1", "ssw2", "esd", "engineer", "other", "", "ssw1 ssw2", "ssw1 esd", "engineer other",
             "ssw1 ssw2 esd"]
OCCUPATIONS = [None, "7212", "5321", "8332", "8344", "2512", "5120", "7231", "8342", "9211", "7214", "8341"]
PREFECTURES = [("13", "kanto"), ("27", "kansai"), ("01", "hokkaido"), ("40", None)]


def random_job(rnd: random.Random, job_id: int) -> Job:
    prefecture, region = rnd.choice(PREFECTURES)
    return make_job(id=job_id, sector=rnd.choice(ALL_SECTORS), occupation=rnd.choice(OCCUPATIONS),
                    prefecture=prefecture, region=region, japanese_level=rnd.choice(list(JAPANESE_RANK)),
                    visas=rnd.choice(VISA_SETS), monthly_jpy=rnd.choice([None, 180_000, 230_000, 300_000]),
                    housing=rnd.random() < 0.5)


def random_profile(rnd: random.Random) -> Profile:
    trades = tuple(TradeSkill(code, rnd.choice([0, 1, 2.5, 6, 12]), rnd.choice([None, 1, 3, 5]))
                   for code in rnd.sample(sorted(TRADES) + ["unknown_trade"], rnd.randint(0, 3)))
    tests = set(rnd.sample(ALL_SECTORS, rnd.randint(0, 2)))
    tests |= {f"{s}:ii" for s in rnd.sample(ALL_SECTORS, rnd.randint(0, 1))}
    prefs = Preferences()
    if rnd.random() < 0.5:
        prefs = Preferences(sectors=frozenset(rnd.sample(ALL_SECTORS, rnd.randint(0, 2))),
                            prefectures=frozenset(rnd.sample(["13", "27", "40"], rnd.randint(0, 1))),
                            regions=frozenset(rnd.sample(["kanto", "hokkaido"], rnd.randint(0, 1))),
                            min_monthly_pay=rnd.choice([None, 200_000, 250_000]),
                            housing_needed=rnd.random() < 0.4, strict=rnd.random() < 0.3)
    return Profile(trades=trades, jlpt=rnd.choice([None, "N5", "N4", "N3", "N2", "N1"]),
                   jft_basic=rnd.random() < 0.3, nursing_japanese=rnd.random() < 0.2,
                   skills_tests=frozenset(tests), titp_completed=rnd.choice([None, None, *ALL_SECTORS]),
                   licences=frozenset(rnd.sample(["pk_ltv", "pk_htv", "jp", "international"], rnd.randint(0, 2))),
                   education=rnd.choice([None, "none", "secondary", "diploma", "bachelor", "master"]),
                   preferences=prefs)


@pytest.fixture(scope="module")
def sweep():
    rnd = random.Random(20261130)
    jobs = [random_job(rnd, i) for i in range(1, 301)]
    profiles = [random_profile(rnd) for _ in range(60)]
    return profiles, jobs


VERDICT_ORDER = {E.NOT_ELIGIBLE: 0, E.NEEDS_STEPS: 1, E.ELIGIBLE: 2}


def improvements(profile: Profile, job: Job) -> list[tuple[str, Profile]]:
    """Profiles that know or have strictly more than `profile`."""
    better_jlpt = {None: "N5", "N5": "N4", "N4": "N3", "N3": "N2", "N2": "N1", "N1": "N1"}[profile.jlpt]
    more_years = tuple(replace(t, years=t.years + 3) for t in profile.trades)
    test = f"{job.sector}/{job.sub_area}" if job.sub_area else job.sector
    higher_level = tuple(replace(t, navttc_level=min((t.navttc_level or 0) + 2, 8)) for t in profile.trades)
    return [
        ("more years", replace(profile, trades=more_years)),
        ("higher NAVTTC level", replace(profile, trades=higher_level)),
        ("passes the skills test", replace(profile, skills_tests=profile.skills_tests | {test})),
        ("passes the SSW (ii) test", replace(profile, skills_tests=profile.skills_tests | {f"{test}:ii"})),
        ("passes JFT-Basic", replace(profile, jft_basic=True)),
        ("better JLPT", replace(profile, jlpt=better_jlpt)),
        ("passes care Japanese", replace(profile, nursing_japanese=True)),
        ("Japanese licence", replace(profile, licences=profile.licences | {"jp"})),
        ("Pakistani licence", replace(profile, licences=profile.licences | {"pk_htv"})),
        ("a degree", replace(profile, education="master")),
        ("TITP in the field", replace(profile, titp_completed=job.sector)),
    ]


def test_improving_a_profile_never_lowers_score_or_verdict(sweep):
    profiles, jobs = sweep
    checked = 0
    for profile in profiles[:30]:
        for job in jobs[:80]:
            base = run(profile, job)
            for label, better in improvements(profile, job):
                if label == "Pakistani licence" and "jp" in profile.licences:
                    continue
                if label == "TITP in the field" and profile.titp_completed not in (None, job.sector):
                    continue  # TITP in another field is replaced, not added
                improved = run(better, job)
                assert improved.score >= base.score, (label, profile, job, base, improved)
                assert VERDICT_ORDER[improved.eligibility] >= VERDICT_ORDER[base.eligibility], (label, job)
                checked += 1
    assert checked > 20_000


@pytest.mark.parametrize("years", [0, 0.5, 1, 2, 3, 4, 5, 6, 9.9, 10, 15])
def test_more_experience_never_lowers_the_score(years):
    job = make_job(sector="it_engineering", occupation="2512", visas="engineer ssw1")
    scores = [run(P(trades=[("it_software", y, 2)]), job).score for y in (years, years + 0.5, years + 5)]
    assert scores == sorted(scores)


def test_passing_each_needed_test_raises_the_score():
    job = make_job(sector="nursing_care", occupation="5321")
    steps = [P(trades=[("caregiver", 2)])]
    for change in ({"jlpt": "N4"}, {"skills_tests": frozenset({"nursing_care"})}, {"nursing_japanese": True}):
        steps.append(replace(steps[-1], **change))
    results = [run(p, job) for p in steps]
    assert [r.score for r in results] == sorted({r.score for r in results})  # strictly increasing
    assert [r.eligibility for r in results][-1] is E.ELIGIBLE


def test_scores_are_bounded_and_deterministic(sweep):
    profiles, jobs = sweep
    for profile in profiles[:20]:
        for job in jobs[:50]:
            first = run(profile, job)
            assert 0 <= first.score <= 100
            assert run(profile, job) == first


def test_a_perfect_match_scores_100():
    profile = P(trades=[("welder", 5, 3)], jlpt="N3", skills_tests="shipbuilding",
                preferences=Preferences(sectors=frozenset({"shipbuilding"}), prefectures=frozenset({"34"})))
    job = make_job(sector="shipbuilding", occupation="7212", prefecture="34", region="chugoku",
                   japanese_level="N4")
    assert run(profile, job).score == 100


def test_every_reason_code_is_declared_and_used(sweep):
    profiles, jobs = sweep
    seen: set[str] = set()
    results = [run(p, j) for p in profiles for j in jobs[:120]]
    results += [run(case[1], make_job(**case[2])) for case in CASES]
    results += [run(P(jlpt="N5"), make_job(visas="esd"), today=AFTER_ESD)]
    # the business categories, the rules of the visa and who the employer takes
    results += [run(P(skills_tests=frozenset({"construction/civil_engineering"})), make_job(sub_area="building")),
                run(Profile(skills_tests=frozenset({"construction"})), make_job(sub_area="building")),
                run(Profile(skills_tests=frozenset({"construction/building"})), make_job(sub_area=None)),
                run(P(), make_job(employment_type="PART_TIME")),
                run(P(), make_job(applicants_from="abroad")),
                run(P(), make_job(applicants_from="in_japan_only")),
                run(P(), make_job(applicants_from="unknown"))]
    for result in results:
        for r in result.reasons:
            spec = REASON_CODES[r.code]  # KeyError: a code the messages do not know
            assert (r.kind, r.weight) == (spec.kind, spec.weight)
            assert tuple(name for name, _value in r.params) == spec.params
            assert all(isinstance(value, str) for _name, value in r.params)
            seen.add(r.code)
    assert seen == set(REASON_CODES), set(REASON_CODES) - seen
    assert all(spec.kind in ("fit", "gap") for spec in REASON_CODES.values())


# ------------------------------------------------------------------------------------- rank

def test_rank_agrees_with_match_and_orders_by_score_then_id(sweep):
    profiles, jobs = sweep
    for profile in profiles:
        ranked = rank(profile, jobs, TRADES, limit=25, today=TODAY)
        assert len(ranked) <= 25
        keys = [(r.score, r.job_id) for r in ranked]
        assert keys == sorted(keys, reverse=True)
        by_id = {job.id: job for job in jobs}
        for result in ranked:
            assert result == match(profile, by_id[result.job_id], TRADES, today=TODAY)
        # the same as scoring everything and sorting
        allowed = [j for j in jobs if not profile.preferences.strict or meets_preferences(profile, j)]
        full = sorted((match(profile, j, TRADES, today=TODAY) for j in allowed),
                      key=lambda r: (r.score, r.job_id), reverse=True)[:25]
        assert ranked == full


def test_rank_breaks_ties_by_job_id_descending():
    jobs = [make_job(id=i) for i in (5, 12, 3, 40, 7)]
    ranked = rank(P(jlpt="N4"), jobs, TRADES, limit=3, today=TODAY)
    assert [r.job_id for r in ranked] == [40, 12, 7]
    assert len({r.score for r in ranked}) == 1


def test_rank_does_not_depend_on_input_order(sweep):
    profiles, jobs = sweep
    shuffled = jobs[:]
    random.Random(3).shuffle(shuffled)
    for profile in profiles[:10]:
        assert rank(profile, jobs, TRADES, today=TODAY) == rank(profile, iter(shuffled), TRADES, today=TODAY)


def test_rank_limit_and_empty():
    assert rank(P(), [], TRADES) == []
    assert rank(P(), [make_job()], TRADES, limit=0) == []
    assert len(rank(P(), [make_job(id=i) for i in range(50)], TRADES, limit=20, today=TODAY)) == 20


PREFERENCE_CASES = [
    ("sector", Preferences(sectors=frozenset({"shipbuilding"})), {"sector": "shipbuilding"}, {"sector": "construction"}),
    ("prefecture", Preferences(prefectures=frozenset({"34"})), {"prefecture": "34", "region": "chugoku"}, {}),
    ("region", Preferences(regions=frozenset({"chugoku"})), {"prefecture": "34", "region": "chugoku"}, {}),
    ("pay", Preferences(min_monthly_pay=250_000), {"monthly_jpy": 250_000}, {"monthly_jpy": 249_999}),
    ("pay not stated", Preferences(min_monthly_pay=250_000), {"monthly_jpy": 260_000}, {"monthly_jpy": None}),
    ("housing", Preferences(housing_needed=True), {"housing": True}, {"housing": False}),
]


@pytest.mark.parametrize(("prefs", "meets", "misses"), [c[1:] for c in PREFERENCE_CASES],
                         ids=[c[0] for c in PREFERENCE_CASES])
def test_strict_preferences_exclude_otherwise_they_only_rank(prefs, meets, misses):
    base = dict(occupation="7212", sector="construction")
    good = make_job(id=1, **{**base, **meets})
    bad = make_job(id=2, **{**base, **misses})  # the higher id would win a tie
    profile = P(trades=[("welder", 3)], jlpt="N4", preferences=prefs)
    ranked = rank(profile, [good, bad], TRADES, today=TODAY)
    assert [r.job_id for r in ranked] == [1, 2]
    assert ranked[0].score > ranked[1].score
    assert ranked[1].eligibility is ranked[0].eligibility  # preferences never change the verdict
    strict = replace(profile, preferences=replace(prefs, strict=True))
    assert [r.job_id for r in rank(strict, [good, bad], TRADES, today=TODAY)] == [1]
    assert meets_preferences(strict, good) and not meets_preferences(strict, bad)
    assert match(strict, bad, TRADES, today=TODAY) == match(profile, bad, TRADES, today=TODAY)  # match never drops


def test_preferences_do_not_outweigh_a_trade_fit():
    profile = P(trades=[("cook", 4)], jlpt="N4", skills_tests="food_service",
                preferences=Preferences(prefectures=frozenset({"27"}), housing_needed=True))
    kitchen = make_job(id=1, sector="food_service", occupation="5120", prefecture="13", housing=False)
    elsewhere = make_job(id=2, sector="agriculture", prefecture="27", region="kansai", housing=True)
    assert [r.job_id for r in rank(profile, [kitchen, elsewhere], TRADES, today=TODAY)] == [1, 2]


def test_visas_as_a_plain_set_still_work():
    job = Job(1, "construction", None, "13", "kanto", "none", {"ssw1"}, None, False,  # type: ignore[arg-type]
              sub_area="building")
    assert rank(P(jlpt="N4", skills_tests="construction"), [job], TRADES, today=TODAY)[0].eligibility is E.ELIGIBLE


# ------------------------------------------------------------------------------------- misc

def test_candidate_sectors():
    profile = P(trades=[("welder", 2), ("cook", 1), ("not_a_trade", 3)], skills_tests="agriculture fishery:ii",
                titp_completed="food_manufacturing", preferences=Preferences(sectors=frozenset({"aviation"})))
    assert candidate_sectors(profile, TRADES) == {
        "industrial_products", "construction", "shipbuilding", "food_service", "agriculture", "fishery",
        "food_manufacturing", "aviation"}
    assert candidate_sectors(P(), TRADES) == frozenset()


def test_bad_levels_are_refused():
    with pytest.raises(ValueError, match="JLPT"):
        run(P(jlpt="N6"), make_job())
    with pytest.raises(ValueError, match="Japanese level"):
        run(P(), make_job(japanese_level="fluent"))
    with pytest.raises(ValueError, match="NAVTTC"):
        run(P(trades=[("welder", 1, 9)]), make_job())


def test_japanese_rank_matches_the_posting_levels():
    assert JAPANESE_RANK == {"none": 0, "N5": 1, "JFT_BASIC": 2, "N4": 2, "N3": 3, "N2": 4, "N1": 5}


def test_engine_is_pure():
    tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert modules <= {"__future__", "collections.abc", "dataclasses", "datetime", "enum", "heapq"}, modules
