"""Several hosts may run `flask import` from cron at once: a source is never imported twice
concurrently. Two real processes race for the same source against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from urllib.parse import quote

from sqlalchemy import func, select
from werkzeug import Response

from portal.extensions import db as _db
from portal.feeds.models import ImportRun
from portal.feeds.services import add_source
from portal.jobs.models import Posting

from tests.services.test_imports import allow_robots, indeed


def _process_url(database_url) -> str:
    url, options = database_url
    search_path = options.get("connect_args", {}).get("options")
    return f"{url}?options={quote(search_path)}" if search_path else url


def test_two_import_processes_never_import_the_same_source_twice(httpserver, database_url, db):
    allow_robots(httpserver)
    feed = indeed([{"id": f"R{i}", "title": f"溶接工 {i}"} for i in range(50)])

    def slow_feed(_request):
        time.sleep(2)  # long enough for the second process to try while the first holds the lease
        return Response(feed, content_type="application/xml")

    httpserver.expect_request("/race.xml").respond_with_handler(slow_feed)
    source = add_source("race", httpserver.url_for("/race.xml"), "indeed-xml")
    env = {**os.environ, "PORTAL_ENV": "test", "DATABASE_URL": _process_url(database_url),
           "PORTAL_FETCH_ALLOWED_HOSTS": "127.0.0.1"}
    command = [sys.executable, "-m", "flask", "--app", "portal", "import", "--source", "race"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    stdout = [out for out, _ in outputs]
    assert sum("another process is importing it" in out for out in stdout) == 1, stdout
    assert sum("succeeded" in out for out in stdout) == 1, stdout
    _db.session.expire_all()
    assert _db.session.scalar(select(func.count()).select_from(ImportRun).where(ImportRun.source_id == source.id)) == 1
    assert _db.session.scalar(select(func.count()).select_from(Posting).where(Posting.import_source_id == source.id)) == 50
    assert len([r for r, _ in httpserver.log if r.path == "/race.xml"]) == 1
