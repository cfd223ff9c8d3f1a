"""`flask --app portal backup PATH` and `restore PATH` on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from portal import create_app
from portal.extensions import db as _db

from tests.services.test_search import make_posting

PG_URL = os.environ.get("CI_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

POSTINGS = "SELECT id, title_en, title_ja, status, salary_min FROM postings ORDER BY id"


def _rows(connection, sql=POSTINGS):
    return [tuple(row) for row in connection.execute(text(sql) if not isinstance(connection, sqlite3.Connection)
                                                     else sql).fetchall()]


@pytest.fixture
def sqlite_app(app, db, tmp_path_factory):
    """The session's app on SQLite; in the PostgreSQL run, a SQLite app of its own (so that the SQLite
    backup is tested in both runs, never skipped)."""
    if db.engine.dialect.name == "sqlite":
        yield app
        return
    from portal.taxonomy.services import load_reference_data

    path = tmp_path_factory.mktemp("sqlite-backup") / "portal.db"
    other = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with other.app_context():
        upgrade()
        load_reference_data()
        yield other
        _db.session.remove()


def test_sqlite_backup_while_a_write_is_in_progress_then_restore(sqlite_app, tmp_path):
    for number in range(3):
        make_posting(title_en=f"Welder {number}", title_ja=f"溶接工 {number}")
    database = _db.engine.url.database
    with _db.engine.connect() as connection:
        before = _rows(connection)

    # Another process is in the middle of a write transaction when the backup runs.
    writer = sqlite3.connect(database, isolation_level=None, timeout=10)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE postings SET title_en = 'half-written'")
    try:
        result = sqlite_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "site.db")])
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output

    # The backup is the last committed state: the postings, not the half-done write.
    copy = sqlite3.connect(tmp_path / "site.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _rows(copy) == before
    copy.close()
    assert not (tmp_path / "site.db-wal").exists()  # one self-contained file

    # Restore into a new, empty database file.
    target = tmp_path / "restored" / "portal.db"
    other = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}"})
    with other.app_context():  # the CLI runs in the current app context: make it the other app's
        result = other.test_cli_runner().invoke(args=["restore", str(tmp_path / "site.db"), "--yes"])
    assert result.exit_code == 0, result.output
    restored = sqlite3.connect(target)
    assert _rows(restored) == before
    assert restored.execute("SELECT count(*) FROM prefectures").fetchone()[0] == 47
    restored.close()


def test_sqlite_restore_refuses_a_file_that_is_not_a_database(sqlite_app, tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("this is not a database\n" * 10)
    target = tmp_path / "portal.db"
    other = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}"})
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
    assert "is not a SQLite database" in result.output
    assert not target.exists() or target.stat().st_size == 0


def test_restore_asks_for_confirmation(sqlite_app, tmp_path):
    result = sqlite_app.test_cli_runner().invoke(args=["restore", __file__], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output


def test_postgresql_backup_and_restore_round_trip(tmp_path):
    """Needs PostgreSQL and pg_dump/pg_restore (`apt-get install postgresql-client`): fails, never skips."""
    assert PG_URL.startswith("postgresql"), PG_URL
    schema = f"backup_{uuid.uuid4().hex[:10]}"
    scratch_db = f"restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(text(f'CREATE DATABASE "{scratch_db}"'))
    options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    try:
        source = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": PG_URL,
                             "SQLALCHEMY_ENGINE_OPTIONS": options})
        with source.app_context():
            upgrade()
            from portal.taxonomy.services import load_reference_data

            load_reference_data()
            for number in range(3):
                make_posting(title_en=f"Carer {number}", title_ja=f"介護職 {number}")
            with _db.engine.connect() as connection:
                before = _rows(connection)
            result = source.test_cli_runner().invoke(args=["backup", str(tmp_path / "site.dump")])
            assert result.exit_code == 0, result.output
            _db.engine.dispose()
        assert (tmp_path / "site.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

        scratch_url = PG_URL.rsplit("/", 1)[0] + f"/{scratch_db}"
        target = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": scratch_url,
                             "SQLALCHEMY_ENGINE_OPTIONS": options})
        with target.app_context():
            runner = target.test_cli_runner()
            for _ in range(2):  # --clean: restoring over an earlier restore works too
                result = runner.invoke(args=["restore", str(tmp_path / "site.dump"), "--yes"])
                assert result.exit_code == 0, result.output
            with _db.engine.connect() as connection:
                assert _rows(connection) == before
                assert connection.execute(text("SELECT count(*) FROM prefectures")).scalar_one() == 47
            _db.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch_db}" WITH (FORCE)'))
        admin.dispose()


def test_restore_refuses_a_file_that_is_not_a_pg_dump_archive(tmp_path):
    junk = tmp_path / "site.dump"
    junk.write_text("not an archive")
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": PG_URL})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
        _db.engine.dispose()
    assert result.exit_code != 0 and "pg_restore failed" in result.output


def test_backup_says_how_to_install_pg_dump_when_it_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on this PATH
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": PG_URL})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "site.dump")])
    assert result.exit_code != 0
    assert "pg_dump was not found" in result.output and "apt-get install postgresql-client" in result.output
