"""Translated names of audit actions, for the history shown to recruiters and staff."""

from flask_babel import lazy_gettext as _l

AUDIT_ACTION_NAMES = {
    "submit": _l("Sent for review"),
    "withdraw": _l("Withdrawn from review"),
    "approve": _l("Approved and published"),
    "request_changes": _l("Changes requested"),
    "reject": _l("Rejected"),
    "close": _l("Closed"),
    "reopen": _l("Reopened"),
    "expire": _l("Expired"),
    "submit_edit": _l("Edit sent for review"),
    "approve_edit": _l("Edit approved"),
    "reject_edit": _l("Edit sent back"),
    "verify_organisation": _l("Organisation verified"),
    "suspend_organisation": _l("Organisation suspended"),
    "unverify_after_edit": _l("Organisation changed: to be verified again"),
}
