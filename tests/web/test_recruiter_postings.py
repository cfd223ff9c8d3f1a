"""Recruiters through the real routes: organisation, posting editor, review, public search; and the
object-level rule that one organisation never reaches another's postings."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Organisation, OrganisationStatus, User
from portal.extensions import db as _db
from portal.jobs.models import Posting, PostingView
from portal.moderation import services as moderation
from portal.moderation.models import AuditEntry, PostingComment, PostingRevision
from portal.timeutil import today

from tests.conftest import TEST_PASSWORD, csrf_token_from, form_token, make_organisation, make_user

TEXTS = {
    "en": {"title": "Welder for car parts", "word": "welder"},
    "ja": {"title": "自動車部品の溶接工", "word": "溶接"},
}


def posting_form(**overrides) -> dict:
    data = {
        "title_en": "Welder for car parts", "description_en": "Welding car parts in Aichi.\n\nDormitory provided.",
        "title_ja": "自動車部品の溶接工", "description_ja": "愛知県で自動車部品の溶接作業です。寮あり。",
        "requirements_en": "", "requirements_ja": "", "city_en": "Toyota", "city_ja": "豊田市",
        "working_hours_en": "8:00-17:00", "working_hours_ja": "8時〜17時", "days_off_en": "Sat, Sun",
        "days_off_ja": "土日", "sector_code": "industrial_products", "sub_area": "industrial_products:machining",
        "applicants_from": "abroad",
        "occupation_code": "", "prefecture_code": "23", "employment_type": "FULL_TIME", "openings": "2",
        "valid_through": (today() + timedelta(days=30)).isoformat(), "salary_min": "220000",
        "salary_max": "250000", "salary_unit": "MONTH", "hours_per_week": "40", "japanese_level": "N4",
        "visas": ["ssw1"], "support": ["housing", "airfare"], "apply_on": "portal", "apply_url": "",
    }
    for row in range(3):
        data.update({f"worker_costs-{row}-item_en": "", f"worker_costs-{row}-item_ja": "",
                     f"worker_costs-{row}-amount_jpy": "", f"worker_costs-{row}-per": "once"})
    data.update(overrides)
    return data


def register_recruiter(client, lang: str, email: str) -> User:
    token = form_token(client, f"/{lang}/register")
    response = client.post(f"/{lang}/register", data={
        "csrf_token": token, "role": "recruiter", "display_name": "Aiko", "email": email,
        "password": TEST_PASSWORD, "confirm": TEST_PASSWORD})
    assert response.status_code == 302
    confirm(client, email)
    return _db.session.scalar(select(User).where(User.email == email))


def confirm(client, email: str, expect: str | None = None) -> None:
    """Open the confirmation link from the e-mail and press the button: confirmed and signed in."""
    from tests.web.test_auth import confirmation_link

    link = confirmation_link(email)
    page = client.get(link).get_data(as_text=True)
    response = client.post(link, data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    if expect is not None:
        assert response.headers["Location"] == expect


ORGANISATION = {"kind": "employer", "name_en": "Chubu Parts Co., Ltd.", "name_ja": "中部部品株式会社",
                "corporate_number": "1180301018771", "support_org_number": "", "oep_licence": "",
                "address": "1 Toyota-cho, Toyota, Aichi", "contact_email": "hr@chubu.example", "phone": "",
                "website": "https://chubu.example/"}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_whole_journey(app, client, db, lang):
    recruiter = register_recruiter(client, lang, f"aiko-{lang}@example.com")
    dashboard = client.get(f"/{lang}/recruiter/").get_data(as_text=True)
    assert f'href="/{lang}/recruiter/organisation/new"' in dashboard
    assert client.get(f"/{lang}/recruiter/postings/new").status_code == 302  # no organisation yet

    # An organisation: the corporate number's check digit is verified.
    url = f"/{lang}/recruiter/organisation/new"
    token = form_token(client, url)
    bad = client.post(url, data={**ORGANISATION, "corporate_number": "1180301018772", "csrf_token": token})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    assert client.post(url, data={**ORGANISATION, "csrf_token": token}).status_code == 302
    organisation = _db.session.scalar(select(Organisation))
    assert organisation.status == "unverified" and organisation.corporate_number == "1180301018771"
    assert _db.session.get(User, recruiter.id).is_organisation_owner

    # The editor: both languages side by side, a preview that saves nothing.
    url = f"/{lang}/recruiter/postings/new"
    page = client.get(url).get_data(as_text=True)
    assert 'lang="en"' in page and 'lang="ja"' in page and "<legend>" in page
    token = csrf_token_from(page)
    preview = client.post(url, data={**posting_form(), "csrf_token": token, "preview": "1"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "自動車部品の溶接工" in html and "Welder for car parts" in html
    assert 'id="posting-preview"' in html and html.count('id="preview"') == 1
    assert _db.session.scalar(select(func.count()).select_from(Posting)) == 0

    # Submit for review.
    response = client.post(url, data={**posting_form(), "csrf_token": token, "submit_review": "1"})
    assert response.status_code == 302
    posting = _db.session.scalar(select(Posting))
    assert posting.status == "submitted" and posting.organisation_id == organisation.id
    assert (posting.sub_area, posting.visa_ssw1, posting.support_housing, posting.salary_max) == (
        "machining", True, True, 250_000)
    assert client.get(response.headers["Location"]).status_code == 200

    # Staff verify the organisation and publish the posting.
    staff = make_user("staff")
    with pytest.raises(moderation.WorkflowError):
        moderation.approve(posting.id, staff)  # not before the organisation is verified
    moderation.verify_organisation(organisation.id, staff)
    moderation.approve(posting.id, staff)

    # The public finds it, in the page's language; opening it counts a view.
    word = TEXTS[lang]["word"]
    results = client.get(f"/{lang}/jobs?q={quote(word)}").get_data(as_text=True)
    assert f"/{lang}/jobs/{posting.id}" in results and TEXTS[lang]["title"] in results
    assert client.get(f"/{lang}/jobs/{posting.id}").status_code == 200
    assert client.get(f"/{lang}/jobs/{posting.id}").status_code == 200
    assert _db.session.get(PostingView, posting.id).views == 2
    dashboard = client.get(f"/{lang}/recruiter/").get_data(as_text=True)
    assert TEXTS[lang]["title"] in dashboard and ">2<" in dashboard

    # A seeker applies in the same language; the recruiter shortlists, interviews and offers.
    from portal.applications.models import Application, DepartureStep
    from tests.web.test_applications import OFFER, PROFILE, apply, post, sign_in

    seeker = make_user("seeker", locale=lang)
    seeker_client = sign_in(app, seeker)
    profile_page = f"/{lang}/seeker/profile"
    assert post(seeker_client, profile_page, PROFILE, page=profile_page).status_code == 302
    assert apply(seeker_client, posting.id, lang=lang, include_cv="").status_code == 302
    application = _db.session.scalar(select(Application).where(Application.posting_id == posting.id))
    applicant_page = f"/{lang}/recruiter/applications/{application.id}"
    listing = client.get(f"/{lang}/recruiter/postings/{posting.id}/applicants").get_data(as_text=True)
    assert applicant_page in listing
    for state in ("shortlisted", "interview", "offered"):
        data = {"state": state, **(OFFER if state == "offered" else {})}
        assert post(client, f"{applicant_page}/status", data, page=applicant_page).status_code == 302
    assert post(client, f"{applicant_page}/contract", {"terms_en": "Monthly pay 220,000 yen.",
                                                       "terms_ja": "月給220,000円。"}, page=applicant_page).status_code == 302

    # Both sides complete the road to departure.
    seeker_page = f"/{lang}/seeker/applications/{application.id}"
    road = [("skills_test", "2026-05-01", seeker_client, seeker_page), ("japanese_test", "2026-07-05", seeker_client, seeker_page),
            ("contract_signed", "2026-12-01", seeker_client, seeker_page), ("coe_applied", "2026-12-03", client, applicant_page),
            ("coe_issued", "2027-02-01", client, applicant_page), ("visa_applied", "2027-02-10", seeker_client, seeker_page),
            ("visa_issued", "2027-02-20", seeker_client, seeker_page), ("protector", "2027-02-25", seeker_client, seeker_page),
            ("briefing", "2027-02-26", seeker_client, seeker_page), ("flight_booked", "2027-03-01", client, applicant_page),
            ("arrived", "2027-03-10", seeker_client, seeker_page)]
    for code, day, who, page in road:
        data = {f"{code}-done_on": day, f"{code}-save": "y"}
        if code.startswith("visa"):
            data[f"{code}-post"] = "islamabad"
        assert post(who, f"{page}/steps/{code}", data, page=page).status_code == 302, code
    done = _db.session.scalars(select(DepartureStep.code).where(DepartureStep.application_id == application.id)).all()
    assert sorted(done) == sorted(code for code, *_ in road)
    assert post(client, f"{applicant_page}/status", {"state": "hired"}, page=applicant_page).status_code == 302
    tracker = seeker_client.get(seeker_page).get_data(as_text=True)
    assert ("Hired" if lang == "en" else "採用") in tracker


def test_an_unverified_organisations_posting_never_reaches_public_search(client, db, login_as):
    recruiter = login_as("recruiter", organisation=make_organisation(status=OrganisationStatus.UNVERIFIED),
                         is_organisation_owner=True)
    token = form_token(client, "/en/recruiter/postings/new")
    client.post("/en/recruiter/postings/new", data={**posting_form(), "csrf_token": token, "submit_review": "1"})
    posting = _db.session.scalar(select(Posting))
    assert posting.status == "submitted" and posting.organisation_id == recruiter.organisation_id
    with pytest.raises(moderation.WorkflowError):
        moderation.approve(posting.id, make_user("staff"))
    assert "Welder" not in client.get("/en/jobs?q=welder").get_data(as_text=True)
    assert client.get(f"/en/jobs/{posting.id}").status_code == 404


def test_extra_form_fields_cannot_set_status_organisation_or_verification(client, db, login_as):
    other = make_organisation(name_en="Other Co.")
    recruiter = login_as("recruiter", organisation=make_organisation(status=OrganisationStatus.UNVERIFIED))
    token = form_token(client, "/en/recruiter/postings/new")
    sneaky = {"status": "published", "organisation_id": str(other.id), "organisation": str(other.id),
              "published_at": "2026-01-01", "verified": "1", "source": "import", "duplicate_of_id": "1",
              "classification_locked": "y", "id": "999"}
    response = client.post("/en/recruiter/postings/new",
                           data={**posting_form(), **sneaky, "csrf_token": token, "save": "1"})
    assert response.status_code == 302
    posting = _db.session.scalar(select(Posting))
    assert (posting.status, posting.organisation_id, posting.published_at, posting.source, posting.id) == (
        "draft", recruiter.organisation_id, None, "recruiter", 1)
    assert _db.session.get(Organisation, recruiter.organisation_id).status == "unverified"
    # The same on the organisation form.
    url = "/en/recruiter/organisation"
    _db.session.execute(_db.update(User).where(User.id == recruiter.id).values(is_organisation_owner=True))
    _db.session.commit()
    token = form_token(client, url)
    client.post(url, data={**ORGANISATION, "status": "verified", "verified_at": "2026-01-01", "csrf_token": token})
    organisation = _db.session.get(Organisation, recruiter.organisation_id)
    assert organisation.status == "unverified" and organisation.verified_at is None


def test_editor_refuses_incomplete_text_and_bad_values(client, db, login_as):
    login_as("recruiter")
    url = "/en/recruiter/postings/new"
    token = form_token(client, url)
    cases = [
        {"title_en": "Welder", "description_en": "", "title_ja": "", "description_ja": ""},
        {"salary_max": "100000"},  # lower than the minimum
        {"apply_on": "external", "apply_url": "javascript:alert(1)"},
        {"valid_through": (today() - timedelta(days=1)).isoformat()},
        {"sub_area": "nursing_care:nope"},
        {"worker_costs-0-item_en": "Training fee"},  # an item without an amount
    ]
    for overrides in cases:
        response = client.post(url, data={**posting_form(**overrides), "csrf_token": token, "save": "1"})
        assert response.status_code == 400, overrides
    assert _db.session.scalar(select(func.count()).select_from(Posting)) == 0
    # Costs the worker pays are itemised; the form says workers should pay no fees.
    assert "Workers should pay no fees." in client.get(url).get_data(as_text=True)
    response = client.post(url, data={**posting_form(**{"worker_costs-0-item_en": "Medical check",
                                                         "worker_costs-0-amount_jpy": "5000"}),
                                      "csrf_token": token, "save": "1"})
    assert response.status_code == 302
    assert _db.session.scalar(select(Posting)).worker_costs == [
        {"item_en": "Medical check", "item_ja": None, "amount_jpy": 5000, "per": "once"}]


def test_editing_a_published_posting_through_the_editor(client, db, login_as):
    recruiter = login_as("recruiter")
    staff = make_user("staff")
    token = form_token(client, "/en/recruiter/postings/new")
    client.post("/en/recruiter/postings/new", data={**posting_form(), "csrf_token": token, "submit_review": "1"})
    posting = _db.session.scalar(select(Posting))
    moderation.approve(posting.id, staff)
    url = f"/en/recruiter/postings/{posting.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Welder for car parts"' in page
    response = client.post(url, data={**posting_form(title_en="Senior welder"), "csrf_token": token,
                                      "submit_review": "1"})
    assert response.status_code == 302
    assert _db.session.get(Posting, posting.id).title_en == "Welder for car parts"
    assert "Welder for car parts" in client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    detail = client.get(f"/en/recruiter/postings/{posting.id}").get_data(as_text=True)
    assert "Senior welder" in detail
    assert client.get(url).status_code == 302  # locked while staff review the edit
    moderation.approve_edit(posting.id, staff)
    assert "Senior welder" in client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert recruiter.organisation_id == _db.session.get(Posting, posting.id).organisation_id


def test_dashboard_filter_bulk_close_duplicate_and_comments(client, db, login_as):
    recruiter = login_as("recruiter")
    staff = make_user("staff")
    token = form_token(client, "/en/recruiter/postings/new")
    for title in ("Welder A", "Welder B", "Cook C"):
        client.post("/en/recruiter/postings/new", data={**posting_form(title_en=title), "csrf_token": token,
                                                        "submit_review": "1"})
    a, b, c = _db.session.scalars(select(Posting).order_by(Posting.id)).all()
    moderation.approve(a.id, staff)
    moderation.approve(b.id, staff)
    html = client.get("/en/recruiter/?state=published&q=welder").get_data(as_text=True)
    assert "Welder A" in html and "Welder B" in html and "Cook C" not in html
    html = client.get("/en/recruiter/?state=submitted").get_data(as_text=True)
    assert "Cook C" in html and "Welder A" not in html
    response = client.post("/en/recruiter/postings/close",
                           data={"csrf_token": token, "posting_ids": [str(a.id), str(b.id), str(c.id)]})
    assert response.status_code == 302
    assert [p.status for p in _db.session.scalars(select(Posting).order_by(Posting.id))] == [
        "closed", "closed", "submitted"]
    # Reopen before the closing date.
    client.post(f"/en/recruiter/postings/{a.id}/reopen", data={"csrf_token": token})
    assert _db.session.get(Posting, a.id).status == "published"
    # Duplicate: a new draft, opened in the editor.
    response = client.post(f"/en/recruiter/postings/{a.id}/duplicate", data={"csrf_token": token})
    copy = _db.session.scalar(select(Posting).order_by(Posting.id.desc()))
    assert response.headers["Location"] == f"/en/recruiter/postings/{copy.id}/edit"
    assert copy.status == "draft" and copy.title_en == "Welder A"
    # Staff ask for changes; the recruiter answers in the thread.
    moderation.request_changes(c.id, staff, "Please give the working hours in Japanese too.")
    client.post(f"/en/recruiter/postings/{c.id}/comments", data={"csrf_token": token, "body": "Added, thank you."})
    page = client.get(f"/en/recruiter/postings/{c.id}").get_data(as_text=True)
    assert "Please give the working hours in Japanese too." in page and "Added, thank you." in page
    assert [m.author_role for m in moderation.comments(c.id)] == ["staff", "recruiter"]
    assert recruiter.organisation_id == c.organisation_id


def _snapshot():
    postings = [(p.id, p.status, p.title_en, p.organisation_id, p.updated_at)
                for p in _db.session.scalars(select(Posting).order_by(Posting.id))]
    counts = [_db.session.scalar(select(func.count()).select_from(model))
              for model in (Posting, AuditEntry, PostingComment, PostingRevision)]
    return postings, counts


def test_recruiter_b_reaches_none_of_organisation_as_postings(app, client, db, login_as):
    owner_a = make_user("recruiter", organisation=make_organisation(name_en="A Co."), is_organisation_owner=True)
    member_a = make_user("recruiter", organisation=owner_a.organisation)
    staff = make_user("staff")
    from portal.jobs import editing

    values = {"title_en": "A's job", "description_en": "Text.", "sector_code": "construction",
              "prefecture_code": "13"}
    draft = editing.create_draft(owner_a, values)
    published = editing.create_draft(owner_a, values)
    moderation.submit(published.id, owner_a)
    moderation.approve(published.id, staff)
    closed = editing.create_draft(owner_a, values)
    moderation.submit(closed.id, owner_a)
    moderation.approve(closed.id, staff)
    moderation.close(closed.id, owner_a)
    editing.save(published.id, owner_a, {**values, "title_en": "Pending edit"})
    before = _snapshot()

    login_as("recruiter", organisation=make_organisation(name_en="B Co."), is_organisation_owner=True)
    token = form_token(client, "/en/recruiter/postings/new")
    object_routes = [rule for rule in app.url_map.iter_rules()
                     if rule.endpoint.startswith("recruiter.") and "posting_id" in rule.arguments]
    assert len(object_routes) >= 9
    for posting in (draft, published, closed):
        for rule in object_routes:
            url = rule.build({"lang": "en", "posting_id": posting.id})[1]
            if "GET" in rule.methods:
                assert client.get(url).status_code == 404, url
            if "POST" in rule.methods:
                data = {**posting_form(title_en="Hijacked"), "csrf_token": token, "save": "1",
                        "submit_review": "1", "body": "hello"}
                assert client.post(url, data=data).status_code == 404, url
    # Bulk close with A's ids closes nothing.
    client.post("/en/recruiter/postings/close", data={"csrf_token": token, "posting_ids": [str(published.id)]})
    # Removing A's member is refused.
    client.post("/en/recruiter/organisation/members/remove", data={"csrf_token": token, "member_id": member_a.id})
    assert _snapshot() == before
    assert _db.session.get(User, member_a.id).organisation_id == owner_a.organisation_id
    # B's dashboard lists nothing of A's.
    assert "A&#39;s job" not in client.get("/en/recruiter/").get_data(as_text=True)


def test_invitation_by_email_through_the_routes(app, client, db, login_as):
    import email
    import email.policy
    import re
    from pathlib import Path

    owner = login_as("recruiter", is_organisation_owner=True)
    outbox = Path(app.config["MAIL_OUTBOX"])
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    token = form_token(client, "/en/recruiter/organisation")
    response = client.post("/en/recruiter/organisation/invitations",
                           data={"csrf_token": token, "email": "colleague@example.com"})
    assert response.status_code == 302
    (mail,) = set(outbox.glob("*.eml")) - before
    text = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default).get_content()
    link = re.search(r"http://127\.0\.0\.1:5000(/en/recruiter/invitations/\S+)", text).group(1)
    colleague = login_as("recruiter", email="colleague@example.com", organisation=None)
    page = client.get(link).get_data(as_text=True)
    assert owner.organisation.name_en in page
    client.post(link, data={"csrf_token": csrf_token_from(page)})
    assert _db.session.get(User, colleague.id).organisation_id == owner.organisation_id
    assert client.get(link).status_code == 404  # used


def test_dashboard_counts_applicants_from_the_applications_feature(client, db, login_as):
    from portal.applications import services as applications

    recruiter = login_as("recruiter", is_organisation_owner=True)
    from portal.jobs import editing

    posting = editing.create_draft(recruiter, {"title_en": "Farm worker", "description_en": "Vegetables.",
                                               "sector_code": "agriculture", "prefecture_code": "08"})
    moderation.submit(posting.id, recruiter)
    moderation.approve(posting.id, make_user("staff"))
    for _ in range(2):
        applications.apply(make_user("seeker"), posting.id, "Hello", include_cv=False)
    html = client.get("/en/recruiter/").get_data(as_text=True)
    assert f'href="/en/recruiter/postings/{posting.id}/applicants">2</a>' in html


def _invitation_token(address: str) -> str:
    from tests.web.test_applications import mails_to

    text = mails_to(address)[-1].get_content()
    return re.search(r"/recruiter/invitations/(\S+)", text).group(1)


def test_an_invited_person_without_an_account_registers_and_lands_on_the_invitation(app, client, db, login_as):
    import re

    from portal.accounts import organisations

    owner = login_as("recruiter", is_organisation_owner=True)
    organisations.invite(owner, "newcomer@example.com")
    token = _invitation_token("newcomer@example.com")
    client.post("/en/logout", data={"csrf_token": form_token(client, "/en/recruiter/")})
    link = f"/ja/recruiter/invitations/{token}"
    to_login = client.get(link)
    assert to_login.status_code == 302 and "/ja/login?next=" in to_login.headers["Location"]
    login_page = client.get(to_login.headers["Location"]).get_data(as_text=True)
    register_url = re.search(r'href="(/ja/register\?next=[^"]+)"', login_page).group(1).replace("&amp;", "&")
    register_page = client.get(register_url).get_data(as_text=True)
    assert re.search(r'value="recruiter"[^>]*checked|checked[^>]*value="recruiter"', register_page)
    assert f'href="/ja/login?next={link}"' in register_page  # and back, if they had an account after all
    response = client.post(register_url, data={
        "csrf_token": csrf_token_from(register_page), "display_name": "New Comer", "email": "newcomer@example.com",
        "password": TEST_PASSWORD, "confirm": TEST_PASSWORD, "role": "recruiter"})
    assert response.status_code == 302 and response.headers["Location"] == "/ja/register/check-email"
    confirm(client, "newcomer@example.com", expect=link)  # the confirmation link leads on to the invitation
    page = client.get(link).get_data(as_text=True)
    client.post(link, data={"csrf_token": csrf_token_from(page)})
    newcomer = _db.session.scalar(select(User).where(User.email == "newcomer@example.com"))
    assert newcomer.organisation_id == owner.organisation_id


def test_register_refuses_an_offsite_next(client, db):
    page = client.get("/en/register?next=//evil.example/").get_data(as_text=True)
    assert 'href="/en/login"' in page and "/en/login?next=" not in page
