"""Security defaults: headers, cookies, CSRF, login rate limits, sessions, hashes, secrets, errors."""

from __future__ import annotations


import pytest
from argon2 import extract_parameters

from portal import create_app
from portal.accounts.models import User
from portal.config import Config, ConfigError
from portal.extensions import db as _db

from tests.conftest import TEST_PASSWORD, csrf_token_from, form_token, make_user


def test_security_headers_on_every_page(client):
    for url in ("/en/", "/ja/login", "/en/does-not-exist"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp
        assert "unsafe-inline" not in csp and "script-src" not in csp.replace("default-src", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain http


def test_hsts_only_over_https(client):
    response = client.get("/en/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_pages_have_no_inline_script(client):
    html = client.get("/en/").get_data(as_text=True)
    assert "<script" not in html and "onclick" not in html and "style=" not in html


def _session_cookie(client, app):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"])


def test_session_cookie_flags(app, client):
    user = make_user("seeker")
    response = client.post("/en/login", data={"csrf_token": form_token(client), "email": user.email,
                                              "password": TEST_PASSWORD})
    assert response.status_code == 302
    header = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(app.config["SESSION_COOKIE_NAME"])][0]
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_production_cookies_are_secure():
    assert Config.SESSION_COOKIE_SECURE is True
    assert Config.SESSION_COOKIE_HTTPONLY is True and Config.SESSION_COOKIE_SAMESITE == "Lax"


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app(Config)


def test_production_starts_with_secret_key(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", database_url[0])
    app = create_app(Config)
    assert app.config["SECRET_KEY"] == "x" * 64
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_upload_size_is_capped(client):
    response = client.post("/en/login", data={"email": "x" * (7 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


# ---- passwords -------------------------------------------------------------------------------


def test_password_hashes_are_asvs_grade_argon2id(db):
    user = make_user("seeker")
    assert user.password_hash.startswith("$argon2id$")
    parameters = extract_parameters(user.password_hash)
    assert parameters.memory_cost >= 19 * 1024  # ≥ 19 MiB
    assert parameters.time_cost >= 2
    assert parameters.salt_len >= 16
    assert TEST_PASSWORD not in user.password_hash


# ---- login rate limits -------------------------------------------------------------------------


def _attempt(client, email, password, ip="10.0.0.1"):
    token = form_token(client)
    return client.post("/en/login", data={"csrf_token": token, "email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_login_is_limited_per_account(client):
    user = make_user("seeker")
    for attempt in range(5):
        assert _attempt(client, user.email, "wrong password", ip=f"10.0.0.{attempt + 1}").status_code == 200
    # The sixth try in a minute is refused even with the right password and from a new address.
    response = _attempt(client, user.email, TEST_PASSWORD, ip="10.0.0.99")
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert "too many times" in response.get_data(as_text=True)


def test_login_is_limited_per_ip(app, client):
    for attempt in range(30):
        assert _attempt(client, f"nobody{attempt}@example.com", "wrong password").status_code == 200
    assert _attempt(client, "someone-else@example.com", "wrong password").status_code == 429
    assert _attempt(client, "someone-else@example.com", "wrong password", ip="10.9.9.9").status_code == 200


def test_rate_limit_page_is_translated(client):
    for _ in range(5):
        _attempt(client, "victim@example.com", "guess")
    token = form_token(client, "/ja/login")
    response = client.post("/ja/login", data={"csrf_token": token, "email": "victim@example.com", "password": "x"},
                           environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 429
    assert '<html lang="ja"' in response.get_data(as_text=True)


# ---- sessions ----------------------------------------------------------------------------------


def _login(client, user, password=TEST_PASSWORD):
    response = client.post("/en/login", data={"csrf_token": form_token(client), "email": user.email,
                                              "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def test_logout_makes_an_old_session_cookie_useless(app, client):
    user = make_user("seeker")
    _login(client, user)
    stolen = _session_cookie(client, app).value
    assert client.get("/en/account/").status_code == 200
    token = csrf_token_from(client.get("/en/account/").get_data(as_text=True))
    assert client.post("/en/logout", data={"csrf_token": token}).status_code == 302
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen)
    response = client.get("/en/account/")
    assert response.status_code == 302 and "/en/login" in response.headers["Location"]


def test_a_new_session_identifier_at_each_login(app, client):
    user = make_user("seeker")
    anonymous = _session_cookie(client, app)
    _login(client, user)
    first = _session_cookie(client, app).value
    assert anonymous is None or anonymous.value != first
    client.post("/en/logout", data={"csrf_token": csrf_token_from(client.get("/en/account/").get_data(as_text=True))})
    _login(client, user)
    assert _session_cookie(client, app).value != first
    assert len(_db.session.get(User, user.id).sessions) == 1


def test_password_change_logs_out_other_browsers(app, db):
    user = make_user("seeker")
    phone, laptop = app.test_client(), app.test_client()
    _login(phone, user)
    _login(laptop, user)
    token = csrf_token_from(laptop.get("/en/account/").get_data(as_text=True))
    response = laptop.post("/en/account/password", data={
        "csrf_token": token, "current_password": TEST_PASSWORD,
        "new_password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert laptop.get("/en/account/").status_code == 200  # this browser stays signed in
    assert phone.get("/en/account/").status_code == 302  # the other one is signed out


def test_suspended_user_loses_access(app, client):
    user = make_user("seeker")
    _login(client, user)
    from portal.timeutil import utcnow

    _db.session.get(User, user.id).suspended_at = utcnow()
    _db.session.commit()
    assert client.get("/en/account/").status_code == 302


# ---- error pages -------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "method", "status"), [
    ("/en/no-such-page", "get", 404),
    ("/ja/no-such-page", "get", 404),
    ("/en/logout", "get", 405),
    ("/en/staff/", "get", 403),
])
def test_error_pages_are_generic_and_translated(client, login_as, url, method, status):
    login_as("seeker")
    response = getattr(client, method)(url)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and "werkzeug" not in html.lower()
    if url.startswith("/ja/"):
        assert '<html lang="ja"' in html and "ページが見つかりません" in html


def test_server_error_page_hides_the_traceback(database_url):
    url, options = database_url
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "PROPAGATE_EXCEPTIONS": False, "TESTING": False})

    @app.get("/<lang:lang>/boom")
    def boom():
        raise RuntimeError("secret internals")

    with app.app_context():
        response = app.test_client().get("/ja/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internals" not in html and "Traceback" not in html
    assert '<html lang="ja"' in html
