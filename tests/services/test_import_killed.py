"""An import killed while it writes (SIGKILL: the OOM killer, a host going down, `kill -9` on a stuck
cron job) loses nothing and duplicates nothing once the source is imported again.

A real `flask --app portal import` process fetches a few thousand Indeed-XML jobs from a local
server and is killed inside its store transaction, after it has begun writing postings (on
PostgreSQL: it holds a row lock on `postings`; on SQLite: it holds the write lock and has written
uncommitted pages to the WAL). The database is the test session's own, as the other import tests
use it: the session's SQLite file, or its PostgreSQL schema when DATABASE_URL points at one.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text, update
from werkzeug import Response

from portal.extensions import db as _db
from portal.feeds.http import fetcher_from_config
from portal.feeds.models import ImportRun, ImportSource, RunStatus
from portal.feeds.services import INTERRUPTED, add_source, run_source
from portal.jobs.models import Posting
from portal.timeutil import utcnow

from tests.services.test_import_concurrency import _process_url
from tests.services.test_imports import allow_robots, indeed

JOBS = 3000


def _wait_for(condition, what: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the import ended before {what}: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.005)


class StoreWatcher:
    """Is the import process inside its store transaction and writing postings?"""

    def __init__(self, database_url: tuple[str, dict]):
        url, _options = database_url
        self.sqlite_path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else None
        self.wal_before = None

    def _wal(self):
        try:
            stat = Path(f"{self.sqlite_path}-wal").stat()
        except FileNotFoundError:
            return (0, 0)
        return (stat.st_size, stat.st_mtime_ns)

    def feed_served(self) -> None:
        """From now on the only writer is the store transaction (claim and run row come before the fetch)."""
        if self.sqlite_path is not None:
            self.wal_before = self._wal()

    def writing(self) -> bool:
        if self.sqlite_path is None:
            with _db.engine.connect() as connection:  # a row lock on postings held by another backend
                return bool(connection.scalar(text(
                    "SELECT count(*) FROM pg_locks WHERE relation = to_regclass('postings') "
                    "AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid()")))
        if self._wal() == self.wal_before:
            return False  # no page written since the feed was served
        connection = sqlite3.connect(self.sqlite_path, timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            return False  # nobody holds the write lock: the pages written were a commit, not a store under way
        except sqlite3.OperationalError as error:
            return "locked" in str(error)
        finally:
            connection.close()


def test_an_import_killed_while_storing_is_redone_completely_and_exactly_once(httpserver, database_url, db, app):
    allow_robots(httpserver)
    ids = [f"K{i:05d}" for i in range(JOBS)]
    feed = indeed([{"id": job_id, "title": f"溶接工 {job_id}", "description": f"自動車部品の溶接作業です。{job_id} " * 8}
                   for job_id in ids]).encode()
    served = threading.Event()

    def serve_feed(_request):
        served.set()
        return Response(feed, content_type="application/xml")

    httpserver.expect_request("/killed.xml").respond_with_handler(serve_feed)
    source_id = add_source("killed", httpserver.url_for("/killed.xml"), "indeed-xml").id
    _db.session.commit()  # hold no snapshot (SQLite) while the other process works
    env = {**os.environ, "PORTAL_ENV": "test", "DATABASE_URL": _process_url(database_url),
           "PORTAL_FETCH_ALLOWED_HOSTS": "127.0.0.1"}
    watcher = StoreWatcher(database_url)

    # 1. The first import is killed (with the worker processes it forked) while it writes.
    killed = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "import"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for(served.is_set, "the feed was served", killed)
        watcher.feed_served()
        _wait_for(watcher.writing, "it writes postings", killed)
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.communicate(timeout=30)
    assert killed.returncode == -signal.SIGKILL

    source = _db.session.get(ImportSource, source_id)
    assert source.lease_owner and source.lease_owner.endswith(f":{killed.pid}")
    (run,) = _db.session.scalars(select(ImportRun).where(ImportRun.source_id == source_id)).all()
    assert run.status == RunStatus.RUNNING and run.host == source.lease_owner
    count = select(func.count()).select_from(Posting).where(Posting.import_source_id == source_id)
    assert _db.session.scalar(count) == 0  # its transaction never committed
    _db.session.commit()

    # 2. While its lease lasts (LEASE, 30 minutes), the dead process still holds the source.
    assert run_source(source_id, fetcher_from_config(app.config)) is None

    # 3. The lease runs out (moved into the past instead of waiting half an hour; on PostgreSQL the
    #    update also waits until the server has rolled back the dead connection's transaction).
    _db.session.execute(update(ImportSource).where(ImportSource.id == source_id)
                        .values(lease_expires_at=utcnow() - timedelta(seconds=1)))
    _db.session.commit()

    # 4. The next import runs to completion.
    result = app.test_cli_runner().invoke(args=["import"])  # as cron runs it: every due source
    assert result.exit_code == 0, result.output
    assert "killed: succeeded" in result.stdout and f"new {JOBS}," in result.stdout, result.stdout

    _db.session.commit()
    stored = _db.session.scalars(select(Posting.external_id).where(Posting.import_source_id == source_id)).all()
    assert len(stored) == JOBS and sorted(stored) == ids  # every job, each exactly once
    runs = _db.session.scalars(select(ImportRun).where(ImportRun.source_id == source_id).order_by(ImportRun.id)).all()
    assert [(r.status, r.error) for r in runs] == [(RunStatus.FAILED, INTERRUPTED), (RunStatus.SUCCEEDED, None)]
    assert runs[1].new == JOBS
    source = _db.session.get(ImportSource, source_id)
    assert source.lease_owner is None and source.consecutive_failures == 0 and source.last_success_at is not None
    assert len([r for r, _ in httpserver.log if r.path == "/killed.xml"]) == 2
