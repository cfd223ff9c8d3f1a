"""Applications end to end through the real routes: apply (English and Japanese), the recruiter's
ranked list and pipeline, notifications in each reader's language, the road to departure, object-
level security between two organisations, CV permission, applied-elsewhere, withdrawal, account
deletion and the data export."""

from __future__ import annotations

import email
import io
from datetime import timedelta
from email import policy as email_policy

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.profiles import cv_directory, get_profile
from portal.accounts.services import start_session
from portal.applications.models import Application, ApplicationEvent, DepartureStep, Notification
from portal.extensions import db as _db
from portal.jobs.models import Posting
from portal.mail import outbox
from portal.timeutil import today, utcnow

from tests.conftest import TEST_PASSWORD, csrf_token_from, make_organisation, make_user
from tests.unit.test_cv import PDF

# An offer that matches make_posting()'s ad (monthly pay 220,000 yen, no costs, no hours stated).
OFFER = {"offer_monthly_pay": "220000", "offer_housing": "0", "offer_utilities": "0", "offer_meals": "0",
         "offer_other": "0", "offer_hours_per_week": "40", "offer_days_off_per_year": "105",
         "offer_start_date": (today() + timedelta(days=60)).isoformat(), "offer_contract_months": "12"}

PROFILE = {"trades-0-trade": "welder", "trades-0-years": "4", "jlpt_level": "N4",
           "skills_tests-0-sector": "industrial_products", "skills_tests-0-sub_area": "industrial_products/machining",
           "skills_tests-0-level": "i",
           "skills_tests-0-passed_on": "2026-05-01", "education": "secondary"}


# ---- helpers ------------------------------------------------------------------------------------


def make_posting(organisation, **values) -> Posting:
    defaults = dict(
        organisation=organisation, title_en="Welder (SSW)", title_ja="溶接工（特定技能）",
        description_en="Welding car parts.", sector_code="industrial_products", sub_area="machining",
        applicants_from="abroad", prefecture_code="23",
        employment_type="FULL_TIME", salary_min=220_000, salary_unit="MONTH", japanese_level="N4", visa_ssw1=True,
        status="published", published_at=utcnow(), valid_through=today() + timedelta(days=30), source="recruiter",
    )
    defaults.update(values)
    posting = Posting(**defaults)
    _db.session.add(posting)
    _db.session.commit()
    return posting


def sign_in(app, user: User):
    """A separate browser for this user (the test plays several people at once)."""
    client = app.test_client()
    token = start_session(user)
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def token(client, url="/en/account/") -> str:
    return csrf_token_from(client.get(url).get_data(as_text=True))


def post(client, url, data=None, page="/en/account/"):
    return client.post(url, data={"csrf_token": token(client, page), **(data or {})})


def mails_to(address: str) -> list[email.message.EmailMessage]:
    found = []
    folder = outbox()
    if not folder.exists():
        return found
    for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=email_policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def count(model, *where) -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def world(app, db):
    org_a = make_organisation(name_en="Aichi Metal Co.", name_ja="愛知金属株式会社")
    recruiter_a = make_user("recruiter", organisation=org_a, locale="ja", display_name="Tanaka")
    posting = make_posting(org_a)
    seeker = make_user("seeker", locale="en", display_name="Ali Khan")
    seeker_client = sign_in(app, seeker)
    assert post(seeker_client, "/en/seeker/profile", PROFILE, page="/en/seeker/profile").status_code == 302
    response = seeker_client.post("/en/seeker/profile/cv", data={
        "csrf_token": token(seeker_client, "/en/seeker/profile"), "file": (io.BytesIO(PDF), "ali cv.pdf")})
    assert response.status_code == 302
    return {"org_a": org_a, "recruiter_a": recruiter_a, "posting": posting, "seeker": seeker,
            "seeker_client": seeker_client, "recruiter_client": sign_in(app, recruiter_a)}


