"""Posting × profile cases with the verdict a seeker in Pakistan must get and its reason, in English
and Japanese. Shared by the engine's tests (tests/unit/test_verdict_rules.py) and the pages' and
API's (tests/web/test_verdict_channels.py): every channel must say the same thing.

A posting is given by what differs from POSTING_DEFAULTS; a profile by the few answers quick match
takes (trade, years, Japanese, one skills test as "<field>[/<business category>]", TITP field).
The expected sentences are written out here, not taken from the code, so that a wrong word in
either language fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field

POSTING_DEFAULTS = dict(
    sector_code="food_service", sub_area=None, visas=("ssw1",), employment_type="FULL_TIME",
    applicants_from="abroad", dispatch=False, salary_min=230_000, salary_unit="MONTH", japanese_level="none",
    occupation_code=None, prefecture_code="23",
)


@dataclass(frozen=True)
class Answers:
    trade: str
    years: float = 3
    japanese: str = "N4"  # none, N5, JFT_BASIC, N4, N3, N2, N1
    test: str | None = None  # "<sector>" or "<sector>/<sub_area>"
    titp: str | None = None


@dataclass(frozen=True)
class Case:
    id: str
    posting: dict
    answers: Answers
    verdict: str  # eligible | needs_steps | not_eligible
    code: str  # the reason that explains the verdict
    en: str
    ja: str
    topic: str = field(default="", compare=False)

    def posting_values(self) -> dict:
        return {**POSTING_DEFAULTS, **self.posting}


A = Answers
ELIGIBLE, STEPS, NOT = "eligible", "needs_steps", "not_eligible"

HIRES = ("hires_from_abroad", "The employer hires from abroad.", "雇用主は海外から採用しています。")
IN_JAPAN = ("lives_in_japan_only",
            "This job is only for people already living in Japan: the employer does not hire from abroad.",
            "この仕事はすでに日本に住んでいる人のみが対象です。雇用主は海外から採用していません。")
ASK = ("ask_hires_from_abroad", "Ask the employer whether they hire from abroad.",
       "海外から採用しているかどうか、雇用主に確認してください。")
NO_SSW_EN = "This job cannot be done on a Specified Skilled Worker visa: "
NO_SSW_JA = "この仕事は特定技能のビザではできません："
PART_TIME = ("ssw_rule_broken", NO_SSW_EN + "it is part-time, and the visa needs full-time work.",
             NO_SSW_JA + "パートタイムの仕事ですが、このビザにはフルタイムの仕事が必要です。")
DAY_LABOUR = ("ssw_rule_broken", NO_SSW_EN + "it is day labour, and the visa needs full-time employment.",
              NO_SSW_JA + "日雇いの仕事ですが、このビザにはフルタイムの雇用が必要です。")
DISPATCH = ("ssw_rule_broken", NO_SSW_EN + "the worker would be sent by a dispatch agency, which the visa allows "
            "only in agriculture and fishery.",
            NO_SSW_JA + "派遣会社から派遣される形ですが、このビザで派遣が認められるのは農業と漁業だけです。")
MONTHLY = ("ssw_rule_broken", NO_SSW_EN + "construction workers on this visa must be paid a monthly wage, not by "
           "the hour or day.", NO_SSW_JA + "このビザで働く建設作業員の給与は、時給や日給ではなく月給制でなければなりません。")


def passed(en_field: str, ja_field: str) -> tuple[str, str, str]:
    return ("passed_skills_test", f"You passed the {en_field} skills test.", f"{ja_field}の技能試験に合格しています。")


def other_category(en: str, ja: str) -> tuple[str, str, str]:
    return ("skills_test_other_sub_area",
            f"Your skills test is for another business category: it does not count for {en}. Pass the test for {en}.",
            f"あなたの技能試験は別の業務区分のもので、{ja}には有効ではありません。{ja}の試験に合格してください。")


def case(id: str, topic: str, posting: dict, answers: Answers, verdict: str, reason: tuple[str, str, str]) -> Case:
    return Case(id, posting, answers, verdict, *reason, topic=topic)


MACHINING = dict(sector_code="industrial_products", sub_area="machining")
WELDER = A("welder", 4, "N4", "industrial_products/machining")
CLEANING = dict(sector_code="building_cleaning", sub_area="cleaning")
CLEANER = A("cleaner", 2, "N4", "building_cleaning")
COOK = A("cook", 3, "N4", "food_service")
CROPS = dict(sector_code="agriculture", sub_area="crops")
BUILDING = dict(sector_code="construction", sub_area="building")

CASES: list[Case] = [
    # ---- who the employer takes -------------------------------------------------------------------
    case("abroad-ssw1-ready", "applicants_from", MACHINING, WELDER, ELIGIBLE, HIRES),
    case("in-japan-only-ssw1-ready", "applicants_from", {**MACHINING, "applicants_from": "in_japan_only"}, WELDER,
         NOT, IN_JAPAN),
    case("unknown-ssw1-ready", "applicants_from", {**MACHINING, "applicants_from": "unknown"}, WELDER, STEPS, ASK),
    case("in-japan-only-part-time-cleaning", "applicants_from",
         {**CLEANING, "visas": ("other",), "employment_type": "PART_TIME", "salary_min": 1300, "salary_unit": "HOUR",
          "applicants_from": "in_japan_only"}, A("cleaner", 2, "none"), NOT, IN_JAPAN),
    case("unknown-other-visa", "applicants_from", {"visas": ("other",), "applicants_from": "unknown"},
         A("cook", 3, "N4"), STEPS, ASK),
    case("abroad-other-visa", "applicants_from", {"visas": ("other",)}, A("cook", 3, "N4"), ELIGIBLE, HIRES),
    case("in-japan-only-nursing", "applicants_from",
         {"sector_code": "nursing_care", "sub_area": "care", "applicants_from": "in_japan_only"},
         A("caregiver", 3, "N4", "nursing_care"), NOT, IN_JAPAN),
    case("unknown-esd", "applicants_from", {**CROPS, "visas": ("esd",), "applicants_from": "unknown"},
         A("farm_worker", 2, "N5"), STEPS, ASK),
    case("in-japan-only-esd", "applicants_from", {**CROPS, "visas": ("esd",), "applicants_from": "in_japan_only"},
         A("farm_worker", 2, "N5"), NOT, IN_JAPAN),
    case("abroad-esd", "applicants_from", {**CROPS, "visas": ("esd",)}, A("farm_worker", 2, "N5"), ELIGIBLE, HIRES),
    # ---- part-time work and day labour ------------------------------------------------------------
    case("part-time-ssw1", "part-time",
         {**CLEANING, "employment_type": "PART_TIME", "salary_min": 1300, "salary_unit": "HOUR",
          "applicants_from": "unknown"}, CLEANER, NOT, PART_TIME),
    case("part-time-ssw1-ssw2", "part-time",
         {"visas": ("ssw1", "ssw2"), "employment_type": "PART_TIME", "salary_min": 1200, "salary_unit": "HOUR",
          "applicants_from": "unknown"}, COOK, NOT, PART_TIME),
    case("day-labour-construction", "part-time",
         {**BUILDING, "employment_type": "PER_DIEM", "salary_min": 15_000, "salary_unit": "DAY"},
         A("scaffolder", 3, "N4", "construction/building"), NOT, DAY_LABOUR),
    case("full-time-cleaning", "part-time", CLEANING, CLEANER, ELIGIBLE, passed("Building cleaning", "ビルクリーニング")),
    case("fixed-term-contract", "part-time", {"sector_code": "food_manufacturing", "sub_area": "food_processing",
                                              "employment_type": "CONTRACTOR"},
         A("food_factory_worker", 2, "N4", "food_manufacturing"), ELIGIBLE,
         passed("Food and beverage manufacturing", "飲食料品製造業")),
    case("seasonal-farm", "part-time", {**CROPS, "employment_type": "TEMPORARY", "salary_min": 1100,
                                        "salary_unit": "HOUR"},
         A("farm_worker", 2, "N4", "agriculture/crops"), ELIGIBLE, passed("Agriculture", "農業")),
    # ---- agency dispatch --------------------------------------------------------------------------
    case("dispatch-food-manufacturing", "dispatch",
         {"sector_code": "food_manufacturing", "sub_area": "food_processing", "dispatch": True},
         A("food_factory_worker", 2, "N4", "food_manufacturing"), NOT, DISPATCH),
    case("dispatch-agriculture", "dispatch", {**CROPS, "dispatch": True},
         A("farm_worker", 2, "N4", "agriculture/crops"), ELIGIBLE, passed("Agriculture", "農業")),
    case("dispatch-fishery", "dispatch",
         {"sector_code": "fishery", "sub_area": "aquaculture", "visas": ("ssw1", "ssw2"), "dispatch": True},
         A("aquaculture_worker", 3, "N4", "fishery/aquaculture"), ELIGIBLE, passed("Fishery and aquaculture", "漁業")),
    case("dispatch-construction", "dispatch",
         {"sector_code": "construction", "sub_area": "lifelines", "visas": ("ssw1", "ssw2"), "dispatch": True},
         A("plumber", 5, "N4", "construction/lifelines"), NOT, DISPATCH),
    case("dispatch-cleaning", "dispatch", {**CLEANING, "dispatch": True}, CLEANER, NOT, DISPATCH),
    # ---- pay by the day or hour -------------------------------------------------------------------
    case("construction-daily-pay", "daily pay",
         {**BUILDING, "visas": ("ssw1", "ssw2"), "salary_min": 14_000, "salary_unit": "DAY"},
         A("scaffolder", 3, "N4", "construction/building"), NOT, MONTHLY),
    case("construction-hourly-pay", "daily pay",
         {"sector_code": "construction", "sub_area": "civil_engineering", "salary_min": 1500, "salary_unit": "HOUR"},
         A("heavy_equipment_operator", 6, "N4", "construction/civil_engineering"), NOT, MONTHLY),
    case("construction-monthly-pay", "daily pay", {**BUILDING, "salary_min": 250_000},
         A("scaffolder", 3, "N4", "construction/building"), ELIGIBLE, passed("Construction", "建設")),
    case("food-service-daily-pay", "daily pay", {"salary_min": 10_000, "salary_unit": "DAY"}, COOK, ELIGIBLE,
         passed("Food service", "外食業")),
    case("livestock-hourly-pay", "daily pay",
         {"sector_code": "agriculture", "sub_area": "livestock", "salary_min": 1100, "salary_unit": "HOUR"},
         A("dairy_worker", 3, "N4", "agriculture/livestock"), ELIGIBLE, passed("Agriculture", "農業")),
    # ---- skills tests per business category -------------------------------------------------------
    case("civil-test-building-job", "sub-area", BUILDING, A("carpenter", 3, "N4", "construction/civil_engineering"),
         STEPS, other_category("Building (Construction)", "建築（建設）")),
    case("welding-test-sewing-job", "sub-area", {"sector_code": "industrial_products", "sub_area": "textiles"},
         WELDER, STEPS, other_category("Textiles and sewing (Industrial products manufacturing)",
                                       "繊維・衣服（紡織製品製造・縫製）（工業製品製造業）")),
    case("machining-test-machining-job", "sub-area", MACHINING, WELDER, ELIGIBLE,
         passed("Industrial products manufacturing", "工業製品製造業")),
    case("crops-test-livestock-job", "sub-area", {"sector_code": "agriculture", "sub_area": "livestock"},
         A("farm_worker", 2, "N4", "agriculture/crops"), STEPS, other_category("Livestock farming (Agriculture)",
                                                                               "畜産農業（農業）")),
    case("job-category-not-said", "sub-area", {"sector_code": "agriculture"},
         A("farm_worker", 2, "N4", "agriculture/crops"), STEPS,
         ("ask_job_sub_area", "Ask the employer which business category of Agriculture this job is in: a skills test "
          "counts only for its own category.", "この仕事が農業のどの業務区分か、雇用主に確認してください。技能試験はその業務区分にだけ有効です。")),
    case("truck-test-taxi-job", "sub-area", {"sector_code": "automobile_transport", "sub_area": "taxi"},
         A("ltv_driver", 5, "N4", "automobile_transport/truck"), STEPS,
         other_category("Taxi driving (Automobile transportation)", "タクシー（自動車運送業）")),
    case("no-test-category-job", "sub-area", BUILDING, A("carpenter", 3, "N4"), STEPS,
         ("pass_sub_area_test", "Pass the skills test for Building (Construction).", "建築（建設）の技能試験に合格してください。")),
    case("no-test-one-category-field", "sub-area", {}, A("cook", 3, "N4"), STEPS,
         ("pass_skills_test", "Pass the Food service skills test.", "外食業の技能試験に合格してください。")),
    case("titp-exempts-the-tests", "sub-area", BUILDING, A("carpenter", 3, "N4", titp="construction"), ELIGIBLE,
         ("titp_exempts_tests", "Your Technical Intern Training in Construction means you need no skills or "
          "Japanese test.", "建設で技能実習を修了しているため、技能試験と日本語試験は免除されます。")),
    case("nursing-care-one-category", "sub-area", {"sector_code": "nursing_care", "sub_area": "care"},
         A("caregiver", 3, "N4", "nursing_care"), STEPS,
         ("pass_nursing_japanese", "Pass the Nursing Care Japanese Language Evaluation Test.", "介護日本語評価試験に合格してください。")),
    case("ship-welding", "sub-area",
         {"sector_code": "shipbuilding", "sub_area": "welding", "visas": ("ssw1", "ssw2")},
         A("ship_welder", 5, "N4", "shipbuilding/welding"), ELIGIBLE,
         passed("Shipbuilding and marine industry", "造船・舶用工業")),
    # ---- Japanese, per person ---------------------------------------------------------------------
    case("job-n3-have-n4", "japanese", {"japanese_level": "N3"}, COOK, STEPS,
         ("needs_japanese_level", "This job needs N3; you have N4.", "この仕事にはN3が必要です。現在はN4です。")),
    case("ssw1-have-n5", "japanese", {}, A("cook", 3, "N5", "food_service"), STEPS,
         ("pass_jft_or_n4", "Pass JFT-Basic or JLPT N4 (you have N5).", "JFT-Basicまたは日本語能力試験N4に合格してください（現在：N5）。")),
    case("ssw1-jft-basic", "japanese", {}, A("cook", 3, "JFT_BASIC", "food_service"), ELIGIBLE,
         ("has_jft_or_n4", "Your Japanese (JFT-Basic) is enough for the Specified Skilled Worker visa.",
          "あなたの日本語（JFT-Basic）は、特定技能の要件を満たしています。")),
    case("job-n2-have-n1", "japanese", {**BUILDING, "japanese_level": "N2"},
         A("cook", 0, "N1", "construction/building"), ELIGIBLE,
         ("meets_japanese_level", "Your Japanese (N1) meets this job's level (N2).",
          "あなたの日本語（N1）は、この仕事に必要なレベル（N2）を満たしています。")),
    case("job-n4-no-japanese", "japanese", {"visas": ("other",), "japanese_level": "N4"}, A("cook", 3, "none"), STEPS,
         ("needs_japanese_level", "This job needs N4; you have no Japanese test.", "この仕事にはN4が必要です。現在は日本語試験なしです。")),
    case("in-japan-only-despite-n1", "japanese", {"japanese_level": "N3", "applicants_from": "in_japan_only"},
         A("cook", 3, "N1", "food_service"), NOT, IN_JAPAN),
]

assert len({c.id for c in CASES}) == len(CASES)
