"""The public JSON API under /api/v1: read-only job search and the reference codes.

Described by portal/web/openapi.py (served at /api/v1/openapi.json). Messages are English only:
they are for programs, and name the parameter that was not accepted.
"""

from flask import Blueprint, current_app, jsonify, request
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.jobs.models import Posting
from portal.jobs.search import SearchParamError, parse_params, public_condition, search
from portal.jobs.serialize import posting_json
from portal.taxonomy.lookup import Label, reference
from portal.web import openapi

bp = Blueprint("api", __name__, url_prefix="/api/v1")

CACHE_SECONDS = 60


def _error(code: int, message: str, param: str | None = None):
    body = {"code": code, "param": param, "message": message} if param else {"code": code, "message": message}
    return jsonify({"error": body}), code


@bp.errorhandler(SearchParamError)
def _bad_parameter(error: SearchParamError):
    with force_locale("en"):  # the messages are lazy strings; the API answers in English whatever the browser says
        message = str(error.message)
    return _error(400, message, param=error.param)


@bp.after_request
def _public_headers(response):
    response.headers["Access-Control-Allow-Origin"] = "*"  # public, read-only data; no credentials involved
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def _lang() -> str:
    """The `lang` parameter: the language of each posting's job page URL and employer name."""
    raw = (request.args.get("lang") or "").strip()
    if raw == "":
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if raw not in current_app.config["LANGUAGES"]:
        raise SearchParamError("lang", "This value is not one of the choices.")
    return raw


def _names(label: Label) -> dict[str, str]:
    return {"en": label.en, "ja": label.ja}


@bp.get("/jobs")
def jobs():
    params, _ = parse_params(request.args, strict=True)
    lang = _lang()
    result = search(params, with_facets=False)
    return {
        "items": [posting_json(posting, lang) for posting in result.items],
        "total": result.total,
        "page": params.page,
        "per_page": params.per_page,
    }


@bp.get("/jobs/<int:posting_id>")
def job(posting_id: int):
    lang = _lang()
    posting = db.session.scalar(
        select(Posting).where(Posting.id == posting_id, public_condition()).options(joinedload(Posting.organisation))
    )
    if posting is None:
        return _error(404, "No published job has this id. It may have closed.")
    return posting_json(posting, lang)


@bp.get("/taxonomy/sectors")
def sectors():
    ref = reference()
    return {"items": [{"code": code, "name": _names(ref.sectors[code])} for code in ref.sector_order]}


@bp.get("/taxonomy/prefectures")
def prefectures():
    ref = reference()
    return {"items": [{"code": p.code, "name": _names(p), "region": p.region}
                      for p in sorted(ref.prefectures.values(), key=lambda p: p.code)]}


@bp.get("/taxonomy/occupations")
def occupations():
    return {"items": [{"isco": o.code, "name": _names(o)}
                      for o in sorted(reference().occupations.values(), key=lambda o: o.code)]}


@bp.get("/taxonomy/trades")
def trades():
    return {"items": [{"code": t.code, "name": {"en": t.en, "ja": t.ja, "ur": t.ur},
                       "isco_codes": list(t.isco_codes), "sectors": list(t.sector_codes)}
                      for t in sorted(reference().trades.values(), key=lambda t: t.code)]}


@bp.get("/openapi.json")
def openapi_document():
    return openapi.document(tuple(current_app.config["LANGUAGES"]), current_app.config["BABEL_DEFAULT_LOCALE"])
