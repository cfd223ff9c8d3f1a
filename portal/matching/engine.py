"""Score a seeker's profile against job postings and explain the verdict.

Pure: no Flask, no SQLAlchemy, no I/O. Frozen dataclasses in (`Profile`, `Job`, a mapping of trade
code → `TradeInfo` built from portal/data/taxonomy/trades.csv), frozen dataclasses out
(`MatchResult` with `Reason`s). Every reason carries a stable `code` from `REASON_CODES` and string
`params`; the words shown to a seeker (English, Japanese) are written elsewhere for exactly those
codes. A missing value in a param (no region, no education given) is the empty string.

Source of every rule below: the project's domain reference, /work/shared/reference/README.md
("Pathways from Pakistan to work in Japan", "Pakistani qualifications") and ssw_fields.csv
(copied to portal/data/ssw_fields.csv). Where the reference is silent the choice is the portal's own
and is marked "(portal rule)": change it here and in the tests together.

Verdict
-------
Every visa route the posting offers (`Job.visas`: ssw1, ssw2, esd, engineer, other) is evaluated
and the BEST verdict is reported, ELIGIBLE > NEEDS_STEPS > NOT_ELIGIBLE, with that route in
`MatchResult.route`. Between routes with the same verdict, fewer steps win; then a fixed order
(portal rule): for ELIGIBLE ssw2, engineer, ssw1, esd, other (the route that gives the worker the
most); otherwise ssw1, esd, ssw2, engineer, other (the usual way in first). Unknown visa codes are
ignored; a posting with no known visa code is judged like "other" with `route=None` (portal rule).

* **SSW (i)** 特定技能1号 (`ssw1`), only in the 16 SSW fields (`SSW_FIELDS`; `it_engineering` and
  `other` cannot use it → NOT_ELIGIBLE, gap `ssw1_not_in_field`). Needs the field's skills test
  (`job.sector in profile.skills_tests`, else gap `pass_skills_test`) AND Japanese at JFT-Basic (A2)
  or JLPT N4+ (else gap `pass_jft_or_n4`). Nursing care also needs the Nursing Care Japanese Language
  Evaluation Test (else gap `pass_nursing_japanese`). Completing Technical Intern Training (ii) in
  the same field (`profile.titp_completed == job.sector`) exempts all of these tests (fit
  `titp_exempts_tests`); TITP in another field exempts nothing. Missing pieces → NEEDS_STEPS.
  (README: "Needs the field's skills test and Japanese at JFT-Basic … or JLPT N4 or higher. Nursing
  care also needs the Nursing Care Japanese Language Evaluation Test. Completing Technical Intern
  Training (ii) in a related job exempts both tests." "Related job" is read as "the same field".)
* **SSW (ii)** 特定技能2号 (`ssw2`), only in the 11 fields that have it (`SSW_II_FIELDS`, the
  `ssw_ii = yes` rows of ssw_fields.csv, copied here as a constant; a unit test keeps the two equal):
  elsewhere NOT_ELIGIBLE, gap `ssw2_not_in_field`. Needs the field's SSW (ii) test
  (`"<sector>:ii" in profile.skills_tests`); without it NEEDS_STEPS with gaps `pass_ssw2_test` and
  `ssw2_follows_ssw1` (SSW (ii) normally follows years of SSW (i) work in the field).
* **Employment for Skill Development** 育成就労 / **Technical Intern Training** 技能実習 (`esd`):
  Japanese A1 (JLPT N5+ or JFT-Basic) before starting → ELIGIBLE (fit `meets_esd_japanese`), else
  NEEDS_STEPS (gap `reach_n5`). On and after `ESD_START` (2027-04-01, Act No. 60 of 2024) the route
  is 育成就労 (`route` param "employment_for_skill_development"), before it 技能実習
  ("technical_intern_training"). The date is `today` (default: `date.today()`).
* **Engineer / Specialist in Humanities / International Services** 技術・人文知識・国際業務
  (`engineer`): a bachelor's or master's degree (fit `has_degree`) or ≥ 10 years in a trade related
  to the posting (fit `has_10_years`; related = fits the posting's occupation or sector, see "Trade
  fit") → ELIGIBLE; else NOT_ELIGIBLE (gap `needs_degree_or_10_years`). Strict and simple (portal
  rule; the reference only says "the usual visa for … professionals with a degree").
* **other**: no visa rule is checked → ELIGIBLE unless one of the posting's own requirements below
  is unmet.

Rules added for a worker who applies from Pakistan (docs/verdict-rules.md has their sources):

* **Who the employer takes** (`Job.applicants_from`): `in_japan_only` makes every route NOT_ELIGIBLE
  (gap `lives_in_japan_only`); `unknown` turns ELIGIBLE into NEEDS_STEPS (gap
  `ask_hires_from_abroad`); `abroad` is fit `hires_from_abroad`; None (a posting the caller imagines,
  as the readiness wizard does) is not judged.
* **The SSW visa's own rules** (`ssw_rule_breaks`): SSW (i) and (ii) need full-time work (not
  PART_TIME, not PER_DIEM), direct employment (dispatch only in `DISPATCH_FIELDS`) and, in
  construction, a monthly wage (not HOUR or DAY). A break makes the route NOT_ELIGIBLE with one gap
  `ssw_rule_broken` per rule.
* **Skills tests per business category** (`skills_test_status`): tests are "<sector>[/<sub_area>]
  [:ii]"; in fields with several categories (`SUB_AREAS`) a test counts for its own category only
  (gaps `pass_sub_area_test`, `skills_test_other_sub_area`, `name_test_sub_area`, `ask_job_sub_area`).

Requirements of the posting itself, on every route (they add steps, never NOT_ELIGIBLE):

* **Japanese.** `job.japanese_level` above the profile's level → gap `needs_japanese_level`
  (needed, have) → NEEDS_STEPS. Ranking `JAPANESE_RANK` (the one the job search uses): none 0, N5 1,
  JFT_BASIC 2, N4 2, N3 3, N2 4, N1 5 — a passed JFT-Basic counts as N4 (README: "JFT-Basic (A2) or
  JLPT N4"). When the chosen route already asks for that Japanese (`pass_jft_or_n4` covers up to N4,
  `reach_n5` covers N5) the posting's gap is not repeated. A met requirement is fit
  `meets_japanese_level`.
* **Driving.** Drivers are postings in `automobile_transport` or with an ISCO occupation in
  `DRIVER_OCCUPATIONS` (8322, 8331, 8332, 8341–8344). A Japanese licence → fit
  `has_japanese_licence`; only a Pakistani or international one → gap `convert_licence` (外免切替);
  none → gap `needs_driving_licence`; both gaps make NEEDS_STEPS (ssw_fields.csv, automobile
  transport: "a Japanese driving licence is needed").

Trade fit, experience, preferences (portal rules; README, "Pakistani qualifications": the trade →
ISCO-08 → field mapping is the portal's own data, trades.csv):

* A profile trade whose ISCO codes include `job.occupation` → fit `trade_fits_occupation`; else one
  whose sectors include `job.sector` → fit `trade_fits_sector`; else gap `no_matching_trade`. No
  fitting trade never makes a posting NOT_ELIGIBLE (SSW has no experience rule): it lowers the score.
  Trade codes missing from the `trades` mapping are ignored.
* Years and NAVTTC (NVQF 1–8) level count only for fitting trades: fits `experience` and
  `navttc_level` for the fitting trade with the most experience points.
* Preferences: sector, place (a prefecture in `prefectures` or the posting's region in `regions`),
  pay (`monthly_jpy >= min_monthly_pay`; an unstated pay does not meet it) and housing. Each one
  stated gives a low-weight fit or gap. With `strict=True`, `rank` drops postings that miss any stated
  preference (as the search filters do); otherwise preferences only move the score.

Score (0–100, integers, deterministic; `SCORE_WEIGHTS`)
------------------------------------------------------
    trade        35 a trade fits the posting's occupation; 25 fits its sector and the posting names no
                 occupation; 15 fits its sector but the posting names another occupation; 0 none
    experience   ≤ 15 = 2.4 × min(years, 5) + min(NAVTTC level, 3) of the best fitting trade, halved
                 for that last kind of fit (welding years say little about a sewing job)
    japanese     20 when the profile meets the posting's level (or none is asked), else 20 × have/needed
    route        20 ELIGIBLE; NEEDS_STEPS 12 − 2 × steps (at least 4); NOT_ELIGIBLE 0
    preferences  10 × stated preferences met / stated (10 when none is stated)

The sum is rounded with `round`. Each part is monotone: more years, a higher NAVTTC level, better
Japanese, a passed test or a Japanese licence never lower it (the tests check this).

Speed
-----
`rank` builds one `_Context` per call (the profile's values, computed once) and caches the
verdict per `_key(job)` (sector, occupation, Japanese level, visas and the verdict attributes
above). A new key is cheap too: it is put together from three smaller caches — trade fit per
(sector, occupation), Japanese per level, best route per (sector, visas, engineer ok, licence
steps, unmet Japanese, business category, SSW rules broken, applicants_from). Each posting then costs a dictionary
look-up plus the preference checks; only the `limit` best get their reasons built. No regexes.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

__all__ = [
    "DRIVER_OCCUPATIONS",
    "DRIVER_SECTORS",
    "ESD_START",
    "JAPANESE_RANK",
    "REASON_CODES",
    "SCORE_WEIGHTS",
    "SSW_FIELDS",
    "SSW_II_FIELDS",
    "APPLICANTS_FROM",
    "DISPATCH_FIELDS",
    "SUB_AREAS",
    "SSW_RULES",
    "Eligibility",
    "Job",
    "MatchResult",
    "Preferences",
    "Profile",
    "Reason",
    "ReasonSpec",
    "TradeInfo",
    "TradeSkill",
    "candidate_sectors",
    "match",
    "meets_preferences",
    "rank",
    "skills_test_status",
    "ssw_rule_breaks",
]

# ------------------------------------------------------------------------------------- reference data

#: Japanese levels as the job search ranks them (portal/jobs/search.py imports this). JFT-Basic (A2)
#: is accepted for SSW (i) like JLPT N4, so both rank 2.
JAPANESE_RANK: dict[str, int] = {"none": 0, "N5": 1, "JFT_BASIC": 2, "N4": 2, "N3": 3, "N2": 4, "N1": 5}

#: The 16 SSW fields (ssw_fields.csv `code`).
SSW_FIELDS: frozenset[str] = frozenset({
    "nursing_care", "building_cleaning", "industrial_products", "construction", "shipbuilding",
    "automobile_repair", "aviation", "accommodation", "automobile_transport", "railway", "agriculture",
    "fishery", "food_manufacturing", "food_service", "forestry", "wood_industry",
})

#: The 11 fields with SSW (ii) (ssw_fields.csv `ssw_ii = yes`): all but nursing care and the four
#: fields added in 2024.
SSW_II_FIELDS: frozenset[str] = frozenset({
    "building_cleaning", "industrial_products", "construction", "shipbuilding", "automobile_repair",
    "aviation", "accommodation", "agriculture", "fishery", "food_manufacturing", "food_service",
})

NURSING_CARE = "nursing_care"

#: Who a posting takes: people abroad (hired from Pakistan through a Certificate of Eligibility),
#: only people already living in Japan (residents changing status; part-time and student jobs), or
#: the site does not know. Every seeker of the portal applies from Pakistan.
APPLICANTS_FROM = ("abroad", "in_japan_only", "unknown")

#: The business categories (業務区分) of each field that has more than one, from
#: portal/data/taxonomy/sub_areas.csv (a unit test keeps the two equal). A skills test is per
#: category: it qualifies for jobs of its own category only. Fields with one category are left out.
SUB_AREAS: dict[str, frozenset[str]] = {
    "agriculture": frozenset({"crops", "livestock"}),
    "fishery": frozenset({"fishing", "aquaculture"}),
    "construction": frozenset({"civil_engineering", "building", "lifelines"}),
    "industrial_products": frozenset({"machining", "electronics", "metal_surface_treatment", "textiles",
                                      "paper_packaging", "concrete_products", "ceramics", "printing"}),
    "automobile_transport": frozenset({"truck", "taxi", "bus"}),
    "railway": frozenset({"track", "electrical", "rolling_stock", "rolling_stock_manufacturing", "station"}),
    "aviation": frozenset({"ground_handling", "aircraft_maintenance"}),
    "shipbuilding": frozenset({"welding", "painting", "machining", "finishing", "machinery", "electrical"}),
    "wood_industry": frozenset({"sawmill", "plywood"}),
}

#: Fields where an SSW worker may be employed by a dispatch agency (派遣): agriculture and fishery
#: only (分野別運用方針, 農業分野・漁業分野: 直接雇用又は派遣; every other field: 直接雇用).
DISPATCH_FIELDS: frozenset[str] = frozenset({"agriculture", "fishery"})
CONSTRUCTION = "construction"
#: The rules of the SSW visa itself that a posting can break, in the order they are reported:
#: part-time work and day labour (SSW is full-time employment, 特定技能雇用契約 フルタイム), agency
#: dispatch outside DISPATCH_FIELDS, and construction pay by the hour or day (建設分野: 月給制,
#: a condition of the 建設特定技能受入計画).
SSW_RULES = ("part_time", "day_labour", "dispatch", "monthly_pay")

#: 育成就労 replaces 技能実習 on this day (Act No. 60 of 2024).
ESD_START = date(2027, 4, 1)
ESD_ROUTE_NEW = "employment_for_skill_development"  # 育成就労
ESD_ROUTE_OLD = "technical_intern_training"  # 技能実習

DRIVER_SECTORS: frozenset[str] = frozenset({"automobile_transport"})
#: ISCO-08 unit groups that drive: car/taxi/van, bus, heavy truck, farm/forestry plant, earthmoving,
#: crane, lifting truck (forklift).
DRIVER_OCCUPATIONS: frozenset[str] = frozenset({"8322", "8331", "8332", "8341", "8342", "8343", "8344"})
JAPANESE_LICENCE = "jp"
FOREIGN_LICENCES: frozenset[str] = frozenset({"pk_ltv", "pk_htv", "international"})

DEGREES: frozenset[str] = frozenset({"bachelor", "master"})
ENGINEER_MIN_YEARS = 10.0

VISA_ROUTES = ("ssw1", "ssw2", "esd", "engineer", "other")

SCORE_WEIGHTS: dict[str, float] = {
    "trade_occupation": 35,  # a trade fits the posting's ISCO occupation
    "trade_sector": 25,  # a trade fits the posting's sector; the posting names no occupation
    "trade_sector_other_occupation": 15,  # a trade fits the sector; the posting names another occupation
    "experience_other_occupation_factor": 0.5,  # experience counts half in that last case
    "experience_per_year": 2.4,  # years capped at EXPERIENCE_YEARS_CAP → 12
    "navttc_per_level": 1,  # level capped at NAVTTC_LEVEL_CAP → 3
    "experience_max": 15,
    "japanese": 20,
    "route_eligible": 20,
    "route_needs_steps_base": 12,  # minus 2 per step, at least 4
    "route_needs_steps_per_step": 2,
    "route_needs_steps_min": 4,
    "route_not_eligible": 0,
    "preferences": 10,
}
EXPERIENCE_YEARS_CAP = 5.0
NAVTTC_LEVEL_CAP = 3


class Eligibility(StrEnum):
    ELIGIBLE = "eligible"
    NEEDS_STEPS = "needs_steps"
    NOT_ELIGIBLE = "not_eligible"


_VERDICT_RANK = {Eligibility.NOT_ELIGIBLE: 0, Eligibility.NEEDS_STEPS: 1, Eligibility.ELIGIBLE: 2}
# Tie order between routes with the same verdict and number of steps: higher wins.
_ORDER_ELIGIBLE = {"ssw2": 5, "engineer": 4, "ssw1": 3, "esd": 2, "other": 1}
_ORDER_OTHERWISE = {"ssw1": 5, "esd": 4, "ssw2": 3, "engineer": 2, "other": 1}


# ------------------------------------------------------------------------------------- reason codes

@dataclass(frozen=True, slots=True)
class ReasonSpec:
    kind: str  # "fit" | "gap"
    params: tuple[str, ...]  # names of the params, in order; every reason of the code has all of them
    weight: int  # for ordering, most important first


def _fit(*params: str, weight: int) -> ReasonSpec:
    return ReasonSpec("fit", params, weight)


def _gap(*params: str, weight: int) -> ReasonSpec:
    return ReasonSpec("gap", params, weight)


#: Every reason the engine gives. Param values are strings: trade and sector codes, ISCO codes,
#: Japanese levels as in JAPANESE_RANK ("none" when the profile has none), years as "%g", yen as
#: digits, visa route names ESD_ROUTE_NEW / ESD_ROUTE_OLD, licences comma-joined in code order.
REASON_CODES: dict[str, ReasonSpec] = {
    # trade and experience
    "trade_fits_occupation": _fit("trade", "occupation", weight=90),
    "trade_fits_sector": _fit("trade", "sector", weight=80),
    "experience": _fit("trade", "years", weight=60),
    "navttc_level": _fit("trade", "level", weight=55),
    "no_matching_trade": _gap("sector", weight=40),
    # SSW (i)
    "titp_exempts_tests": _fit("sector", weight=88),
    "passed_skills_test": _fit("sector", weight=85),
    "has_jft_or_n4": _fit("have", weight=75),
    "passed_nursing_japanese": _fit(weight=72),
    "ssw1_not_in_field": _gap("sector", weight=100),
    "pass_skills_test": _gap("sector", weight=92),
    "pass_jft_or_n4": _gap("have", weight=90),
    "pass_nursing_japanese": _gap(weight=86),
    # SSW (i) and (ii): business categories and the rules of the visa
    "pass_sub_area_test": _gap("sub_area", weight=92),
    "skills_test_other_sub_area": _gap("sub_area", weight=92),
    "name_test_sub_area": _gap("sector", "sub_area", weight=91),
    "ask_job_sub_area": _gap("sector", weight=91),
    "ssw_rule_broken": _gap("rule", weight=99),
    # who the employer takes
    "hires_from_abroad": _fit(weight=95),
    "lives_in_japan_only": _gap(weight=110),
    "ask_hires_from_abroad": _gap(weight=96),
    # SSW (ii)
    "passed_ssw2_test": _fit("sector", weight=86),
    "ssw2_not_in_field": _gap("sector", weight=100),
    "pass_ssw2_test": _gap("sector", weight=92),
    "ssw2_follows_ssw1": _gap("sector", weight=50),
    # Employment for Skill Development / Technical Intern Training
    "meets_esd_japanese": _fit("route", "have", weight=70),
    "reach_n5": _gap("route", "have", weight=90),
    # Engineer / Specialist
    "has_degree": _fit("education", weight=85),
    "has_10_years": _fit("trade", "years", weight=84),
    "needs_degree_or_10_years": _gap("education", "years", weight=100),
    # the posting's own requirements
    "meets_japanese_level": _fit("needed", "have", weight=65),
    "needs_japanese_level": _gap("needed", "have", weight=88),
    "has_japanese_licence": _fit(weight=75),
    "needs_driving_licence": _gap(weight=95),
    "convert_licence": _gap("have", weight=85),
    # preferences
    "preferred_sector": _fit("sector", weight=20),
    "outside_preferred_sectors": _gap("sector", weight=12),
    "preferred_location": _fit("prefecture", "region", weight=19),
    "outside_preferred_locations": _gap("prefecture", "region", weight=11),
    "pay_meets_preference": _fit("pay", "min", weight=18),
    "pay_below_preference": _gap("pay", "min", weight=10),
    "pay_not_stated": _gap("min", weight=9),
    "housing_provided": _fit(weight=17),
    "no_housing": _gap(weight=8),
}


# ------------------------------------------------------------------------------------- data in and out

@dataclass(frozen=True, slots=True)
class TradeSkill:
    trade: str  # trades.csv code
    years: float = 0
    navttc_level: int | None = None  # NVQF 1-8


@dataclass(frozen=True, slots=True)
class Preferences:
    sectors: frozenset[str] = frozenset()
    prefectures: frozenset[str] = frozenset()  # JIS codes "01"…"47"
    regions: frozenset[str] = frozenset()  # regions.csv codes
    min_monthly_pay: int | None = None  # yen
    housing_needed: bool = False
    strict: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    trades: tuple[TradeSkill, ...] = ()
    jlpt: str | None = None  # "N5".."N1"
    jft_basic: bool = False  # passed JFT-Basic (A2)
    nursing_japanese: bool = False  # passed the Nursing Care Japanese Language Evaluation Test
    skills_tests: frozenset[str] = frozenset()  # sectors whose SSW (i) test was passed; "<sector>:ii" for SSW (ii)
    titp_completed: str | None = None  # sector of completed Technical Intern Training (ii)
    licences: frozenset[str] = frozenset()  # "pk_ltv", "pk_htv", "jp", "international"
    education: str | None = None  # none, primary, secondary, intermediate, diploma, bachelor, master
    preferences: Preferences = field(default_factory=Preferences)


@dataclass(frozen=True, slots=True)
class Job:
    """What matching needs of a posting. `visas` must be a frozenset (it is part of a cache key)."""

    id: int
    sector: str
    occupation: str | None  # ISCO-08 unit group
    prefecture: str  # JIS code
    region: str | None
    japanese_level: str  # a JAPANESE_RANK key
    visas: frozenset[str]  # ssw1, ssw2, esd, engineer, other
    monthly_jpy: int | None
    housing: bool
    sub_area: str | None = None  # business category code within the sector (sub_areas.csv)
    # abroad | in_japan_only | unknown; None: a posting imagined by the caller (the readiness
    # wizard), on which the question is not asked
    applicants_from: str | None = None
    employment_type: str | None = None  # schema.org value: FULL_TIME, PART_TIME, PER_DIEM, …
    dispatch: bool = False  # workers are employed by an agency and sent to the workplace (派遣)
    salary_unit: str | None = None  # HOUR, DAY, MONTH, YEAR


@dataclass(frozen=True, slots=True)
class TradeInfo:
    isco_codes: frozenset[str]
    sectors: frozenset[str]


@dataclass(frozen=True, slots=True)
class Reason:
    kind: str  # "fit" | "gap"
    code: str  # a REASON_CODES key
    params: tuple[tuple[str, str], ...] = ()
    weight: int = 0


@dataclass(frozen=True, slots=True)
class MatchResult:
    job_id: int
    score: int  # 0..100
    eligibility: Eligibility
    route: str | None  # the visa route the verdict is about
    reasons: tuple[Reason, ...]  # fits first, then gaps, each by weight (most important first)


# ------------------------------------------------------------------------------------- rules of a posting

def ssw_rule_breaks(sector: str, employment_type: str | None, dispatch: bool,
                    salary_unit: str | None) -> tuple[str, ...]:
    """The SSW_RULES a posting in `sector` breaks (empty: none). Used for the verdict (an SSW route
    of such a posting is NOT_ELIGIBLE) and for the staff's red flag (portal/moderation/flags.py)."""
    breaks = []
    if employment_type == "PART_TIME":
        breaks.append("part_time")
    elif employment_type == "PER_DIEM":
        breaks.append("day_labour")
    if dispatch and sector not in DISPATCH_FIELDS:
        breaks.append("dispatch")
    if sector == CONSTRUCTION and salary_unit in ("HOUR", "DAY"):
        breaks.append("monthly_pay")
    return tuple(breaks)


