"""The words for each reason the matching engine gives, in the page's language.

The engine (portal/matching/engine.py) is pure and returns codes with parameters; this module turns
them into sentences for people, naming trades, fields and levels in the reader's language.
"""

from __future__ import annotations

from flask_babel import force_locale, gettext, lazy_gettext as _l

from portal.i18n import current_language, format_jpy, format_number
from portal.matching.engine import REASON_CODES, Reason
from portal.taxonomy.lookup import reference

MESSAGES = {
    "trade_fits_occupation": _l("Your trade %(trade)s fits this job: %(occupation)s."),
    "trade_fits_sector": _l("Your trade %(trade)s fits %(sector)s."),
    "experience": _l("You have %(years)s years of experience as %(trade)s."),
    "navttc_level": _l("You hold NAVTTC level %(level)s in %(trade)s."),
    "no_matching_trade": _l("None of your trades is in %(sector)s yet."),
    "titp_exempts_tests": _l("Your Technical Intern Training in %(sector)s means you need no skills or Japanese test."),
    "passed_skills_test": _l("You passed the %(sector)s skills test."),
    "has_jft_or_n4": _l("Your Japanese (%(have)s) is enough for the Specified Skilled Worker visa."),
    "passed_nursing_japanese": _l("You passed the Nursing Care Japanese Language Evaluation Test."),
    "ssw1_not_in_field": _l("%(sector)s is not a Specified Skilled Worker field."),
    "pass_skills_test": _l("Pass the %(sector)s skills test."),
    "pass_jft_or_n4": _l("Pass JFT-Basic or JLPT N4 (you have %(have)s)."),
    "pass_nursing_japanese": _l("Pass the Nursing Care Japanese Language Evaluation Test."),
    "pass_sub_area_test": _l("Pass the skills test for %(sub_area)s."),
    "skills_test_other_sub_area": _l("Your skills test is for another business category: it does not count for %(sub_area)s. Pass the test for %(sub_area)s."),
    "name_test_sub_area": _l("Add the business category of your %(sector)s skills test to your profile: a test counts only for its own category, and this job is in %(sub_area)s."),
    "ask_job_sub_area": _l("Ask the employer which business category of %(sector)s this job is in: a skills test counts only for its own category."),
    "ssw_rule_broken": _l("This job cannot be done on a Specified Skilled Worker visa: %(rule)s."),
    "hires_from_abroad": _l("The employer hires from abroad."),
    "lives_in_japan_only": _l("This job is only for people already living in Japan: the employer does not hire from abroad."),
    "ask_hires_from_abroad": _l("Ask the employer whether they hire from abroad."),
    "passed_ssw2_test": _l("You passed the %(sector)s test for Specified Skilled Worker (ii)."),
    "ssw2_not_in_field": _l("%(sector)s has no Specified Skilled Worker (ii) visa."),
    "pass_ssw2_test": _l("Pass the %(sector)s test for Specified Skilled Worker (ii)."),
    "ssw2_follows_ssw1": _l("Specified Skilled Worker (ii) usually comes after some years of (i) in %(sector)s."),
    "meets_esd_japanese": _l("Your Japanese (%(have)s) is enough to start %(route)s."),
    "reach_n5": _l("Reach JLPT N5 or pass JFT-Basic before %(route)s (you have %(have)s)."),
    "has_degree": _l("Your education (%(education)s) fits the Engineer / Specialist visa."),
    "has_10_years": _l("Your %(years)s years as %(trade)s count for the Engineer / Specialist visa."),
    "needs_degree_or_10_years": _l("The Engineer / Specialist visa needs a university degree or 10 years of related work (you have %(education)s, %(years)s years)."),
    "meets_japanese_level": _l("Your Japanese (%(have)s) meets this job's level (%(needed)s)."),
    "needs_japanese_level": _l("This job needs %(needed)s; you have %(have)s."),
    "has_japanese_licence": _l("You have a Japanese driving licence."),
    "needs_driving_licence": _l("This job needs a driving licence."),
    "convert_licence": _l("Change your licence (%(have)s) to a Japanese driving licence."),
    "preferred_sector": _l("%(sector)s is one of the fields you chose."),
    "outside_preferred_sectors": _l("%(sector)s is not one of the fields you chose."),
    "preferred_location": _l("%(prefecture)s is in a region you chose."),
    "outside_preferred_locations": _l("%(prefecture)s is not in a region you chose."),
    "pay_meets_preference": _l("The pay (about %(pay)s a month) meets your minimum of %(min)s."),
    "pay_below_preference": _l("The pay (about %(pay)s a month) is below your minimum of %(min)s."),
    "pay_not_stated": _l("The pay is not stated; your minimum is %(min)s."),
    "housing_provided": _l("Housing is provided."),
    "no_housing": _l("Housing is not provided, and you need it."),
}

