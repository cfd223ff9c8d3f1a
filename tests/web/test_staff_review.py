"""Staff review through the routes: verify an organisation, decide on postings and edits, talk to the
recruiter. Every action goes through a moderation service and leaves one audit row."""

from sqlalchemy import func, select

from portal.accounts.models import Organisation, OrganisationStatus
from portal.extensions import db as _db
from portal.jobs import editing
from portal.jobs.models import Posting
from portal.moderation import services as moderation
from portal.moderation.models import AuditEntry

from tests.conftest import form_token, make_organisation, make_user

VALUES = {"title_en": "Care worker", "description_en": "Care for elderly people in Osaka.",
          "title_ja": "介護職員", "description_ja": "大阪で高齢者の介護をします。",
          "sector_code": "nursing_care", "prefecture_code": "27"}


def test_staff_verify_and_publish_through_the_routes(client, db, login_as):
    organisation = make_organisation(status=OrganisationStatus.UNVERIFIED, name_en="Osaka Care")
    recruiter = make_user("recruiter", organisation=organisation, is_organisation_owner=True)
    posting = editing.create_draft(recruiter, VALUES)
    moderation.submit(posting.id, recruiter)
    login_as("staff")
    queue = client.get("/en/staff/review/").get_data(as_text=True)
    assert "Care worker" in queue and "Osaka Care" in queue
    token = form_token(client, f"/en/staff/review/postings/{posting.id}")
    page = client.get(f"/ja/staff/review/postings/{posting.id}").get_data(as_text=True)
    assert "介護職員" in page and "Care worker" in page

    # Not before the organisation is verified.
    client.post(f"/en/staff/review/postings/{posting.id}/approve", data={"csrf_token": token})
    assert _db.session.get(Posting, posting.id).status == "submitted"
    client.post(f"/en/staff/accounts/organisations/{organisation.id}/verify", data={"csrf_token": token})
    assert _db.session.get(Organisation, organisation.id).status == "verified"
    client.post(f"/en/staff/review/postings/{posting.id}/approve", data={"csrf_token": token})
    assert _db.session.get(Posting, posting.id).status == "published"
    assert "Care worker" in client.get("/en/jobs?q=care").get_data(as_text=True)

    # An edit: sent back with a reason, then published.
    editing.save(posting.id, recruiter, {**VALUES, "title_en": "Senior care worker"})
    moderation.submit_edit(posting.id, recruiter)
    assert client.post(f"/en/staff/review/postings/{posting.id}/reject-edit",
                       data={"csrf_token": token, "reason": ""}).status_code == 302
    assert moderation.pending_revision(posting.id).status == "submitted"  # no reason, nothing done
    client.post(f"/en/staff/review/postings/{posting.id}/reject-edit",
                data={"csrf_token": token, "reason": "Keep the title short."})
    moderation.submit_edit(posting.id, recruiter)
    client.post(f"/en/staff/review/postings/{posting.id}/approve-edit", data={"csrf_token": token})
    assert _db.session.get(Posting, posting.id).title_en == "Senior care worker"

    # Suspension hides it.
    client.post(f"/en/staff/accounts/organisations/{organisation.id}/suspend",
                data={"csrf_token": token, "reason": "Asked workers for a deposit."})
    assert _db.session.get(Organisation, organisation.id).status == "suspended"
    assert client.get(f"/en/jobs/{posting.id}").status_code == 404
    actions = [e.action for e in _db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["submit", "verify_organisation", "approve", "submit_edit", "reject_edit", "submit_edit",
                       "approve_edit", "suspend_organisation"]


def test_staff_ask_for_changes_and_reject(client, db, login_as):
    recruiter = make_user("recruiter", is_organisation_owner=True)
    first = editing.create_draft(recruiter, VALUES)
    second = editing.create_draft(recruiter, VALUES)
    for posting in (first, second):
        moderation.submit(posting.id, recruiter)
    login_as("staff")
    token = form_token(client, "/en/staff/review/")
    client.post(f"/en/staff/review/postings/{first.id}/request-changes",
                data={"csrf_token": token, "reason": "Add the monthly pay."})
    client.post(f"/en/staff/review/postings/{second.id}/reject",
                data={"csrf_token": token, "reason": "This is a tourist visa job."})
    client.post(f"/en/staff/review/postings/{first.id}/comments", data={"csrf_token": token, "body": "Thanks!"})
    assert _db.session.get(Posting, first.id).status == "changes_requested"
    assert _db.session.get(Posting, second.id).status == "rejected"
    assert [c.body for c in moderation.comments(first.id)] == ["Add the monthly pay.", "Thanks!"]
    assert _db.session.scalar(select(func.count()).select_from(AuditEntry)) == 4
