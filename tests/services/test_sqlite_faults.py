"""Fault drills on SQLite: the disk fills up, the database file turns read-only.

Each test builds its own app on its own SQLite file (a copy of one migrated database), so the
drills run in both CI runs, also when DATABASE_URL points at PostgreSQL. Nothing is mocked:
"disk full" is SQLite's own limit on the file's size (PRAGMA max_page_count, set on every
connection of that app's engine), "read-only" is the file opened with mode=ro. A write then fails
inside SQLite with SQLITE_FULL or SQLITE_READONLY, as it would on a full disk or a read-only mount.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import event

from portal import create_app
from portal.accounts.services import start_session
from portal.extensions import db as _db
from portal.extensions import limiter
from portal.feeds.services import add_source
from portal.taxonomy.services import load_reference_data

from tests.conftest import FreshContextClient, csrf_token_from, make_user
from tests.services.test_imports import allow_robots, indeed
from tests.web.test_applications import make_posting
from tests.web.test_recruiter_postings import posting_form

NOT_SAVED = {
    "en": ("Your changes were not saved", "Nothing was changed. Please try again later."),
    "ja": ("変更は保存されませんでした", "何も変更されていません。しばらくしてからもう一度お試しください。"),
}
# A draft whose description needs overflow pages: it cannot fit into space the file already has.
LONG_DRAFT = posting_form(description_en="Welding car parts in Aichi. Dormitory provided. " * 200)


@dataclass
class Pristine:
    path: Path
    recruiter_token: str
    posting_id: int


def _config(url: str, directory: Path) -> dict:
    return {"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_STORAGE_URI": "memory://",
            "PORTAL_FETCH_ALLOWED_HOSTS": "127.0.0.1,localhost", "CV_DIRECTORY": str(directory),
            "MAIL_OUTBOX": str(directory)}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, app) -> Pristine:
    """One migrated SQLite database with a signed-in recruiter and a published job, copied per test.
    (`app` is the suite's app: the shared rate limiter is given back to it afterwards.)"""
    directory = tmp_path_factory.mktemp("faults")
    path = directory / "pristine.db"
    built = create_app(_config(f"sqlite:///{path}", directory))
    try:
        with built.app_context():
            upgrade()
            load_reference_data()
            recruiter = make_user("recruiter")
            token = start_session(recruiter)
            posting_id = make_posting(recruiter.organisation).id
            _db.session.remove()
            _db.engine.dispose()
        with sqlite3.connect(path) as connection:  # everything into the main file, which is what is copied
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Pristine(path, token, posting_id)
    finally:
        _give_limiter_back(app)


def _give_limiter_back(app) -> None:
    limiter._storage_dead = False
    limiter.init_app(app)


@pytest.fixture
def database(pristine, tmp_path) -> Path:
    path = tmp_path / "portal.db"
    shutil.copy(pristine.path, path)
    return path


@pytest.fixture
def make_app(database, tmp_path, app):
    """make_app(read_only=False) → an app on this test's copy of the database."""
    built = []

    def _make(*, read_only: bool = False):
        url = f"sqlite:///file:{database}?mode=ro&uri=true" if read_only else f"sqlite:///{database}"
        new = create_app(_config(url, tmp_path))
        new.test_client_class = FreshContextClient
        built.append(new)
        return new

    yield _make
    for each in built:
        with each.app_context():
            _db.engine.dispose()
    _give_limiter_back(app)


def fill_the_disk(app, extra_pages: int = 1) -> None:
    """From now on this app's connections may grow the file by `extra_pages` pages, no more:
    a write that needs more space fails with SQLITE_FULL, "database or disk is full"."""

    def limit(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + extra_pages:d}")
        cursor.close()

    with app.app_context():
        event.listen(_db.engine, "connect", limit)
        _db.engine.dispose()  # connections opened before have no limit


def snapshot(path: Path) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows, read through a new read-only connection."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        result = {}
        for table in tables:
            rows = sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{table}"'))  # noqa: S608
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return result
    finally:
        connection.close()


def changed_tables(before: dict, after: dict) -> dict:
    return {table: (before.get(table, (0,))[0], after.get(table, (0,))[0])
            for table in sorted(set(before) | set(after)) if before.get(table) != after.get(table)}


def signed_in(app, token: str):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def post_draft(client, lang: str):
    url = f"/{lang}/recruiter/postings/new"
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data={**LONG_DRAFT, "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def assert_not_saved_page(response, lang: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html
    assert f'<html lang="{lang}"' in html
    title, message = NOT_SAVED[lang]
    assert f"<h1>{title}</h1>" in html and message in html
    assert response.headers["Retry-After"] == "30" and response.headers["Cache-Control"] == "no-store"
    for leak in ("Traceback", "sqlite", "INSERT", "OperationalError"):
        assert leak not in html


# ---- a. the disk is full --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_disk_full_write_gets_a_translated_page_and_changes_nothing(make_app, database, pristine, lang, caplog):
    site = make_app()
    fill_the_disk(site)
    client = signed_in(site, pristine.recruiter_token)
    before = snapshot(database)

    with caplog.at_level(logging.ERROR, logger="portal.security"):
        response = post_draft(client, lang)

    assert_not_saved_page(response, lang)
    assert changed_tables(before, snapshot(database)) == {}
    assert any(record.levelno == logging.ERROR and "disk full or read-only" in record.getMessage()
               and "database or disk is full" in record.getMessage() for record in caplog.records)
    # Reading still works on a full disk, for visitors and for the same signed-in recruiter.
    for url in (f"/{lang}/", f"/{lang}/jobs", f"/{lang}/jobs/{pristine.posting_id}", f"/{lang}/recruiter/"):
        assert client.get(url).status_code == 200, url

    # Space again (a new app: connections without the limit): the same request is saved.
    client = signed_in(make_app(), pristine.recruiter_token)
    assert post_draft(client, lang).status_code == 302
    assert snapshot(database)["postings"][0] == before["postings"][0] + 1


# ---- b. the database is read-only ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_read_only_database_serves_reads_and_refuses_writes_cleanly(make_app, database, pristine, lang, caplog):
    before = snapshot(database)
    site = make_app(read_only=True)
    visitor = site.test_client()
    for url in (f"/{lang}/", f"/{lang}/jobs", f"/{lang}/jobs?q=welder", f"/{lang}/jobs/{pristine.posting_id}",
                f"/{lang}/login"):
        assert visitor.get(url).status_code == 200, url

    client = signed_in(site, pristine.recruiter_token)
    with caplog.at_level(logging.ERROR, logger="portal.security"):
        response = post_draft(client, lang)

    assert_not_saved_page(response, lang)
    assert any("attempt to write a readonly database" in record.getMessage() for record in caplog.records)
    assert client.get(f"/{lang}/recruiter/").status_code == 200  # still signed in, still reading
    assert changed_tables(before, snapshot(database)) == {}


# ---- c. the importer on a full or read-only database ------------------------------------------------


def _big_feed(httpserver, count: int = 400) -> str:
    allow_robots(httpserver)
    jobs = [{"id": f"F{i}", "title": f"溶接工 {i}", "description": "自動車部品の溶接作業です。寮あり。" * 20}
            for i in range(count)]
    httpserver.expect_request("/big.xml").respond_with_data(indeed(jobs), content_type="application/xml")
    return httpserver.url_for("/big.xml")


def _rows(path: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_cli_import_into_a_full_database_fails_clearly_and_stores_no_posting(make_app, database, httpserver):
    site = make_app()
    with site.app_context():
        add_source("big", _big_feed(httpserver), "indeed-xml")
    fill_the_disk(site, extra_pages=20)  # room for some of the 400 postings, not for all
    inserted = []

    def count_inserts(dbapi_connection, _record):
        dbapi_connection.set_trace_callback(
            lambda sql: inserted.append(1) if sql.startswith("INSERT INTO postings ") else None)

    with site.app_context():
        event.listen(_db.engine, "connect", count_inserts)
    before = snapshot(database)

    with site.app_context():
        result = site.test_cli_runner().invoke(args=["import", "--source", "big"])

    assert result.exit_code == 1, result.output
    assert "big: failed" in result.stdout and "database or disk is full" in result.stdout, result.stdout
    assert len(inserted) > 1  # the disk filled up part-way through the postings, inside the transaction
    changed = changed_tables(before, snapshot(database))
    # What remains is the record of the failure (a run, the source's health), no posting, flag or page.
    assert set(changed) <= {"import_runs", "import_sources"}, changed
    assert _rows(database, "SELECT status, new FROM import_runs") == [("failed", 0)]
    assert _rows(database, "SELECT lease_owner, consecutive_failures FROM import_sources") == [(None, 1)]
    assert _rows(database, "SELECT count(*) FROM postings WHERE import_source_id IS NOT NULL") == [(0,)]


def test_cli_import_into_a_read_only_database_fails_clearly_and_changes_nothing(make_app, database, httpserver,
                                                                               tmp_path):
    site = make_app()
    with site.app_context():
        add_source("big", _big_feed(httpserver), "indeed-xml")
        _db.session.remove()
        _db.engine.dispose()
    before = snapshot(database)
    env = {**os.environ, "PORTAL_ENV": "test", "DATABASE_URL": f"sqlite:///file:{database}?mode=ro&uri=true",
           "PORTAL_FETCH_ALLOWED_HOSTS": "127.0.0.1", "CV_DIRECTORY": str(tmp_path), "MAIL_OUTBOX": str(tmp_path)}

    process = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", "import"], env=env,
                             capture_output=True, text=True, timeout=60, check=False)

    assert process.returncode == 1, (process.stdout, process.stderr)
    assert ("Error: big: not imported: the database cannot be written (disk full or read-only): "
            "attempt to write a readonly database") in process.stderr
    assert "Traceback" not in process.stderr
    assert changed_tables(before, snapshot(database)) == {}