def _parse_test(test: str) -> tuple[str, str | None, str]:
    """"<sector>[/<sub_area>][:ii]" → (sector, sub_area or None, "i" | "ii")."""
    body, _, level = test.partition(":")
    sector, _, sub_area = body.partition("/")
    return sector, sub_area or None, level or "i"


def skills_test_status(tests: Iterable[str], sector: str, sub_area: str | None, level: str = "i") -> str:
    """Whether the skills tests passed (Profile.skills_tests) qualify for a job in `sector` /
    `sub_area` at SSW `level` ("i" or "ii"). The one rule every verdict uses:

    * "passed" — a test of the field, and of the job's business category where the field has more
      than one (SUB_AREAS);
    * "missing" — no test of the field at this level;
    * "other_sub_area" — tests of the field, all of other categories;
    * "test_sub_area_unknown" — a test of the field whose category the person has not said;
    * "job_sub_area_unknown" — the field has several categories and the posting does not say which.
    """
    held = [(sub, lvl) for sec, sub, lvl in map(_parse_test, tests) if sec == sector and lvl == level]
    if not held:
        return "missing"
    if sector not in SUB_AREAS:
        return "passed"
    if sub_area is None:
        return "job_sub_area_unknown"
    subs = {sub for sub, _lvl in held}
    if sub_area in subs:
        return "passed"
    return "test_sub_area_unknown" if None in subs else "other_sub_area"


