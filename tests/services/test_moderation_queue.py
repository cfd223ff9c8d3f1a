"""Issue 7 part D, services: red flags on every save, registers changing the flags, the override
reason for high-risk approvals, the queue's order and filters, one audit row per staff action,
reports hiding a posting, and the recruiter told in their language (never who reported)."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from portal.accounts.models import OrganisationKind, OrganisationStatus
from portal.applications.models import Notification
from portal.applications.services import notification_text
from portal.extensions import db as _db
from portal.jobs import editing
from portal.jobs.models import Posting
from portal.jobs.search import SearchParams, search
from portal.jobs.services import get_viewable_posting
from portal.moderation import services as moderation
from portal.moderation.models import AuditEntry, JobReport, PostingFlags
from portal.taxonomy.models import MinimumWage
from portal.timeutil import today, utcnow

from tests.conftest import make_organisation, make_user

CLEAN = {
    "title_en": "Welder for car parts", "description_en": "Welding car parts in Aichi. Dormitory provided.",
    "title_ja": "自動車部品の溶接工", "description_ja": "愛知県で自動車部品の溶接作業です。寮あり。",
    "sector_code": "industrial_products", "prefecture_code": "23", "employment_type": "FULL_TIME",
    "salary_min": 230_000, "salary_unit": "MONTH", "japanese_level": "N4", "visa_ssw1": True,
    "valid_through": today() + timedelta(days=30), "openings": 2, "worker_costs": [],
}
FEE = {**CLEAN, "title_en": "Caregiver", "description_en": "Care work in Aichi. Visa processing fee Rs 300,000."}


@pytest.fixture
def people(db):
    organisation = make_organisation(status=OrganisationStatus.VERIFIED)
    recruiter = make_user("recruiter", organisation=organisation, is_organisation_owner=True, locale="ja")
    staff = make_user("staff")
    return organisation, recruiter, staff


def codes(posting_id: int) -> list[str]:
    return [flag.code for flag in moderation.stored_flags(posting_id)]


def audit_rows(posting_id: int) -> list[AuditEntry]:
    return list(_db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "posting",
                                                             AuditEntry.target_id == posting_id)
                                    .order_by(AuditEntry.id)))


def submitted(recruiter, values=CLEAN) -> Posting:
    posting = editing.create_draft(recruiter, values)
    moderation.submit(posting.id, recruiter)
    return posting


def published(recruiter, staff, values=CLEAN) -> Posting:
    posting = submitted(recruiter, values)
    moderation.approve(posting.id, staff, "checked" if codes(posting.id) else None)
    return posting


# ---- flags on save ----------------------------------------------------------------------------------

def test_flags_are_computed_on_every_save_and_submit(people):
    _, recruiter, _ = people
    posting = editing.create_draft(recruiter, CLEAN)
    assert codes(posting.id) == []
    editing.save(posting.id, recruiter, FEE)
    assert codes(posting.id) == ["fee_words"]
    row = _db.session.get(PostingFlags, posting.id)
    assert (row.risk, row.risk_rank, row.codes) == ("high", 3, ",fee_words,")
    editing.save(posting.id, recruiter, {**CLEAN, "salary_min": 100_000})  # far below Aichi's minimum wage
    assert codes(posting.id) == ["below_minimum_wage"]
    moderation.submit(posting.id, recruiter)
    assert codes(posting.id) == ["below_minimum_wage"]


def test_a_change_of_the_licence_register_changes_the_flags(people):
    from portal.registers.models import OepLicence
    from portal.registers.services import licence_numbers

    organisation, recruiter, _ = people
    organisation.kind, organisation.oep_licence = OrganisationKind.OEP, "OEP Licence No. 4321/LHR"
    _db.session.commit()
    posting = editing.create_draft(recruiter, CLEAN)
    assert codes(posting.id) == ["unlicensed_oep"]
    _db.session.add(OepLicence(number="4321LHR", number_display="4321/LHR", holder_name="Lahore Overseas"))
    _db.session.commit()
    assert "4321LHR" in licence_numbers()
    assert moderation.refresh_flags([posting.id]) == 1
    assert codes(posting.id) == []
    _db.session.execute(delete(OepLicence))
    _db.session.commit()
    moderation.refresh_flags()  # every posting
    assert codes(posting.id) == ["unlicensed_oep"]


def test_a_new_minimum_wage_changes_the_flags(people):
    _, recruiter, _ = people
    posting = editing.create_draft(recruiter, {**CLEAN, "salary_min": 1_300, "salary_unit": "HOUR"})
    assert codes(posting.id) == []
    wage = MinimumWage(prefecture_code="23", fiscal_year=2090, yen_per_hour=1_500,
                       effective_from=today() - timedelta(days=1))
    _db.session.add(wage)
    _db.session.commit()
    try:
        moderation.refresh_flags()
        assert codes(posting.id) == ["below_minimum_wage"]
        flag = moderation.stored_flags(posting.id)[0]
        assert flag.evidence["minimum"] == 1_500
    finally:
        _db.session.delete(wage)  # reference data: restore it
        _db.session.commit()
    moderation.refresh_flags([posting.id])
    assert codes(posting.id) == []


def test_refresh_without_the_registers_feature_counts_no_licence(people, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_registers(name, *args, **kwargs):
        if name == "portal.registers.services":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_registers)
    assert moderation.licence_register() == frozenset()


# ---- approval -----------------------------------------------------------------------------------------

def test_high_risk_approval_needs_an_override_reason_kept_in_the_audit_row(people):
    _, recruiter, staff = people
    posting = submitted(recruiter, FEE)
    with pytest.raises(moderation.WorkflowError) as error:
        moderation.approve(posting.id, staff)
    assert error.value.code == "override_reason_required"
    assert _db.session.get(Posting, posting.id).status == "submitted"
    assert [e.action for e in audit_rows(posting.id)] == ["submit"]
    moderation.approve(posting.id, staff, "The fee is paid by the employer; the wording is misleading.")
    assert _db.session.get(Posting, posting.id).status == "published"
    entry = audit_rows(posting.id)[-1]
    assert entry.action == "approve"
    assert entry.reason == "override: The fee is paid by the employer; the wording is misleading."


def test_bulk_approve_publishes_only_postings_without_flags(people):
    _, recruiter, staff = people
    clean, flagged = submitted(recruiter), submitted(recruiter, FEE)
    approved, skipped = moderation.bulk_approve([clean.id, flagged.id], staff)
    assert (approved, skipped) == (1, 1)
    assert _db.session.get(Posting, clean.id).status == "published"
    assert _db.session.get(Posting, flagged.id).status == "submitted"
    assert [e.action for e in audit_rows(clean.id)] == ["submit", "approve"]
    assert [e.action for e in audit_rows(flagged.id)] == ["submit"]


# ---- the queue -----------------------------------------------------------------------------------------

def test_queue_is_riskiest_first_and_filters(people):
    organisation, recruiter, _ = people
    low = submitted(recruiter)
    high = submitted(recruiter, FEE)
    medium = submitted(recruiter, {**CLEAN, "description_en": "Contact us on WhatsApp only."})
    other_org = make_organisation(name_en="Other Co.")
    other = make_user("recruiter", organisation=other_org)
    care = submitted(other, {**CLEAN, "sector_code": "nursing_care"})
    order = [posting.id for posting, _ in moderation.review_queue()]
    assert order == [high.id, medium.id, low.id, care.id]
    assert [p.id for p, _ in moderation.review_queue(flag="fee_words")] == [high.id]
    assert [p.id for p, _ in moderation.review_queue(sector="nursing_care")] == [care.id]
    assert [p.id for p, _ in moderation.review_queue(organisation_id=other_org.id)] == [care.id]
    assert len(moderation.review_queue(source="recruiter")) == 4
    assert moderation.review_queue(source="999") == []


# ---- one audit row per staff action -----------------------------------------------------------------------

def test_request_changes_writes_one_audit_row(people):
    _, recruiter, staff = people
    posting = submitted(recruiter)
    moderation.request_changes(posting.id, staff, "Add the hours.")
    assert [e.action for e in audit_rows(posting.id)] == ["submit", "request_changes"]


def test_reject_with_a_reason_code_writes_one_audit_row_and_tells_the_recruiter_in_japanese(people):
    _, recruiter, staff = people
    posting = submitted(recruiter, FEE)
    moderation.reject(posting.id, staff, "", "fees_charged")
    assert _db.session.get(Posting, posting.id).status == "rejected"
    rows = audit_rows(posting.id)
    assert [e.action for e in rows] == ["submit", "reject"] and rows[-1].reason.startswith("fees_charged: ")
    notification = _db.session.scalar(select(Notification).where(Notification.user_id == recruiter.id))
    assert notification.kind == "posting_rejected" and notification.params["reason"] == "fees_charged"
    from flask_babel import force_locale

    with force_locale("en"):
        text = notification_text(notification, "en")
    assert "Caregiver" in text and "fees" in text


def test_reject_refuses_an_unknown_reason_code(people):
    _, recruiter, staff = people
    posting = submitted(recruiter)
    with pytest.raises(moderation.WorkflowError):
        moderation.reject(posting.id, staff, "", "because")
    assert [e.action for e in audit_rows(posting.id)] == ["submit"]


def test_remove_a_published_posting_writes_one_audit_row(people):
    _, recruiter, staff = people
    posting = published(recruiter, staff)
    moderation.remove(posting.id, staff, "misleading", "The employer does not exist.")
    assert _db.session.get(Posting, posting.id).status == "removed"
    assert [e.action for e in audit_rows(posting.id)] == ["submit", "approve", "remove"]
    assert get_viewable_posting(posting.id) is None
    with pytest.raises(moderation.WorkflowError):
        moderation.remove(posting.id, staff, "misleading")  # already removed


def test_mark_spam_writes_one_audit_row_and_tells_nobody(people):
    _, recruiter, staff = people
    posting = submitted(recruiter)
    moderation.mark_spam(posting.id, staff)
    assert _db.session.get(Posting, posting.id).status == "removed"
    assert [e.action for e in audit_rows(posting.id)] == ["submit", "mark_spam"]
    assert _db.session.scalar(select(func.count()).select_from(Notification)) == 0


# ---- reports -------------------------------------------------------------------------------------------------

def public_ids() -> list[int]:
    return [p.id for p in search(SearchParams()).items]


def _recheck(organisation):
    """Back to unverified after an edit of a verified organisation: its postings stay public."""
    organisation.status = OrganisationStatus.UNVERIFIED
    organisation.verified_at = utcnow()
    _db.session.commit()


def test_distinct_reporters_hide_a_posting_until_staff_dismiss_them(people):
    organisation, recruiter, staff = people
    posting = published(recruiter, staff)
    _recheck(organisation)
    assert posting.id in public_ids()
    # One anonymous client reporting again and again counts once.
    for _ in range(6):
        moderation.report_posting(posting.id, "fake_job", anonymous_key="one-phone")
    moderation.report_posting(posting.id, "asks_for_money", "They asked me for 2 lakh.", "0300-1234567",
                              anonymous_key="another-phone")
    assert posting.id in public_ids() and get_viewable_posting(posting.id) is not None
    # A signed-in reporter weighs more than an anonymous one: with the two anonymous ones, it hides the posting.
    moderation.report_posting(posting.id, "fake_job", reporter=make_user("seeker"))
    assert posting.id not in public_ids()
    assert get_viewable_posting(posting.id) is None
    assert [p.id for p, n in moderation.reported_postings()] == [posting.id]
    moderation.dismiss_reports(posting.id, staff, "Checked with the employer.")
    assert posting.id in public_ids() and get_viewable_posting(posting.id) is not None
    assert [e.action for e in audit_rows(posting.id)] == ["submit", "approve", "dismiss_reports"]
    assert moderation.reported_postings() == []


def test_reports_never_hide_a_verified_organisations_posting_before_staff_confirm(people):
    _, recruiter, staff = people
    posting = published(recruiter, staff)
    for _ in range(3):
        moderation.report_posting(posting.id, "fake_job", reporter=make_user("seeker"))
    for client in range(5):
        moderation.report_posting(posting.id, "fake_job", anonymous_key=f"client-{client}")
    assert posting.id in public_ids()  # still up: staff decide
    assert [(p.id, n) for p, n in moderation.reported_postings()] == [(posting.id, 8)]
    moderation.uphold_reports(posting.id, staff, "fees_charged", "Confirmed.")
    assert posting.id not in public_ids()


def test_upholding_reports_removes_the_posting_with_one_audit_row(people):
    _, recruiter, staff = people
    posting = published(recruiter, staff)
    seeker = make_user("seeker", display_name="Ali Reporter")
    moderation.report_posting(posting.id, "asks_for_money", "Fee asked on WhatsApp.", "ali@example.com", seeker)
    moderation.uphold_reports(posting.id, staff, "fees_charged", "Confirmed.")
    assert _db.session.get(Posting, posting.id).status == "removed"
    assert [e.action for e in audit_rows(posting.id)] == ["submit", "approve", "uphold_reports"]
    assert _db.session.scalar(select(JobReport.status)) == "upheld"
    # The recruiter is told why, never who reported.
    notifications = _db.session.scalars(select(Notification).where(Notification.user_id == recruiter.id)).all()
    assert [n.kind for n in notifications] == ["posting_removed"]
    stored = repr([(n.params, n.message) for n in notifications])
    for secret in ("Ali", "ali@example.com", "WhatsApp", "reporter", "contact"):
        assert secret not in stored


def test_reports_need_a_known_reason_and_a_public_posting(people):
    _, recruiter, _ = people
    draft = editing.create_draft(recruiter, CLEAN)
    with pytest.raises(moderation.ReportError):
        moderation.report_posting(draft.id, "fake_job")
    with pytest.raises(moderation.ReportError):
        moderation.report_posting(draft.id, "because")


def test_dismissing_needs_open_reports(people):
    _, recruiter, staff = people
    posting = published(recruiter, staff)
    with pytest.raises(moderation.WorkflowError):
        moderation.dismiss_reports(posting.id, staff)
    with pytest.raises(moderation.WorkflowError):
        moderation.uphold_reports(posting.id, staff, "other")
    assert [e.action for e in audit_rows(posting.id)] == ["submit", "approve"]
