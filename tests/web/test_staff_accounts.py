"""Staff: the organisation verification queue and user accounts. Suspending an organisation hides
its postings at once; suspending an account ends its sessions. One audit row per action."""

from sqlalchemy import select

from portal.accounts.models import Organisation, OrganisationStatus, User
from portal.accounts.services import start_session
from portal.applications.models import Notification
from portal.extensions import db as _db
from portal.moderation.models import AuditEntry

from tests.conftest import csrf_token_from, make_organisation, make_user
from tests.services.test_search import make_posting


def _token(client, url="/en/staff/accounts/users"):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def _audits():
    return list(_db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_queue_lists_unverified_organisations_with_identifiers(client, login_as):
    login_as("staff")
    make_organisation(status=OrganisationStatus.UNVERIFIED, name_en="Waiting KK", corporate_number="1234567890123")
    make_organisation(status=OrganisationStatus.VERIFIED, name_en="Done KK")
    html = client.get("/en/staff/accounts/organisations").get_data(as_text=True)
    assert "Waiting KK" in html and "1234567890123" in html and "Done KK" not in html
    assert "Done KK" in client.get("/en/staff/accounts/organisations?status=verified").get_data(as_text=True)
    assert client.get("/en/staff/accounts/organisations?status=nonsense").status_code == 404


def test_verify_from_the_queue_writes_one_audit_row_shown_in_the_history(client, login_as):
    staff = login_as("staff")
    organisation = make_organisation(status=OrganisationStatus.UNVERIFIED, name_en="Waiting KK")
    url = f"/en/staff/accounts/organisations/{organisation.id}"
    client.post(url + "/verify", data={"csrf_token": _token(client, url)})
    assert _db.session.get(Organisation, organisation.id).status == "verified"
    [entry] = _audits()
    assert (entry.action, entry.actor_id, entry.target_type, entry.target_id, entry.before, entry.after) == (
        "verify_organisation", staff.id, "organisation", organisation.id, "unverified", "verified")
    assert "Organisation verified" in client.get(url).get_data(as_text=True)


def test_ask_for_documents_notifies_every_member(client, login_as):
    login_as("staff")
    organisation = make_organisation(status=OrganisationStatus.UNVERIFIED)
    owner = make_user("recruiter", organisation=organisation, locale="ja")
    other = make_user("recruiter", organisation=organisation)
    url = f"/en/staff/accounts/organisations/{organisation.id}"
    client.post(url + "/documents", data={"csrf_token": _token(client, url), "message": "Send your 法人番号 certificate."})
    notes = list(_db.session.scalars(select(Notification).order_by(Notification.user_id)))
    assert {n.user_id for n in notes} == {owner.id, other.id}
    assert all(n.kind == "documents_requested" and n.message == "Send your 法人番号 certificate." for n in notes)
    [entry] = _audits()
    assert (entry.action, entry.target_id, entry.reason) == ("request_documents", organisation.id,
                                                             "Send your 法人番号 certificate.")
    # No message, nothing sent.
    client.post(url + "/documents", data={"csrf_token": _token(client, url), "message": " "})
    assert len(_audits()) == 1
    # The member reads it.
    client.get("/en/logout")
    token = start_session(owner)
    with client.session_transaction() as session:
        session["_user_id"] = token
    html = client.get("/en/notifications/").get_data(as_text=True)
    assert "Send your 法人番号 certificate." in html


def test_suspension_hides_the_organisations_postings_at_once_and_restore_brings_them_back(client, login_as):
    login_as("staff")
    organisation = make_organisation(name_en="Risky KK")
    posting = make_posting(organisation=organisation, title_en="Dormitory cleaner")
    assert "Dormitory cleaner" in client.get("/en/jobs?q=dormitory").get_data(as_text=True)
    url = f"/en/staff/accounts/organisations/{organisation.id}"
    client.post(url + "/suspend", data={"csrf_token": _token(client, url), "reason": "Deposit demanded."})
    assert _db.session.get(Organisation, organisation.id).status == "suspended"
    assert "Dormitory cleaner" not in client.get("/en/jobs?q=dormitory").get_data(as_text=True)
    assert client.get(f"/en/jobs/{posting.id}").status_code == 404
    client.post(url + "/restore", data={"csrf_token": _token(client, url)})
    assert _db.session.get(Organisation, organisation.id).status == "verified"
    assert "Dormitory cleaner" in client.get("/en/jobs?q=dormitory").get_data(as_text=True)
    assert [(e.action, e.before, e.after) for e in _audits()] == [
        ("suspend_organisation", "verified", "suspended"), ("verify_organisation", "suspended", "verified")]
    # A suspension needs a reason.
    client.post(url + "/suspend", data={"csrf_token": _token(client, url), "reason": ""})
    assert _db.session.get(Organisation, organisation.id).status == "verified" and len(_audits()) == 2


def test_user_search_by_email_role_and_organisation(client, login_as):
    login_as("staff")
    organisation = make_organisation(name_en="Lahore Promoters")
    make_user("recruiter", email="ali@example.com", organisation=organisation)
    make_user("seeker", email="sara@example.com")
    html = client.get("/en/staff/accounts/users?q=ali@").get_data(as_text=True)
    assert "ali@example.com" in html and "sara@example.com" not in html
    html = client.get("/en/staff/accounts/users?role=seeker").get_data(as_text=True)
    assert "sara@example.com" in html and "ali@example.com" not in html
    html = client.get("/en/staff/accounts/users?q=lahore").get_data(as_text=True)
    assert "ali@example.com" in html and "sara@example.com" not in html


def test_suspending_a_user_ends_their_sessions_and_restore_lets_them_back(app, client, login_as):
    staff = login_as("staff")
    seeker = make_user("seeker", email="sara@example.com")
    their_browser = app.test_client()
    with their_browser.session_transaction() as session:
        session["_user_id"] = start_session(seeker)
    assert their_browser.get("/en/account/").status_code == 200
    url = f"/en/staff/accounts/users/{seeker.id}"
    response = client.post(url + "/suspend", data={"csrf_token": _token(client, url), "reason": "Spam."})
    assert response.status_code == 302
    assert _db.session.get(User, seeker.id).suspended_at is not None
    response = their_browser.get("/en/account/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # Cannot sign in while suspended.
    login = their_browser.post("/en/login", data={"csrf_token": _token(their_browser, "/en/login"),
                                                  "email": "sara@example.com", "password": "correct horse battery staple"})
    assert "/login" in login.headers.get("Location", "/login") or login.status_code != 302
    client.post(url + "/restore", data={"csrf_token": _token(client, url)})
    assert _db.session.get(User, seeker.id).suspended_at is None
    assert [(e.action, e.actor_id, e.target_type, e.target_id) for e in _audits()] == [
        ("suspend_user", staff.id, "user", seeker.id), ("restore_user", staff.id, "user", seeker.id)]
    # Staff cannot suspend themselves.
    client.post(f"/en/staff/accounts/users/{staff.id}/suspend",
                data={"csrf_token": _token(client, url), "reason": "x"})
    assert _db.session.get(User, staff.id).suspended_at is None and len(_audits()) == 2
