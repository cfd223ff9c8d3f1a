"""Registering, logging in and out, and the account page."""

import re

import pytest
from sqlalchemy import func

from portal.accounts.models import User, UserSession
from portal.extensions import db as _db

from tests.conftest import TEST_PASSWORD, csrf_token_from, form_token, make_user


def _register(client, lang="en", **fields):
    data = {"role": "seeker", "display_name": "Bilal Ahmed", "email": "bilal@example.com",
            "password": "a long enough password", "confirm": "a long enough password"}
    data.update(fields)
    data["csrf_token"] = form_token(client, f"/{lang}/register")
    return client.post(f"/{lang}/register", data=data)


def confirmation_link(address: str) -> str:
    from tests.web.test_applications import mails_to

    text = mails_to(address)[-1].get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/\w+/confirm/\S+)", text).group(1)


@pytest.mark.parametrize("role", ["seeker", "recruiter"])
def test_register_as_seeker_or_recruiter(client, role):
    response = _register(client, role=role, email=f"{role}@example.com")
    assert response.status_code == 302 and response.headers["Location"] == "/en/register/check-email"
    user = _db.session.scalar(_db.select(User).filter_by(email=f"{role}@example.com"))
    assert user.role == role and user.locale == "en" and user.email_confirmed_at is None
    assert client.get(f"/en/{role}/").status_code == 302  # not signed in until the address is confirmed
    link = confirmation_link(f"{role}@example.com")
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 302 and response.headers["Location"] == f"/en/{role}/"
    _db.session.expire_all()
    assert _db.session.get(User, user.id).email_confirmed_at is not None
    assert client.get(f"/en/{role}/").status_code == 200


def test_registration_cannot_create_staff(client):
    response = _register(client, role="staff", email="sneaky@example.com")
    assert response.status_code == 200
    assert _db.session.scalar(_db.select(User).filter_by(email="sneaky@example.com")) is None


def test_registration_errors_keep_what_was_typed(client):
    response = _register(client, lang="ja", email="Bilal@Example.com", display_name="ビラル", password="short",
                         confirm="different")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Bilal@Example.com"' in html and 'value="ビラル"' in html
    assert "2つのパスワードが一致しません" in html or "一致" in html
    assert 'aria-invalid="true"' in html
    assert "short" not in html  # passwords are never echoed back


def test_short_password_is_refused_with_a_translated_reason(client):
    response = _register(client, lang="ja", password="short", confirm="short")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "10" in html
    assert _db.session.scalar(_db.select(User).filter_by(email="bilal@example.com")) is None


def test_registering_a_taken_address_reveals_nothing(app, client):
    from tests.web.test_applications import mails_to

    make_user("seeker", email="bilal@example.com")
    taken = _register(client, email="BILAL@example.com", display_name="Someone else")
    fresh = app.test_client()
    new = _register(fresh, email="new-person@example.com")
    assert (taken.status_code, taken.headers["Location"]) == (new.status_code, new.headers["Location"])
    assert client.get(taken.headers["Location"]).get_data(as_text=True).replace(
        form_token(client, "/en/login"), "") == fresh.get(new.headers["Location"]).get_data(as_text=True).replace(
        form_token(fresh, "/en/login"), "")
    assert _db.session.scalar(_db.select(func.count()).select_from(User).filter_by(email="bilal@example.com")) == 1
    (notice,) = mails_to("bilal@example.com")[-1:]
    assert "You already have" in notice["Subject"]
    assert "http://127.0.0.1:5000/en/password/forgot" in notice.get_content()


def test_a_weak_password_is_refused_alike_for_a_taken_and_a_new_address(client):
    make_user("seeker", email="bilal@example.com")
    for email in ("bilal@example.com", "someone-new@example.com"):
        response = _register(client, email=email, password="password1234", confirm="password1234")
        assert response.status_code == 200 and "too common" in response.get_data(as_text=True), email


def test_wrong_password_gives_one_generic_message(client):
    make_user("seeker", email="known@example.com")
    for email in ("known@example.com", "unknown@example.com"):
        response = client.post("/en/login", data={"csrf_token": form_token(client), "email": email,
                                                  "password": "not the password"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "The e-mail address or password is not correct." in html
        assert f'value="{email}"' in html


def test_login_redirects_to_a_safe_next_only(client):
    user = make_user("seeker")
    token = form_token(client)
    response = client.post("/en/login?next=//evil.example/steal", data={"csrf_token": token, "email": user.email,
                                                                        "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/en/seeker/"
    client.post("/en/logout", data={"csrf_token": csrf_token_from(client.get("/en/account/").get_data(as_text=True))})
    response = client.post("/en/login?next=/en/account/", data={"csrf_token": form_token(client), "email": user.email,
                                                                 "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/en/account/"


def test_navigation_follows_the_role(client, login_as):
    login_as("recruiter")
    html = client.get("/en/").get_data(as_text=True)
    assert "Recruiter dashboard" in html and "Log out" in html and "Staff area" not in html


def test_change_password_checks_the_current_one(client, login_as):
    login_as("seeker")
    token = csrf_token_from(client.get("/en/account/").get_data(as_text=True))
    response = client.post("/en/account/password", data={"csrf_token": token, "current_password": "wrong one",
                                                         "new_password": "new passphrase 1", "confirm": "new passphrase 1"})
    assert response.status_code == 400
    assert "Your current password is not correct." in response.get_data(as_text=True)


def test_preferred_language_is_saved_and_used(client, login_as):
    user = login_as("seeker")
    token = csrf_token_from(client.get("/en/account/").get_data(as_text=True))
    response = client.post("/en/account/language", data={"csrf_token": token, "locale": "ja"})
    assert response.headers["Location"] == "/ja/account/"
    assert _db.session.get(User, user.id).locale == "ja"
    client.delete_cookie("lang")
    assert client.get("/", headers={"Accept-Language": "en"}).headers["Location"] == "/ja/"


def test_unknown_language_choice_is_refused(client, login_as):
    login_as("seeker")
    token = csrf_token_from(client.get("/en/account/").get_data(as_text=True))
    assert client.post("/en/account/language", data={"csrf_token": token, "locale": "xx"}).status_code == 400


def test_delete_account_removes_user_and_sessions(client, login_as):
    user_id = login_as("seeker").id
    token = csrf_token_from(client.get("/en/account/").get_data(as_text=True))
    bad = client.post("/en/account/delete", data={"csrf_token": token, "password": "wrong"})
    assert bad.status_code == 400 and _db.session.get(User, user_id) is not None
    response = client.post("/en/account/delete", data={"csrf_token": token, "password": TEST_PASSWORD})
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(User, user_id) is None
    assert _db.session.scalar(_db.select(UserSession).filter_by(user_id=user_id)) is None
    assert client.get("/en/account/").status_code == 302
