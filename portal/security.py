"""Security defaults in one place: response headers, the role guard for areas, error pages."""

from __future__ import annotations

import hashlib
import ipaddress
import logging

from flask import Blueprint, abort, current_app, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sqlalchemy_exc
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def network_of(address: str | None) -> str:
    """The network a client address belongs to: its /24 for IPv4, its /64 for IPv6. One household,
    office or mobile carrier's neighbouring addresses count as one network."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def client_network() -> str:
    return network_of(request.remote_addr)


def client_fingerprint() -> str:
    """A hash of the client's network and browser: tells anonymous clients apart without keeping
    their address."""
    raw = f"{client_network()}|{request.user_agent.string or ''}"
    return hashlib.sha256(raw.encode()).hexdigest()


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains"
        )
    if current_user and current_user.is_authenticated:
        # Pages and files for a signed-in person (a CV above all) must not be kept by any cache or
        # shown by the back button after logout: no-store replaces whatever the view set (send_file
        # sets "no-cache" with an ETag, which still lets caches store the file).
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("ETag", None)
        response.headers.pop("Last-Modified", None)
    return response


def guard_area(blueprint: Blueprint, *roles: str) -> None:
    """Default-deny for a whole area: every endpoint of the blueprint needs one of these roles."""

    @blueprint.before_request
    def _require_role():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.role not in roles:
            abort(403)
        return None


SUSPENDED_ORGANISATION_TEXT = (
    _l("Your organisation is suspended"),
    _l("While your organisation is suspended, its postings, applicants, messages and members cannot be "
       "used. Please contact the staff."))


def require_active_organisation(blueprint: Blueprint, *open_endpoints: str) -> None:
    """A recruiter whose organisation is suspended reaches none of the area's endpoints but
    `open_endpoints` (the dashboard, which says why). Registered after guard_area."""

    @blueprint.before_request
    def _require_active_organisation():
        from portal.accounts.models import OrganisationStatus

        organisation = current_user.organisation
        if (organisation is not None and organisation.status == OrganisationStatus.SUSPENDED
                and request.endpoint not in open_endpoints):
            return _render_error(403, *SUSPENDED_ORGANISATION_TEXT)
        return None


def require_login(blueprint: Blueprint) -> None:
    """Any signed-in role may use this blueprint (the account pages)."""

    @blueprint.before_request
    def _require_login():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return None


ERROR_TEXTS = {
    400: (_l("Bad request"), _l("We could not understand that request. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("We could not find that page. It may have been moved or closed.")),
    405: (_l("Not allowed"), _l("This page cannot be used in that way.")),
    413: (_l("File too large"), _l("What you sent is too large. Please send a smaller file.")),
    429: (_l("Too many attempts"), _l("You have tried too many times. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An error happened on our side. Please try again later.")),
    503: (_l("Service unavailable"), _l("The site is busy or being maintained. Please try again in a minute.")),
}
CSRF_TEXT = (_l("Form expired"), _l("This form has expired or was sent from another site. Please go back, reload the page and try again."))


def _render_error(code: int, title, message):
    from flask.globals import request_ctx

    if request_ctx.url_adapter is None:
        # No URLs can be built (a Host outside TRUSTED_HOSTS): a plain answer without links.
        return make_response(f"{code} {title}\n{message}\n", code, {"Content-Type": "text/plain; charset=utf-8"})
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": code, "message": str(message)}}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def handle_http_error(error: HTTPException):
    code = error.code or 500
    title, message = ERROR_TEXTS.get(code, ERROR_TEXTS[500 if code >= 500 else 400])
    response = make_response(_render_error(code, title, message))
    if code == 429 and getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def handle_csrf_error(error: CSRFError):
    return _render_error(400, *CSRF_TEXT)


DATABASE_DOWN_ERRORS = (sqlalchemy_exc.OperationalError, sqlalchemy_exc.InterfaceError, sqlalchemy_exc.TimeoutError)
# The database answers but cannot write: the disk is full, or the file or server is read-only.
# Reads still work, so the page says that nothing was saved rather than that the site is down.
CANNOT_WRITE_TEXT = (_l("Your changes were not saved"),
                     _l("We cannot save anything at the moment because of a problem on our side. Nothing was "
                        "changed. Please try again later."))
_CANNOT_WRITE_SQLITE = ("SQLITE_FULL", "SQLITE_READONLY")  # and SQLITE_READONLY_* variants
# PostgreSQL disk_full; read_only_sql_transaction (a standby after a failover, or a server set read-only)
_CANNOT_WRITE_SQLSTATES = {"53100", "25006"}


def _driver_error(error):
    """The database driver's own exception inside SQLAlchemy's wrapper."""
    return getattr(error, "orig", None) or error


def driver_message(error) -> str:
    """The first line of what the database driver said: host and port, never SQL values."""
    return (str(_driver_error(error)).splitlines() or [""])[0]


def describe_database_error(error) -> str:
    """"OperationalError: database or disk is full": one log-safe line."""
    return f"{type(_driver_error(error)).__name__}: {driver_message(error)}"


def cannot_write(error) -> bool:
    """True for "database or disk is full" and "attempt to write a readonly database"."""
    cause = _driver_error(error)
    name = getattr(cause, "sqlite_errorname", None) or ""
    return name.startswith(_CANNOT_WRITE_SQLITE) or getattr(cause, "sqlstate", None) in _CANNOT_WRITE_SQLSTATES


def handle_database_down(error):
    """The database is unreachable, restarting, out of connections, full or read-only: a translated
    503, not a 500."""
    from portal.extensions import db

    detail = describe_database_error(error)
    full_or_read_only = cannot_write(error)
    if full_or_read_only:
        logger.error("database cannot be written (disk full or read-only): %s", detail)
    else:
        logger.error("database unavailable: %s", detail)
    try:
        db.session.rollback()
        db.session.remove()
    except Exception:  # noqa: BLE001, S110 - the connection is already gone; nothing more to undo
        pass
    # The rollback detached the signed-in user; loading them again would need the database that just
    # failed. The error page is drawn as for a visitor (and never cached: see below).
    g._login_user = current_app.login_manager.anonymous_user()
    texts = CANNOT_WRITE_TEXT if full_or_read_only else ERROR_TEXTS[503]
    response = make_response(_render_error(503, *texts))
    response.headers["Retry-After"] = "30"
    response.headers["Cache-Control"] = "no-store"
    return response


def handle_read_only_database(error):
    """PostgreSQL reports a read-only server (a standby) as an InternalError: the same "not saved"
    page. Any other InternalError is a bug and stays a 500."""
    if cannot_write(error):
        return handle_database_down(error)
    raise error


def end_database_session(_error=None) -> None:
    """Ends the request's session before Flask-SQLAlchemy's own teardown does, and survives a
    connection that the server cut after the page was built (a restart or failover while the request
    ran): the rollback at the end fails, but the person still gets the page, and the pool replaces
    the dead connection at its next checkout (pool_pre_ping)."""
    from portal.extensions import db

    try:
        db.session.remove()
    except DATABASE_DOWN_ERRORS as error:
        logger.warning("database connection lost at the end of a request: %s", describe_database_error(error))
        db.session.registry.clear()


def init_app(app) -> None:
    app.after_request(set_security_headers)
    # Registered after db.init_app, so it runs before Flask-SQLAlchemy's teardown (they run in reverse).
    app.teardown_appcontext(end_database_session)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    for error in DATABASE_DOWN_ERRORS:
        app.register_error_handler(error, handle_database_down)
    app.register_error_handler(sqlalchemy_exc.InternalError, handle_read_only_database)
    # Unhandled exceptions reach the HTTPException handler as a 500 (Flask logs the traceback;
    # the page shows none).
