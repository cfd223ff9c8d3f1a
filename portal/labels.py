"""Translated names for the codes stored in the database (roles, statuses…), for templates."""

from flask_babel import lazy_gettext as _l

ROLE_NAMES = {
    "seeker": _l("Job seeker"),
    "recruiter": _l("Recruiter"),
    "staff": _l("Consulate staff"),
}

ORGANISATION_STATUS_NAMES = {
    "unverified": _l("Waiting for verification"),
    "verified": _l("Verified"),
    "suspended": _l("Suspended"),
}

# An OEP licence as the staff register knows it (registers.services.licence_status).
LICENCE_STATUS_NAMES = {
    "valid": _l("Valid licence"),
    "expired": _l("Licence expired"),
    "suspended": _l("Licence suspended"),
    "cancelled": _l("Licence cancelled"),
    "unknown": _l("Not in our licence register"),
}

POSTING_STATUS_NAMES = {
    "draft": _l("Draft"),
    "submitted": _l("Waiting for review"),
    "published": _l("Published"),
    "changes_requested": _l("Changes requested"),
    "rejected": _l("Rejected"),
    "closed": _l("Closed"),
    "expired": _l("Expired"),
    "removed": _l("Removed"),
}



EMPLOYMENT_TYPE_NAMES = {
    "FULL_TIME": _l("Full-time"),
    "PART_TIME": _l("Part-time"),
    "CONTRACTOR": _l("Contract"),
    "TEMPORARY": _l("Temporary"),
    "INTERN": _l("Internship"),
    "PER_DIEM": _l("Day work"),
    "OTHER": _l("Other"),
}

# As a requirement on a posting.
JAPANESE_LEVEL_NAMES = {
    "none": _l("No Japanese needed"),
    "N5": _l("JLPT N5 (basic)"),
    "JFT_BASIC": _l("JFT-Basic (A2) or JLPT N4"),
    "N4": _l("JLPT N4 (elementary)"),
    "N3": _l("JLPT N3 (intermediate)"),
    "N2": _l("JLPT N2 (business level)"),
    "N1": _l("JLPT N1 (advanced)"),
}

# As a level the job seeker has ("what I can do with N4").
MY_JAPANESE_LEVEL_NAMES = {
    "none": _l("I do not speak Japanese yet"),
    "N5": _l("I have JLPT N5"),
    "JFT_BASIC": _l("I passed JFT-Basic"),
    "N4": _l("I have JLPT N4"),
    "N3": _l("I have JLPT N3"),
    "N2": _l("I have JLPT N2"),
    "N1": _l("I have JLPT N1"),
}

VISA_NAMES = {
    "ssw1": _l("Specified Skilled Worker (i)"),
    "ssw2": _l("Specified Skilled Worker (ii)"),
    "esd": _l("Employment for Skill Development / Technical Intern"),
    "engineer": _l("Engineer / Specialist in Humanities / International Services"),
    "other": _l("Other visa"),
}

SUPPORT_NAMES = {
    "housing": _l("Housing provided"),
    "airfare": _l("Airfare paid"),
    "visa_sponsorship": _l("Visa sponsorship"),
    "japanese_training": _l("Japanese lessons"),
    "support_org": _l("Support from a registered support organisation"),
}

# Pay as written in each language: "¥1,200 per hour" / 「時給¥1,200」.
SALARY_FORMATS = {
    "HOUR": _l("%(amount)s per hour"),
    "DAY": _l("%(amount)s per day"),
    "MONTH": _l("%(amount)s per month"),
    "YEAR": _l("%(amount)s per year"),
}

SORT_NAMES = {
    "relevance": _l("Best match"),
    "newest": _l("Newest first"),
    "pay": _l("Highest pay first"),
    "closing": _l("Closing soonest first"),
}

COST_FORMATS = {
    "once": _l("%(amount)s once"),
    "month": _l("%(amount)s a month"),
    "year": _l("%(amount)s a year"),
}

RUN_STATUS_NAMES = {
    "running": _l("Running"),
    "succeeded": _l("Complete"),
    "partial": _l("Partly done (some pages failed; nothing was closed)"),
    "not_modified": _l("Not changed since the last import"),
    "failed": _l("Failed (nothing was changed)"),
}

# Why an imported item was skipped (codes from portal/feeds).
SKIP_REASON_NAMES = {
    "invalid_json": _l("Broken JSON-LD"),
    "missing_title": _l("No title"),
    "missing_id": _l("No id"),
    "not_in_japan": _l("Not in Japan"),
    "no_prefecture": _l("No prefecture"),
    "expired": _l("Already closed"),
    "duplicate_id": _l("Same id twice"),
    "fetch_failed": _l("Page could not be fetched"),
    "normalise_error": _l("Could not be read"),
}

ELIGIBILITY_NAMES = {
    "eligible": _l("You can apply now"),
    "needs_steps": _l("A few steps first"),
    "not_eligible": _l("Not possible for you yet"),
}
# The same verdicts for the recruiter reading an applicant's match.
APPLICANT_ELIGIBILITY_NAMES = {
    "eligible": _l("Can take this job now"),
    "needs_steps": _l("Has a few steps to take first"),
    "not_eligible": _l("Cannot take this job yet"),
}


def init_app(app) -> None:
    from portal.matching.messages import APPLICANTS_FROM_WORDS

    names = {
        "applicants_from_names": APPLICANTS_FROM_WORDS,
        "role_names": ROLE_NAMES,
        "organisation_status_names": ORGANISATION_STATUS_NAMES,
        "posting_status_names": POSTING_STATUS_NAMES,
        "employment_type_names": EMPLOYMENT_TYPE_NAMES,
        "japanese_level_names": JAPANESE_LEVEL_NAMES,
        "my_japanese_level_names": MY_JAPANESE_LEVEL_NAMES,
        "visa_names": VISA_NAMES,
        "support_names": SUPPORT_NAMES,
        "salary_formats": SALARY_FORMATS,
        "sort_names": SORT_NAMES,
        "cost_formats": COST_FORMATS,
        "run_status_names": RUN_STATUS_NAMES,
        "skip_reason_names": SKIP_REASON_NAMES,
        "eligibility_names": ELIGIBILITY_NAMES,
        "applicant_eligibility_names": APPLICANT_ELIGIBILITY_NAMES,
        "licence_status_names": LICENCE_STATUS_NAMES,
    }

    @app.context_processor
    def _labels():
        return names