def apply(client, posting_id, lang="en", **data):
    page = f"/{lang}/jobs/{posting_id}"
    return client.post(f"/{lang}/seeker/jobs/{posting_id}/apply",
                       data={"csrf_token": token(client, page), "cover_note": "I have welded for 4 years.",
                             "include_cv": "y", **data})


def the_application(posting_id) -> Application:
    _db.session.expire_all()
    return _db.session.scalar(select(Application).where(Application.posting_id == posting_id))


# ---- applying -----------------------------------------------------------------------------------


def test_a_seeker_applies_in_english_with_a_snapshot_and_a_copy_of_the_cv(world):
    client, posting = world["seeker_client"], world["posting"]
    page = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert "Apply with my profile" in page and 'for="cover_note"' in page
    response = apply(client, posting.id)
    assert response.status_code == 302
    application = the_application(posting.id)
    assert response.headers["Location"].endswith(f"/en/seeker/applications/{application.id}")
    assert application.state == "received" and application.kind == "portal"
    assert application.profile_snapshot["name"] == "Ali Khan"
    assert application.profile_snapshot["profile"]["jlpt_level"] == "N4"
    assert application.profile_snapshot["profile"]["trades"][0]["trade"] == "welder"
    assert application.cover_note == "I have welded for 4 years."
    profile = get_profile(world["seeker"])
    assert application.cv_stored_name and application.cv_stored_name != profile.cv_stored_name
    assert (cv_directory() / application.cv_stored_name).read_bytes() == PDF
    # The profile changes later; what the recruiter sees does not.
    post(client, "/en/seeker/profile", {**PROFILE, "jlpt_level": "N2"}, page="/en/seeker/profile")
    assert the_application(posting.id).profile_snapshot["profile"]["jlpt_level"] == "N4"
    # The job page now says so, and the tracker lists it.
    page = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert "You applied on" in page and "Apply with my profile" not in page
    tracker = client.get("/en/seeker/applications").get_data(as_text=True)
    assert "Welder (SSW)" in tracker and "Received" in tracker


def test_a_seeker_applies_in_japanese(app, world):
    seeker = make_user("seeker", locale="ja", display_name="サラ")
    client = sign_in(app, seeker)
    response = apply(client, world["posting"].id, lang="ja", include_cv="")
    assert response.status_code == 302
    application = _db.session.scalar(select(Application).where(Application.seeker_id == seeker.id))
    assert response.headers["Location"].endswith(f"/ja/seeker/applications/{application.id}")
    assert application.cv_stored_name is None and application.profile_snapshot["profile"] is None
    page = client.get(f"/ja/seeker/applications/{application.id}").get_data(as_text=True)
    assert '<html lang="ja"' in page and "溶接工（特定技能）" in page
    assert "溶接工（特定技能）" in client.get("/ja/seeker/applications").get_data(as_text=True)


def test_applicants_are_ranked_by_match_with_reasons(app, world):
    posting = world["posting"]
    newcomer = make_user("seeker", display_name="Bilal (no profile)")
    apply(sign_in(app, newcomer), posting.id, include_cv="")  # applies first, matches worse
    apply(world["seeker_client"], posting.id)
    page = world["recruiter_client"].get(f"/en/recruiter/postings/{posting.id}/applicants").get_data(as_text=True)
    assert page.index("Ali Khan") < page.index("Bilal (no profile)")
    assert 'class="reason-fit"' in page and 'class="reason-gap"' in page


