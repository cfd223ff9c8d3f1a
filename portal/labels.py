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

POSTING_STATUS_NAMES = {
    "draft": _l("Draft"),
    "submitted": _l("Waiting for review"),
    "published": _l("Published"),
    "changes_requested": _l("Changes requested"),
    "rejected": _l("Rejected"),
    "closed": _l("Closed"),
    "expired": _l("Expired"),
}


def init_app(app) -> None:
    @app.context_processor
    def _labels():
        return {
            "role_names": ROLE_NAMES,
            "organisation_status_names": ORGANISATION_STATUS_NAMES,
            "posting_status_names": POSTING_STATUS_NAMES,
        }
