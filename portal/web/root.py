"""URLs outside the language prefix: `/` and the health checks."""

from flask import Blueprint, redirect, url_for
from sqlalchemy import text

from portal.extensions import db
from portal.i18n import preferred_language

bp = Blueprint("root", __name__)


@bp.get("/")
def index():
    return redirect(url_for("public.home", lang=preferred_language()), code=302)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