# The same reasons for the recruiter reading an applicant's match: about the applicant, not "you".
RECRUITER_MESSAGES = {
    "trade_fits_occupation": _l("The applicant's trade %(trade)s fits this job: %(occupation)s."),
    "trade_fits_sector": _l("The applicant's trade %(trade)s fits %(sector)s."),
    "experience": _l("%(years)s years of experience as %(trade)s."),
    "navttc_level": _l("Holds NAVTTC level %(level)s in %(trade)s."),
    "no_matching_trade": _l("None of the applicant's trades is in %(sector)s yet."),
    "titp_exempts_tests": _l("Completed Technical Intern Training in %(sector)s: no skills or Japanese test needed."),
    "passed_skills_test": _l("Passed the %(sector)s skills test."),
    "has_jft_or_n4": _l("The applicant's Japanese (%(have)s) is enough for the Specified Skilled Worker visa."),
    "passed_nursing_japanese": _l("Passed the Nursing Care Japanese Language Evaluation Test."),
    "ssw1_not_in_field": _l("%(sector)s is not a Specified Skilled Worker field."),
    "pass_skills_test": _l("Has not passed the %(sector)s skills test yet."),
    "pass_jft_or_n4": _l("Has not passed JFT-Basic or JLPT N4 yet (has %(have)s)."),
    "pass_nursing_japanese": _l("Has not passed the Nursing Care Japanese Language Evaluation Test yet."),
    "pass_sub_area_test": _l("Has not passed the skills test for %(sub_area)s yet."),
    "skills_test_other_sub_area": _l("The applicant's skills test is for another business category: it does not count for %(sub_area)s."),
    "name_test_sub_area": _l("The applicant has not said which business category of %(sector)s their skills test is in; this job is in %(sub_area)s."),
    "ask_job_sub_area": _l("This posting does not say which business category of %(sector)s it is in: a skills test counts only for its own category."),
    "ssw_rule_broken": _l("This job cannot be done on a Specified Skilled Worker visa: %(rule)s."),
    "hires_from_abroad": _l("The posting hires from abroad."),
    "lives_in_japan_only": _l("This posting is only for people already living in Japan."),
    "ask_hires_from_abroad": _l("The posting does not say whether it hires from abroad."),
    "passed_ssw2_test": _l("Passed the %(sector)s test for Specified Skilled Worker (ii)."),
    "ssw2_not_in_field": _l("%(sector)s has no Specified Skilled Worker (ii) visa."),
    "pass_ssw2_test": _l("Has not passed the %(sector)s test for Specified Skilled Worker (ii) yet."),
    "ssw2_follows_ssw1": _l("Specified Skilled Worker (ii) usually comes after some years of (i) in %(sector)s."),
    "meets_esd_japanese": _l("The applicant's Japanese (%(have)s) is enough to start %(route)s."),
    "reach_n5": _l("Needs JLPT N5 or JFT-Basic before %(route)s (has %(have)s)."),
    "has_degree": _l("The applicant's education (%(education)s) fits the Engineer / Specialist visa."),
    "has_10_years": _l("%(years)s years as %(trade)s count for the Engineer / Specialist visa."),
    "needs_degree_or_10_years": _l("The Engineer / Specialist visa needs a university degree or 10 years of related work (the applicant has %(education)s, %(years)s years)."),
    "meets_japanese_level": _l("The applicant's Japanese (%(have)s) meets this job's level (%(needed)s)."),
    "needs_japanese_level": _l("This job needs %(needed)s; the applicant has %(have)s."),
    "has_japanese_licence": _l("Has a Japanese driving licence."),
    "needs_driving_licence": _l("This job needs a driving licence; the applicant has none."),
    "convert_licence": _l("Has %(have)s: it must be changed to a Japanese driving licence."),
    "preferred_sector": _l("%(sector)s is one of the fields the applicant chose."),
    "outside_preferred_sectors": _l("%(sector)s is not one of the fields the applicant chose."),
    "preferred_location": _l("%(prefecture)s is in a region the applicant chose."),
    "outside_preferred_locations": _l("%(prefecture)s is not in a region the applicant chose."),
    "pay_meets_preference": _l("The pay (about %(pay)s a month) meets the applicant's minimum of %(min)s."),
    "pay_below_preference": _l("The pay (about %(pay)s a month) is below the applicant's minimum of %(min)s."),
    "pay_not_stated": _l("The pay is not stated; the applicant's minimum is %(min)s."),
    "housing_provided": _l("Housing is provided."),
    "no_housing": _l("Housing is not provided, and the applicant needs it."),
}

