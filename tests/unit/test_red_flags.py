"""Red flags (portal/moderation/flags.py): a table of fixture postings, then the parts one by one."""

import ast
import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from portal.moderation import flags as red
from portal.moderation.flags import (
    FLAG_CODES,
    FLAG_MESSAGES,
    SEVERITY,
    Flag,
    PostingFacts,
    explain,
    holds_publication,
    hourly_pay,
    needs_override_reason,
    normalise_licence,
    red_flags,
    risk_level,
    scan_text,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "red_flags" / "postings.json"
MINIMUM_WAGES = Path(red.__file__).resolve().parent.parent / "data" / "minimum_wage_jpy_per_hour.csv"

TABLE = json.loads(FIXTURES.read_text(encoding="utf-8"))
with open(MINIMUM_WAGES, encoding="utf-8") as handle:
    MINIMUM = {row["jis_code"]: int(row["fy2025_yen"]) for row in csv.DictReader(handle)}


def facts_of(row: dict) -> PostingFacts:
    values = {**TABLE["defaults"], **row["facts"]}
    return PostingFacts(**values, minimum_hourly_wage=MINIMUM[row["prefecture"]],
                        licence_register=frozenset(TABLE["licence_register"]))


def codes(flags) -> set[str]:
    return {flag.code for flag in flags}


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------


def test_the_table_is_big_and_mixed():
    rows = TABLE["postings"]
    languages = Counter(row["lang"] for row in rows)
    assert len(rows) >= 40
    assert languages["ja"] >= 20 and languages["en"] >= 15 and languages["ur"] >= 3
    assert len({row["id"] for row in rows}) == len(rows)
    assert sum(1 for row in rows if not row["expected"]) >= 15  # ordinary postings
    covered = set().union(*(row["expected"] for row in rows))
    assert covered == set(FLAG_CODES), f"no row for {set(FLAG_CODES) - covered}"


def test_table_summary_and_false_positives(capsys):
    """At most one false positive in the table, and not one missed flag."""
    false_positives, missed = [], []
    tally = Counter()
    for row in TABLE["postings"]:
        got, want = codes(red_flags(facts_of(row))), set(row["expected"])
        false_positives += [(row["id"], code) for code in sorted(got - want)]
        missed += [(row["id"], code) for code in sorted(want - got)]
        tally[risk_level(red_flags(facts_of(row)))] += 1
    with capsys.disabled():
        print(f"\nred flags: {len(TABLE['postings'])} postings, risk {dict(sorted(tally.items()))}, "
              f"false positives {false_positives or 'none'}, missed {missed or 'none'}")
    assert not missed
    assert len(false_positives) <= 1


@pytest.mark.parametrize("row", TABLE["postings"], ids=[row["id"] for row in TABLE["postings"]])
def test_posting_is_flagged_exactly_as_expected(row):
    flags = red_flags(facts_of(row))
    assert codes(flags) == set(row["expected"]), [flag.to_dict() for flag in flags]
    assert holds_publication(flags) == bool(row["expected"])
    for flag in flags:
        assert flag.severity == SEVERITY[flag.code]
        sentence = explain(flag)
        assert "%(" not in sentence and sentence.strip()


@pytest.mark.parametrize("code", ["fee_words", "deposit_words", "below_minimum_wage", "passport_retention",
                                  "worker_costs", "penalty_words", "advance_payment_words"])
def test_every_fee_deposit_wage_and_passport_case_is_held_as_high_risk(code):
    rows = [row for row in TABLE["postings"] if code in row["expected"]]
    assert rows
    for row in rows:
        flags = red_flags(facts_of(row))
        assert holds_publication(flags) and risk_level(flags) == "high" and needs_override_reason(flags)


# --------------------------------------------------------------------------------------------
# Pay
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "unit", "hours", "expected"), [
    (1_100, "HOUR", None, 1_100),
    (1_100, "hour", 20, 1_100),  # hours do not change an hourly wage; the unit is read in any case
    (9_000, "DAY", None, 1_125),  # ÷ 8
    (173_800, "MONTH", None, 1_000),  # ÷ 173.8 when hours are missing
    (208_000, "MONTH", 48, 1_000),  # ÷ (48 × 52 ÷ 12 = 208)
    (86_666.67, "MONTH", 20, 1_000),
    (2_085_600, "YEAR", None, 1_000),  # ÷ 12, then as a month
    (2_496_000, "YEAR", 48, 1_000),
    (200_000, "MONTH", 0, 200_000 / 173.8),  # 0 hours means "not stated"
    (None, "MONTH", None, None),
    (200_000, None, None, None),
    (200_000, "WEEK", None, None),
])
def test_hourly_pay(amount, unit, hours, expected):
    result = hourly_pay(amount, unit, hours)
    assert result == (pytest.approx(expected, abs=0.01) if expected is not None else None)


