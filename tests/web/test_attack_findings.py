"""The findings of the outside attack pass, one test each (docs/security.md lists them). Each test
failed on the code before its fix. Finding 1 (report abuse) is in test_moderation_routes.py and
tests/services/test_moderation_queue.py."""

from __future__ import annotations

import base64
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.accounts.models import Organisation, OrganisationStatus, User
from portal.config import Config
from portal.extensions import db as _db
from portal.jobs import alerts
from portal.jobs.models import SavedJob
from portal.timeutil import utcnow

from tests.conftest import TEST_PASSWORD, csrf_token_from, form_token, make_organisation, make_user
from tests.unit.test_cv import PDF
from tests.web.test_applications import apply, make_posting, mails_to, the_application, token
from tests.web.test_applications import world  # noqa: F401 - a fixture
from tests.web.test_recruiter_postings import ORGANISATION

# ---- 2. a suspended organisation's recruiters lose the area ----------------------------------------


def test_a_suspended_organisations_recruiter_reaches_no_applicant_cv_message_or_invitation(app, world):  # noqa: F811
    apply(world["seeker_client"], world["posting"].id)
    application = the_application(world["posting"].id)
    recruiter_client = world["recruiter_client"]
    base = f"/en/recruiter/applications/{application.id}"
    assert recruiter_client.get(f"{base}/cv").status_code == 200  # before: allowed
    csrf = token(recruiter_client, "/en/recruiter/")
    organisation = _db.session.get(Organisation, world["org_a"].id)
    organisation.status = OrganisationStatus.SUSPENDED
    _db.session.commit()
    for url in (base, f"{base}/cv", "/en/recruiter/applicants", f"/en/recruiter/postings/{world['posting'].id}",
                f"/en/recruiter/postings/{world['posting'].id}/applicants", "/en/recruiter/organisation",
                "/en/recruiter/postings/new"):
        response = recruiter_client.get(url)
        assert response.status_code == 403, url
        assert "suspended" in response.get_data(as_text=True)
    messages_before = len(mails_to(world["seeker"].email))
    for url, data in ((f"{base}/message", {"text": "Please send money"}), (f"{base}/status", {"state": "rejected"}),
                      ("/en/recruiter/organisation/invitations", {"email": "friend@example.com"})):
        assert recruiter_client.post(url, data={"csrf_token": csrf, **data}).status_code == 403, url
    assert len(mails_to(world["seeker"].email)) == messages_before
    assert mails_to("friend@example.com") == []
    dashboard = recruiter_client.get("/en/recruiter/")
    assert dashboard.status_code == 200 and "Welder" not in dashboard.get_data(as_text=True)


# ---- 3. links in e-mails come from SITE_URL; unknown hosts refused; invitations limited -------------


def test_invitation_links_ignore_the_host_header(app, db):
    owner = make_user("recruiter", is_organisation_owner=True)
    browser, evil = app.test_client(), "http://evil.example"  # the Host header the sender chose
    csrf = csrf_token_from(browser.get("/en/login", base_url=evil).get_data(as_text=True))
    assert browser.post("/en/login", base_url=evil, data={"csrf_token": csrf, "email": owner.email,
                                                          "password": TEST_PASSWORD}).status_code == 302
    csrf = csrf_token_from(browser.get("/en/recruiter/organisation", base_url=evil).get_data(as_text=True))
    response = browser.post("/en/recruiter/organisation/invitations", base_url=evil,
                            data={"csrf_token": csrf, "email": "mate@example.com"})
    assert response.status_code == 302
    text = mails_to("mate@example.com")[-1].get_content()
    assert "evil.example" not in text
    assert re.search(r"http://127\.0\.0\.1:5000/en/recruiter/invitations/\S+", text)


def test_invitations_are_limited_per_organisation(client, login_as):
    INVITATIONS_PER_DAY = 20  # portal.accounts.organisations.INVITATIONS_PER_DAY

    login_as("recruiter", is_organisation_owner=True)
    csrf = form_token(client, "/en/recruiter/organisation")
    for number in range(INVITATIONS_PER_DAY + 3):
        client.post("/en/recruiter/organisation/invitations",
                    data={"csrf_token": csrf, "email": f"stranger{number}@example.com"})
    assert mails_to(f"stranger{INVITATIONS_PER_DAY - 1}@example.com")
    assert mails_to(f"stranger{INVITATIONS_PER_DAY}@example.com") == []


