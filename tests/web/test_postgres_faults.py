"""PostgreSQL failing under the app, in the ways a restart or a network fault looks from a worker.

A host that accepts connections but never answers (a hung server, a half-open network path) costs a
request DATABASE_CONNECT_TIMEOUT seconds, then the translated 503 page: the worker is not held until
gunicorn kills it. A connection the server cuts after the page was built (the restart drill in
bench/drill_postgres_restart.py found this as a 500) still gives the page, and the next request
gets a fresh connection. These run in both CI runs: CI_DATABASE_URL names the PostgreSQL server.
"""

import logging
import os
import socket
import threading

import pytest
from sqlalchemy import create_engine, text

from portal import create_app

PG_URL = os.environ.get("CI_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def silent_server():
    """A TCP port on 127.0.0.1 that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stopping.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stopping.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_production_config_sets_a_connect_timeout(monkeypatch):
    from portal.config import Config

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5499/test")
    assert create_app(Config).config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["connect_timeout"] == 5
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "2")
    assert create_app(Config).config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["connect_timeout"] == 2


@pytest.mark.parametrize(("lang", "text"), [("en", "Service unavailable"), ("ja", "サービスを利用できません")])
def test_a_database_that_never_answers_gives_the_503_page(monkeypatch, silent_server, lang, text):
    from portal.config import Config

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://postgres@127.0.0.1:{silent_server}/test")
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "1")
    monkeypatch.setenv("SITE_URL", "https://localhost")  # production answers only to SITE_URL's host
    app = create_app(Config)
    answers: list = []

    def ask() -> None:
        with app.app_context():
            answers.append(app.test_client().get(f"/{lang}/jobs/1", base_url="https://localhost"))

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    thread.join(timeout=60)  # a liveness bound, not a timing: without a connect timeout this never ends
    assert answers, "the request was still waiting for the silent database after 60 s"
    response = answers[0]
    assert response.status_code == 503
    assert text in response.get_data(as_text=True)


def test_a_connection_cut_after_the_page_was_built_still_gives_the_page(caplog):
    from portal.extensions import db

    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": PG_URL})
    cutter = create_engine(PG_URL, isolation_level="AUTOCOMMIT")

    @app.get("/test-cut-my-connection")
    def cut_my_connection():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))  # the request's transaction is open
        with cutter.connect() as connection:  # as a server restart would: terminate the backend, wait for it
            assert connection.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        return "built"

    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        response = client.get("/test-cut-my-connection")
    cutter.dispose()
    assert response.status_code == 200 and response.data == b"built"
    assert "database connection lost at the end of a request" in caplog.text
    assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(("lang", "message"), [("en", "Your changes were not saved"), ("ja", "変更は保存されませんでした")])
def test_a_read_only_postgresql_gives_the_not_saved_page(lang, message):
    """As a hot standby answers after a failover: every transaction is read-only."""
    from portal.extensions import db

    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": PG_URL, "SQLALCHEMY_ENGINE_OPTIONS": {
        "connect_args": {"options": "-c default_transaction_read_only=on"}}})

    @app.post("/<lang>/test-write")
    def write(lang=None):  # the locale code is taken by portal.i18n before the view
        db.session.execute(text("CREATE TABLE kakehashi_read_only_probe (id integer)"))
        db.session.commit()
        return "written"

    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post(f"/{lang}/test-write")
    assert response.status_code == 503
    assert message in response.get_data(as_text=True)
    probe = create_engine(PG_URL)
    with probe.connect() as connection:
        assert connection.scalar(text("SELECT to_regclass('kakehashi_read_only_probe')")) is None
    probe.dispose()
