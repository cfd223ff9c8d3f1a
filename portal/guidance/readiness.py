""""Am I ready?": which visa routes a worker can take now, what is missing for each, and the next
three steps. Pure: no Flask, no SQLAlchemy.

The rules of each route are NOT repeated here: every route is judged by the matching engine
(portal/matching/engine.py — SSW (i) skills test + JFT-Basic/JLPT N4 + the nursing-care Japanese
test, TITP (ii) exemption, SSW (ii) fields and test, Employment for Skill Development / Technical
Intern Training from `ESD_START` with Japanese A1, Engineer / Specialist with a degree or 10 years),
against an imaginary posting of that route in each field the worker's trade, tests or training point
to. This module adds only what a wizard asks and a posting does not:

* **passport** — without one every route has the extra step `get_passport` (a route is then never
  "ready now");
* **age** — under 18 every route has the extra step `wait_until_18` (portal rule: Japan's landing
  standards for SSW and for trainees ask for 18 or older — to be checked against the Immigration
  Services Agency's current wording).

Routes come out best first: ready, then needing the fewest steps, then not possible. The next steps
come from the best route's missing items (in the engine's order of importance), then the general
path (find a job offer → check the recruiter → Certificate of Eligibility and visa), three at most.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from portal.matching import engine
from portal.matching.engine import Eligibility, Reason

__all__ = ["MIN_AGE", "Answers", "Readiness", "RouteResult", "Step", "STEP_CODES", "check"]

MIN_AGE = 18
ROUTES = ("ssw1", "ssw2", "esd", "engineer")

#: Where each step or missing item is explained: ("guide", slug) | ("sector", sector code) |
#: ("jobs", "") — the job search.
GAP_TARGETS: dict[str, tuple[str, str]] = {
    "ssw1_not_in_field": ("guide", "routes"),
    "pass_skills_test": ("sector", ""),
    "pass_jft_or_n4": ("guide", "japanese-tests"),
    "pass_nursing_japanese": ("guide", "japanese-tests"),
    "pass_sub_area_test": ("sector", ""),
    "skills_test_other_sub_area": ("sector", ""),
    "name_test_sub_area": ("sector", ""),
    "ask_job_sub_area": ("sector", ""),
    "ssw_rule_broken": ("guide", "routes"),
    "lives_in_japan_only": ("guide", "routes"),
    "ask_hires_from_abroad": ("guide", "pakistan"),
    "ssw2_not_in_field": ("guide", "routes"),
    "pass_ssw2_test": ("sector", ""),
    "ssw2_follows_ssw1": ("guide", "routes"),
    "reach_n5": ("guide", "japanese-tests"),
    "needs_degree_or_10_years": ("guide", "routes"),
    "needs_japanese_level": ("guide", "japanese-tests"),
    "needs_driving_licence": ("guide", "living-in-japan"),
    "convert_licence": ("guide", "living-in-japan"),
    "no_matching_trade": ("guide", "routes"),
    "get_passport": ("guide", "pakistan"),
    "wait_until_18": ("guide", "japanese-tests"),
    "choose_trade": ("guide", "routes"),
    "find_job": ("jobs", ""),
    "check_recruiter": ("guide", "pakistan"),
    "coe_visa": ("guide", "visa"),
}
STEP_CODES = frozenset(GAP_TARGETS)
GENERAL_STEPS = ("find_job", "check_recruiter", "coe_visa")


@dataclass(frozen=True, slots=True)
class Answers:
    trade: str | None = None  # trades.csv code
    years: float = 0
    japanese: str = "none"  # a JAPANESE_RANK key: none, N5, JFT_BASIC, N4, N3, N2, N1
    skills_tests: frozenset[str] = frozenset()  # fields whose SSW (i) test was passed; "<field>:ii" for (ii)
    nursing_japanese: bool = False
    titp_field: str | None = None  # field of completed Technical Intern Training (ii)
    education: str | None = None  # none, primary, secondary, intermediate, diploma, bachelor, master
    has_passport: bool = True
    age: int | None = None
    licences: frozenset[str] = frozenset()  # pk_ltv, pk_htv, international, jp (engine codes)


@dataclass(frozen=True, slots=True)
class Step:
    code: str  # a GAP_TARGETS key
    kind: str  # guide | sector | jobs
    target: str  # guide slug or sector code ("" for jobs)
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class RouteResult:
    route: str  # ssw1 | ssw2 | esd | engineer
    sector: str | None  # the field judged (the best one)
    verdict: Eligibility
    have: tuple[Reason, ...]  # the engine's fits for this route
    missing: tuple[Reason, ...]  # the engine's gaps for this route
    extra: tuple[str, ...] = ()  # wizard-only missing items: get_passport, wait_until_18
    other_sectors: tuple[str, ...] = ()  # more fields with the same verdict

    @property
    def steps_needed(self) -> int:
        return len(self.missing) + len(self.extra)


@dataclass(frozen=True, slots=True)
class Readiness:
    routes: tuple[RouteResult, ...]
    steps: tuple[Step, ...]
    sectors: tuple[str, ...]  # the fields considered

    @property
    def possible(self) -> tuple[RouteResult, ...]:
        return tuple(r for r in self.routes if r.verdict != Eligibility.NOT_ELIGIBLE)


_DRIVING_GAPS = {"needs_driving_licence", "convert_licence"}
_ROUTE_GAPS = {
    "ssw1": {"ssw1_not_in_field", "pass_skills_test", "pass_jft_or_n4", "pass_nursing_japanese",
             "pass_sub_area_test", "skills_test_other_sub_area", "name_test_sub_area", "ask_job_sub_area"},
    "ssw2": {"ssw2_not_in_field", "pass_ssw2_test", "ssw2_follows_ssw1", "skills_test_other_sub_area",
             "name_test_sub_area", "ask_job_sub_area"},
    "esd": {"reach_n5"},
    "engineer": {"needs_degree_or_10_years"},
}
_DRIVING_FITS = {"has_japanese_licence"}
_ROUTE_FITS = {
    "ssw1": {"titp_exempts_tests", "passed_skills_test", "has_jft_or_n4", "passed_nursing_japanese"},
    "ssw2": {"passed_ssw2_test"},
    "esd": {"meets_esd_japanese"},
    "engineer": {"has_degree", "has_10_years"},
}
_RANK = {Eligibility.ELIGIBLE: 0, Eligibility.NEEDS_STEPS: 1, Eligibility.NOT_ELIGIBLE: 2}
_ROUTE_ORDER = {route: i for i, route in enumerate(ROUTES)}


def profile_of(answers: Answers) -> engine.Profile:
    japanese = answers.japanese if answers.japanese in engine.JAPANESE_RANK else "none"
    return engine.Profile(
        trades=(engine.TradeSkill(answers.trade, max(float(answers.years or 0), 0.0)),) if answers.trade else (),
        jlpt=japanese if japanese not in ("none", "JFT_BASIC") else None,
        jft_basic=japanese == "JFT_BASIC",
        nursing_japanese=answers.nursing_japanese,
        skills_tests=answers.skills_tests,
        titp_completed=answers.titp_field or None,
        education=answers.education or None,
        licences=answers.licences,
    )


def _sub_area_of_tests(profile: engine.Profile, sector: str, route: str) -> str | None:
    """The business category of the worker's own test in this field (for the imagined job: a job
    in the category they passed), or the field's only category."""
    level = "ii" if route == "ssw2" else "i"
    for test in sorted(profile.skills_tests):
        body, _, test_level = test.partition(":")
        test_sector, _, sub_area = body.partition("/")
        if test_sector == sector and (test_level or "i") == level and sub_area:
            return sub_area
    return None


