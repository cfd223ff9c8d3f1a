"""Shared fixtures: `app`, `db`, `client`, `login_as(role)`, and small factories.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one; on
PostgreSQL every run gets a fresh schema, dropped at the end.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from portal import create_app
from portal.accounts.models import Organisation, OrganisationStatus, Role, User
from portal.accounts.services import create_user, start_session
from portal.extensions import db as _db
from portal.extensions import limiter
from portal.taxonomy.services import load_reference_data

# Loaded once per run by load_reference_data(); a test that changes one of them restores it.
REFERENCE_TABLES = {"regions", "prefectures", "sectors", "minimum_wages", "sub_areas", "occupations", "trades",
                    "synonyms", "exchange_rates", "alembic_version"}
TEST_PASSWORD = "correct horse battery staple"


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[tuple[str, dict]]:
    url = _postgres_url()
    if url is None:
        path = tmp_path_factory.mktemp("db") / "test.db"
        yield f"sqlite:///{path}", {}
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (its own `g` and database session), as in production,
    even while the test itself holds an app context for its factories and assertions."""

    def open(self, *args, **kwargs):
        # End the test's own transaction first: it would otherwise hold SQLite's snapshot (and
        # maybe its write lock) across the request, and later reads would not see its writes.
        from flask import has_app_context

        if has_app_context():
            _db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    url, engine_options = database_url
    app = create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **engine_options},
            "RATELIMIT_STORAGE_URI": "memory://",
            # Importer tests serve feeds on this machine: the private-address guard lets only these through.
            "PORTAL_FETCH_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CV_DIRECTORY": str(tmp_path_factory.mktemp("cvs")),
            "MAIL_OUTBOX": str(tmp_path_factory.mktemp("outbox")),
        }
    )
    app.test_client_class = FreshContextClient
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
        load_reference_data()
    return app


@pytest.fixture
def db(app):
    """The database, emptied of everything but reference data after each test."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        with _db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _fresh_rate_limits_and_caches(app):
    from portal.jobs.search import clear_facet_cache
    from portal.matching.services import clear_cache as clear_matching_cache

    limiter.reset()
    clear_facet_cache()  # facet counts and matching groups are cached for a minute; each test starts without
    clear_matching_cache()
    yield


@pytest.fixture
def client(app, db):
    return app.test_client()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def form_token(client, url: str = "/en/login") -> str:
    """A CSRF token for this client's session, read from a real form page."""
    response = client.get(url)
    return csrf_token_from(response.get_data(as_text=True))


def make_organisation(**values) -> Organisation:
    values.setdefault("name_en", "Test Employer Co., Ltd.")
    values.setdefault("name_ja", "テスト株式会社")
    values.setdefault("status", OrganisationStatus.VERIFIED)
    organisation = Organisation(**values)
    _db.session.add(organisation)
    _db.session.commit()
    return organisation


def make_user(role: str = Role.SEEKER, email: str | None = None, password: str = TEST_PASSWORD, **values) -> User:
    email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    # Confirmed unless a test says otherwise: applying and sending postings need a confirmed address.
    user = create_user(email, password, role, display_name=values.pop("display_name", None),
                       confirmed=values.pop("confirmed", True))
    if role == Role.RECRUITER and "organisation" not in values:
        values["organisation"] = make_organisation()
    for name, value in values.items():
        setattr(user, name, value)
    _db.session.commit()
    return user


@pytest.fixture
def login_as(client, db):
    """login_as("seeker"|"recruiter"|"staff"|None) → the signed-in user (None: stay anonymous)."""

    def _login(role: str | None, **values):
        if role is None:
            return None
        user = make_user(role, **values)
        token = start_session(user)
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return user

    return _login
