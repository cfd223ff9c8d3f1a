"""Moderation services: one audit row per transition, guards, organisations, pending edits, visibility."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts import organisations
from portal.accounts.models import Organisation, OrganisationStatus
from portal.extensions import db as _db
from portal.jobs import editing
from portal.jobs.models import Posting
from portal.jobs.search import SearchParams, search
from portal.jobs.services import get_viewable_posting
from portal.moderation import flags as flag_core
from portal.moderation import services as moderation
from portal.moderation.models import AuditEntry, PostingComment, PostingRevision
from portal.timeutil import today

from tests.conftest import make_organisation, make_user

VALUES = {
    "title_en": "Welder for car parts", "description_en": "Welding car parts in Aichi. Dormitory provided.",
    "title_ja": "自動車部品の溶接工", "description_ja": "愛知県で自動車部品の溶接作業です。寮あり。",
    "sector_code": "industrial_products", "prefecture_code": "23", "employment_type": "FULL_TIME",
    "salary_min": 220_000, "salary_unit": "MONTH", "japanese_level": "N4", "visa_ssw1": True,
    "valid_through": today() + timedelta(days=30), "openings": 2, "worker_costs": [],
}


@pytest.fixture
def people(db):
    organisation = make_organisation(status=OrganisationStatus.VERIFIED)
    recruiter = make_user("recruiter", organisation=organisation, is_organisation_owner=True)
    staff = make_user("staff")
    return organisation, recruiter, staff


def audit_count(posting_id: int) -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.target_type == "posting", AuditEntry.target_id == posting_id))


def test_each_transition_writes_exactly_one_audit_row(people):
    _, recruiter, staff = people
    posting = editing.create_draft(recruiter, VALUES)
    assert posting.status == "draft" and audit_count(posting.id) == 0
    steps = [
        (lambda: moderation.submit(posting.id, recruiter), "submitted", recruiter, "submit"),
        (lambda: moderation.request_changes(posting.id, staff, "Please state the hours."), "changes_requested",
         staff, "request_changes"),
        (lambda: moderation.submit(posting.id, recruiter), "submitted", recruiter, "submit"),
        (lambda: moderation.approve(posting.id, staff), "published", staff, "approve"),
        (lambda: moderation.close(posting.id, recruiter), "closed", recruiter, "close"),
        (lambda: moderation.reopen(posting.id, recruiter), "published", recruiter, "reopen"),
        (lambda: moderation.expire(posting.id), "expired", None, "expire"),
    ]
    for number, (step, state, actor, action) in enumerate(steps, start=1):
        before = _db.session.get(Posting, posting.id).status
        step()
        assert _db.session.get(Posting, posting.id).status == state
        assert audit_count(posting.id) == number
        entry = _db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
        assert (entry.action, entry.before, entry.after) == (action, before, state)
        assert entry.actor_id == (actor.id if actor else None)
        assert entry.actor_role == (actor.role if actor else "system")
        assert entry.created_at is not None
    assert _db.session.get(Posting, posting.id).published_at is not None
    # The staff comment became part of the thread the recruiter sees.
    assert [c.body for c in moderation.comments(posting.id)] == ["Please state the hours."]


def test_a_refused_transition_changes_nothing_and_writes_no_audit_row(people):
    _, recruiter, staff = people
    posting = editing.create_draft(recruiter, VALUES)
    with pytest.raises(moderation.WorkflowError):
        moderation.approve(posting.id, staff)  # a draft is not approved
    with pytest.raises(moderation.WorkflowError):
        moderation.reject(posting.id, staff, "")
    moderation.submit(posting.id, recruiter)
    with pytest.raises(moderation.WorkflowError) as error:
        moderation.approve(posting.id, recruiter)  # recruiters never publish
    assert error.value.code == "not_allowed_for_actor"
    with pytest.raises(moderation.WorkflowError) as error:
        moderation.reject(posting.id, staff, "  ")
    assert error.value.code == "reason_required"
    assert _db.session.get(Posting, posting.id).status == "submitted"
    assert audit_count(posting.id) == 1


def test_audit_entries_are_append_only(people):
    _, recruiter, _staff = people
    posting = editing.create_draft(recruiter, VALUES)
    moderation.submit(posting.id, recruiter)
    entry = _db.session.scalar(select(AuditEntry))
    entry.reason = "changed"
    with pytest.raises(RuntimeError):
        _db.session.commit()
    _db.session.rollback()
    _db.session.delete(_db.session.scalar(select(AuditEntry)))
    with pytest.raises(RuntimeError):
        _db.session.commit()
    _db.session.rollback()


def test_a_recruiter_cannot_move_another_organisations_posting(people):
    _, recruiter, staff = people
    posting = editing.create_draft(recruiter, VALUES)
    other = make_user("recruiter", organisation=make_organisation(name_en="Other Co."))
    for call in (lambda: moderation.submit(posting.id, other), lambda: moderation.close(posting.id, other),
                 lambda: moderation.add_comment(posting.id, other, "hello")):
        with pytest.raises(moderation.WorkflowError) as error:
            call()
        assert error.value.code == "not_found"
    assert editing.owned_posting(posting.id, other) is None
    with pytest.raises(editing.EditError):
        editing.save(posting.id, other, {"title_en": "Hijacked"})
    with pytest.raises(editing.EditError):
        editing.duplicate(posting.id, other)
    assert _db.session.get(Posting, posting.id).title_en == VALUES["title_en"]


def test_unverified_organisations_are_never_published(db):
    organisation = make_organisation(status=OrganisationStatus.UNVERIFIED)
    recruiter = make_user("recruiter", organisation=organisation)
    staff = make_user("staff")
    posting = editing.create_draft(recruiter, VALUES)
    moderation.submit(posting.id, recruiter)
    with pytest.raises(moderation.WorkflowError) as error:
        moderation.approve(posting.id, staff)
    assert error.value.code == "organisation_not_verified"
    moderation.verify_organisation(organisation.id, staff)
    moderation.approve(posting.id, staff)
    assert _db.session.get(Posting, posting.id).status == "published"


def test_public_search_and_job_page_hide_postings_of_unverified_or_suspended_organisations(db):
    staff = make_user("staff")
    never_verified = make_organisation(name_en="Never Verified", status=OrganisationStatus.UNVERIFIED)
    verified = make_organisation(name_en="Verified Co.", status=OrganisationStatus.VERIFIED)
    # Published rows written directly (as an import or a bug might): the public must still not see them.
    hidden = Posting(organisation=never_verified, status="published", **{k: v for k, v in VALUES.items()})
    shown = Posting(organisation=verified, status="published", **{k: v for k, v in VALUES.items()})
    _db.session.add_all([hidden, shown])
    _db.session.commit()
    found = {p.id for p in search(SearchParams(q="welder")).items}
    assert found == {shown.id}
    assert get_viewable_posting(hidden.id) is None and get_viewable_posting(shown.id) is not None

    moderation.suspend_organisation(verified.id, staff, "Complaints from workers about fees.")
    assert {p.id for p in search(SearchParams(q="welder")).items} == set()
    assert get_viewable_posting(shown.id) is None
    moderation.verify_organisation(verified.id, staff)
    assert {p.id for p in search(SearchParams(q="welder")).items} == {shown.id}


def test_editing_a_verified_organisations_name_or_numbers_sends_it_back_to_unverified(people):
    organisation, recruiter, staff = people
    posting = editing.create_draft(recruiter, VALUES)
    moderation.submit(posting.id, recruiter)
    moderation.approve(posting.id, staff)
    values = {"kind": "other", "name_en": organisation.name_en, "name_ja": organisation.name_ja,
              "address": "Nagoya", "contact_email": "hr@example.com"}
    _, unverified = organisations.update(recruiter, {**values, "phone": "052-000-0000"})
    assert unverified is False and _db.session.get(Organisation, organisation.id).status == "verified"
    _, unverified = organisations.update(recruiter, {**values, "name_en": "Renamed Co."})
    assert unverified is True and _db.session.get(Organisation, organisation.id).status == "unverified"
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.target_type == "organisation")
                               .order_by(AuditEntry.id.desc()))
    assert entry.action == "unverify_after_edit" and "name_en" in entry.reason
    # Its published posting stays up while staff check the change.
    assert get_viewable_posting(posting.id) is not None
    assert posting.id in {p.id for p in search(SearchParams(q="welder")).items}


def test_corporate_number_is_checked_when_an_organisation_is_created(db):
    recruiter = make_user("recruiter", organisation=None)
    base = {"kind": "employer", "name_en": "Toyota", "address": "Aichi", "contact_email": "a@example.com"}
    with pytest.raises(organisations.OrganisationError) as error:
        organisations.create(recruiter, {**base, "corporate_number": "1180301018772"})
    assert error.value.field == "corporate_number"
    with pytest.raises(organisations.OrganisationError):
        organisations.create(recruiter, {**base, "corporate_number": ""})  # employers need one
    created = organisations.create(recruiter, {**base, "corporate_number": "１１８０３０１０１８７７１"})
    assert created.corporate_number == "1180301018771"  # full-width digits normalised
    assert created.status == "unverified" and recruiter.is_organisation_owner


def test_invitation_join_and_removal(people, app):
    organisation, owner, _staff = people
    from pathlib import Path

    outbox = Path(app.config["MAIL_OUTBOX"])
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    organisations.invite(owner, "Colleague@Example.com")
    sent = set(outbox.glob("*.eml")) - before
    import email
    import email.policy
    import re

    assert len(sent) == 1
    message = email.message_from_bytes(sent.pop().read_bytes(), policy=email.policy.default)
    links = re.findall(r"http://127\.0\.0\.1:5000/en/recruiter/invitations/(\S+)", message.get_content())
    assert len(links) == 1 and message["To"] == "colleague@example.com"
    colleague = make_user("recruiter", email="colleague@example.com", organisation=None)
    stranger = make_user("recruiter", email="stranger@example.com", organisation=None)
    with pytest.raises(organisations.OrganisationError):
        organisations.accept(stranger, links[0])  # the link is for another address
    assert organisations.accept(colleague, links[0]).id == organisation.id
    assert colleague.organisation_id == organisation.id and not colleague.is_organisation_owner
    with pytest.raises(organisations.OrganisationError):
        organisations.accept(colleague, links[0])  # used once
    with pytest.raises(organisations.OrganisationError):
        organisations.invite(colleague, "x@example.com")  # only the owner invites
    with pytest.raises(organisations.OrganisationError):
        organisations.remove_member(colleague, owner.id)
    organisations.remove_member(owner, colleague.id)
    assert _db.session.get(type(owner), colleague.id).organisation_id is None


def test_editing_a_published_posting_keeps_the_live_version_until_staff_approve(people):
    _, recruiter, staff = people
    posting = editing.create_draft(recruiter, VALUES)
    moderation.submit(posting.id, recruiter)
    moderation.approve(posting.id, staff)
    editing.save(posting.id, recruiter, {**VALUES, "title_en": "Senior welder", "salary_min": 250_000})
    assert _db.session.get(Posting, posting.id).title_en == VALUES["title_en"]  # still the live text
    assert editing.values_for_editor(posting)["title_en"] == "Senior welder"
    moderation.submit_edit(posting.id, recruiter)
    with pytest.raises(editing.EditError):
        editing.save(posting.id, recruiter, VALUES)  # locked while staff review it
    with pytest.raises(moderation.WorkflowError):
        moderation.approve_edit(posting.id, recruiter)
    moderation.reject_edit(posting.id, staff, "The pay must match the contract.")
    editing.save(posting.id, recruiter, {**VALUES, "title_en": "Senior welder", "salary_min": 240_000})
    moderation.submit_edit(posting.id, recruiter)
    moderation.approve_edit(posting.id, staff)
    live = _db.session.get(Posting, posting.id)
    assert (live.title_en, live.salary_min, live.status) == ("Senior welder", 240_000, "published")
    assert live.monthly_jpy == 240_000  # derived columns follow
    assert _db.session.scalar(select(func.count()).select_from(PostingRevision)) == 0
    assert [e.action for e in moderation.history("posting", posting.id)] == [
        "submit", "approve", "submit_edit", "reject_edit", "submit_edit", "approve_edit"]
    assert _db.session.scalar(select(func.count()).select_from(PostingComment)) == 1


def test_an_edit_that_brings_high_risk_flags_needs_an_override_reason(people):
    _, recruiter, staff = people
    posting = editing.create_draft(recruiter, VALUES)
    moderation.submit(posting.id, recruiter)
    moderation.approve(posting.id, staff)
    risky = {**VALUES, "description_en": "A deposit of 100,000 yen is required before departure."}
    editing.save(posting.id, recruiter, risky)
    moderation.submit_edit(posting.id, recruiter)
    with pytest.raises(moderation.WorkflowError) as refused:
        moderation.approve_edit(posting.id, staff)
    assert refused.value.code == "override_reason_required"
    assert _db.session.get(Posting, posting.id).description_en == VALUES["description_en"]  # nothing applied
    assert not flag_core.needs_override_reason(moderation.stored_flags(posting.id))
    moderation.approve_edit(posting.id, staff, "The deposit is refunded in full; checked by phone.")
    assert "deposit" in _db.session.get(Posting, posting.id).description_en
    entry = moderation.history("posting", posting.id)[-1]
    assert entry.action == "approve_edit" and entry.reason.startswith(moderation.OVERRIDE_PREFIX)


def test_duplicate_is_a_new_draft(people):
    _, recruiter, staff = people
    posting = editing.create_draft(recruiter, VALUES)
    moderation.submit(posting.id, recruiter)
    moderation.approve(posting.id, staff)
    copy = editing.duplicate(posting.id, recruiter)
    assert copy.id != posting.id and copy.status == "draft" and copy.published_at is None
    assert (copy.title_ja, copy.salary_min, copy.organisation_id) == (VALUES["title_ja"], 220_000, posting.organisation_id)


def test_close_many_and_expire_due(people):
    _, recruiter, staff = people
    postings = [editing.create_draft(recruiter, VALUES) for _ in range(3)]
    for posting in postings[:2]:
        moderation.submit(posting.id, recruiter)
        moderation.approve(posting.id, staff)
    assert moderation.close_many([p.id for p in postings], recruiter) == 2  # the draft is left alone
    assert [_db.session.get(Posting, p.id).status for p in postings] == ["closed", "closed", "draft"]
    assert moderation.expire_due(today() + timedelta(days=31)) == 2
    assert [_db.session.get(Posting, p.id).status for p in postings] == ["expired", "expired", "draft"]


def test_postings_expire_command(app, people):
    _, recruiter, staff = people
    posting = editing.create_draft(recruiter, {**VALUES, "valid_through": today() + timedelta(days=1)})
    moderation.submit(posting.id, recruiter)
    moderation.approve(posting.id, staff)
    _db.session.execute(_db.update(Posting).where(Posting.id == posting.id)
                        .values(valid_through=today() - timedelta(days=1)))
    _db.session.commit()
    result = app.test_cli_runner().invoke(args=["postings", "expire"])
    assert result.exit_code == 0 and "1 postings expired" in result.output
    assert _db.session.get(Posting, posting.id).status == "expired"
    assert [e.actor_role for e in moderation.history("posting", posting.id)][-1] == "system"