# ------------------------------------------------------------------------------------- the engine

# A reason before it becomes a Reason: (code, param values in REASON_CODES order).
_Raw = tuple[str, tuple[str, ...]]


def _reason(raw: _Raw) -> Reason:
    code, values = raw
    spec = REASON_CODES[code]
    if len(values) != len(spec.params):  # pragma: no cover - a programming error
        raise ValueError(f"{code}: expected params {spec.params}, got {values}")
    return Reason(spec.kind, code, tuple(zip(spec.params, values)), spec.weight)


def _reason_order(reason: Reason):
    return (reason.kind != "fit", -reason.weight, reason.code, reason.params)


def _years(years: float) -> str:
    return f"{years:g}"


class _TradeFit:
    """How the profile's trades fit one (sector, occupation), and whether the posting drives."""

    __slots__ = ("points", "kind", "fit_trade", "exp_entry", "related_years", "related_trade", "engineer_ok",
                 "licence", "common_steps")


# The profile-dependent verdict for one `_key(job)` (sector, occupation, japanese_level, visas,
# sub_area, applicants_from, employment_type, dispatch, salary_unit), as a plain tuple (cheapest to
# build): (base points = trade + experience + japanese + route, 1 when a stated sector preference is
# met, score when no per-posting preference is stated, eligibility, route, _TradeFit, Japanese rank
# needed, rank of the unmet Japanese need or 0, (sub_area, SSW rules broken, applicants_from)).
_Core = tuple