@pytest.mark.parametrize(("salary_min", "salary_max", "unit", "hours", "minimum", "expected"), [
    (1_226, None, "HOUR", None, 1_226, set()),  # exactly the minimum is allowed
    (1_225, None, "HOUR", None, 1_226, {"below_minimum_wage"}),
    (None, 1_100, "HOUR", None, 1_226, {"below_minimum_wage"}),  # no minimum: the maximum is used
    (1_100, 1_400, "HOUR", None, 1_226, {"below_minimum_wage"}),  # the lowest pay offered counts
    (200_000, None, "MONTH", None, 1_226, {"below_minimum_wage"}),  # 1,150.7 an hour
    (200_000, None, "MONTH", 35, 1_226, set()),  # 1,318.7 an hour
    (200_000, None, "MONTH", None, None, set()),  # minimum wage not known: not checked
    (1_200, None, "MONTH", None, 1_226, {"implausible_pay"}),  # the wrong unit, not a wage of 7 yen
    (180_000, 12_000_000, "MONTH", None, 1_023, {"implausible_pay"}),
    (12_000, None, "HOUR", None, 1_023, {"implausible_pay"}),
    (250, None, "HOUR", None, 1_023, {"implausible_pay"}),
    (2_000, None, "DAY", None, 1_023, {"implausible_pay"}),
    (40_000_000, None, "YEAR", None, 1_023, {"implausible_pay"}),
    (3_000_000, None, "YEAR", None, 1_226, set()),
])
def test_pay_flags(salary_min, salary_max, unit, hours, minimum, expected):
    facts = PostingFacts(salary_min=salary_min, salary_max=salary_max, salary_unit=unit, hours_per_week=hours,
                         minimum_hourly_wage=minimum)
    assert codes(red_flags(facts)) == expected


def test_below_minimum_wage_evidence_and_sentence():
    facts = PostingFacts(salary_min=150_000, salary_unit="MONTH", minimum_hourly_wage=1_177)
    (flag,) = red_flags(facts)
    assert flag.evidence == {"hourly": 863, "minimum": 1_177, "amount": 150_000, "period": "MONTH"}
    assert explain(flag) == ("Pay of 863 yen an hour is below the minimum wage of 1,177 yen in this "
                             "prefecture.")


# --------------------------------------------------------------------------------------------
# Words: negation and exclusions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "No fees, deposits or advance payments.",
    "We do not charge any fee to workers.",
    "The employer pays all fees.",
    "All fees are paid by the employer.",
    "Placement fee: none. Deposit: 0 yen.",
    "Fee-free recruitment.",
    "手数料なし",
    "手数料は一切かかりません。",
    "ビザ申請費用負担なし",
    "紹介料・保証金・違約金は一切ありません。",
    "渡航費用・ビザ代は会社負担です。",
    "違約金の定めはありません。",
    "کوئی فیس نہیں",
    "بغیر کسی فیس کے",
    "No cash payments are accepted.",
    "現金でのお支払いは受け付けておりません。",
])
def test_negated_words_raise_no_flag(text):
    assert scan_text(text) == []