def test_one_application_per_seeker_per_posting(world):
    client, posting = world["seeker_client"], world["posting"]
    apply(client, posting.id)
    response = apply(client, posting.id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/en/jobs/{posting.id}")
    assert "already applied" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert count(Application, Application.posting_id == posting.id) == 1


def test_closed_and_external_postings_take_no_portal_application(world):
    client = world["seeker_client"]
    closed = make_posting(world["org_a"], status="closed")
    external = make_posting(world["org_a"], apply_url="https://employer.example.jp/apply")
    for posting in (closed, external):
        apply(client, posting.id)
        assert count(Application, Application.posting_id == posting.id) == 0
    assert "Apply with my profile" not in client.get(f"/en/jobs/{external.id}").get_data(as_text=True)


def test_applied_elsewhere_is_tracked_by_the_seeker_only(world):
    client, recruiter_client = world["seeker_client"], world["recruiter_client"]
    external = make_posting(world["org_a"], apply_url="https://employer.example.jp/apply")
    page = client.get(f"/en/jobs/{external.id}").get_data(as_text=True)
    assert "I applied on the employer" in page
    response = post(client, f"/en/seeker/jobs/{external.id}/applied-elsewhere", page=f"/en/jobs/{external.id}")
    assert response.status_code == 302
    application = the_application(external.id)
    assert (application.kind, application.state) == ("external", "applied_elsewhere")
    tracker = client.get("/en/seeker/applications").get_data(as_text=True)
    assert "Applied on the employer" in tracker
    # The recruiter neither sees nor can open it, and is not notified.
    assert recruiter_client.get(f"/ja/recruiter/applications/{application.id}").status_code == 404
    assert recruiter_client.get(f"/ja/recruiter/postings/{external.id}/applicants").get_data(as_text=True).count(
        "Ali Khan") == 0
    assert count(Notification) == 0
    # The seeker can close it in their tracker.
    post(client, f"/en/seeker/applications/{application.id}/withdraw")
    assert the_application(external.id).state == "withdrawn"


# ---- the recruiter's pipeline, notifications and the road to departure -------------------------


def test_pipeline_notifications_and_road_to_departure(app, world):
    seeker_client, recruiter_client = world["seeker_client"], world["recruiter_client"]
    seeker, recruiter = world["seeker"], world["recruiter_a"]
    posting = world["posting"]
    apply(seeker_client, posting.id)
    application = the_application(posting.id)
    app_id = application.id

    # The recruiter is told, in Japanese (their setting), on the site and by e-mail.
    notes = _db.session.scalars(select(Notification).where(Notification.user_id == recruiter.id)).all()
    assert [n.kind for n in notes] == ["applied"]
    [mail] = mails_to(recruiter.email)
    assert mail["Content-Language"] == "ja" and "溶接工（特定技能）" in mail["Subject"]
    assert f"/ja/recruiter/applications/{app_id}" in mail.get_content()

    # Ranked list with the match, then the applicant page.
    listing = recruiter_client.get(f"/en/recruiter/postings/{posting.id}/applicants").get_data(as_text=True)
    assert "Ali Khan" in listing and "Match" in listing
    assert "Welder (SSW)" in recruiter_client.get("/en/recruiter/applicants").get_data(as_text=True)
    page = recruiter_client.get(f"/en/recruiter/applications/{app_id}").get_data(as_text=True)
    assert "I have welded for 4 years." in page and "Download the CV" in page
    cv = recruiter_client.get(f"/en/recruiter/applications/{app_id}/cv")
    assert cv.status_code == 200 and cv.data == PDF

    # A move the pipeline does not allow is refused and changes nothing.
    applicant_page = f"/en/recruiter/applications/{app_id}"
    response = post(recruiter_client, f"{applicant_page}/status", {"state": "offered"}, page=applicant_page)
    assert response.status_code == 400 and the_application(posting.id).state == "received"

    for state, message in (("shortlisted", "Your profile looks good."), ("interview", "Interview on Zoom, Monday."),
                           ("offered", "We are happy to offer you the job.")):
        response = post(recruiter_client, f"{applicant_page}/status",
                        {"state": state, "message": message, **(OFFER if state == "offered" else {})},
                        page=applicant_page)
        assert response.status_code == 302, response.get_data(as_text=True)
        assert the_application(posting.id).state == state

    # The seeker is told in English, with the recruiter's message.
    seeker_mails = mails_to(seeker.email)
    assert len(seeker_mails) == 3 and all(m["Content-Language"] == "en" for m in seeker_mails)
    assert "Welder (SSW)" in seeker_mails[-1]["Subject"] and "Offered" in seeker_mails[-1]["Subject"]
    assert "We are happy to offer you the job." in seeker_mails[-1].get_content()
    assert f"/en/seeker/applications/{app_id}" in seeker_mails[-1].get_content()
    notifications = seeker_client.get("/en/notifications/").get_data(as_text=True)
    assert "Offered" in notifications and "Interview on Zoom, Monday." in notifications
    tracker = seeker_client.get(f"/en/seeker/applications/{app_id}").get_data(as_text=True)
    assert "Interview on Zoom, Monday." in tracker and "Road to departure" in tracker

    # Contract terms in both languages; the seeker reads them in theirs.
    response = post(recruiter_client, f"{applicant_page}/contract",
                    {"terms_en": "Monthly pay 220,000 yen. Dormitory.", "terms_ja": "月給220,000円。寮あり。"},
                    page=applicant_page)
    assert response.status_code == 302
    assert "Monthly pay 220,000 yen." in seeker_client.get(f"/en/seeker/applications/{app_id}").get_data(as_text=True)
    ja_page = seeker_client.get(f"/ja/seeker/applications/{app_id}").get_data(as_text=True)
    assert "月給220,000円。寮あり。" in ja_page and "Monthly pay" not in ja_page

    # Both sides fill in the checklist through the routes.
    seeker_page = f"/en/seeker/applications/{app_id}"

    def step(client, base, page, code, day, **extra):
        data = {f"{code}-done_on": day, f"{code}-save": "y", **{f"{code}-{k}": v for k, v in extra.items()}}
        return post(client, f"{base}/steps/{code}", data, page=page)

    assert step(seeker_client, seeker_page, seeker_page, "skills_test", "2026-05-01").status_code == 302
    assert step(seeker_client, seeker_page, seeker_page, "japanese_test", "2026-07-05").status_code == 302
    assert step(seeker_client, seeker_page, seeker_page, "contract_signed", "2026-12-01").status_code == 302
    assert step(recruiter_client, applicant_page, applicant_page, "coe_applied", "2026-12-03").status_code == 302
    # Rules of the road: no CoE issued before it was applied for; the visa needs a post.
    response = step(recruiter_client, applicant_page, applicant_page, "coe_issued", "2026-12-01")
    assert response.status_code == 400 and "cannot be before" in response.get_data(as_text=True)
    assert step(recruiter_client, applicant_page, applicant_page, "coe_issued", "2027-02-01").status_code == 302
    response = step(seeker_client, seeker_page, seeker_page, "visa_applied", "2027-02-10")
    assert response.status_code == 400 and "Choose the embassy or consulate" in response.get_data(as_text=True)
    assert step(seeker_client, seeker_page, seeker_page, "visa_applied", "2027-02-10", post="karachi").status_code == 302
    assert step(seeker_client, seeker_page, seeker_page, "visa_issued", "2027-02-20", post="karachi").status_code == 302
    for code, day in (("protector", "2027-02-25"), ("briefing", "2027-02-26"), ("flight_booked", "2027-03-01"),
                      ("arrived", "2027-03-10")):
        assert step(seeker_client, seeker_page, seeker_page, code, day).status_code == 302
    steps = {s.code: s for s in _db.session.scalars(select(DepartureStep).where(DepartureStep.application_id == app_id))}
    assert len(steps) == 11 and steps["visa_applied"].post == "karachi"
    page = recruiter_client.get(applicant_page).get_data(as_text=True)
    assert "Consulate-General of Japan, Karachi" in page
    # The recruiter is told of the seeker's updates.
    assert count(Notification, Notification.user_id == recruiter.id, Notification.kind == "step") == 9

    # Clearing a step another depends on is refused; a step can be cleared otherwise.
    response = post(recruiter_client, f"{applicant_page}/steps/coe_applied", {"coe_applied-clear": "y"},
                    page=applicant_page)
    assert response.status_code == 400 and "coe_applied" in steps
    assert post(seeker_client, f"{seeker_page}/steps/arrived", {"arrived-clear": "y"}, page=seeker_page).status_code == 302
    assert count(DepartureStep, DepartureStep.application_id == app_id) == 10

    # Hired; staff see every checklist, read-only.
    assert post(recruiter_client, f"{applicant_page}/status", {"state": "hired"}, page=applicant_page).status_code == 302
    staff = sign_in(app, make_user("staff"))
    listing = staff.get("/en/staff/departures/").get_data(as_text=True)
    assert "Welder (SSW)" in listing and "10 of 11" in listing
    detail = staff.get(f"/en/staff/departures/{app_id}").get_data(as_text=True)
    assert "Consulate-General of Japan, Karachi" in detail and "<form method=\"post\" action=\"/en/staff" not in detail
    assert "We are happy to offer you the job." not in detail  # messages stay between the two sides

    # Notifications can be marked read.
    assert post(seeker_client, "/en/notifications/read", page="/en/notifications/").status_code == 302
    assert count(Notification, Notification.user_id == seeker.id, Notification.read_at.is_(None)) == 0


def test_a_contract_cannot_be_signed_before_the_terms_are_written(world):
    apply(world["seeker_client"], world["posting"].id)
    application = the_application(world["posting"].id)
    application.state = "offered"
    _db.session.commit()
    page = f"/en/seeker/applications/{application.id}"
    response = post(world["seeker_client"], f"{page}/steps/contract_signed",
                    {"contract_signed-done_on": "2026-12-01", "contract_signed-save": "y"}, page=page)
    assert response.status_code == 400 and "contract terms first" in response.get_data(as_text=True)
    assert count(DepartureStep) == 0


def test_the_checklist_only_exists_after_an_offer(world):
    apply(world["seeker_client"], world["posting"].id)
    application = the_application(world["posting"].id)
    page = f"/en/seeker/applications/{application.id}"
    assert "Road to departure" not in world["seeker_client"].get(page).get_data(as_text=True)
    response = post(world["seeker_client"], f"{page}/steps/skills_test",
                    {"skills_test-done_on": "2026-05-01", "skills_test-save": "y"}, page=page)
    assert response.status_code == 400 and count(DepartureStep) == 0


def test_withdrawing_tells_the_recruiter(world):
    client, recruiter = world["seeker_client"], world["recruiter_a"]
    apply(client, world["posting"].id)
    application = the_application(world["posting"].id)
    page = f"/en/seeker/applications/{application.id}"
    response = post(client, f"{page}/withdraw", {"message": "I took another job."}, page=page)
    assert response.status_code == 302
    assert the_application(world["posting"].id).state == "withdrawn"
    note = _db.session.scalar(select(Notification).where(Notification.user_id == recruiter.id,
                                                         Notification.kind == "state_changed"))
    assert note.params["state"] == "withdrawn" and note.message == "I took another job."
    # Withdrawn is final: neither side can move it again.
    assert post(client, f"{page}/withdraw", page=page).status_code == 400
    recruiter_page = f"/en/recruiter/applications/{application.id}"
    response = post(world["recruiter_client"], f"{recruiter_page}/status", {"state": "shortlisted"}, page=recruiter_page)
    assert response.status_code == 400 and the_application(world["posting"].id).state == "withdrawn"


def test_messages_go_both_ways(world):
    seeker_client, recruiter_client = world["seeker_client"], world["recruiter_client"]
    apply(seeker_client, world["posting"].id)
    app_id = the_application(world["posting"].id).id
    post(recruiter_client, f"/en/recruiter/applications/{app_id}/message", {"text": "Can you start in April?"})
    post(seeker_client, f"/en/seeker/applications/{app_id}/message", {"text": "Yes, April is fine."})
    assert "Can you start in April?" in seeker_client.get(f"/en/seeker/applications/{app_id}").get_data(as_text=True)
    assert "Yes, April is fine." in recruiter_client.get(f"/en/recruiter/applications/{app_id}").get_data(as_text=True)
    assert count(Notification, Notification.kind == "message") == 2
    # Each side reads its notifications on the site, in the language of the page.
    page = recruiter_client.get("/ja/notifications/").get_data(as_text=True)
    assert '<html lang="ja"' in page and "溶接工（特定技能）" in page and "Yes, April is fine." in page
    page = seeker_client.get("/en/notifications/").get_data(as_text=True)
    assert "Welder (SSW)" in page and "Can start in April?" not in page and "Can you start in April?" in page


# ---- object-level security ----------------------------------------------------------------------


def _state_of_everything():
    return (count(Application), count(ApplicationEvent), count(Notification), count(DepartureStep),
            [(a.state, a.contract_terms_en) for a in _db.session.scalars(select(Application).order_by(Application.id))])


def test_recruiter_b_can_reach_nothing_of_organisation_a(app, world):
    apply(world["seeker_client"], world["posting"].id)
    application = the_application(world["posting"].id)
    application.state = "offered"
    _db.session.commit()
    app_id, posting_id = application.id, world["posting"].id
    org_b = make_organisation(name_en="Osaka Foods", name_ja="大阪食品")
    client_b = sign_in(app, make_user("recruiter", organisation=org_b))
    before = _state_of_everything()
    base = f"/en/recruiter/applications/{app_id}"
    for url in (base, f"{base}/cv", f"/en/recruiter/postings/{posting_id}/applicants"):
        assert client_b.get(url).status_code == 404, url
    for url, data in ((f"{base}/status", {"state": "rejected"}), (f"{base}/message", {"text": "hi"}),
                      (f"{base}/contract", {"terms_en": "bad terms"}),
                      (f"{base}/steps/coe_applied", {"coe_applied-done_on": "2026-12-01", "coe_applied-save": "y"})):
        assert post(client_b, url, data).status_code == 404, url
    assert "Welder" not in client_b.get("/en/recruiter/applicants").get_data(as_text=True)
    assert _state_of_everything() == before
    # A recruiter without an organisation reaches nothing either.
    loner = sign_in(app, make_user("recruiter", organisation=None))
    assert loner.get(base).status_code == 404 and loner.get(f"{base}/cv").status_code == 404


def test_another_seeker_can_reach_nothing_of_an_application(app, world):
    apply(world["seeker_client"], world["posting"].id)
    application = the_application(world["posting"].id)
    application.state = "offered"
    _db.session.commit()
    other = sign_in(app, make_user("seeker"))
    before = _state_of_everything()
    base = f"/en/seeker/applications/{application.id}"
    assert other.get(base).status_code == 404
    for url, data in ((f"{base}/withdraw", {}), (f"{base}/message", {"text": "hi"}),
                      (f"{base}/steps/skills_test", {"skills_test-done_on": "2026-05-01", "skills_test-save": "y"})):
        assert post(other, url, data).status_code == 404, url
    assert "Welder" not in other.get("/en/seeker/applications").get_data(as_text=True)
    assert _state_of_everything() == before


def test_the_cv_copy_is_for_the_recruiter_of_that_posting_only(app, world):
    apply(world["seeker_client"], world["posting"].id)
    app_id = the_application(world["posting"].id).id
    url = f"/en/recruiter/applications/{app_id}/cv"
    # The seeker removes the CV from their profile: the copy sent with the application stays.
    post(world["seeker_client"], "/en/seeker/profile/cv/delete", page="/en/seeker/profile")
    assert world["recruiter_client"].get(url).data == PDF
    colleague = sign_in(app, make_user("recruiter", organisation=world["org_a"]))
    assert colleague.get(url).status_code == 200
    assert sign_in(app, make_user("recruiter")).get(url).status_code == 404  # another organisation
    assert sign_in(app, make_user("seeker")).get(url).status_code == 403  # the area refuses other roles


# ---- account deletion and export ----------------------------------------------------------------


def test_export_contains_the_applications(world):
    client = world["seeker_client"]
    apply(client, world["posting"].id)
    data = client.get("/en/seeker/my-data.json").get_json()
    [entry] = data["applications"]
    assert entry["status"] == "received" and entry["job"]["title_ja"] == "溶接工（特定技能）"
    assert entry["cover_note"] == "I have welded for 4 years." and entry["cv_sent"]["file_name"] == "ali cv.pdf"
    assert entry["profile_sent"]["name"] == "Ali Khan" and entry["history"][0]["to"] == "received"


def test_deleting_the_account_anonymises_applications_for_the_recruiter(world):
    client, recruiter_client = world["seeker_client"], world["recruiter_client"]
    apply(client, world["posting"].id)
    application = the_application(world["posting"].id)
    app_id, stored = application.id, application.cv_stored_name
    response = post(client, "/en/account/delete", {"password": TEST_PASSWORD})
    assert response.status_code == 302
    application = the_application(world["posting"].id)
    assert application is not None and application.seeker_id is None and application.anonymised_at
    assert application.profile_snapshot is None and application.cover_note is None
    assert application.cv_stored_name is None and not (cv_directory() / stored).exists()
    assert all(e.message is None for e in application.events)
    note = _db.session.scalar(select(Notification).where(Notification.kind == "applied"))
    assert "name" not in note.params
    page = recruiter_client.get(f"/en/recruiter/applications/{app_id}").get_data(as_text=True)
    assert "Deleted account" in page and "Ali Khan" not in page and "I have welded" not in page
    assert recruiter_client.get(f"/en/recruiter/applications/{app_id}/cv").status_code == 404
    # The recruiter can still close it.
    page_url = f"/en/recruiter/applications/{app_id}"
    assert post(recruiter_client, f"{page_url}/status", {"state": "rejected"}, page=page_url).status_code == 302
    assert the_application(world["posting"].id).state == "rejected"


@pytest.mark.parametrize(("lang", "message"), [("en", "3000"), ("ja", "3000")])
def test_a_refused_application_shows_the_note_as_typed(world, lang, message):
    client, posting = world["seeker_client"], world["posting"]
    note = "I have welded for 4 years. " + "x" * 3000
    response = apply(client, posting.id, lang=lang, cover_note=note)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert note in html  # the note comes back in its textarea, not lost behind a redirect
    assert 'aria-invalid="true"' in html and message in html
    assert count(Application, Application.posting_id == posting.id) == 0


def test_the_recruiter_reads_the_match_about_the_applicant_not_to_them(world):
    apply(world["seeker_client"], world["posting"].id)
    application = the_application(world["posting"].id)
    client = world["recruiter_client"]
    english = client.get(f"/en/recruiter/applications/{application.id}").get_data(as_text=True)
    match = english[english.index('id="match-title"'):english.index("</section>", english.index('id="match-title"'))]
    assert "Can take this job now" in match
    assert "The applicant&#39;s trade Welder fits Industrial products manufacturing." in match
    assert "Passed the Industrial products manufacturing skills test." in match
    assert "Your " not in match and "You " not in match
    japanese = client.get(f"/ja/recruiter/applications/{application.id}").get_data(as_text=True)
    match_ja = japanese[japanese.index('id="match-title"'):japanese.index("</section>", japanese.index('id="match-title"'))]
    assert "応募者の職種" in match_ja and "あなた" not in match_ja
    listing = client.get(f"/en/recruiter/postings/{world['posting'].id}/applicants").get_data(as_text=True)
    assert "The applicant" in listing and "Your trade" not in listing
    # The seeker still reads the same reasons written to them.
    job = world["seeker_client"].get(f"/en/jobs/{world['posting'].id}").get_data(as_text=True)
    assert "Your trade Welder" in job