class _Context:
    """Everything about one profile that matching needs, computed once, with caches per key."""

    def __init__(self, profile: Profile, trades: Mapping[str, TradeInfo], today: date | None):
        jlpt = profile.jlpt if profile.jlpt is not None else "none"
        if jlpt not in JAPANESE_RANK or jlpt == "JFT_BASIC":
            raise ValueError(f"unknown JLPT level: {profile.jlpt!r}")
        rank = JAPANESE_RANK[jlpt]
        if profile.jft_basic and rank < 2:
            self.jrank, self.have = 2, "JFT_BASIC"
        else:
            self.jrank, self.have = rank, jlpt
        entries = []
        for skill in profile.trades:
            info = trades.get(skill.trade)
            if info is None:
                continue
            level = skill.navttc_level
            if level is not None and not 1 <= level <= 8:
                raise ValueError(f"NAVTTC level must be 1-8, got {level!r}")
            years = max(float(skill.years or 0), 0.0)
            points = (SCORE_WEIGHTS["experience_per_year"] * min(years, EXPERIENCE_YEARS_CAP)
                      + SCORE_WEIGHTS["navttc_per_level"] * min(level or 0, NAVTTC_LEVEL_CAP))
            entries.append((skill.trade, info, years, level, min(points, SCORE_WEIGHTS["experience_max"])))
        self.trades = tuple(entries)
        self.skills_tests = profile.skills_tests
        self.titp = profile.titp_completed
        self.nursing_japanese = profile.nursing_japanese
        self.education = profile.education or ""
        self.degree = profile.education in DEGREES
        self.jp_licence = JAPANESE_LICENCE in profile.licences
        self.foreign_licences = ",".join(sorted(profile.licences & FOREIGN_LICENCES))
        today = today if today is not None else date.today()
        self.esd_route = ESD_ROUTE_NEW if today >= ESD_START else ESD_ROUTE_OLD

        prefs = profile.preferences
        self.pref_sectors = prefs.sectors
        self.pref_prefectures = prefs.prefectures
        self.pref_regions = prefs.regions
        self.want_location = bool(prefs.prefectures or prefs.regions)
        self.min_pay = prefs.min_monthly_pay
        self.want_housing = prefs.housing_needed
        self.strict = prefs.strict
        stated = bool(prefs.sectors) + self.want_location + (self.min_pay is not None) + self.want_housing
        self.stated = stated
        # preference points by number met; with nothing stated every posting gets the full 10
        full = SCORE_WEIGHTS["preferences"]
        self.pref_points = tuple(full * met / stated for met in range(stated + 1)) if stated else (full,)
        self.per_job_prefs = self.want_location or self.min_pay is not None or self.want_housing

        self.cache: dict[tuple, _Core] = {}
        self._trade_cache: dict[tuple, _TradeFit] = {}
        self._japanese_cache: dict[str, tuple[int, float, int]] = {}
        self._route_cache: dict[tuple, tuple] = {}

    # -- layers, each cached on the few values it depends on -----------------------------------------

    def trade_fit(self, sector: str, occupation: str | None) -> _TradeFit:
        key = (sector, occupation)
        tf = self._trade_cache.get(key)
        if tf is not None:
            return tf
        W = SCORE_WEIGHTS
        tf = _TradeFit()
        # a sector fit is weaker when the posting names another occupation (a welder at a sewing plant)
        named = occupation is not None  # the posting names an occupation
        sector_factor = W["experience_other_occupation_factor"] if named else 1
        best_kind, fit_trade, exp_entry, exp_points, related_years, related_trade = 0, "", None, 0.0, 0.0, ""
        for entry in self.trades:
            code, info, years, _level, points = entry
            if named and occupation in info.isco_codes:
                kind = 2
            elif sector in info.sectors:
                kind, points = 1, points * sector_factor
            else:
                continue
            if kind > best_kind:
                best_kind, fit_trade = kind, code
            if exp_entry is None or points > exp_points:
                exp_entry, exp_points = entry, points
            if years > related_years:
                related_years, related_trade = years, code
        tf.kind, tf.fit_trade, tf.exp_entry = best_kind, fit_trade, exp_entry
        tf.related_years, tf.related_trade = related_years, related_trade
        tf.engineer_ok = self.degree or related_years >= ENGINEER_MIN_YEARS
        if best_kind == 2:
            trade_points = W["trade_occupation"]
        elif best_kind == 1:
            trade_points = W["trade_sector_other_occupation"] if named else W["trade_sector"]
        else:
            trade_points = 0
        tf.points = trade_points + exp_points
        if sector in DRIVER_SECTORS or occupation in DRIVER_OCCUPATIONS:
            if self.jp_licence:
                tf.licence, tf.common_steps = ("has_japanese_licence", ()), 0
            elif self.foreign_licences:
                tf.licence, tf.common_steps = ("convert_licence", (self.foreign_licences,)), 1
            else:
                tf.licence, tf.common_steps = ("needs_driving_licence", ()), 1
        else:
            tf.licence, tf.common_steps = None, 0
        self._trade_cache[key] = tf
        return tf

    def japanese(self, level: str) -> tuple[int, float, int]:
        """(rank needed, points, rank of the unmet need or 0)."""
        found = self._japanese_cache.get(level)
        if found is None:
            try:
                needed = JAPANESE_RANK[level]
            except KeyError:
                raise ValueError(f"unknown Japanese level on a posting: {level!r}") from None
            full = SCORE_WEIGHTS["japanese"]
            if needed == 0 or self.jrank >= needed:
                found = (needed, full, 0)
            else:
                found = (needed, full * self.jrank / needed, needed)
            self._japanese_cache[level] = found
        return found

    def choose_route(self, sector: str, visas: frozenset[str], tf: _TradeFit, gap_rank: int, post: tuple):
        """(verdict, route, steps, route points) of the best route; depends on tf only through
        engineer_ok and common_steps. `post` is (sub_area, SSW rules broken, applicants_from)."""
        key = (sector, visas, tf.engineer_ok, tf.common_steps, gap_rank, post)
        found = self._route_cache.get(key)
        if found is not None:
            return found
        W = SCORE_WEIGHTS
        best = None
        for route in [v for v in VISA_ROUTES if v in visas] or [None]:
            verdict, _fits, gaps, cover = self._route(route, sector, tf, post)
            steps = len(gaps) + tf.common_steps + (gap_rank > cover)
            if verdict is not Eligibility.NOT_ELIGIBLE:
                verdict = Eligibility.NEEDS_STEPS if steps else Eligibility.ELIGIBLE
            order = (_ORDER_ELIGIBLE if verdict is Eligibility.ELIGIBLE else _ORDER_OTHERWISE).get(route, 0)
            sort_key = (_VERDICT_RANK[verdict], -steps, order)
            if best is None or sort_key > best[0]:
                best = (sort_key, verdict, route, steps)
        _sort_key, verdict, route, steps = best
        applicants = post[2]
        if applicants == "in_japan_only":  # the seeker applies from Pakistan: no route helps
            verdict = Eligibility.NOT_ELIGIBLE
        elif applicants == "unknown" and verdict is not Eligibility.NOT_ELIGIBLE:
            verdict, steps = Eligibility.NEEDS_STEPS, steps + 1
        if verdict is Eligibility.ELIGIBLE:
            points = W["route_eligible"]
        elif verdict is Eligibility.NEEDS_STEPS:
            points = max(W["route_needs_steps_min"],
                         W["route_needs_steps_base"] - W["route_needs_steps_per_step"] * steps)
        else:
            points = W["route_not_eligible"]
        found = self._route_cache[key] = (verdict, route, steps, points)
        return found

    def _test(self, sector: str, sub_area: str | None, level: str, fits: list, gaps: list) -> None:
        """The skills test of one level, judged per business category (skills_test_status)."""
        status = skills_test_status(self.skills_tests, sector, sub_area, level)
        where = f"{sector}/{sub_area}" if sub_area else ""
        if status == "passed":
            fits.append(("passed_skills_test", (sector,)) if level == "i" else ("passed_ssw2_test", (sector,)))
        elif status == "missing":
            if level == "ii":
                gaps.append(("pass_ssw2_test", (sector,)))
                gaps.append(("ssw2_follows_ssw1", (sector,)))
            elif sector in SUB_AREAS and sub_area:
                gaps.append(("pass_sub_area_test", (where,)))
            else:
                gaps.append(("pass_skills_test", (sector,)))
        elif status == "other_sub_area":
            gaps.append(("skills_test_other_sub_area", (where,)))
        elif status == "test_sub_area_unknown":
            gaps.append(("name_test_sub_area", (sector, where)))
        else:  # job_sub_area_unknown
            gaps.append(("ask_job_sub_area", (sector,)))

    def _route(self, route: str | None, sector: str, tf: _TradeFit, post: tuple):
        """(verdict before the posting's own requirements, fits, gaps, Japanese rank the gaps cover).
        `post` is (sub_area, SSW rules broken, applicants_from)."""
        fits: list[_Raw] = []
        gaps: list[_Raw] = []
        cover = 0
        sub_area, breaks = post[0], post[1]
        if route == "ssw1":
            if sector not in SSW_FIELDS:
                return Eligibility.NOT_ELIGIBLE, fits, [("ssw1_not_in_field", (sector,))], 0
            if breaks:
                return Eligibility.NOT_ELIGIBLE, fits, [("ssw_rule_broken", (rule,)) for rule in breaks], 0
            if self.titp == sector:
                fits.append(("titp_exempts_tests", (sector,)))
            else:
                self._test(sector, sub_area, "i", fits, gaps)
                if self.jrank >= 2:
                    fits.append(("has_jft_or_n4", (self.have,)))
                else:
                    gaps.append(("pass_jft_or_n4", (self.have,)))
                    cover = 2
                if sector == NURSING_CARE:
                    if self.nursing_japanese:
                        fits.append(("passed_nursing_japanese", ()))
                    else:
                        gaps.append(("pass_nursing_japanese", ()))
        elif route == "ssw2":
            if sector not in SSW_II_FIELDS:
                return Eligibility.NOT_ELIGIBLE, fits, [("ssw2_not_in_field", (sector,))], 0
            if breaks:
                return Eligibility.NOT_ELIGIBLE, fits, [("ssw_rule_broken", (rule,)) for rule in breaks], 0
            self._test(sector, sub_area, "ii", fits, gaps)
        elif route == "esd":
            if self.jrank >= 1:
                fits.append(("meets_esd_japanese", (self.esd_route, self.have)))
            else:
                gaps.append(("reach_n5", (self.esd_route, self.have)))
                cover = 1
        elif route == "engineer":
            if self.degree:
                fits.append(("has_degree", (self.education,)))
            elif tf.engineer_ok:
                fits.append(("has_10_years", (tf.related_trade, _years(tf.related_years))))
            else:
                gap = ("needs_degree_or_10_years", (self.education, _years(tf.related_years)))
                return Eligibility.NOT_ELIGIBLE, fits, [gap], 0
        # "other" and no stated route: nothing to check
        return (Eligibility.NEEDS_STEPS if gaps else Eligibility.ELIGIBLE), fits, gaps, cover

    def core(self, job: Job) -> _Core:
        key = _key(job)
        try:
            found = self.cache.get(key)
        except TypeError:  # visas given as a set: still works, without the cache
            return self.combine(*key[:3], frozenset(job.visas), *key[4:])
        if found is None:
            found = self.cache[key] = self.combine(*key)
        return found

    def combine(self, sector, occupation, japanese_level, visas, sub_area=None, applicants=None,
                employment_type=None, dispatch=False, salary_unit=None) -> _Core:
        tf = self._trade_cache.get((sector, occupation)) or self.trade_fit(sector, occupation)
        japanese = self._japanese_cache.get(japanese_level) or self.japanese(japanese_level)
        gap_rank = japanese[2]
        post = (sub_area, ssw_rule_breaks(sector, employment_type, dispatch, salary_unit), applicants)
        route = (self._route_cache.get((sector, visas, tf.engineer_ok, tf.common_steps, gap_rank, post))
                 or self.choose_route(sector, visas, tf, gap_rank, post))
        base = tf.points + japanese[1] + route[3]
        sector_met = 1 if sector in self.pref_sectors else 0
        return (base, sector_met, round(base + self.pref_points[sector_met]), route[0], route[1], tf,
                japanese[0], gap_rank, post)

    # -- per posting --------------------------------------------------------------------------------

    def met_preferences(self, job: Job, core: _Core) -> int:
        met = core[1]
        if self.want_location and (job.prefecture in self.pref_prefectures or job.region in self.pref_regions):
            met += 1
        if self.min_pay is not None and job.monthly_jpy is not None and job.monthly_jpy >= self.min_pay:
            met += 1
        if self.want_housing and job.housing:
            met += 1
        return met

    def result(self, job: Job) -> MatchResult:
        sector, occupation = job.sector, job.occupation
        core = self.core(job)
        base, sector_met, score, eligibility, route, tf, needed, gap_rank, post = core
        if self.per_job_prefs:
            score = round(base + self.pref_points[self.met_preferences(job, core)])
        fits: list[_Raw] = []
        gaps: list[_Raw] = []
        if tf.kind == 2:
            fits.append(("trade_fits_occupation", (tf.fit_trade, occupation)))
        elif tf.kind == 1:
            fits.append(("trade_fits_sector", (tf.fit_trade, sector)))
        else:
            gaps.append(("no_matching_trade", (sector,)))
        if tf.exp_entry is not None:
            code, _info, years, level, _points = tf.exp_entry
            if years > 0:
                fits.append(("experience", (code, _years(years))))
            if level:
                fits.append(("navttc_level", (code, str(level))))
        if tf.licence is not None:
            (fits if tf.licence[0] == "has_japanese_licence" else gaps).append(tf.licence)
        _verdict, r_fits, r_gaps, cover = self._route(route, sector, tf, post)
        fits += r_fits
        gaps += r_gaps
        applicants = post[2]
        if applicants == "abroad":
            fits.append(("hires_from_abroad", ()))
        elif applicants == "in_japan_only":
            gaps.append(("lives_in_japan_only", ()))
        elif applicants == "unknown":
            gaps.append(("ask_hires_from_abroad", ()))
        if gap_rank:
            if gap_rank > cover:
                gaps.append(("needs_japanese_level", (job.japanese_level, self.have)))
        elif needed:
            fits.append(("meets_japanese_level", (job.japanese_level, self.have)))
        if self.pref_sectors:
            if sector_met:
                fits.append(("preferred_sector", (sector,)))
            else:
                gaps.append(("outside_preferred_sectors", (sector,)))
        if self.want_location:
            place = (job.prefecture, job.region or "")
            if job.prefecture in self.pref_prefectures or job.region in self.pref_regions:
                fits.append(("preferred_location", place))
            else:
                gaps.append(("outside_preferred_locations", place))
        if self.min_pay is not None:
            if job.monthly_jpy is None:
                gaps.append(("pay_not_stated", (str(self.min_pay),)))
            elif job.monthly_jpy >= self.min_pay:
                fits.append(("pay_meets_preference", (str(job.monthly_jpy), str(self.min_pay))))
            else:
                gaps.append(("pay_below_preference", (str(job.monthly_jpy), str(self.min_pay))))
        if self.want_housing:
            if job.housing:
                fits.append(("housing_provided", ()))
            else:
                gaps.append(("no_housing", ()))
        reasons = sorted((_reason(raw) for raw in fits + gaps), key=_reason_order)
        return MatchResult(job.id, score, eligibility, route, tuple(reasons))


