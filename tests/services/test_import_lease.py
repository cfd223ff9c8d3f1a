"""An import that outlasts its lease: it renews the lease while it collects, and a run whose lease
was taken over stores nothing, so a source is never stored by two hosts. Real HTTP on 127.0.0.1,
leases of a second or less instead of half an hour."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from werkzeug import Response

from portal import create_app
from portal.config import ConfigError, TestConfig
from portal.db import writing
from portal.extensions import db as _db
from portal.feeds.http import fetcher_from_config
from portal.feeds.models import ImportPage, ImportRun, ImportSource, RunStatus
from portal.feeds.services import Lease, add_source, claim, lease_length, run_source
from portal.jobs.models import Posting
from portal.timeutil import as_utc, utcnow

from tests.services.test_imports import allow_robots, indeed, jobpage, sitemap


@pytest.fixture
def fetcher(app):
    return fetcher_from_config(app.config)


def _postings(source_id: int) -> list[str]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(Posting.external_id).where(Posting.import_source_id == source_id)
                                    .order_by(Posting.external_id)))


def _runs(source_id: int) -> list[ImportRun]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(ImportRun).where(ImportRun.source_id == source_id).order_by(ImportRun.id)))


def _lease_row(engine, source_id: int):
    """The lease as another process sees it (its own connection)."""
    with engine.connect() as connection:
        owner, expires = connection.execute(select(ImportSource.lease_owner, ImportSource.lease_expires_at)
                                            .where(ImportSource.id == source_id)).one()
    return owner, as_utc(expires) if expires else None


def _jsonld_site(httpserver, pages: int, on_page, *, delay: float) -> None:
    """A sitemap of `pages` job pages, each answered after `delay` seconds, calling `on_page(i)` first."""
    allow_robots(httpserver)
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        sitemap(httpserver, {f"/jobs/{i}.html": "2026-03-01" for i in range(pages)}), content_type="application/xml")

    def page(i):
        def handler(_request):
            time.sleep(delay)
            on_page(i)
            return Response(jobpage(f"J{i:02d}", f"溶接工 {i}"), content_type="text/html")
        return handler

    for i in range(pages):
        httpserver.expect_request(f"/jobs/{i}.html").respond_with_handler(page(i))


def _page_requests(httpserver) -> int:
    return len([r for r, _ in httpserver.log if r.path.startswith("/jobs/")])


def test_a_run_whose_lease_is_taken_over_while_fetching_stores_nothing(httpserver, fetcher, app, db):
    """Fencing: the lease moves to another host while the feed is being served (the run is too short
    to renew it); the store transaction finds it gone and writes nothing but the run's own failure."""
    allow_robots(httpserver)
    ids = [f"T{i:02d}" for i in range(20)]
    feed = indeed([{"id": job_id, "title": f"溶接工 {job_id}"} for job_id in ids])
    engine = _db.engine
    source_id = add_source("takeover", httpserver.url_for("/feed.xml"), "indeed-xml").id
    served = []

    def serve_feed(_request):
        if not served:  # the first run's fetch: meanwhile another host takes the source over
            with engine.begin() as connection:
                connection.execute(update(ImportSource).where(ImportSource.id == source_id)
                                   .values(lease_owner="other-host:9", lease_expires_at=utcnow() + timedelta(minutes=30)))
        served.append(True)
        return Response(feed, content_type="application/xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(serve_feed)

    run = run_source(source_id, fetcher, owner="this-host:1")
    assert run.status == RunStatus.FAILED and run.error.startswith("lease_lost: ") and run.errors == 1
    assert (run.new, run.updated, run.closed) == (0, 0, 0)
    assert _postings(source_id) == []
    source = db.session.get(ImportSource, source_id)
    # The other host's lease and the source's state are left alone (nor was it released by the loser).
    assert _lease_row(engine, source_id)[0] == "other-host:9"
    assert source.content_hash is None and source.consecutive_failures == 0 and source.last_error is None
    assert source.last_run_at is None
    db.session.commit()

    # The host that took the source over imports it: every job, exactly once.
    other = run_source(source_id, fetcher, owner="other-host:9")
    assert (other.status, other.new) == (RunStatus.SUCCEEDED, len(ids)), other.error
    assert _postings(source_id) == ids
    assert [(r.status, (r.error or "")[:10]) for r in _runs(source_id)] == [
        (RunStatus.FAILED, "lease_lost"), (RunStatus.SUCCEEDED, "")]
    assert _lease_row(engine, source_id) == (None, None)
    assert len(served) == 2


def test_a_run_that_loses_its_lease_while_collecting_stops_fetching(httpserver, fetcher, app, db):
    """Renewal: a run with a short lease renews it between pages; once another process has taken
    the (expired) lease, the next renewal fails and the run stops fetching pages at once."""
    pages = 10
    engine = _db.engine
    source_id = None
    took_over = threading.Event()

    def on_page(i):
        if i != 2 or took_over.is_set():
            return
        # The lease is allowed to lapse (as if the run had stalled) and another host claims it.
        with app.app_context():
            for _attempt in range(50):
                with engine.begin() as connection:
                    connection.execute(update(ImportSource).where(ImportSource.id == source_id)
                                       .values(lease_expires_at=utcnow() - timedelta(seconds=1)))
                if claim(source_id, "other-host:9"):
                    took_over.set()
                    return
                time.sleep(0.01)

    _jsonld_site(httpserver, pages, on_page, delay=0.15)
    source_id = add_source("stalled", httpserver.url_for("/sitemap.xml"), "jsonld", max_concurrency=1,
                           delay_seconds=0).id

    run = run_source(source_id, fetcher, owner="this-host:1", lease=timedelta(seconds=0.4))
    assert took_over.is_set()
    assert run.status == RunStatus.FAILED and run.error.startswith("lease_lost: "), run.error
    assert _page_requests(httpserver) < pages  # it stopped collecting instead of fetching the rest
    assert _postings(source_id) == []
    assert db.session.scalar(select(func.count()).select_from(ImportPage)) == 0
    assert _lease_row(engine, source_id)[0] == "other-host:9"
    db.session.commit()

    other = run_source(source_id, fetcher, owner="other-host:9")
    assert (other.status, other.new) == (RunStatus.SUCCEEDED, pages), other.error
    assert _postings(source_id) == [f"J{i:02d}" for i in range(pages)]
    assert [r.status for r in _runs(source_id)] == [RunStatus.FAILED, RunStatus.SUCCEEDED]


def test_a_long_collect_renews_its_lease_and_keeps_the_source(httpserver, fetcher, app, db):
    """A collect several times longer than a one-second lease: the lease keeps moving forward (a few
    renewals, not one per page), and another host's claim late in the run is refused."""
    pages, length = 14, timedelta(seconds=1)
    engine = _db.engine
    source_id = None
    seen: list = []  # (page, lease expiry) as another process sees them
    rival_claims: list[bool] = []

    def on_page(i):
        seen.append((i, _lease_row(engine, source_id)))
        if i == pages - 2:  # ≈1.2 s in: a lease never renewed would have run out
            with app.app_context():
                rival_claims.append(claim(source_id, "other-host:9", lease=length))

    _jsonld_site(httpserver, pages, on_page, delay=0.1)
    source_id = add_source("slow-site", httpserver.url_for("/sitemap.xml"), "jsonld", max_concurrency=1,
                           delay_seconds=0).id
    started = utcnow()

    run = run_source(source_id, fetcher, owner="this-host:1", lease=length)
    assert (run.status, run.new) == (RunStatus.SUCCEEDED, pages), run.error
    assert rival_claims == [False]
    assert _postings(source_id) == [f"J{i:02d}" for i in range(pages)]
    assert _lease_row(engine, source_id) == (None, None)  # released at the end
    assert utcnow() - started > 1.3 * length  # the run did outlast its lease length

    assert {owner for _i, (owner, _expires) in seen} == {"this-host:1"}
    expiries = [expires for _i, (_owner, expires) in seen]
    assert expiries == sorted(expiries) and expiries[-1] > started + 1.5 * length  # renewed, forward
    assert 2 <= len(set(expiries)) < pages // 2  # renewed a few times, not on every page


def test_the_store_fence_locks_the_source_so_a_competing_claim_skips_it(httpserver, app, db):
    """The fencing UPDATE at the start of the store transaction holds the source's row (PostgreSQL:
    a row lock until commit; SQLite: the write lock): a claim meanwhile does not take the source even
    though its lease has run out, and takes it once the store has committed."""
    postgresql = db.engine.dialect.name == "postgresql"
    source_id = add_source("fenced", "https://jobs.example.org/feed.xml", "indeed-xml").id
    assert claim(source_id, "this-host:1", lease=timedelta(seconds=1))
    lease = Lease(source_id, "this-host:1", timedelta(seconds=1))
    later = utcnow() + timedelta(hours=1)  # for the competitor, every lease has run out

    def compete(results):
        with app.app_context():
            results.append(claim(source_id, "other-host:9", now=later))

    with writing():
        db.session.rollback()
        assert lease.fence()
        during: list[bool] = []
        thread = threading.Thread(target=compete, args=(during,))
        thread.start()
        if postgresql:
            thread.join(timeout=10)
            assert not thread.is_alive() and during == [False]  # skipped at once, not waited for
        else:  # SQLite serialises writers: the claim waits for the store's write lock (busy timeout)
            thread.join(timeout=0.5)
            assert thread.is_alive() and during == []
        db.session.commit()
    if not postgresql:
        thread.join(timeout=10)
        assert during == [True]  # once the store committed, the (run-out) lease could be taken
    after: list[bool] = []
    compete(after)
    assert after == [True]
    with writing():
        db.session.rollback()
        assert not lease.fence()  # the run's lease is gone now: its store would write nothing
        db.session.rollback()


def test_the_lease_length_is_configurable(httpserver, fetcher, app, db, monkeypatch, tmp_path):
    monkeypatch.setenv("IMPORT_LEASE_MINUTES", "45")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    configured = create_app(TestConfig)
    assert configured.config["IMPORT_LEASE_MINUTES"] == 45
    with configured.app_context():
        assert lease_length() == timedelta(minutes=45)
    monkeypatch.setenv("IMPORT_LEASE_MINUTES", "-1")
    with pytest.raises(ConfigError):
        create_app(TestConfig)
    assert app.config["IMPORT_LEASE_MINUTES"] == 30 and lease_length() == timedelta(minutes=30)

    # The running app's setting is what claim and a run's renewals use.
    monkeypatch.setitem(app.config, "IMPORT_LEASE_MINUTES", 45)
    source_id = add_source("configured", httpserver.url_for("/feed.xml"), "indeed-xml").id
    before = utcnow()
    assert claim(source_id, "this-host:1")
    _owner, expires = _lease_row(db.engine, source_id)
    assert before + timedelta(minutes=44) < expires < utcnow() + timedelta(minutes=46)
    db.session.execute(update(ImportSource).where(ImportSource.id == source_id)
                       .values(lease_owner=None, lease_expires_at=None))
    db.session.commit()

    engine, during = db.engine, []
    allow_robots(httpserver)

    def serve_feed(_request):
        during.append(_lease_row(engine, source_id))
        return Response(indeed([{"id": "C1", "title": "溶接工"}]), content_type="application/xml")

    httpserver.expect_request("/feed.xml").respond_with_handler(serve_feed)
    before = utcnow()
    run = run_source(source_id, fetcher, owner="this-host:1")
    assert run.status == RunStatus.SUCCEEDED, run.error
    ((owner, expires),) = during
    assert owner == "this-host:1" and before + timedelta(minutes=44) < expires < utcnow() + timedelta(minutes=46)
