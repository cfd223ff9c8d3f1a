"""Translated names for application states, checklist steps and visa posts (for templates)."""

from flask_babel import lazy_gettext as _l

STATE_NAMES = {
    "received": _l("Received"),
    "shortlisted": _l("Shortlisted"),
    "interview": _l("Interview"),
    "offered": _l("Offered"),
    "hired": _l("Hired"),
    "rejected": _l("Not selected"),
    "withdrawn": _l("Withdrawn"),
    "applied_elsewhere": _l("Applied on the employer's site"),
}

# The button that makes each move, as the recruiter reads it.
MOVE_NAMES = {
    "shortlisted": _l("Shortlist"),
    "interview": _l("Invite to interview"),
    "offered": _l("Make an offer"),
    "hired": _l("Mark as hired"),
    "rejected": _l("Reject"),
    "withdrawn": _l("Withdraw"),
}

STEP_NAMES = {
    "skills_test": _l("Skills test passed"),
    "japanese_test": _l("Japanese test passed (JFT-Basic or JLPT)"),
    "contract_signed": _l("Employment contract signed"),
    "coe_applied": _l("Certificate of Eligibility applied for"),
    "coe_issued": _l("Certificate of Eligibility issued"),
    "visa_applied": _l("Visa applied for"),
    "visa_issued": _l("Visa issued"),
    "protector": _l("Registered with the Protector of Emigrants (BE&OE)"),
    "briefing": _l("Pre-departure briefing attended"),
    "flight_booked": _l("Flight booked"),
    "arrived": _l("Arrived in Japan"),
}

STEP_HINTS = {
    "coe_applied": _l("The employer applies at the Immigration Services Agency of Japan."),
    "visa_applied": _l("With the passport, CNIC, photo, form and the Certificate of Eligibility."),
    "protector": _l("Directly or through a licensed Overseas Employment Promoter. Pay only by bank, never in cash."),
}

OFFER_STATUS_NAMES = {
    "pending": _l("Not answered yet"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
}

POST_NAMES = {
    "islamabad": _l("Embassy of Japan, Islamabad"),
    "karachi": _l("Consulate-General of Japan, Karachi"),
}


def _written_in_note(message_lang):
    from portal.applications.message_text import written_in_note
    from portal.i18n import current_language

    return written_in_note(message_lang, current_language())


def init_app(app) -> None:
    from portal.applications import message_text

    names = {
        "message_lines": message_text.lines,
        "written_in_note": _written_in_note,
        "application_state_names": STATE_NAMES,
        "application_move_names": MOVE_NAMES,
        "departure_step_names": STEP_NAMES,
        "departure_step_hints": STEP_HINTS,
        "visa_post_names": POST_NAMES,
        "offer_status_names": OFFER_STATUS_NAMES,
    }

    @app.context_processor
    def _application_labels():
        return names