def _key(job: Job) -> tuple:
    """What a verdict depends on, of a posting: the cache key of `_Context.combine`."""
    return (job.sector, job.occupation, job.japanese_level, job.visas, job.sub_area, job.applicants_from,
            job.employment_type, job.dispatch, job.salary_unit)


# ------------------------------------------------------------------------------------- public API

def match(profile: Profile, job: Job, trades: Mapping[str, TradeInfo], *, today: date | None = None) -> MatchResult:
    """Score one posting for one profile and explain the verdict (see the module docstring)."""
    return _Context(profile, trades, today).result(job)


def meets_preferences(profile: Profile, job: Job) -> bool:
    """Whether a posting meets every preference the profile states (what `strict` filters on)."""
    prefs = profile.preferences
    if prefs.sectors and job.sector not in prefs.sectors:
        return False
    if (prefs.prefectures or prefs.regions) and not (job.prefecture in prefs.prefectures or job.region in prefs.regions):
        return False
    if prefs.min_monthly_pay is not None and (job.monthly_jpy is None or job.monthly_jpy < prefs.min_monthly_pay):
        return False
    return not (prefs.housing_needed and not job.housing)


def rank(profile: Profile, jobs: Iterable[Job], trades: Mapping[str, TradeInfo], *, limit: int = 20,
         today: date | None = None) -> list[MatchResult]:
    """The `limit` best postings for a profile, best first (score, then job id, both descending).

    With `profile.preferences.strict` a posting that misses any stated preference is left out;
    otherwise preferences only move the score.
    """
    if limit <= 0:
        return []
    ctx = _Context(profile, trades, today)
    cache = ctx.cache
    get = cache.get
    combine = ctx.combine
    pref_points = ctx.pref_points
    stated = ctx.stated
    strict = ctx.strict and stated
    per_job = ctx.per_job_prefs
    want_location, prefectures, regions = ctx.want_location, ctx.pref_prefectures, ctx.pref_regions
    min_pay, want_housing = ctx.min_pay, ctx.want_housing
    heap: list[tuple[int, int, int, Job]] = []  # (score, id, sequence, job): a min-heap of the best
    push, replace = heapq.heappush, heapq.heapreplace
    floor = None  # (score, id) of the worst kept once the heap is full
    for seq, job in enumerate(jobs):
        key = (job.sector, job.occupation, job.japanese_level, job.visas, job.sub_area, job.applicants_from,
               job.employment_type, job.dispatch, job.salary_unit)  # _key(job), inlined
        try:
            core = get(key)
        except TypeError:  # visas given as a set
            core = ctx.core(job)
        if core is None:
            core = cache[key] = combine(*key)
        if per_job:  # the same as _Context.met_preferences, inlined
            met = core[1]
            if want_location and (job.prefecture in prefectures or job.region in regions):
                met += 1
            if min_pay is not None and job.monthly_jpy is not None and job.monthly_jpy >= min_pay:
                met += 1
            if want_housing and job.housing:
                met += 1
            if strict and met < stated:
                continue
            score = round(core[0] + pref_points[met])
        else:
            if strict and not core[1]:
                continue
            score = core[2]
        if floor is None:
            push(heap, (score, job.id, seq, job))
            if len(heap) == limit:
                floor = heap[0][:2]
        elif score > floor[0] or (score == floor[0] and job.id > floor[1]):
            replace(heap, (score, job.id, seq, job))
            floor = heap[0][:2]
    heap.sort(reverse=True)
    return [ctx.result(entry[3]) for entry in heap]


def candidate_sectors(profile: Profile, trades: Mapping[str, TradeInfo]) -> frozenset[str]:
    """Sectors worth querying for this profile: its trades' sectors, the fields of its passed skills
    tests (SSW (i) or (ii)) and of its completed TITP, and its preferred sectors. Empty means the
    profile points nowhere yet: do not pre-filter."""
    sectors: set[str] = set()
    for skill in profile.trades:
        info = trades.get(skill.trade)
        if info is not None:
            sectors |= info.sectors
    sectors.update(_parse_test(test)[0] for test in profile.skills_tests)
    if profile.titp_completed:
        sectors.add(profile.titp_completed)
    sectors |= profile.preferences.sectors
    return frozenset(sectors)