@pytest.mark.parametrize(("text", "code"), [
    ("Fee: 50,000 yen.", "fee_words"),
    ("No experience needed, processing fee applies.", "fee_words"),
    ("No hidden charges, deposit of 100,000 yen before departure.", "deposit_words"),
    ("手数料なし、ただし保証金10万円", "deposit_words"),
    ("保証金10万円が必要ですが、手数料はかかりません。", "deposit_words"),
    ("ＦＥＥ：５万円", "fee_words"),
    ("ﾃｽｳﾘｮｳ 手数料５万円", "fee_words"),
    ("Recruitment fee is non-refundable.", "fee_words"),
    ("فیس 50 ہزار روپے", "fee_words"),
    ("جرمانہ ادا کرنا ہوگا", "penalty_words"),
    ("ضمانت کی رقم 2 لاکھ", "deposit_words"),
    ("صرف کیش ادائیگی", "cash_only_words"),
    ("パスポートを預かります。", "passport_retention"),
    ("在留カードを会社で保管します。", "passport_retention"),
    ("We keep your passport during the contract.", "passport_retention"),
    ("Passports will be kept by the company for safety.", "passport_retention"),
    ("Your passport will remain with the employer.", "passport_retention"),
    ("The agency retains all travel documents including passports.", "passport_retention"),
    ("在留カードのコピーを取り、原本は会社で保管します。", "passport_retention"),
    ("パスポート預かり", "passport_retention"),
    ("پاسپورٹ کمپنی کے پاس رہے گا", "passport_retention"),
    ("Payment must be made in cash to our agent.", "cash_only_words"),
    ("Candidates must deposit Rs 200,000 as security.", "deposit_words"),
    ("入社時に身元保証金5万円をお預かりします。", "deposit_words"),
    ("Medical and protector fee to be paid by candidate.", "fee_words"),
    ("ویزا کے لیے ایڈوانس رقم جمع کروائیں", "advance_payment_words"),
    ("Azad visa available", "tourist_or_azad_visa"),
    ("Come to Japan on a tourist visa and start work immediately.", "tourist_or_azad_visa"),
    ("短期滞在ビザで入国してください。", "tourist_or_azad_visa"),
])
def test_words_raise_their_flag(text, code):
    assert codes(scan_text(text)) == {code}


@pytest.mark.parametrize("text", [
    "Salary is paid by bank deposit.",
    "Direct deposit of salary every month.",
    "Salary will be deposited into your bank account.",
    "Deposit into your bank account on the 25th.",
    "給与振込",
    "Passport required for application.",
    "Applicants must hold a valid passport.",
    "Send a copy of your passport.",
    "Keep your passport safe.",
    "Workers keep their own passports.",
    "We never keep your passport.",
    "It is illegal for an employer to keep your passport.",
    "パスポートは本人が保管します。",
    "パスポートを預かることはありません。",
    "在留カードのコピーを保管します。",
    "有効なパスポートを保管していること。",
    "Cashier wanted.",
    "Cashless payments only.",
    "Salary paid in cash every Friday.",
    "給与は現金手渡し",
    "給与前払い制度あり",
    "日払い・週払い・前払いOK",
    "Salary advance payment available.",
    "Dormitory fee ¥20,000 a month.",
    "Housing fee is deducted from salary.",
    "フェイスブックで会社の様子を発信しています。",
    "ہماری فیس بک پیج دیکھیں",
    "Candidates from Azad Kashmir welcome.",
    "身元保証人が必要です。",
    "対人・対物損害賠償保険加入",
    "Working on a tourist visa is illegal.",
    "観光ビザでの就労はできません。",
    "No tourist visa: a proper work visa.",
    "Sales staff: base pay plus commission.",
    "We sponsor a proper work visa and pay the visa fees.",
    "The company bears all recruitment costs and fees.",
    "JFT-Basic exam fee is reimbursed after you pass.",
    "Workers never pay recruitment fees or related costs.",
    "紹介手数料：0円",
    "手数料等の費用負担は一切ございません。",
    "受験料は会社が負担します。",
    "تمام اخراجات کمپنی ادا کرے گی، کوئی فیس نہیں",
    "Security deposit for the dormitory is paid by the company.",
    "Salary deposit to bank every month.",
    "Please bring your passport to the interview; we will return it the same day.",
    "在留カードの有効期限は会社で確認します。",
    "弊社では在留カードの原本を確認し、コピーを保管します。",
    "パスポートの取り上げは禁止されています。",
    "Employers must not keep passports.",
    "Salary will be handed over in cash.",
    "通勤手当：現金支給",
    "Cash allowance for commuting.",
    "Fine motor skills needed for electronics assembly.",
    "Overtime penalty rates apply.",
    "No Azad visa. Only proper SSW visa.",
    "تنخواہ ایڈوانس کی سہولت موجود ہے",
    "Coffee and feedback sessions.",
])
def test_ordinary_words_raise_no_flag(text):
    assert scan_text(text) == []


def test_html_is_read_as_text():
    assert codes(scan_text("<p>Registration<br>fee: 50,000&nbsp;yen</p>")) == {"fee_words"}
    assert scan_text('<a href="https://example.jp/fee">Apply</a>') == []


