"""Operations: request ids and JSON logs, Redis down, database down."""

from __future__ import annotations

import io
import json
import logging
import os
import uuid

import pytest
import redis

from portal import create_app
from portal.extensions import limiter
from portal.logging import JsonFormatter

from tests.conftest import TEST_PASSWORD, form_token, make_user

CLOSED_REDIS = "redis://127.0.0.1:6390/0"
CLOSED_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5499/test"


@pytest.fixture
def log_lines():
    """Every log line written while the test runs, as the JSON the production handler writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    lines: list[str] = []
    yield lambda: lines or lines.extend(stream.getvalue().splitlines()) or lines
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def restore_limiter(app):
    """Tests that build apps with other rate-limit storage give the shared limiter back to `app`."""
    yield
    limiter._storage_dead = False
    limiter.init_app(app)


# ---- request ids and structured logs -----------------------------------------------------------


def test_each_request_gets_an_id_and_one_json_access_line(client, log_lines):
    response = client.get("/en/jobs?q=welder")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32 and client.get("/en/jobs").headers["X-Request-ID"] != request_id
    entries = [json.loads(line) for line in log_lines()]
    access = [e for e in entries if e["logger"] == "portal.access" and e["request_id"] == request_id]
    assert len(access) == 1
    line = access[0]
    assert line["level"] == "INFO" and line["method"] == "GET" and line["path"] == "/en/jobs"
    assert line["status"] == 200 and line["duration_ms"] >= 0 and line["time"].endswith("+00:00")
    assert "welder" not in json.dumps(entries)  # no query strings in the logs


def test_a_safe_incoming_request_id_is_kept_and_an_unsafe_one_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.21"}).headers["X-Request-ID"] == "lb-7f3a.21"
    for bad in ("x" * 65, "id with spaces", "<script>", "a\\b"):
        returned = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert returned != bad and len(returned) == 32


def test_log_lines_inside_a_request_carry_its_id(database_url, restore_limiter, log_lines):
    url, options = database_url
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "LOG_LEVEL": "INFO"})

    @app.get("/__log_probe")
    def probe():
        logging.getLogger("portal.probe").warning("probing")
        return "ok"

    with app.app_context():
        response = app.test_client().get("/__log_probe", headers={"X-Request-ID": "probe-1"})
    assert response.status_code == 200
    entries = [json.loads(line) for line in log_lines() if "probe-1" in line]
    assert {e["logger"] for e in entries} == {"portal.probe", "portal.access"}
    probe_line = next(e for e in entries if e["logger"] == "portal.probe")
    assert probe_line["message"] == "probing" and probe_line["level"] == "WARNING"
    assert probe_line["path"] == "/__log_probe" and probe_line["method"] == "GET"


def test_login_logs_contain_no_password_cookie_or_token(app, client, log_lines):
    user = make_user("seeker")
    token = form_token(client)
    response = client.post("/en/login", data={"csrf_token": token, "email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    client.post("/en/login", data={"csrf_token": token, "email": user.email, "password": "a wrong guess 1234"})
    client.get("/en/alerts/unsubscribe/secret-unsubscribe-token-123")
    text = "\n".join(log_lines())
    assert "/en/login" in text and "[redacted]" in text
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    for secret in (TEST_PASSWORD, "a wrong guess 1234", token, cookie, "secret-unsubscribe-token-123"):
        assert secret not in text


# ---- Redis down: rate limits fall back to memory -----------------------------------------------


def test_redis_down_login_still_works_and_is_limited_in_memory(database_url, restore_limiter, caplog):
    url, options = database_url
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "REDIS_URL": CLOSED_REDIS, "WTF_CSRF_ENABLED": False})
    assert app.config["RATELIMIT_STORAGE_URI"] == CLOSED_REDIS
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"), app.app_context():
        assert client.get("/en/login").status_code == 200
        email = f"nobody-{uuid.uuid4().hex[:6]}@example.com"
        statuses = [client.post("/en/login", data={"email": email, "password": "wrong"}).status_code
                    for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert any("falling back to in-memory" in record.getMessage() for record in caplog.records)


def test_two_app_instances_share_limits_through_redis(database_url, restore_limiter):
    """Needs Redis at REDIS_URL_FOR_TESTS (default 127.0.0.1:6379/15): fails, never skips."""
    redis_url = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/15")
    redis.Redis.from_url(redis_url).ping()
    url, options = database_url
    prefix = f"ops-{uuid.uuid4().hex[:8]}"
    hosts = [create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                         "REDIS_URL": redis_url, "RATELIMIT_KEY_PREFIX": prefix, "WTF_CSRF_ENABLED": False})
             for _ in range(2)]
    assert all(host.config["RATELIMIT_STORAGE_URI"] == redis_url for host in hosts)
    email = f"shared-{uuid.uuid4().hex[:6]}@example.com"
    statuses = []
    for attempt in range(6):
        host = hosts[attempt % 2]
        with host.app_context():
            statuses.append(host.test_client().post("/en/login", data={"email": email, "password": "x"}).status_code)
    assert statuses == [200] * 5 + [429]
    keys = redis.Redis.from_url(redis_url).keys(f"*{prefix}*")
    assert keys  # the counts really are in Redis


# ---- database down: a translated 503 -----------------------------------------------------------


@pytest.fixture
def app_without_database(restore_limiter):
    return create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": CLOSED_POSTGRES,
                       "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}}})


@pytest.mark.parametrize(("url", "lang", "text"), [
    ("/en/jobs", "en", "Service unavailable"),
    ("/ja/jobs", "ja", "サービスを利用できません"),
])
def test_database_down_gives_a_translated_503(app_without_database, caplog, url, lang, text):
    with app_without_database.app_context():
        response = app_without_database.test_client().get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html
    assert f'<html lang="{lang}"' in html and text in html
    assert response.headers["Retry-After"] == "30"
    assert "Traceback" not in html and "psycopg" not in html


def test_database_down_readyz_is_503_and_healthz_200(app_without_database):
    client = app_without_database.test_client()
    with app_without_database.app_context():
        ready = client.get("/readyz")
        health = client.get("/healthz")
    assert ready.status_code == 503 and ready.get_json()["database"] == "unreachable"
    assert health.status_code == 200


def test_production_postgresql_pool_pings_connections(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", CLOSED_POSTGRES)
    monkeypatch.setenv("DATABASE_POOL_SIZE", "3")
    from portal.config import Config

    app = create_app(Config)
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True and options["pool_size"] == 3 and options["hide_parameters"] is True
