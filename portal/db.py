"""Database engine behaviour that the ORM does not give by default.

SQLite is the embedded default, so it is tuned for a small web server with several workers:
WAL (readers never block the writer), a busy timeout (writers queue instead of failing), and
write transactions that start with BEGIN IMMEDIATE. A deferred transaction that reads first and
writes later cannot wait for the lock: SQLite fails it at once with "database is locked" when
another writer got in between. Taking the write lock at BEGIN makes such transactions queue.
Reads (GET requests) keep a plain deferred BEGIN so they run concurrently.
"""

from __future__ import annotations

import contextlib
import contextvars
import sqlite3
from collections.abc import Iterator

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

_force_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("force_immediate", default=False)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _wants_immediate() -> bool:
    if _force_immediate.get():
        return True
    if has_request_context():
        return request.method not in SAFE_METHODS
    return False  # outside requests, code that writes says so with `writing()` (CLI commands do)


@contextlib.contextmanager
def writing() -> Iterator[None]:  # noqa: D401
    """Transactions begun inside this block take the write lock at once (SQLite).

    Request handlers need not use it: POST, PUT, PATCH and DELETE requests always do.
    """
    token = _force_immediate.set(True)
    try:
        yield
    finally:
        _force_immediate.reset(token)


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event issue BEGIN itself instead of pysqlite's implicit one.
    dbapi_connection.isolation_level = None
    timeout = 10_000
    with contextlib.suppress(RuntimeError):
        timeout = int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={timeout:d}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_immediate() else "BEGIN")


def is_sqlite(engine) -> bool:
    return engine.dialect.name == "sqlite"


def include_object(object, name, type_, reflected, compare_to) -> bool:  # noqa: A002 - Alembic's signature
    """For Alembic: the full-text index (FTS5 tables on SQLite, the posting_terms table on
    PostgreSQL) is managed by hand (portal/jobs/search_index.py), not from the models."""
    if type_ == "table" and (name.startswith("postings_fts") or name == "posting_terms"):
        return False
    return not (type_ == "index" and name == "ix_postings_search")