def test_production_answers_only_to_the_host_of_site_url(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", database_url[0])
    monkeypatch.setenv("SITE_URL", "https://kakehashi.example.org")
    app = create_app(Config)
    assert app.config["TRUSTED_HOSTS"] == ["kakehashi.example.org"]
    client = app.test_client()
    assert client.get("/en/about", base_url="https://evil.example").status_code == 400
    assert client.get("/static/style.css", base_url="https://kakehashi.example.org").status_code == 200


# ---- 4. saved jobs show only what the saver may see -------------------------------------------------


def test_a_non_public_posting_can_be_neither_saved_nor_listed(client, login_as):
    login_as("seeker")
    organisation = make_organisation()
    public = make_posting(organisation, title_en="Public welder")
    hidden = {state: make_posting(organisation, title_en=f"Secret {state} title", status=state)
              for state in ("draft", "submitted", "rejected", "removed")}
    csrf = form_token(client, f"/en/jobs/{public.id}")
    for posting in [public, *hidden.values()]:
        client.post(f"/en/seeker/saved/jobs/{posting.id}", data={"csrf_token": csrf})
    assert _db.session.scalar(select(func.count()).select_from(SavedJob)) == 1
    # Saved while public, removed later: gone from the list too.
    _db.session.add(SavedJob(user_id=_db.session.scalar(select(User.id).where(User.role == "seeker")),
                             posting_id=hidden["removed"].id))
    _db.session.commit()
    page = client.get("/en/seeker/saved").get_data(as_text=True)
    assert "Public welder" in page
    assert "Secret" not in page


# ---- 5. deeply nested JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [40, 5_000, 200_000])
def test_deeply_nested_json_is_a_400(client, depth):
    body = '{"trades": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/api/v1/match", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == 400


# ---- 6. query keys that are url_for options -------------------------------------------------------------


@pytest.mark.parametrize("query", ["_external=1", "_anchor=x%22%3E", "_scheme=javascript", "_method=DELETE",
                                   "q=welder&_external=1&_scheme=ftp"])
def test_language_links_never_pass_query_keys_to_url_for(client, query):
    response = client.get(f"/en/jobs?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    links = re.findall(r'href="([^"]*)"[^>]*hreflang="ja"|hreflang="ja"[^>]*href="([^"]*)"', html)
    hrefs = [a or b for a, b in links]
    assert hrefs and all(re.match(r"(http://localhost)?/ja/jobs\?", href) for href in hrefs), hrefs
    assert "javascript:" not in html and "ftp://" not in html


# ---- 7. web addresses are http(s) only ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                 "JavaScript://%0aalert(1)", "java\tscript:alert(1)"])
def test_guide_sources_must_be_web_addresses(client, login_as, url):
    from portal.guidance import services as guidance

    login_as("staff")
    csrf = csrf_token_from(client.get("/en/staff/guides/visa").get_data(as_text=True))
    response = client.post("/en/staff/guides/visa", data={
        "csrf_token": csrf, "title_en": "Visa", "title_ja": "ビザ", "body_en": "x", "body_ja": "x",
        "sources_en": f"Click me | {url}", "sources_ja": "大使館 | https://www.pk.emb-japan.go.jp/",
        "last_checked": "2026-12-01", "save": "Save"})
    assert "Each source needs an address starting with https://" in response.get_data(as_text=True)
    assert guidance.history("visa") == []


def test_an_organisation_website_must_be_a_web_address(client, login_as):
    login_as("recruiter", organisation=None)
    url = "/en/recruiter/organisation/new"
    response = client.post(url, data={**ORGANISATION, "website": "javascript://example.com/%0aalert(1)",
                                      "csrf_token": form_token(client, url)})
    assert response.status_code == 400
    assert _db.session.scalar(select(func.count()).select_from(Organisation)) == 0


# ---- 8. CV names -----------------------------------------------------------------------------------


def test_a_cv_name_is_cleaned_and_takes_the_detected_type(app, client, login_as):
    from portal.accounts import profiles

    seeker = login_as("seeker")
    csrf = form_token(client, "/en/seeker/profile")
    response = client.post("/en/seeker/profile/cv", data={"csrf_token": csrf, "file": (io.BytesIO(PDF), "page.html")})
    assert response.status_code == 302
    assert profiles.get_profile(seeker).cv_original_name == "page.pdf"
    profiles.set_cv(seeker, PDF, "my cv\r\nSet-Cookie: a=b.html")  # as a client that does not escape CR/LF sends it
    assert profiles.get_profile(seeker).cv_original_name == "my cv Set-Cookie_ a_b.pdf"
    download = client.get("/en/seeker/profile/cv")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and ".html" not in disposition
    assert disposition == 'attachment; filename="my cv Set-Cookie_ a_b.pdf"'


# ---- 9. nothing private is cacheable ----------------------------------------------------------------


def test_cv_downloads_and_signed_in_pages_are_no_store(app, world):  # noqa: F811
    apply(world["seeker_client"], world["posting"].id)
    application = the_application(world["posting"].id)
    for client, url in ((world["seeker_client"], "/en/seeker/profile/cv"),
                        (world["recruiter_client"], f"/en/recruiter/applications/{application.id}/cv"),
                        (world["seeker_client"], "/en/account/"), (world["recruiter_client"], "/en/recruiter/")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert "ETag" not in response.headers and "Last-Modified" not in response.headers, url


# ---- 10. control characters in names ------------------------------------------------------------


@pytest.mark.parametrize("name", ["Bilal\r\nBcc: everyone@example.com", "Bilal\tAhmed", "Bilal\u2028Ahmed"])
def test_names_with_control_characters_are_refused(client, login_as, name):
    from tests.web.test_auth import _register

    response = _register(client, display_name=name, email="bilal@example.com")
    assert response.status_code == 200
    assert "without tabs or other control characters" in response.get_data(as_text=True)
    assert _db.session.scalar(select(User).filter_by(email="bilal@example.com")) is None
    login_as("recruiter", organisation=None)
    url = "/en/recruiter/organisation/new"
    response = client.post(url, data={**ORGANISATION, "name_en": name, "csrf_token": form_token(client, url)})
    assert response.status_code == 400
    assert _db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_an_urdu_name_with_a_zero_width_non_joiner_is_kept(client):
    from tests.web.test_auth import _register

    assert _register(client, display_name="علی\u200cاحمد", email="ali@example.com").status_code == 302


# ---- 11. current-password checks are limited ---------------------------------------------------------


def test_wrong_current_passwords_are_limited_across_change_and_delete(client, login_as):
    user = login_as("seeker")
    csrf = csrf_token_from(client.get("/en/account/").get_data(as_text=True))
    codes = []
    for attempt in range(5):
        if attempt % 2:
            codes.append(client.post("/en/account/delete", data={"csrf_token": csrf, "password": f"guess {attempt}"}).status_code)
        else:
            codes.append(client.post("/en/account/password", data={
                "csrf_token": csrf, "current_password": f"guess {attempt}", "new_password": "a new passphrase here",
                "confirm": "a new passphrase here"}).status_code)
    assert codes == [400] * 5
    response = client.post("/en/account/delete", data={"csrf_token": csrf, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert _db.session.get(User, user.id) is not None


# ---- 12. failed logins cannot lock the owner out --------------------------------------------------------


def _login(client, email, password, ip):
    return client.post("/en/login", data={"csrf_token": form_token(client), "email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(app, db):
    owner = make_user("seeker")
    attacker = app.test_client()
    for attempt in range(25):  # from many addresses in one network
        _login(attacker, owner.email, f"guess {attempt}", f"203.0.113.{attempt + 1}")
    assert _login(attacker, owner.email, "guess", "203.0.113.200").status_code == 429
    assert _login(attacker, owner.email, TEST_PASSWORD, "203.0.113.201").status_code == 429
    home = app.test_client()
    assert _login(home, owner.email, TEST_PASSWORD, "198.51.100.20").status_code == 302


def test_successful_logins_do_not_count(app, db):
    owner = make_user("seeker")
    for _ in range(8):
        browser = app.test_client()
        assert _login(browser, owner.email, TEST_PASSWORD, "198.51.100.20").status_code == 302


# ---- 13. cookie prefix; unsubscribe tokens -------------------------------------------------------------


def test_production_session_cookie_has_the_host_prefix(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", database_url[0])
    app = create_app(Config)
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["SESSION_COOKIE_PATH"] in (None, "/")
    assert not app.config["SESSION_COOKIE_DOMAIN"]


def test_unsubscribe_tokens_name_no_account_and_expire(client, db):
    from portal.accounts.models import AccountToken

    seeker = make_user("seeker")
    token = alerts.unsubscribe_token(seeker)
    first_part = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(first_part + "=" * (-len(first_part) % 4))
    assert b"user" not in decoded and f":{seeker.id}".encode() not in decoded  # was {"user": <id>}
    assert _db.session.scalar(select(AccountToken.token_hash)) != token  # only a hash is kept
    row = _db.session.scalar(select(AccountToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    page = client.get(f"/en/alerts/unsubscribe/{token}").get_data(as_text=True)
    response = client.post(f"/en/alerts/unsubscribe/{token}", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 404
    assert _db.session.get(User, seeker.id).alerts_enabled is True
