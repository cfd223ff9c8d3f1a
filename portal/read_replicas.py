"""Read-only pages read from PostgreSQL streaming replicas; everything else uses the primary.

`DATABASE_REPLICA_URLS` (comma-separated) names the replicas; `config.load` makes each one an engine
bind (`replica_0`, `replica_1`…) with the primary's engine options. A request reads from a replica
when all of these hold:

* it is a GET or HEAD to an endpoint in READ_ONLY_ENDPOINTS (search, job pages, API reads, feeds
  and sitemaps): pages whose data may be a few hundred milliseconds old;
* the browser has not sent a write in the last `DATABASE_READ_YOUR_WRITES_SECONDS`: every write
  request (POST, PUT, PATCH, DELETE) is answered with a short-lived cookie that keeps the next
  requests on the primary, so a seeker who has just applied sees the application;
* the replica answers: one that refuses a connection is left alone for `REPLICA_RETRY_SECONDS` and
  the primary serves the page instead, so a stopped replica costs no request.

Inside a routed request anything that writes (an ORM flush, an INSERT, UPDATE or DELETE, a textual
statement that is not a SELECT) still goes to the primary, and code that uses `db.engine` directly
(the view counter, imports) always does.
"""

from __future__ import annotations

import logging
import random
import threading
import time

from flask import Flask, current_app, g, has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import TextClause

from portal.db import SAFE_METHODS

log = logging.getLogger(__name__)

READ_ONLY_ENDPOINTS = frozenset({
    "public.home", "public.jobs", "public.job", "public.quick_match",
    "api.jobs", "api.job", "api.sectors", "api.prefectures", "api.occupations", "api.trades",
    "feeds.jobs_atom", "feeds.sitemap_index", "feeds.sitemap_pages", "feeds.sitemap_jobs",
})
WRITE_COOKIE = "kakehashi_wrote"
BIND_PREFIX = "replica_"

_down_until: dict[str, float] = {}
_down_lock = threading.Lock()
_PRIMARY = object()  # g's marker: this request reads from the primary


def replica_binds(urls: str, engine_options: dict) -> dict[str, dict]:
    """SQLALCHEMY_BINDS entries for the comma-separated replica URLs, with the primary's engine options
    (Flask-SQLAlchemy gives SQLALCHEMY_ENGINE_OPTIONS to the default engine only)."""
    names = [url.strip() for url in urls.split(",") if url.strip()]
    return {f"{BIND_PREFIX}{number}": {**engine_options, "url": url} for number, url in enumerate(names)}


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, reading from a replica during a routed request."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and not self._flushing and not _writes(clause):
            engine = _request_replica()
            if engine is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _writes(clause) -> bool:
    if clause is None:
        return False
    if getattr(clause, "is_dml", False):
        return True
    if isinstance(clause, TextClause):
        return not clause.text.lstrip().upper().startswith(("SELECT", "WITH"))
    return False


def _request_replica():
    """The replica engine this request reads from, or None for the primary (decided once a request)."""
    if not has_request_context():
        return None
    chosen = g.get("_read_engine")
    if chosen is None:
        chosen = _choose() or _PRIMARY
        g._read_engine = chosen
    return None if chosen is _PRIMARY else chosen


def _choose():
    app = current_app
    keys = [key for key in app.config.get("SQLALCHEMY_BINDS") or {} if key.startswith(BIND_PREFIX)]
    if not keys or request.method not in SAFE_METHODS or request.endpoint not in READ_ONLY_ENDPOINTS:
        return None
    if request.cookies.get(WRITE_COOKIE):
        return None
    from portal.extensions import db

    random.shuffle(keys)
    now = time.monotonic()
    for key in keys:
        with _down_lock:
            if _down_until.get(key, 0.0) > now:
                continue
        engine = db.engines[key]
        try:
            # A checkout pings the server (pool_pre_ping): a stopped replica fails here, not mid-page.
            with engine.connect():
                pass
        except DBAPIError as error:
            from portal.security import driver_message

            with _down_lock:
                _down_until[key] = now + float(app.config["REPLICA_RETRY_SECONDS"])
            log.warning("replica %s not answering, reading from the primary: %s", key, driver_message(error))
            continue
        return engine
    return None


def init_app(app: Flask) -> None:
    if not any(key.startswith(BIND_PREFIX) for key in app.config.get("SQLALCHEMY_BINDS") or {}):
        return

    @app.after_request
    def _remember_write(response):
        if request.method not in SAFE_METHODS:
            response.set_cookie(WRITE_COOKIE, "1", max_age=int(app.config["DATABASE_READ_YOUR_WRITES_SECONDS"]),
                                secure=app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
        return response
