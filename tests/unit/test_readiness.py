""""Am I ready?" (portal/guidance/readiness.py): routes, what is missing, the next three steps.
Pure: the trade mapping is read from the shipped trades.csv."""

import csv
from datetime import date
from pathlib import Path

import pytest

from portal.guidance.readiness import GAP_TARGETS, Answers, check
from portal.matching.engine import Eligibility, TradeInfo

TRADES_CSV = Path(__file__).resolve().parents[2] / "portal" / "data" / "taxonomy" / "trades.csv"
BEFORE_ESD = date(2026, 11, 27)
AFTER_ESD = date(2027, 4, 1)


@pytest.fixture(scope="module")
def trades():
    with TRADES_CSV.open(encoding="utf-8") as handle:
        return {row["code"]: TradeInfo(frozenset(row["isco_codes"].split(";")), frozenset(row["sectors"].split(";")))
                for row in csv.DictReader(handle)}


def route(result, name):
    return next((r for r in result.routes if r.route == name), None)


def gaps(route_result):
    return {reason.code for reason in route_result.missing} | set(route_result.extra)


def test_caregiver_with_n4_and_no_care_test_needs_the_two_care_tests(trades):
    result = check(Answers(trade="caregiver", years=3, japanese="N4"), trades, today=BEFORE_ESD)
    ssw1 = route(result, "ssw1")
    assert ssw1.sector == "nursing_care" and ssw1.verdict == Eligibility.NEEDS_STEPS
    assert gaps(ssw1) == {"pass_skills_test", "pass_nursing_japanese"}
    # With N4 the worker can start Technical Intern Training / Employment for Skill Development now.
    assert result.routes[0].route == "esd" and result.routes[0].verdict == Eligibility.ELIGIBLE
    assert result.routes[1] == ssw1


def test_caregiver_steps_for_ssw1_are_the_two_care_tests(trades):
    result = check(Answers(trade="caregiver", years=3, japanese="N4"), trades, today=BEFORE_ESD)
    ssw1 = route(result, "ssw1")
    from portal.guidance.readiness import _next_steps

    steps = _next_steps(Answers(trade="caregiver"), [ssw1], [])
    assert [s.code for s in steps] == ["pass_skills_test", "pass_nursing_japanese", "find_job"]
    assert steps[0].kind == "sector" and steps[0].target == "nursing_care"


def test_caregiver_with_every_test_is_ready_for_ssw1(trades):
    result = check(Answers(trade="caregiver", japanese="N4", skills_tests=frozenset({"nursing_care"}),
                           nursing_japanese=True), trades)
    assert result.routes[0].route == "ssw1" and result.routes[0].verdict == Eligibility.ELIGIBLE
    assert [s.code for s in result.steps] == ["find_job", "check_recruiter", "coe_visa"]
    assert dict(result.steps[0].params) == {"visa": "ssw1", "sector": "nursing_care"}


def test_nursing_care_has_no_ssw2(trades):
    result = check(Answers(trade="caregiver", japanese="N4"), trades)
    assert route(result, "ssw2").verdict == Eligibility.NOT_ELIGIBLE


def test_it_graduate_takes_the_engineer_route(trades):
    result = check(Answers(trade="it_software", years=2, education="bachelor", japanese="N3"), trades)
    assert result.routes[0].route == "engineer" and result.routes[0].verdict == Eligibility.ELIGIBLE
    assert route(result, "ssw1") is None  # IT is not a Specified Skilled Worker field


def test_it_worker_without_degree_cannot_take_the_engineer_route_yet(trades):
    result = check(Answers(trade="it_software", years=4, education="intermediate"), trades)
    engineer = route(result, "engineer")
    assert engineer.verdict == Eligibility.NOT_ELIGIBLE
    assert gaps(engineer) == {"needs_degree_or_10_years"}


def test_ten_years_in_a_related_trade_counts_for_the_engineer_route(trades):
    result = check(Answers(trade="civil_engineer", years=12, education="diploma"), trades)
    assert route(result, "engineer").verdict == Eligibility.ELIGIBLE


def test_n5_only_needs_jft_basic_or_n4_for_ssw1(trades):
    result = check(Answers(trade="welder", years=5, japanese="N5", skills_tests=frozenset({"industrial_products/machining"})),
                   trades)
    ssw1 = route(result, "ssw1")
    assert ssw1.sector == "industrial_products"
    assert gaps(ssw1) == {"pass_jft_or_n4"}
    assert route(result, "ssw2").verdict == Eligibility.NEEDS_STEPS
    no_esd = check(Answers(trade="welder", japanese="N5", skills_tests=frozenset({"industrial_products/machining"}),
                           education="bachelor"), trades)
    assert no_esd.routes[0].route == "esd"  # N5 is enough to start ESD / TITP


def test_n5_is_enough_to_start_employment_for_skill_development(trades):
    result = check(Answers(trade="welder", japanese="N5"), trades, today=AFTER_ESD)
    esd = route(result, "esd")
    assert esd.verdict == Eligibility.ELIGIBLE
    assert dict(esd.have[0].params)["route"] == "employment_for_skill_development"
    assert result.routes[0].route == "esd"


