"""Translated names of audit actions (for the history shown to recruiters and staff), of the reasons
staff give when they reject or remove a posting, and of the reasons the public give in a report."""

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
    "remove": _l("Removed"),
    "mark_spam": _l("Marked as spam"),
    "dismiss_reports": _l("Reports dismissed"),
    "uphold_reports": _l("Reports upheld: removed"),
}

# Why staff reject or remove a posting: the recruiter reads the wording in their own language.
REJECTION_REASONS = {
    "fees_charged": _l("The posting asks workers to pay fees, deposits or other recruitment costs."),
    "misleading": _l("The posting is misleading or its information is wrong."),
    "incomplete": _l("The posting lacks information a worker needs (pay, place, hours or the employer)."),
    "duplicate": _l("The same job is already listed."),
    "not_in_japan": _l("The job is not in Japan."),
    "discriminatory": _l("The posting is discriminatory."),
    "other": _l("The posting does not follow the portal's rules."),
}
REPORT_REASONS = {
    "asks_for_money": _l("It asks for money (a fee, deposit or advance payment)"),
    "fake_job": _l("The job looks fake"),
    "wrong_information": _l("The information is wrong"),
    "discrimination": _l("It is discriminatory"),
    "other": _l("Something else"),
}


# Short names of the red flags (the queue's filter); the sentences are moderation.flags.FLAG_MESSAGES.
FLAG_NAMES = {
    "worker_costs": _l("Costs for the worker"),
    "fee_words": _l("Fees"),
    "deposit_words": _l("Deposit or guarantee money"),
    "advance_payment_words": _l("Advance payment"),
    "penalty_words": _l("Penalty or fine"),
    "cash_only_words": _l("Cash payment"),
    "below_minimum_wage": _l("Below the minimum wage"),
    "passport_retention": _l("Passport kept by the employer"),
    "tourist_or_azad_visa": _l("Tourist or “Azad” visa"),
    "unlicensed_oep": _l("OEP not in the licence register"),
    "suspended_organisation": _l("Suspended organisation"),
    "breaks_ssw_rules": _l("Breaks the rules of the SSW visa"),
    "implausible_pay": _l("Implausible pay"),
    "informal_contact": _l("Informal contact only"),
    "unverified_organisation": _l("Unverified organisation"),
    "likely_duplicate": _l("Likely duplicate"),
}
RISK_NAMES = {
    "high": _l("High risk"),
    "medium": _l("Medium risk"),
    "low": _l("Low risk"),
    "none": _l("No red flags"),
}