def test_evidence_quotes_the_sentence():
    (flag,) = scan_text("月給22万円。内定後、紹介手数料として30万円をお支払いいただきます。次へ")
    assert flag.code == "fee_words"
    assert flag.evidence["text"] == "内定後、紹介手数料として30万円をお支払いいただきます"
    assert "紹介手数料" in explain(flag)


# --------------------------------------------------------------------------------------------
# Contact, organisation, licence, costs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("facts", "expected"), [
    (PostingFacts(description_en="WhatsApp +92 300 1234567"), {"informal_contact"}),
    (PostingFacts(description_en="WhatsApp +92 300 1234567", contact_email="hr@example.co.jp"), set()),
    (PostingFacts(description_en="WhatsApp only: +92 300 1234567", contact_email="hr@example.co.jp"),
     {"informal_contact"}),
    (PostingFacts(contact_email="jobs.japan@yahoo.co.jp"), {"informal_contact"}),
    (PostingFacts(contact_email="jobs@example.co.jp"), set()),
    (PostingFacts(apply_url="https://www.facebook.com/japanjobs"), {"informal_contact"}),
    (PostingFacts(apply_url="https://wa.me/923001234567"), {"informal_contact"}),
    (PostingFacts(apply_url="https://careers.example.co.jp/apply"), set()),
    (PostingFacts(description_en="Beware of fake agents on WhatsApp."), set()),
    (PostingFacts(), set()),  # applications on the portal only
])
def test_contact_channels(facts, expected):
    assert codes(red_flags(facts)) == expected


def test_informal_contact_names_the_channels():
    (flag,) = red_flags(PostingFacts(description_en="Facebook page or WhatsApp", contact_email="a@gmail.com"))
    assert flag.evidence == {"channels": "WhatsApp, Facebook, gmail.com"}


@pytest.mark.parametrize(("status", "kind", "licence", "expected"), [
    ("verified", "employer", None, set()),
    (None, None, None, set()),  # imports have no organisation
    ("unverified", "employer", None, {"unverified_organisation"}),
    ("suspended", "employer", None, {"suspended_organisation"}),
    ("verified", "oep", "1234/RWP", set()),
    ("verified", "oep", "OEP Licence No. １２３４-rwp", set()),
    ("verified", "oep", "1234/LHR", {"unlicensed_oep"}),
    ("verified", "oep", "", {"unlicensed_oep"}),
    ("verified", "support_org", None, set()),
])
def test_organisation_and_licence(status, kind, licence, expected):
    facts = PostingFacts(organisation_status=status, organisation_kind=kind, oep_licence=licence,
                         licence_register=["1234/RWP", "2456/LHR"])
    assert codes(red_flags(facts)) == expected


def test_normalise_licence():
    assert normalise_licence("OEP Licence No. 1234/RWP") == normalise_licence("1234-rwp") == "1234RWP"
    assert normalise_licence(None) == ""


@pytest.mark.parametrize(("costs", "expected"), [
    ([], set()),
    ([{"label": "Airfare", "amount_jpy": 0}], set()),
    ([{"item_en": "Visa", "item_ja": "ビザ", "amount_jpy": 30000, "per": "once"}], {"worker_costs"}),
    ([{"label": "Deposit", "amount_jpy": "50000"}], {"worker_costs"}),
    ([{"label": "Broken", "amount_jpy": "n/a"}], set()),
    # Rent and meals paid every month are living costs, not fees, unless named as a fee or deposit.
    ([{"item_en": "Dormitory rent", "item_ja": "寮費", "amount_jpy": 20000, "per": "month"}], set()),
    ([{"item_en": "Meals", "amount_jpy": 9000, "per": "month"}, {"item_en": "Dormitory fee", "amount_jpy": 20000,
                                                                 "per": "month"}], set()),
    ([{"item_ja": "管理手数料（登録支援機関）", "amount_jpy": 10000, "per": "month"}], {"worker_costs"}),
    ([{"item_en": "Dormitory deposit", "amount_jpy": 30000, "per": "year"}], {"worker_costs"}),
    ([{"item_en": "Airfare to Japan", "amount_jpy": 80000}], {"worker_costs"}),  # no "per": once
])
def test_worker_costs(costs, expected):
    assert codes(red_flags(PostingFacts(worker_costs=costs))) == expected