LEVEL_WORDS = {"none": _l("no Japanese test"), "JFT_BASIC": _l("JFT-Basic")}
ROUTE_WORDS = {
    "employment_for_skill_development": _l("Employment for Skill Development"),
    "technical_intern_training": _l("Technical Intern Training"),
}
#: Each rule of the SSW visa a posting can break (engine.SSW_RULES), as the end of "…cannot be done
#: on a Specified Skilled Worker visa: <rule>".
RULE_WORDS = {
    "part_time": _l("it is part-time, and the visa needs full-time work"),
    "day_labour": _l("it is day labour, and the visa needs full-time employment"),
    "dispatch": _l("the worker would be sent by a dispatch agency, which the visa allows only in agriculture and fishery"),
    "monthly_pay": _l("construction workers on this visa must be paid a monthly wage, not by the hour or day"),
}
#: Who a posting takes (engine.APPLICANTS_FROM), for a job page and the API.
APPLICANTS_FROM_WORDS = {
    "abroad": _l("Hires from abroad (from Pakistan, with a Certificate of Eligibility)"),
    "in_japan_only": _l("Only for people already living in Japan"),
    "unknown": _l("Not known whether the employer hires from abroad: ask them"),
}
LICENCE_WORDS = {
    "pk_ltv": _l("Pakistani LTV"), "pk_htv": _l("Pakistani HTV"), "jp": _l("Japanese"),
    "international": _l("international permit"),
}

assert set(MESSAGES) == set(REASON_CODES) == set(RECRUITER_MESSAGES), "every engine reason needs words for both readers"
AUDIENCES = {"seeker": MESSAGES, "recruiter": RECRUITER_MESSAGES}


def _labelled(table: str):
    def name_of(value: str, lang: str) -> str:
        label = getattr(reference(), table).get(value)
        return label.name(lang) if label else value

    return name_of


def _sub_area_name(value: str, lang: str) -> str:
    """"<sector>/<code>" → the business category's name, with its field's."""
    sector, _, code = value.partition("/")
    ref = reference()
    label = ref.sub_areas.get((sector, code))
    field = ref.sectors.get(sector)
    if label is None:
        return value
    if field is None:
        return label.name(lang)
    return f"{label.name(lang)}（{field.name(lang)}）" if lang == "ja" else f"{label.name(lang)} ({field.name(lang)})"


def applicants_from_text(value: str | None, lang: str | None = None) -> str:
    """Who a posting takes, in words, in `lang` (default: the page's language)."""
    with force_locale(lang or current_language()):
        return str(APPLICANTS_FROM_WORDS.get(value or "unknown", APPLICANTS_FROM_WORDS["unknown"]))


# How each parameter of a reason is written for people.
_PARAMS = {
    "trade": _labelled("trades"),
    "sector": _labelled("sectors"),
    "occupation": _labelled("occupations"),
    "prefecture": _labelled("prefectures"),
    "region": _labelled("regions"),
    "sub_area": lambda value, lang: _sub_area_name(value, lang),
    "rule": lambda value, lang: str(RULE_WORDS.get(value, value)),
    "have": lambda value, lang: str(LEVEL_WORDS.get(value, value)),
    "needed": lambda value, lang: str(LEVEL_WORDS.get(value, value)),
    "route": lambda value, lang: str(ROUTE_WORDS.get(value, value)),
    "pay": lambda value, lang: format_jpy(int(value)) if value.isdigit() else value,
    "min": lambda value, lang: format_jpy(int(value)) if value.isdigit() else value,
}


def _value(name: str, value: str, lang: str) -> str:
    if value == "":
        return gettext("none")
    if name == "education":
        from portal.accounts.profile_forms import EDUCATION_NAMES

        return str(EDUCATION_NAMES.get(value, value))
    if name == "years":
        try:
            return format_number(float(value))
        except ValueError:
            return value
    writer = _PARAMS.get(name)
    return writer(value, lang) if writer else value


def reason_text(reason: Reason, lang: str | None = None, audience: str = "seeker") -> str:
    """The sentence for a reason, in `lang` (default: the current page's language), written to the
    job seeker ("you") or, with audience="recruiter", about the applicant."""
    lang = lang or current_language()
    with force_locale(lang):
        params = {name: _value(name, value, lang) for name, value in reason.params}
        if reason.code == "convert_licence":
            params["have"] = ", ".join(str(LICENCE_WORDS.get(code, code)) for code in dict(reason.params)["have"].split(","))
        return str(AUDIENCES[audience][reason.code]) % params
