"""Words for the guidance codes (routes, steps, checklist items, pay lines, parameters)."""

from flask_babel import lazy_gettext as _l

ROUTE_NAMES = {
    "ssw1": _l("Specified Skilled Worker (i)"),
    "ssw2": _l("Specified Skilled Worker (ii)"),
    "esd": _l("Employment for Skill Development (from 1 April 2027) or Technical Intern Training"),
    "engineer": _l("Engineer / Specialist in Humanities / International Services"),
}

VERDICT_NAMES = {
    "eligible": _l("You can take this route now"),
    "needs_steps": _l("Possible after a few steps"),
    "not_eligible": _l("Not possible for you now"),
}

#: Wizard-only missing items.
EXTRA_NAMES = {
    "get_passport": _l("Get a passport."),
    "wait_until_18": _l("You must be at least 18 years old to work in Japan on these routes."),
}

#: The next steps; %(sector)s is the field's name where there is one.
STEP_NAMES = {
    "ssw1_not_in_field": _l("Read about the routes that fit your work."),
    "pass_skills_test": _l("Pass the skills test for %(sector)s."),
    "pass_jft_or_n4": _l("Pass JFT-Basic or JLPT N4."),
    "pass_nursing_japanese": _l("Pass the Nursing Care Japanese Language Evaluation Test."),
    "ssw2_not_in_field": _l("Read about the routes that fit your work."),
    "pass_ssw2_test": _l("Pass the Specified Skilled Worker (ii) test for %(sector)s."),
    "ssw2_follows_ssw1": _l("Work some years on Specified Skilled Worker (i) first."),
    "reach_n5": _l("Reach Japanese level A1 (JLPT N5) or pass JFT-Basic."),
    "needs_degree_or_10_years": _l("This route needs a university degree or 10 years of related work."),
    "needs_japanese_level": _l("Improve your Japanese to the level the job asks for."),
    "needs_driving_licence": _l("Get a driving licence."),
    "convert_licence": _l("Change your licence to a Japanese one."),
    "no_matching_trade": _l("Read about the routes that fit your work."),
    "get_passport": _l("Get a passport."),
    "wait_until_18": _l("Study Japanese now: you can apply from the age of 18."),
    "choose_trade": _l("Choose your trade, or read about the ways to work in Japan."),
    "find_job": _l("Find a job offer that fits you."),
    "check_recruiter": _l("Check that any recruiter is licensed, and never pay a fee."),
    "coe_visa": _l("Learn how the Certificate of Eligibility and the visa work."),
}

REQUIREMENT_NAMES = {
    "skills_test": _l("The skills test for %(sector)s (%(test)s)"),
    "jft_or_n4": _l("Japanese: JFT-Basic (200 of 250) or JLPT N4 or higher"),
    "nursing_japanese": _l("The Nursing Care Japanese Language Evaluation Test"),
    "ssw2_test": _l("For Specified Skilled Worker (ii): the (ii) test for %(sector)s"),
    "esd_japanese": _l("Japanese at level A1 (about JLPT N5) before you start"),
    "degree_or_10_years": _l("A university degree, or 10 years of related work"),
    "japanese_level": _l("The Japanese this job asks for: %(level)s"),
    "driving_licence": _l("A Japanese driving licence"),
    "passport": _l("A valid passport"),
    "coe_visa": _l("A Certificate of Eligibility (the employer applies) and then the visa"),
    "protector": _l("Registration with the Protector of Emigrants before you leave Pakistan"),
    "check_recruiter": _l("Check the recruiter's licence with BE&OE before you deal with any agent"),
    "no_fees": _l("No fees: you should never pay to get this job"),
}

PAY_LINE_NAMES = {
    "health_insurance": _l("Health insurance"),
    "pension": _l("Pension"),
    "employment_insurance": _l("Employment insurance"),
    "income_tax": _l("Income tax"),
    "resident_tax": _l("Resident tax"),
    "posting_cost": _l("Paid to the employer: %(item)s"),
}

PARAMETER_NAMES = {
    "health_insurance_rate": _l("Health insurance, employee share (rate)"),
    "pension_rate": _l("Pension, employee share (rate)"),
    "employment_insurance_rate": _l("Employment insurance, worker share (rate)"),
    "income_tax_rate": _l("Income tax (rate)"),
    "income_tax_allowance_monthly": _l("Income tax: untaxed part of the pay per month (yen)"),
    "resident_tax_rate": _l("Resident tax (rate)"),
    "resident_tax_allowance_monthly": _l("Resident tax: untaxed part of the pay per month (yen)"),
    "resident_tax_per_capita_yearly": _l("Resident tax: per-capita charge per year (yen)"),
}

LICENCE_CHOICES = {
    "pk_ltv": _l("Pakistani LTV licence"),
    "pk_htv": _l("Pakistani HTV licence"),
    "international": _l("International driving permit"),
    "jp": _l("Japanese driving licence"),
}

EXAM_NAMES = {"jlpt": _l("JLPT (Japanese-Language Proficiency Test)"), "jft_basic": _l("JFT-Basic")}