def _judge(profile, route: str, sector: str, trades, today) -> tuple[Eligibility, tuple, tuple]:
    job = engine.Job(id=0, sector=sector, occupation=None, prefecture="13", region=None, japanese_level="none",
                     visas=frozenset({route}), monthly_jpy=None, housing=False,
                     sub_area=_sub_area_of_tests(profile, sector, route))
    result = engine.match(profile, job, trades, today=today)
    have = tuple(r for r in result.reasons if r.kind == "fit" and r.code in _ROUTE_FITS[route] | _DRIVING_FITS)
    wanted = _ROUTE_GAPS[route] | _DRIVING_GAPS
    missing = tuple(r for r in result.reasons if r.kind == "gap" and r.code in wanted)
    return result.eligibility, have, missing


def check(answers: Answers, trades: Mapping[str, engine.TradeInfo], *, today: date | None = None) -> Readiness:
    """Judge every route for these answers (see the module docstring)."""
    profile = profile_of(answers)
    considered = engine.candidate_sectors(profile, trades)
    ssw_sectors = sorted(considered & engine.SSW_FIELDS)
    extra: list[str] = []
    if not answers.has_passport:
        extra.append("get_passport")
    if answers.age is not None and answers.age < MIN_AGE:
        extra.append("wait_until_18")

    routes: list[RouteResult] = []
    for route in ROUTES:
        if route == "engineer":
            sectors = sorted(considered) or ["other"]
        else:
            sectors = ssw_sectors
        judged = []
        for sector in sectors:
            verdict, have, missing = _judge(profile, route, sector, trades, today)
            if verdict == Eligibility.ELIGIBLE and extra:
                verdict = Eligibility.NEEDS_STEPS
            judged.append((_RANK[verdict], len(missing), sector, verdict, have, missing))
        if not judged:
            continue
        judged.sort(key=lambda item: item[:3])
        best = judged[0]
        others = tuple(item[2] for item in judged[1:] if item[3] == best[3] and item[1] == best[1])
        if route == "engineer":
            others = ()
        routes.append(RouteResult(route, best[2] if route != "engineer" or considered else None, best[3],
                                  best[4], best[5], tuple(extra) if best[3] != Eligibility.NOT_ELIGIBLE else (),
                                  others))
    routes.sort(key=lambda r: (_RANK[r.verdict], r.steps_needed, _ROUTE_ORDER[r.route]))
    return Readiness(tuple(routes), _next_steps(answers, routes, extra), tuple(sorted(considered)))


def _step(code: str, sector: str | None = None, params: tuple[tuple[str, str], ...] = ()) -> Step:
    kind, target = GAP_TARGETS[code]
    if kind == "sector":
        target = sector or ""
    return Step(code, kind, target, params)


def _next_steps(answers: Answers, routes: list[RouteResult], extra: list[str]) -> tuple[Step, ...]:
    steps: list[Step] = []
    seen: set[str] = set()

    def add(step: Step) -> None:
        if step.code not in seen and len(steps) < 3:
            seen.add(step.code)
            steps.append(step)

    for code in extra:
        add(_step(code))
    possible = [r for r in routes if r.verdict != Eligibility.NOT_ELIGIBLE]
    if not answers.trade and not answers.skills_tests and not answers.titp_field and not possible:
        add(_step("choose_trade"))
    if possible:
        best = possible[0]
        for reason in best.missing:
            add(_step(reason.code, best.sector, reason.params))
        job_params = (("visa", best.route),) + ((("sector", best.sector),) if best.sector else ())
        for code in GENERAL_STEPS:
            add(_step(code, params=job_params if code == "find_job" else ()))
    else:
        add(_step("pass_jft_or_n4"))
        for code in GENERAL_STEPS:
            add(_step(code))
    return tuple(steps)