def test_worker_costs_evidence():
    facts = PostingFacts(worker_costs=[{"label": "Training", "amount_jpy": 100000},
                                       {"label": "Medical", "amount_jpy": 20000}])
    (flag,) = red_flags(facts)
    assert explain(flag).startswith("The worker is asked to pay 120,000 yen (Training, Medical).")


# --------------------------------------------------------------------------------------------
# Decisions, messages, purity
# --------------------------------------------------------------------------------------------


def test_risk_level_and_holding():
    high, medium, low = Flag("fee_words", "high"), Flag("informal_contact", "medium"), Flag("likely_duplicate", "low")
    assert risk_level([]) == "none" and not holds_publication([]) and not needs_override_reason([])
    assert risk_level([low]) == "low" and holds_publication([low]) and not needs_override_reason([low])
    assert risk_level([low, medium]) == "medium" and holds_publication([medium])
    assert risk_level([medium, high, low]) == "high" and needs_override_reason([medium, high])
    assert risk_level(iter([high])) == "high" and holds_publication(iter([low]))


def test_flags_round_trip_and_hash():
    flag = red_flags(PostingFacts(salary_min=1_000, salary_unit="HOUR", minimum_hourly_wage=1_100))[0]
    assert Flag.from_dict(json.loads(json.dumps(flag.to_dict()))) == flag
    assert len({flag, Flag.from_dict(flag.to_dict())}) == 1


def test_one_flag_per_code_in_code_order():
    facts = PostingFacts(description_en="Fee 10,000 yen. Another fee of 20,000 yen. Deposit 5,000 yen.",
                         organisation_status="unverified", is_likely_duplicate=True,
                         worker_costs=[{"label": "x", "amount_jpy": 1}])
    flags = red_flags(facts)
    assert [flag.code for flag in flags] == ["worker_costs", "fee_words", "deposit_words",
                                             "unverified_organisation", "likely_duplicate"]
    assert flags[1].evidence["text"] == "Fee 10,000 yen / Another fee of 20,000 yen"


def test_explain_uses_the_callers_gettext_and_numbers():
    flag = red_flags(PostingFacts(salary_min=1_200, salary_unit="MONTH"))[0]
    assert explain(flag) == "Pay of 1,200 yen a month is implausible; check the amount and the pay period."
    catalog = {FLAG_MESSAGES["implausible_pay"]: "%(period)s%(amount)s円という給与は現実的ではありません。",
               "a month": "1か月あたり"}
    assert explain(flag, catalog.get, lambda n: f"<{n}>") == "1か月あたり<1200>円という給与は現実的ではありません。"


def test_explain_survives_old_evidence():
    assert explain(Flag("below_minimum_wage", "high", {"hourly": 900})) == (
        "Pay of 900 yen an hour is below the minimum wage of … yen in this prefecture.")
    assert explain(Flag("retired_code", "high")) == "retired_code"


def test_messages_are_marked_for_extraction():
    """Every msgid is a literal inside N_(), which pybabel extracts by default (translations.extract)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_python

    assert "N_" in DEFAULT_KEYWORDS
    with open(red.__file__, "rb") as handle:
        found = {message for _, _, message, _ in extract_python(handle, ["N_"], [], {})}
    assert set(FLAG_MESSAGES.values()) | set(red.PERIOD_WORDS.values()) <= found


def test_flags_imports_no_framework():
    tree = ast.parse(Path(red.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"flask", "flask_babel", "sqlalchemy", "flask_sqlalchemy", "requests", "portal"}


def test_vocabulary_matches_the_models():
    from portal.accounts.models import OrganisationKind, OrganisationStatus
    from portal.jobs.models import STANDARD_MONTHLY_HOURS, SalaryUnit

    assert set(red.SALARY_UNITS) == {member.value for member in SalaryUnit}
    assert set(red.PLAUSIBLE_PAY) == set(red.SALARY_UNITS) == set(red.PERIOD_WORDS)
    assert red.STANDARD_MONTHLY_HOURS == STANDARD_MONTHLY_HOURS
    assert set(red.ORGANISATION_STATUSES) == {member.value for member in OrganisationStatus}
    assert red.OEP_KIND == OrganisationKind.OEP


def test_word_file_codes_are_flag_codes():
    assert {category.code for category in red.rules().categories} <= set(FLAG_CODES)
