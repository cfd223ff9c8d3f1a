"""Configuration classes. Secrets come only from the environment (or, in development, instance/)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# A checkout keeps templates and catalogs at the top level of the project. An installed wheel carries
# copies inside the package (setup.py's build step puts them in portal/bundled/, with compiled
# catalogs) and has no project folder to keep instance data in.
IS_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()
RESOURCE_ROOT = PROJECT_ROOT if IS_CHECKOUT else PACKAGE_DIR / "bundled"
TEMPLATES_DIR = RESOURCE_ROOT / "templates"
TRANSLATIONS_DIR = RESOURCE_ROOT / "translations"


def instance_path() -> str | None:
    """PORTAL_INSTANCE_PATH, else instance/ in a checkout; None lets Flask choose for an installed
    package (<prefix>/var/portal-instance), never a folder inside site-packages."""
    if os.environ.get("PORTAL_INSTANCE_PATH"):
        return os.environ["PORTAL_INSTANCE_PATH"]
    return str(PROJECT_ROOT / "instance") if IS_CHECKOUT else None


class Config:
    """Production defaults. Every value can be overridden by an environment variable of the same name."""

    ENV_NAME = "production"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled from DATABASE_URL or the instance folder
    # pool_pre_ping: a connection the server (or a restart of it) closed is replaced, not handed to a
    # request. hide_parameters: SQL errors in the logs never show the values (e-mails, hashes).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    # Connections kept per worker process on PostgreSQL (plus twice as many more at peaks).
    DATABASE_POOL_SIZE = 5
    # Seconds to wait for a PostgreSQL connection: a database host that stops answering costs a
    # request this long, then the translated 503 page, instead of hanging a worker until it is killed.
    DATABASE_CONNECT_TIMEOUT = 5
    # PostgreSQL streaming replicas for read-only pages (portal/read_replicas.py), comma-separated URLs.
    DATABASE_REPLICA_URLS = ""
    # After a write, a browser reads from the primary this long (replication lag is far shorter).
    DATABASE_READ_YOUR_WRITES_SECONDS = 5
    # A replica that refused a connection is not tried again for this long.
    REPLICA_RETRY_SECONDS = 10
    LOG_LEVEL = "INFO"
    SQLITE_BUSY_TIMEOUT_MS = 10_000

    # The locales the site serves. Adding one is a catalog plus one entry here:
    # direction, native name and formats all come from Babel's CLDR data.
    LANGUAGES = ("en", "ja", "ur")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Karachi"  # most readers (workers, consulate staff) are in Pakistan
    BABEL_TRANSLATION_DIRECTORIES = str(TRANSLATIONS_DIR)
    LANGUAGE_COOKIE = "lang"

    MAX_CONTENT_LENGTH = 6 * 1024 * 1024  # a CV (5 MiB) plus the form around it

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True  # production is served over https
    # __Host-: the browser sends it only to this exact host over https, with Path=/ and no Domain, so
    # a sibling subdomain cannot set or overwrite it. Needs Secure, hence plain names below.
    SESSION_COOKIE_NAME = "__Host-kakehashi_session"
    USER_SESSION_MAX_AGE_DAYS = 30  # however active, a session ends after this; then log in again
    # A session ends after this long without a request (staff hold more power, so theirs is short).
    IDLE_TIMEOUT_MINUTES_STAFF = 120
    IDLE_TIMEOUT_MINUTES_OTHERS = 14 * 24 * 60
    # Host names the site answers to; a request for any other Host gets a 400. Empty: the host of
    # SITE_URL (production only; development and tests answer to any host).
    TRUSTED_HOSTS: list[str] | None = None
    PREFERRED_URL_SCHEME = "https"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a seeker on a slow phone may take a while over a long form

    REDIS_URL: str | None = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    LOGIN_LIMIT_PER_IP = "30 per minute;200 per hour"
    # Failed logins to one account from one network (/24 or /64): the waits grow from a minute to a
    # day, and an attacker elsewhere cannot lock the owner out. Successful logins do not count.
    LOGIN_FAILURES_PER_ACCOUNT_NETWORK = "5 per minute;20 per hour;50 per day"
    # Wrong current passwords typed to change the password or delete the account, per account.
    PASSWORD_CHECK_LIMIT_PER_ACCOUNT = "5 per 15 minutes;20 per day"
    REGISTER_LIMIT_PER_IP = "10 per hour"
    PASSWORD_RESET_LIMIT_PER_IP = "10 per hour"
    # E-mails that registering or "forgot password" may cause to one address.
    MAIL_LIMIT_PER_ADDRESS = "3 per hour;10 per day"
    REPORT_LIMIT_PER_IP = "5 per hour;20 per day"  # "Report this job": enough for real reports, not for a flood

    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted (0 = none).
    PROXY_FIX_X_FOR = 0
    HSTS_SECONDS = 63072000

    # Outbound fetches (imports): exact host names that may resolve to private addresses (an intranet
    # feed, or the test suite's local server). Empty in production unless you need it.
    PORTAL_FETCH_ALLOWED_HOSTS = ""
    # How long an importer holds a source (renewed while it runs): when a host dies mid-import, another
    # takes the source over this long after the dead one last renewed its lease.
    IMPORT_LEASE_MINUTES = 30
    # E-mail: SMTP when MAIL_SERVER is set, otherwise .eml files in instance/outbox/ (MAIL_OUTBOX).
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = "Kakehashi <no-reply@kakehashi.example.org>"
    MAIL_OUTBOX = ""
    # The site's address for links in e-mails sent from the command line (no request to take it from).
    SITE_URL = "http://127.0.0.1:5000"
    # Where CV files are kept: outside the web root; instance/cvs when empty.
    CV_DIRECTORY = ""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "kakehashi_session"
    PREFERRED_URL_SCHEME = "http"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105 - tests only
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "kakehashi_session"
    PREFERRED_URL_SCHEME = "http"
    SERVER_NAME = None
    LOG_LEVEL = "WARNING"  # no access line per test request; tests of the logs ask for INFO


CONFIGS = {"production": Config, "development": DevelopmentConfig, "test": TestConfig}

def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{value!r} is not true or false")


def _host_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


# Everything the environment may set, with its type: the one way settings come in. Each is read from
# the variable of the same name; docs/configuration.md is its table (tests/unit/test_config.py
# keeps the two in step). DATABASE_URL (→ SQLALCHEMY_DATABASE_URI), PORTAL_ENV and
# PORTAL_INSTANCE_PATH are read where they are needed, before the app exists.
FROM_ENVIRONMENT: dict[str, type | object] = {
    "SECRET_KEY": str,
    "SITE_URL": str,
    "LOG_LEVEL": str,
    "DATABASE_POOL_SIZE": int,
    "DATABASE_CONNECT_TIMEOUT": int,
    "DATABASE_REPLICA_URLS": str,
    "DATABASE_READ_YOUR_WRITES_SECONDS": int,
    "REPLICA_RETRY_SECONDS": int,
    "SQLITE_BUSY_TIMEOUT_MS": int,
    "REDIS_URL": str,
    "PROXY_FIX_X_FOR": int,
    "HSTS_SECONDS": int,
    "TRUSTED_HOSTS": _host_list,
    "LOGIN_LIMIT_PER_IP": str,
    "LOGIN_FAILURES_PER_ACCOUNT_NETWORK": str,
    "PASSWORD_CHECK_LIMIT_PER_ACCOUNT": str,
    "PASSWORD_RESET_LIMIT_PER_IP": str,
    "MAIL_LIMIT_PER_ADDRESS": str,
    "REGISTER_LIMIT_PER_IP": str,
    "REPORT_LIMIT_PER_IP": str,
    "USER_SESSION_MAX_AGE_DAYS": int,
    "IDLE_TIMEOUT_MINUTES_STAFF": int,
    "IDLE_TIMEOUT_MINUTES_OTHERS": int,
    "IMPORT_LEASE_MINUTES": int,
    "CV_DIRECTORY": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": _flag,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_FROM": str,
    "MAIL_OUTBOX": str,
    "PORTAL_FETCH_ALLOWED_HOSTS": str,
    "PORTAL_FETCH_CONNECT_TIMEOUT": float,
    "PORTAL_FETCH_READ_TIMEOUT": float,
    "PORTAL_FETCH_DEADLINE": float,
    "PORTAL_FETCH_MAX_BYTES": int,
    "PORTAL_FETCH_MAX_REDIRECTS": int,
    "PORTAL_FETCH_USER_AGENT": str,
    "PORTAL_FETCH_PER_HOST_CONCURRENCY": int,
    "PORTAL_FETCH_MIN_DELAY": float,
    "PORTAL_FETCH_ROBOTS_TTL": float,
    "PORTAL_FETCH_CA_BUNDLE": str,
}


def _from_environment(app, environ) -> None:
    for name, convert in FROM_ENVIRONMENT.items():
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        try:
            app.config[name] = convert(raw)
        except ValueError as error:
            raise ConfigError(f"{name} in the environment: {error}.") from None


class ConfigError(RuntimeError):
    """The app cannot start with this configuration."""


def load(app, config) -> None:
    """Fill app.config from a config class or mapping, then from the environment."""
    if config is None:
        config = CONFIGS[os.environ.get("PORTAL_ENV", "production")]
    if isinstance(config, dict):
        app.config.from_object(CONFIGS[config.get("ENV_NAME", "test")])
        app.config.update(config)
    else:
        app.config.from_object(config)
        _from_environment(app, os.environ)
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]

    if float(app.config["IMPORT_LEASE_MINUTES"]) <= 0:
        raise ConfigError("IMPORT_LEASE_MINUTES must be more than zero.")

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'portal.db'}"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        size = int(app.config["DATABASE_POOL_SIZE"])
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("pool_pre_ping", True)
        options.setdefault("pool_size", size)
        options.setdefault("max_overflow", 2 * size)
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", int(app.config["DATABASE_CONNECT_TIMEOUT"]))
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
        if app.config.get("DATABASE_REPLICA_URLS"):
            from portal.read_replicas import replica_binds

            binds = dict(app.config.get("SQLALCHEMY_BINDS") or {})
            binds.update(replica_binds(app.config["DATABASE_REPLICA_URLS"], options))
            app.config["SQLALCHEMY_BINDS"] = binds
    elif app.config.get("DATABASE_REPLICA_URLS"):
        raise ConfigError("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL.")
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
        # If Redis goes away, limits fall back to this process's memory instead of failing requests.
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        # A Redis host that stops answering costs a request at most a second, not a worker timeout.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})

    if app.config["ENV_NAME"] == "production" and not app.config.get("TRUSTED_HOSTS"):
        # Links in e-mails come from SITE_URL; the site answers only to that host, never to a
        # Host header an attacker made up.
        app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["SITE_URL"]).hostname]

    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production":
            raise ConfigError("SECRET_KEY must be set in the environment to run in production.")
        app.config["SECRET_KEY"] = _development_secret(instance)


def _development_secret(instance: Path) -> str:
    """A per-checkout key kept in instance/, so development sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
