"""The take-home pay estimate (portal/guidance/pay.py): pure, every line adds up."""

from datetime import date

import pytest

from portal.guidance import pay
from portal.jobs.models import monthly_estimate


def test_monthly_wage_breakdown_adds_up():
    result = pay.estimate(220_000)
    assert result.gross == 220_000
    assert [line.code for line in result.lines] == ["health_insurance", "pension", "employment_insurance",
                                                    "income_tax"]
    assert result.net == result.gross - sum(line.amount for line in result.lines)
    assert result.net + result.total_deductions == result.gross
    amounts = {line.code: line.amount for line in result.lines}
    assert amounts["health_insurance"] == 11_000  # 5.0 %
    assert amounts["pension"] == 20_130  # 9.15 %
    assert amounts["employment_insurance"] == 1_210  # 0.55 %
    # (220,000 − 32,340 − 100,000) × 5.105 % = 4,475
    assert amounts["income_tax"] == 4_475
    assert result.net == 183_185


def test_hourly_wage_uses_the_monthly_equivalent():
    gross = monthly_estimate(1_200, "HOUR", 40)  # 40 h a week → 173.3 h a month
    result = pay.estimate(gross)
    assert gross == 208_000
    assert result.net == gross - result.total_deductions
    assert 0 < result.net < gross


def test_resident_tax_only_from_the_second_year():
    first = pay.estimate(250_000)
    second = pay.estimate(250_000, second_year=True)
    assert "resident_tax" not in {line.code for line in first.lines}
    resident = next(line for line in second.lines if line.code == "resident_tax")
    # (250,000 − 36,750 − 90,000) × 10 % + 5,000 / 12 = 12,325 + 417
    assert resident.amount == 12_742
    assert second.net == first.net - resident.amount


def test_posting_costs_are_deducted_monthly_and_one_off_costs_left_out():
    costs = pay.monthly_costs([
        {"item_en": "Dormitory", "item_ja": "寮費", "amount_jpy": 20_000, "per": "month"},
        {"item_en": "Insurance for the flat", "amount_jpy": 12_000, "per": "year"},
        {"item_en": "Futon", "amount_jpy": 8_000, "per": "once"},
    ], "ja")
    assert costs == [pay.Deduction("寮費", 20_000), pay.Deduction("Insurance for the flat", 1_000)]
    result = pay.estimate(200_000, deductions=costs)
    assert [line.amount for line in result.lines if line.code == "posting_cost"] == [20_000, 1_000]
    assert result.net == 200_000 - result.total_deductions


def test_pkr_uses_the_given_rate():
    result = pay.estimate(200_000, pkr_per_jpy=1.85)
    assert result.net_pkr == round(result.net * 1.85)
    assert pay.estimate(200_000).net_pkr is None


def test_staff_parameters_replace_the_defaults():
    params = {"health_insurance_rate": pay.Parameter("health_insurance_rate", 0.06, date(2026, 4, 1), "test")}
    assert {l.code: l.amount for l in pay.estimate(200_000, params).lines}["health_insurance"] == 12_000
    assert {l.code: l.amount for l in pay.estimate(200_000, {"pension_rate": 0.1}).lines}["pension"] == 20_000


def test_low_pay_has_no_income_tax_and_never_a_negative_line():
    result = pay.estimate(90_000, second_year=True)
    amounts = {line.code: line.amount for line in result.lines}
    assert amounts["income_tax"] == 0
    assert all(line.amount >= 0 for line in result.lines)
    with pytest.raises(ValueError):
        pay.estimate(-1)


def test_every_default_is_dated_and_sourced():
    assert set(pay.PARAMETER_KEYS) == set(pay.DEFAULT_PARAMETERS)
    for param in pay.DEFAULT_PARAMETERS.values():
        assert param.source and isinstance(param.as_of, date)