def test_before_april_2027_the_route_is_technical_intern_training(trades):
    result = check(Answers(trade="welder", japanese="N5"), trades, today=BEFORE_ESD)
    assert dict(route(result, "esd").have[0].params)["route"] == "technical_intern_training"


def test_no_japanese_needs_n5_for_esd_and_n4_for_ssw1(trades):
    result = check(Answers(trade="cook", years=2), trades)
    assert gaps(route(result, "esd")) == {"reach_n5"}
    assert gaps(route(result, "ssw1")) == {"pass_skills_test", "pass_jft_or_n4"}
    assert result.routes[0].route == "esd"  # one step beats two
    assert result.steps[0].code == "reach_n5"


def test_jft_basic_counts_like_n4(trades):
    result = check(Answers(trade="cook", japanese="JFT_BASIC", skills_tests=frozenset({"food_service"})), trades)
    assert route(result, "ssw1").verdict == Eligibility.ELIGIBLE


def test_technical_intern_training_ii_exempts_the_tests(trades):
    result = check(Answers(titp_field="construction"), trades)
    ssw1 = route(result, "ssw1")
    assert ssw1.sector == "construction" and ssw1.verdict == Eligibility.ELIGIBLE
    assert [r.code for r in ssw1.have] == ["titp_exempts_tests"]


def test_welder_can_go_to_three_fields(trades):
    result = check(Answers(trade="welder", japanese="N4"), trades)
    ssw1 = route(result, "ssw1")
    assert {ssw1.sector, *ssw1.other_sectors} == {"industrial_products", "construction", "shipbuilding"}


def test_ssw2_needs_its_own_test(trades):
    result = check(Answers(trade="welder", japanese="N4", skills_tests=frozenset({"construction/building"})), trades)
    ssw2 = route(result, "ssw2")
    assert ssw2.verdict == Eligibility.NEEDS_STEPS
    assert gaps(ssw2) == {"pass_ssw2_test", "ssw2_follows_ssw1"}
    ready = check(Answers(trade="welder", japanese="N4", skills_tests=frozenset({"construction/building", "construction/building:ii"})),
                  trades)
    assert route(ready, "ssw2").verdict == Eligibility.ELIGIBLE and route(ready, "ssw2").sector == "construction"


def test_no_passport_is_a_missing_step_on_every_possible_route(trades):
    result = check(Answers(trade="cook", japanese="N4", skills_tests=frozenset({"food_service"}), has_passport=False),
                   trades)
    ssw1 = route(result, "ssw1")
    assert ssw1.verdict == Eligibility.NEEDS_STEPS and "get_passport" in ssw1.extra
    assert result.steps[0].code == "get_passport" and result.steps[0].target == "pakistan"


def test_under_18_must_wait(trades):
    result = check(Answers(trade="farm_worker", japanese="N4", skills_tests=frozenset({"agriculture/crops"}), age=17),
                   trades)
    assert all(r.verdict != Eligibility.ELIGIBLE for r in result.routes)
    assert result.steps[0].code == "wait_until_18"
    assert check(Answers(trade="farm_worker", age=18), trades).steps[0].code != "wait_until_18"


def test_no_answers_points_to_the_routes_guide(trades):
    result = check(Answers(), trades)
    assert [r.route for r in result.routes] == ["engineer"]
    assert result.steps[0].code == "choose_trade"
    assert len(result.steps) == 3


def test_trade_outside_the_ssw_fields_has_only_the_engineer_route(trades):
    result = check(Answers(trade="security_guard", years=3), trades)
    assert [r.route for r in result.routes] == ["engineer"]
    assert result.possible == ()


def test_driver_needs_a_japanese_licence_and_has_no_ssw2(trades):
    answers = dict(trade="htv_driver", years=6, japanese="N4", skills_tests=frozenset({"automobile_transport/truck"}))
    result = check(Answers(**answers, licences=frozenset({"pk_htv"})), trades)
    ssw1 = route(result, "ssw1")
    assert ssw1.verdict == Eligibility.NEEDS_STEPS and gaps(ssw1) == {"convert_licence"}
    assert result.steps[0].code == "convert_licence" and result.steps[0].target == "living-in-japan"
    assert route(check(Answers(**answers, licences=frozenset({"jp"})), trades), "ssw1").verdict == Eligibility.ELIGIBLE
    assert route(result, "ssw2").verdict == Eligibility.NOT_ELIGIBLE


def test_always_at_most_three_steps_with_a_known_target(trades):
    for answers in (Answers(), Answers(trade="cook"), Answers(trade="caregiver", has_passport=False, age=16),
                    Answers(trade="it_software", education="master")):
        steps = check(answers, trades).steps
        assert 1 <= len(steps) <= 3
        assert all(step.code in GAP_TARGETS for step in steps)
        assert len({step.code for step in steps}) == len(steps)
