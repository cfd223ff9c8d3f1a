"""Issue 7 part D through the routes: the moderation queue (order, filters, bulk approval), each staff
action leaving exactly one audit row, red flags explained on the review page, and "Report this job"
from the public page to the staff's decision, without the recruiter ever learning who reported."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import OrganisationStatus
from portal.extensions import db as _db
from portal.jobs import editing
from portal.jobs.models import Posting
from portal.moderation import services as moderation
from portal.moderation.models import AuditEntry, JobReport
from portal.timeutil import today

from tests.conftest import csrf_token_from, form_token, make_organisation, make_user

CLEAN = {
    "title_en": "Welder for car parts", "description_en": "Welding car parts in Aichi. Dormitory provided.",
    "title_ja": "自動車部品の溶接工", "description_ja": "愛知県で自動車部品の溶接作業です。寮あり。",
    "sector_code": "industrial_products", "prefecture_code": "23", "employment_type": "FULL_TIME",
    "salary_min": 230_000, "salary_unit": "MONTH", "japanese_level": "N4", "visa_ssw1": True,
    "valid_through": today() + timedelta(days=30), "openings": 2, "worker_costs": [],
}
FEE = {**CLEAN, "title_en": "Caregiver <b>now</b>",
       "description_en": "Care work in Aichi. Visa processing fee Rs 300,000 & <i>more</i>."}


@pytest.fixture
def recruiter(db):
    organisation = make_organisation(status=OrganisationStatus.VERIFIED, name_en="Aichi Metal")
    return make_user("recruiter", organisation=organisation, is_organisation_owner=True,
                     display_name="Rina Recruiter", email="rina@aichi-metal.example")


def submitted(recruiter, values=CLEAN) -> Posting:
    posting = editing.create_draft(recruiter, values)
    moderation.submit(posting.id, recruiter)
    return posting


def published(recruiter, values=CLEAN) -> Posting:
    posting = submitted(recruiter, values)
    staff = make_user("staff")
    moderation.approve(posting.id, staff, "checked" if moderation.stored_flags(posting.id) else None)
    return posting


def audit_actions(posting_id: int) -> list[str]:
    return list(_db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "posting", AuditEntry.target_id == posting_id).order_by(AuditEntry.id)))


def status(posting_id: int) -> str:
    _db.session.expire_all()
    return _db.session.get(Posting, posting_id).status


# ---- the queue --------------------------------------------------------------------------------------

def test_queue_lists_the_riskiest_first_and_filters(client, login_as, recruiter):
    clean = submitted(recruiter)
    flagged = submitted(recruiter, FEE)
    login_as("staff")
    page = client.get("/en/staff/moderation/").get_data(as_text=True)
    assert page.index(f"/en/staff/review/postings/{flagged.id}") < page.index(f"/en/staff/review/postings/{clean.id}")
    assert "High risk" in page and "Fees" in page
    assert "Caregiver &lt;b&gt;now&lt;/b&gt;" in page  # titles are escaped
    assert f'name="posting_id" value="{clean.id}"' in page  # only the clean one can be bulk-approved
    assert f'name="posting_id" value="{flagged.id}"' not in page
    filtered = client.get("/en/staff/moderation/?flag=fee_words").get_data(as_text=True)
    assert f"postings/{flagged.id}" in filtered and f"postings/{clean.id}\"" not in filtered
    by_org = client.get(f"/en/staff/moderation/?organisation={recruiter.organisation_id}&source=recruiter"
                        "&sector=industrial_products").get_data(as_text=True)
    assert f"postings/{flagged.id}" in by_org and f"postings/{clean.id}" in by_org
    assert client.get("/en/staff/moderation/?flag=nonsense").status_code == 400
    assert client.get("/ja/staff/moderation/").status_code == 200


def test_bulk_approve_through_the_route(client, login_as, recruiter):
    clean, flagged = submitted(recruiter), submitted(recruiter, FEE)
    login_as("staff")
    token = form_token(client, "/en/staff/moderation/")
    client.post("/en/staff/moderation/bulk-approve",
                data={"csrf_token": token, "posting_id": [str(clean.id), str(flagged.id)]})
    assert status(clean.id) == "published" and status(flagged.id) == "submitted"
    assert audit_actions(clean.id) == ["submit", "approve"]
    assert audit_actions(flagged.id) == ["submit"]


# ---- the review page and each action ---------------------------------------------------------------------

def test_review_page_explains_each_flag_escaped(client, login_as, recruiter):
    posting = submitted(recruiter, FEE)
    login_as("staff")
    page = client.get(f"/en/staff/review/postings/{posting.id}").get_data(as_text=True)
    assert "The text mentions a fee for the worker" in page
    assert "300,000 &amp; more" in page and "<i>more</i>" not in page.split("flags-title")[1].split("</section>")[0]
    assert 'name="override_reason"' in page
    ja = client.get(f"/ja/staff/review/postings/{posting.id}").get_data(as_text=True)
    assert "flags-title" in ja


def test_approve_with_high_risk_needs_the_override_reason(client, login_as, recruiter):
    posting = submitted(recruiter, FEE)
    login_as("staff")
    token = form_token(client, f"/en/staff/review/postings/{posting.id}")
    response = client.post(f"/en/staff/review/postings/{posting.id}/approve", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Write why you approve it anyway" in response.get_data(as_text=True)
    assert status(posting.id) == "submitted" and audit_actions(posting.id) == ["submit"]
    client.post(f"/en/staff/review/postings/{posting.id}/approve",
                data={"csrf_token": token, "override_reason": "Fee paid by the employer, per contract."})
    assert status(posting.id) == "published"
    assert audit_actions(posting.id) == ["submit", "approve"]
    entry = _db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert entry.reason == "override: Fee paid by the employer, per contract."


def test_reject_with_a_reason_code_through_the_route(client, login_as, recruiter):
    posting = submitted(recruiter, FEE)
    login_as("staff")
    token = form_token(client, f"/en/staff/review/postings/{posting.id}")
    client.post(f"/en/staff/review/postings/{posting.id}/reject", data={"csrf_token": token, "reason_code": ""})
    assert status(posting.id) == "submitted"
    client.post(f"/en/staff/review/postings/{posting.id}/reject",
                data={"csrf_token": token, "reason_code": "fees_charged", "note": "Remove the fee."})
    assert status(posting.id) == "rejected"
    assert audit_actions(posting.id) == ["submit", "reject"]


def test_request_changes_through_the_route(client, login_as, recruiter):
    posting = submitted(recruiter)
    login_as("staff")
    token = form_token(client, f"/en/staff/review/postings/{posting.id}")
    client.post(f"/en/staff/review/postings/{posting.id}/request-changes",
                data={"csrf_token": token, "reason": "Add the hours."})
    assert status(posting.id) == "changes_requested"
    assert audit_actions(posting.id) == ["submit", "request_changes"]


def test_remove_a_published_posting_through_the_route(client, login_as, recruiter):
    posting = published(recruiter)
    login_as("staff")
    token = form_token(client, f"/en/staff/review/postings/{posting.id}")
    client.post(f"/en/staff/moderation/postings/{posting.id}/remove", data={"csrf_token": token})
    assert status(posting.id) == "published"  # a reason code is needed
    client.post(f"/en/staff/moderation/postings/{posting.id}/remove",
                data={"csrf_token": token, "reason_code": "not_in_japan"})
    assert status(posting.id) == "removed"
    assert audit_actions(posting.id) == ["submit", "approve", "remove"]
    assert client.get(f"/en/jobs/{posting.id}").status_code == 404


def test_mark_spam_through_the_route(client, login_as, recruiter):
    posting = submitted(recruiter)
    login_as("staff")
    token = form_token(client, f"/en/staff/review/postings/{posting.id}")
    client.post(f"/en/staff/moderation/postings/{posting.id}/spam", data={"csrf_token": token})
    assert status(posting.id) == "removed"
    assert audit_actions(posting.id) == ["submit", "mark_spam"]


# ---- reports -----------------------------------------------------------------------------------------------

def report(client, posting_id: int, ip: str = "127.0.0.1", **data):
    token = form_token(client, f"/en/jobs/{posting_id}")
    return client.post(f"/en/jobs/{posting_id}/report", data={"csrf_token": token, **data},
                       environ_base={"REMOTE_ADDR": ip})


def test_report_to_decision_and_the_reporter_stays_hidden_from_the_recruiter(client, app, login_as, recruiter):
    posting = published(recruiter)
    # Re-checked after an edit (a verified organisation's posting is hidden only once staff confirm).
    recruiter.organisation.status = OrganisationStatus.UNVERIFIED
    recruiter.organisation.verified_at = recruiter.organisation.created_at
    _db.session.commit()
    page = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert "Report this job" in page and f"/en/jobs/{posting.id}/report" in page

    # Without a reason: the form again, with the error.
    assert report(client, posting.id, reason="").status_code == 400
    # No CSRF token: refused.
    assert client.post(f"/en/jobs/{posting.id}/report", data={"reason": "fake_job"}).status_code == 400

    seeker = login_as("seeker", display_name="Bilal Reporter", email="bilal@example.pk")
    response = report(client, posting.id, **{"reason": "asks_for_money",
                                             "details": "Agent asked me for Rs 250,000 on WhatsApp.",
                                             "contact": "0301-7654321"})
    assert response.status_code == 302
    stored = _db.session.scalar(select(JobReport))
    assert (stored.reason, stored.reporter_id, stored.contact) == ("asks_for_money", seeker.id, "0301-7654321")
    client.get("/en/logout")
    with client.session_transaction() as session:
        session.clear()
    assert report(client, posting.id, reason="fake_job").status_code == 302
    assert report(client, posting.id, reason="fake_job").status_code == 302  # the same client again
    assert client.get(f"/en/jobs/{posting.id}").status_code == 200  # an account and one client: still public
    assert report(client, posting.id, ip="198.51.100.7", reason="wrong_information").status_code == 302

    # A signed-in reporter and two anonymous ones on different networks: hidden from the search and
    # the job page until staff decide.
    assert client.get(f"/en/jobs/{posting.id}").status_code == 404
    assert f"/en/jobs/{posting.id}\"" not in client.get("/en/jobs?q=welder").get_data(as_text=True)

    # Staff see the reports (and the reporter's contact) in the queue and on the review page.
    login_as("staff")
    queue = client.get("/en/staff/moderation/reports").get_data(as_text=True)
    assert f"/en/staff/review/postings/{posting.id}" in queue and "4 open reports" in queue
    review = client.get(f"/en/staff/review/postings/{posting.id}").get_data(as_text=True)
    assert "0301-7654321" in review and "It asks for money" in review
    token = csrf_token_from(review)
    client.post(f"/en/staff/moderation/postings/{posting.id}/reports/dismiss",
                data={"csrf_token": token, "dismiss_note": "Employer checked."})
    assert audit_actions(posting.id) == ["submit", "approve", "dismiss_reports"]
    assert client.get(f"/en/jobs/{posting.id}").status_code == 200
    assert f"/en/jobs/{posting.id}\"" in client.get("/en/jobs?q=welder").get_data(as_text=True)

    # A new report, upheld: the posting is removed and the recruiter is told why, not who.
    client.get("/en/logout")
    with client.session_transaction() as session:
        session.clear()
    report(client, posting.id, **{"reason": "asks_for_money", "details": "Bilal again",
                                  "contact": "bilal@example.pk"})
    login_as("staff")
    token = form_token(client, f"/en/staff/review/postings/{posting.id}")
    client.post(f"/en/staff/moderation/postings/{posting.id}/reports/uphold",
                data={"csrf_token": token, "reason_code": "fees_charged", "note": "Workers were asked for fees."})
    assert status(posting.id) == "removed"
    assert audit_actions(posting.id) == ["submit", "approve", "dismiss_reports", "uphold_reports"]

    with client.session_transaction() as session:
        session.clear()
    from tests.conftest import TEST_PASSWORD

    token = form_token(client)
    client.post("/en/login", data={"email": recruiter.email, "password": TEST_PASSWORD, "csrf_token": token})
    pages = [client.get(url).get_data(as_text=True) for url in (
        "/en/recruiter/", f"/en/recruiter/postings/{posting.id}", "/en/notifications/", "/ja/notifications/")]
    assert "was removed from the portal" in pages[2]
    assert "Workers were asked for fees." in pages[2]
    for html in pages:
        for secret in ("Bilal", "bilal@example.pk", "0301-7654321", "WhatsApp", "Agent asked me"):
            assert secret not in html
    # The e-mail the recruiter got says the reason, not the reporter.
    import pathlib

    # (The outbox holds the whole test session's mail: only this recruiter's messages are read.)
    mails = [p.read_text(errors="replace") for p in pathlib.Path(app.config["MAIL_OUTBOX"]).glob("*.eml")]
    mails = "\n".join(m for m in mails if f"To: {recruiter.email}" in m)
    assert "removed" in mails
    assert "Bilal" not in mails and "0301-7654321" not in mails


def test_reports_are_rate_limited(client, recruiter):
    postings = [published(recruiter) for _ in range(3)]  # two reports each at most: none is hidden
    token = form_token(client, f"/en/jobs/{postings[0].id}")
    codes = [client.post(f"/en/jobs/{postings[i % 3].id}/report",
                         data={"csrf_token": token, "reason": "other"}).status_code for i in range(6)]
    assert codes[:5] == [302] * 5 and codes[5] == 429
    assert _db.session.scalar(select(func.count()).select_from(JobReport)) == 5


def test_one_client_cannot_hide_a_posting_however_often_it_reports(client, recruiter):
    posting = published(recruiter)
    recruiter.organisation.status = OrganisationStatus.UNVERIFIED
    recruiter.organisation.verified_at = recruiter.organisation.created_at
    _db.session.commit()
    for reason in ("fake_job", "asks_for_money", "wrong_information", "other", "fake_job"):
        assert report(client, posting.id, reason=reason).status_code == 302
    assert client.get(f"/en/jobs/{posting.id}").status_code == 200


def test_only_public_postings_can_be_reported(client, recruiter):
    draft = editing.create_draft(recruiter, CLEAN)
    assert client.get(f"/en/jobs/{draft.id}/report").status_code == 404
