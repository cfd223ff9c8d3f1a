"""The offer checked against the ad (portal/applications/offer_check.py): a pure core."""

from __future__ import annotations

import pytest

from portal.applications.offer_check import (
    AdTerms,
    Difference,
    OfferTerms,
    ad_deductions,
    annual_days_off,
    category_of,
    compare,
    explain,
    lowers_take_home,
)

AD = AdTerms(monthly_pay=220_000, deductions={"housing": 30_000}, hours_per_week=40, days_off_per_year=105)


def codes(differences):
    return [(d.code, d.category, d.lowers_take_home) for d in differences]


def test_an_offer_that_keeps_the_ads_promises_has_no_differences():
    offer = OfferTerms(220_000, {"housing": 30_000}, hours_per_week=40, days_off_per_year=105)
    assert compare(AD, offer) == [] and not lowers_take_home([])


def test_better_terms_are_not_differences():
    offer = OfferTerms(240_000, {"housing": 20_000}, hours_per_week=38, days_off_per_year=120)
    assert compare(AD, offer) == []


@pytest.mark.parametrize(("offer", "expected"), [
    (OfferTerms(200_000, {"housing": 30_000}, 40, 105), [("pay_lower", None, True)]),
    (OfferTerms(220_000, {"housing": 30_000, "utilities": 8_000}, 40, 105),
     [("deduction_not_in_ad", "utilities", True)]),
    (OfferTerms(220_000, {"housing": 45_000}, 40, 105), [("deduction_higher", "housing", True)]),
    (OfferTerms(220_000, {"housing": 30_000, "meals": 0}, 40, 105), []),
    (OfferTerms(220_000, {"housing": 30_000}, 48, 105), [("hours_longer", None, False)]),
    (OfferTerms(220_000, {"housing": 30_000}, 40, 96), [("days_off_fewer", None, False)]),
    (OfferTerms(190_000, {"housing": 35_000, "other": 5_000}, 44, 90),
     [("pay_lower", None, True), ("deduction_higher", "housing", True), ("deduction_not_in_ad", "other", True),
      ("hours_longer", None, False), ("days_off_fewer", None, False)]),
])
def test_every_difference_is_listed_money_first(offer, expected):
    found = compare(AD, offer)
    assert codes(found) == expected
    assert lowers_take_home(found) == any(lowers for _code, _category, lowers in expected)


def test_longer_hours_and_fewer_days_off_do_not_raise_the_money_flag():
    found = compare(AD, OfferTerms(220_000, {"housing": 30_000}, 50, 80))
    assert found and not lowers_take_home(found)


def test_what_the_ad_did_not_state_is_said_not_hidden():
    found = compare(AdTerms(), OfferTerms(200_000, {"housing": 10_000}, 40, 105))
    assert codes(found) == [("pay_unstated", None, False), ("deduction_not_in_ad", "housing", True),
                            ("hours_unstated", None, False), ("days_off_unstated", None, False)]


@pytest.mark.parametrize(("labels", "category"), [
    (("Dormitory rent", None), "housing"), ((None, "寮費"), "housing"), ((None, "家賃"), "housing"),
    (("Utilities (electricity, water)", None), "utilities"), ((None, "水道光熱費"), "utilities"),
    (("Meals", None), "meals"), ((None, "食費"), "meals"), (("Uniform", "制服代"), "other"),
    ((None, "ＷｉＦｉ"), "utilities"),
])
def test_the_ads_costs_fall_into_categories_by_their_words(labels, category):
    assert category_of(*labels) == category


def test_ad_deductions_are_monthly_and_leave_one_off_costs_out():
    costs = [{"item_en": "Dormitory", "amount_jpy": 25_000, "per": "month"},
             {"item_ja": "光熱費", "amount_jpy": 60_000, "per": "year"},
             {"item_en": "Visa fee", "amount_jpy": 50_000, "per": "once"},
             {"item_en": "Meals", "amount_jpy": "not a number", "per": "month"},
             {"item_en": "Futon", "amount_jpy": 0, "per": "month"}]
    assert ad_deductions(costs) == {"housing": 25_000, "utilities": 5_000}


@pytest.mark.parametrize(("text", "days"), [
    ("年間休日105日（土日祝）", 105), ("年間休日：１２０日", 120), ("105 days off a year", 105),
    ("Annual holidays: 110", 110), ("96 annual holidays, Sundays off", 96), ("週休2日制", None),
    ("Sundays and public holidays", None), (None, None),
])
def test_annual_days_off_is_read_from_the_ads_text(text, days):
    assert annual_days_off(text) == days


def test_explain_quotes_both_figures_in_the_callers_words():
    difference = Difference("deduction_higher", True, "housing", ad=30_000, offer=45_000)
    assert explain(difference) == ("Housing: ¥45,000 a month is taken from your pay, more than the ¥30,000 in the ad.")
    assert explain(Difference("hours_longer", False, ad=40.0, offer=45.5)) == (
        "45.5 hours a week, longer than the 40 hours in the ad.")
    translated = explain(difference, gettext=lambda s: {"Housing": "住居費"}.get(s, s), money=lambda n: f"{n}円")
    assert translated.startswith("住居費: 45000円")


def test_differences_survive_storage():
    difference = Difference("pay_lower", True, None, ad=220_000, offer=200_000)
    assert Difference.from_dict(difference.to_dict()) == difference


def test_the_core_imports_no_framework():
    import ast
    from pathlib import Path

    import portal.applications.offer_check as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"flask", "flask_babel", "sqlalchemy", "flask_sqlalchemy", "portal"}


def test_messages_are_marked_for_extraction():
    from babel.messages.extract import extract_python

    import portal.applications.offer_check as module

    with open(module.__file__, "rb") as handle:
        found = {message for _, _, message, _ in extract_python(handle, ["N_"], [], {})}
    assert set(module.MESSAGES.values()) | set(module.CATEGORY_NAMES.values()) <= found
