"""Kakehashi (架け橋): a bilingual job portal connecting Pakistani workers with jobs in Japan."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal import config as config_module
from portal.config import PACKAGE_DIR, TEMPLATES_DIR, instance_path


MAX_ROW_ID = 2**31 - 1  # the largest INTEGER primary key PostgreSQL holds


class RowIdConverter(IntegerConverter):
    """``<int:…>`` with an upper bound: a larger number in a URL matches no route (a 404).

    Without it ``/jobs/9223372036854775808`` reached the database and SQLite raised OverflowError (a 500).
    """

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


MAX_JSON_DEPTH = 32


def json_depth(value) -> int:
    """How deeply lists and objects nest in a parsed JSON value (walked without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class BoundedJSONProvider(DefaultJSONProvider):
    """Request bodies nested too deeply are invalid JSON (a 400), not a RecursionError (a 500), in
    the parser or in any code that walks the value later."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error
        if json_depth(value) > MAX_JSON_DEPTH:
            raise ValueError("JSON nested too deeply")
        return value


def create_app(config=None) -> Flask:
    """config → extensions → i18n → security → areas → CLI."""
    app = Flask(
        __name__,
        instance_path=instance_path(),
        template_folder=str(TEMPLATES_DIR),
        static_folder="static",
    )
    app.json = BoundedJSONProvider(app)
    config_module.load(app, config)
    from portal import logging as portal_logging

    portal_logging.init_app(app)  # first: every later before_request already has the request id
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True  # lighter HTML for slow phones
    if app.config["PROXY_FIX_X_FOR"]:
        hops = app.config["PROXY_FIX_X_FOR"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    _register_areas(app)

    from portal import cli

    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from portal import db as _engine_tuning  # noqa: F401 - registers the SQLite pragmas and BEGIN IMMEDIATE
    from portal import i18n, labels, models, read_replicas, security
    from portal.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    read_replicas.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)  # before any blueprint: it installs the <lang:…> converter
    app.url_map.converters["int"] = RowIdConverter  # before any blueprint too
    labels.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # sessions are server-side rows; see accounts.models.User
    max_age = timedelta(days=app.config["USER_SESSION_MAX_AGE_DAYS"])
    app.permanent_session_lifetime = max_age
    idle = {"staff": timedelta(minutes=int(app.config["IDLE_TIMEOUT_MINUTES_STAFF"])),
            "others": timedelta(minutes=int(app.config["IDLE_TIMEOUT_MINUTES_OTHERS"]))}

    @login_manager.user_loader
    def _load_user(token: str):
        from portal.accounts.services import load_session_user

        return load_session_user(token, max_age, idle)

    security.init_app(app)
    models.register()

    from portal.matching.messages import reason_text

    app.jinja_env.globals["reason_text"] = reason_text


def _register_areas(app: Flask) -> None:
    from portal.web import account, api, auth, feeds, public, recruiter, root, seeker, staff

    for module in (root, public, feeds, auth, account, seeker, recruiter, staff, api):
        app.register_blueprint(module.bp)
    # Applications (issue 6): the same areas, in modules of their own.
    from portal.applications import labels as application_labels
    from portal.web import notifications, recruiter_applications, staff_departures

    application_labels.init_app(app)
    for module in (recruiter_applications, staff_departures, notifications):
        app.register_blueprint(module.bp)
    # Staff review of recruiters' postings and organisations (issue 6; issue 7 extends it).
    from portal.web import staff_review

    app.register_blueprint(staff_review.bp)
    # The moderation queue and reports (issue 7).
    from portal.web import staff_moderation

    app.register_blueprint(staff_moderation.bp)
    # Registers, the organisation verification queue, users and the audit log (issue 7).
    from portal.web import staff_accounts, staff_audit, staff_registers

    for module in (staff_registers, staff_accounts, staff_audit):
        app.register_blueprint(module.bp)
    # Guides, the readiness check, the glossary, and staff editing of guides and pay parameters (issue 8).
    from portal.web import guide, staff_guidance

    for module in (guide, staff_guidance):
        app.register_blueprint(module.bp)
