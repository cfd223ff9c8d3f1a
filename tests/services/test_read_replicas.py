"""Read-only pages read from a real PostgreSQL streaming replica (portal/read_replicas.py).

The replica is a `pg_basebackup` of the PostgreSQL cluster the suite uses (CI_DATABASE_URL, in the
SQLite run as well), started on its own port in a temporary folder. Pausing its WAL replay makes a
posting written to the primary invisible on the replica, which shows where each page read from.
The cluster must accept replication connections from 127.0.0.1 (`make pg-replication` allows it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, select, text

from portal import create_app
from portal.extensions import db as _db
from portal.jobs.models import PostingView
from portal.taxonomy.services import load_reference_data

from tests.conftest import FreshContextClient
from tests.services.test_search import make_posting

PRIMARY_URL = os.environ.get("CI_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    """PostgreSQL's server programs refuse to run as root."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, **kwargs)


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (directory / name).exists():
            return str(directory / name)
    pytest.fail(f"{name} not found: the replica test needs the PostgreSQL server programs")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Replica:
    def __init__(self, primary_url: str):
        self.primary = make_url(primary_url)
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="kakehashi-replica-"))
        self.data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.url = self.primary.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def start(self) -> None:
        backup = _as_postgres(_bin("pg_basebackup"), "-h", self.primary.host or "127.0.0.1",
                              "-p", str(self.primary.port or 5432), "-U", self.primary.username or "postgres",
                              "-D", str(self.data), "-R", "-X", "stream", "-c", "fast")
        assert backup.returncode == 0, (
            "pg_basebackup failed (does pg_hba.conf allow replication from 127.0.0.1? "
            f"`make pg-replication`): {backup.stderr}")
        # Debian keeps the configuration outside the data folder: the copy needs its own.
        (self.data / "postgresql.conf").write_text(
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.folder}'\n"
            "hot_standby = on\nfsync = off\n")
        (self.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        (self.data / "pg_ident.conf").write_text("")
        for path in (self.data / "postgresql.conf", self.data / "pg_hba.conf", self.data / "pg_ident.conf"):
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
        self.start_again()

    def start_again(self) -> None:
        started = _as_postgres(_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "start")
        assert started.returncode == 0, started.stderr + (self.folder / "log").read_text(errors="replace")

    def stop(self) -> None:
        _as_postgres(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def sql(self, statement: str):
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                return connection.execute(text(statement)).scalar()
        finally:
            engine.dispose()

    def catch_up(self, primary_engine) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        with primary_engine.connect() as connection:
            target = connection.execute(text("SELECT pg_current_wal_lsn()")).scalar()
        deadline = time.monotonic() + 30
        while not self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            assert time.monotonic() < deadline, "the replica did not catch up within 30 s"
            time.sleep(0.05)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    """(app, replica): an app on a fresh schema of the primary, reading from a streaming replica."""
    replica = Replica(PRIMARY_URL)
    replica.start()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PRIMARY_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    app = create_app({
        "ENV_NAME": "test",
        "SQLALCHEMY_DATABASE_URI": PRIMARY_URL,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True,
                                      "connect_args": {"options": f"-csearch_path={schema}"}},
        "DATABASE_REPLICA_URLS": replica.url,
        "DATABASE_READ_YOUR_WRITES_SECONDS": 2,
        "RATELIMIT_STORAGE_URI": "memory://",
        "CV_DIRECTORY": str(tmp_path_factory.mktemp("cvs")),
        "MAIL_OUTBOX": str(tmp_path_factory.mktemp("outbox")),
    })
    app.test_client_class = FreshContextClient  # each request its own context, as in production
    try:
        with app.app_context():
            upgrade()
            load_reference_data()
            _db.session.remove()
        yield app, replica
    finally:
        with app.app_context():
            _db.session.remove()
            for engine in _db.engines.values():
                engine.dispose()
        replica.remove()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def world(replicated):
    app, replica = replicated
    with app.app_context():
        replica.sql("SELECT pg_wal_replay_resume()")
        yield app, replica
        replica.sql("SELECT pg_wal_replay_resume()")
        _db.session.remove()


def _posting_written_while_replay_is_paused(app, replica) -> int:
    """A published posting the primary has and the replica has not seen yet."""
    replica.catch_up(_db.engine)
    replica.sql("SELECT pg_wal_replay_pause()")
    return make_posting(title_en="Welder in Aichi").id


def test_job_pages_and_search_read_from_the_replica(world):
    app, replica = world
    client = app.test_client()
    posting_id = _posting_written_while_replay_is_paused(app, replica)

    assert client.get(f"/en/jobs/{posting_id}").status_code == 404  # the replica has not replayed it
    assert client.get(f"/api/v1/jobs/{posting_id}").status_code == 404

    replica.sql("SELECT pg_wal_replay_resume()")
    replica.catch_up(_db.engine)
    page = client.get(f"/en/jobs/{posting_id}")
    assert page.status_code == 200 and "Welder in Aichi" in page.get_data(as_text=True)


def test_a_routed_page_still_writes_to_the_primary(world):
    app, replica = world
    posting_id = make_posting(title_en="Care worker").id
    replica.catch_up(_db.engine)
    replica.sql("SELECT pg_wal_replay_pause()")  # a replica that cannot take writes anyway

    assert app.test_client().get(f"/en/jobs/{posting_id}").status_code == 200
    _db.session.rollback()
    views = _db.session.scalar(select(PostingView.views).where(PostingView.posting_id == posting_id))
    assert views == 1  # counted on the primary while the page was read from the replica


def test_after_a_write_the_browser_reads_its_own_writes_from_the_primary(world):
    app, replica = world
    client = app.test_client()
    posting_id = _posting_written_while_replay_is_paused(app, replica)
    assert client.get(f"/en/jobs/{posting_id}").status_code == 404

    wrote = client.post("/api/v1/match", json={"trade": "welder"})  # any write request sets the marker
    marker = wrote.headers.get("Set-Cookie", "")
    assert marker.startswith("kakehashi_wrote=") and "Max-Age=2" in marker  # DATABASE_READ_YOUR_WRITES_SECONDS
    assert client.get(f"/en/jobs/{posting_id}").status_code == 200  # primary
    assert app.test_client().get(f"/en/jobs/{posting_id}").status_code == 404  # another browser: replica

    client.delete_cookie("kakehashi_wrote")  # what the browser does when Max-Age runs out
    assert client.get(f"/en/jobs/{posting_id}").status_code == 404


def test_pages_keep_answering_when_the_replica_stops(world):
    app, replica = world
    posting_id = make_posting(title_en="Farm worker").id
    replica.catch_up(_db.engine)
    client = app.test_client()
    assert client.get(f"/en/jobs/{posting_id}").status_code == 200

    replica.stop()
    try:
        for path in (f"/en/jobs/{posting_id}", "/en/jobs", "/api/v1/jobs", "/sitemap.xml"):
            response = client.get(path)
            assert response.status_code == 200, path
        assert "Farm worker" in client.get(f"/en/jobs/{posting_id}").get_data(as_text=True)
    finally:
        replica.start_again()
