"""Password reset, e-mail confirmation, password quality and the list of one's own sessions,
through the real routes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import AccountToken, User, UserSession
from portal.extensions import db as _db
from portal.timeutil import utcnow

from tests.conftest import csrf_token_from, form_token, make_organisation, make_user
from tests.web.test_applications import apply, make_posting, mails_to, sign_in

NEW_PASSWORD = "seven brown herons at dusk"


def reset_link(address: str) -> str:
    text = mails_to(address)[-1].get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/\w+/password/reset/\S+)", text).group(1)


def ask_for_reset(client, email: str, ip: str = "127.0.0.1"):
    return client.post("/en/password/forgot", data={"csrf_token": form_token(client, "/en/password/forgot"),
                                                    "email": email}, environ_base={"REMOTE_ADDR": ip})


def set_password(client, link: str, password: str = NEW_PASSWORD):
    page = client.get(link)
    return client.post(link, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                   "password": password, "confirm": password})


# ---- reset ----------------------------------------------------------------------------------------


def test_reset_by_link_ends_every_session_and_works_once(app, db):
    user = make_user("seeker", email="ali@example.com")
    phone, laptop = sign_in(app, user), sign_in(app, user)
    assert phone.get("/en/account/").status_code == 200
    browser = app.test_client()
    answer = ask_for_reset(browser, "ALI@example.com")
    assert answer.status_code == 200 and "If an account uses this address" in answer.get_data(as_text=True)
    link = reset_link("ali@example.com")
    assert _db.session.scalar(select(AccountToken.token_hash)) not in link  # only a hash is stored
    response = set_password(browser, link)
    assert response.status_code == 302 and response.headers["Location"] == "/en/login"
    assert phone.get("/en/account/").status_code == 302 and laptop.get("/en/account/").status_code == 302
    assert _db.session.scalar(select(UserSession).where(UserSession.user_id == user.id)) is None
    assert browser.get(link).status_code == 404  # used up
    login = browser.post("/en/login", data={"csrf_token": form_token(browser), "email": "ali@example.com",
                                            "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_the_same_answer_for_an_unknown_address_and_no_mail(client):
    make_user("seeker", email="known@example.com")
    known = ask_for_reset(client, "known@example.com").get_data(as_text=True)
    unknown = ask_for_reset(client, "nobody@example.com").get_data(as_text=True)
    strip = lambda html: re.sub(r'name="csrf_token"[^>]*>', "", html)  # noqa: E731
    assert strip(known) == strip(unknown)
    assert mails_to("nobody@example.com") == []


def test_a_reset_link_expires_after_an_hour_and_a_newer_link_replaces_it(app, client):
    make_user("seeker", email="ali@example.com")
    ask_for_reset(client, "ali@example.com")
    first = reset_link("ali@example.com")
    ask_for_reset(client, "ali@example.com")
    second = reset_link("ali@example.com")
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    row = _db.session.scalar(select(AccountToken).where(AccountToken.used_at.is_(None)))
    assert timedelta(minutes=59) < row.expires_at.replace(tzinfo=None) - row.created_at.replace(tzinfo=None) \
        <= timedelta(hours=1)
    row.expires_at = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    assert client.get(second).status_code == 404


def test_reset_requests_are_limited_per_address_and_per_ip(client):
    make_user("seeker", email="ali@example.com")
    codes = [ask_for_reset(client, "ali@example.com", ip=f"10.{n}.0.1").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    codes = [ask_for_reset(client, f"someone{n}@example.com", ip="10.99.0.1").status_code for n in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_a_reset_refuses_a_weak_password(client):
    make_user("seeker", email="ali@example.com")
    ask_for_reset(client, "ali@example.com")
    response = set_password(client, reset_link("ali@example.com"), "password1234")
    assert response.status_code == 400 and "too common" in response.get_data(as_text=True)


# ---- confirmation -----------------------------------------------------------------------------------


def test_an_unconfirmed_seeker_cannot_apply_until_confirmed(app, db):
    posting = make_posting(make_organisation())
    seeker = make_user("seeker", email="new@example.com", confirmed=False)
    client = sign_in(app, seeker)
    assert "Please confirm your e-mail address" in client.get("/en/seeker/").get_data(as_text=True)
    response = apply(client, posting.id)
    assert response.status_code == 302
    assert "Confirm your e-mail address before you apply" in client.get(response.headers["Location"]).get_data(as_text=True)
    token = csrf_token_from(client.get("/en/account/").get_data(as_text=True))
    assert client.post("/en/account/confirmation", data={"csrf_token": token}).status_code == 302
    from tests.web.test_auth import confirmation_link

    link = confirmation_link("new@example.com")
    client.post(link, data={"csrf_token": csrf_token_from(client.get(link).get_data(as_text=True))})
    response = apply(client, posting.id)
    assert response.status_code == 302 and "/en/seeker/applications/" in response.headers["Location"]
    _db.session.expire_all()
    assert _db.session.get(User, seeker.id).email_confirmed_at is not None


def test_an_unconfirmed_recruiter_cannot_submit_a_posting(app, db):
    from portal.jobs import editing
    from portal.moderation import services as moderation
    from tests.services.test_moderation_queue import CLEAN

    recruiter = make_user("recruiter", confirmed=False, is_organisation_owner=True)
    draft = editing.create_draft(recruiter, CLEAN)
    with pytest.raises(moderation.WorkflowError) as refused:
        moderation.submit(draft.id, recruiter)
    assert refused.value.code == "email_not_confirmed"
    recruiter.email_confirmed_at = utcnow()
    _db.session.commit()
    assert moderation.submit(draft.id, recruiter).status == "submitted"


def test_resending_the_confirmation_is_limited(app, db):
    seeker = make_user("seeker", email="resend@example.com", confirmed=False)
    client = sign_in(app, seeker)
    token = csrf_token_from(client.get("/en/account/").get_data(as_text=True))
    for _ in range(4):
        response = client.post("/en/account/confirmation", data={"csrf_token": token}, follow_redirects=True)
    assert len(mails_to("resend@example.com")) == 3
    assert "already sent you 3 e-mails today" in response.get_data(as_text=True)


# ---- password quality ------------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "reason"), [
    ("password1234", "too common"), ("qwertyuiop123", "too common"), ("pakistan1234", "too common"),
    ("bilal.ahmed 2026!", "e-mail address or its name"), ("my name is ahmed85 ok", "e-mail address or its name"),
])
def test_common_passwords_and_the_email_name_are_refused(client, password, reason):
    from tests.web.test_auth import _register

    response = _register(client, email="bilal.ahmed85@example.com", password=password, confirm=password)
    assert response.status_code == 200 and reason in response.get_data(as_text=True)
    assert _db.session.scalar(select(User)) is None


# ---- sessions ---------------------------------------------------------------------------------------


def test_idle_sessions_end_by_role(app, db):
    staff, seeker = make_user("staff"), make_user("seeker")
    staff_client, seeker_client = sign_in(app, staff), sign_in(app, seeker)
    for user, hours in ((staff, 3), (seeker, 3)):
        row = _db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        row.last_seen_at = utcnow() - timedelta(hours=hours)
    _db.session.commit()
    assert staff_client.get("/en/account/").status_code == 302  # staff: 2 hours idle at most
    assert seeker_client.get("/en/account/").status_code == 200  # others: 14 days
    row = _db.session.scalar(select(UserSession).where(UserSession.user_id == seeker.id))
    _db.session.refresh(row)
    assert row.last_seen_at.replace(tzinfo=None) > (utcnow() - timedelta(minutes=5)).replace(tzinfo=None)
    row.last_seen_at = utcnow() - timedelta(days=15)
    _db.session.commit()
    assert seeker_client.get("/en/account/").status_code == 302


def test_list_of_sessions_and_sign_out_everywhere(app, db):
    user, stranger = make_user("seeker"), make_user("seeker")
    phone, laptop = sign_in(app, user), sign_in(app, user)
    strangers = sign_in(app, stranger)
    page = laptop.get("/en/account/sessions").get_data(as_text=True)
    assert page.count("Sign out") >= 2 and "this device" in page
    token = csrf_token_from(page)
    other = _db.session.scalar(select(UserSession).where(UserSession.user_id == stranger.id))
    laptop.post(f"/en/account/sessions/{other.id}/end", data={"csrf_token": token})
    assert strangers.get("/en/account/").status_code == 200  # another person's session is out of reach
    response = laptop.post("/en/account/sessions/end-all", data={"csrf_token": token})
    assert response.status_code == 302 and "/en/login" in response.headers["Location"]
    assert phone.get("/en/account/").status_code == 302 and laptop.get("/en/account/").status_code == 302
