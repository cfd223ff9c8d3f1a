"""The public JSON API under /api/v1: read-only job search and the reference codes.

Described by portal/web/openapi.py (served at /api/v1/openapi.json). Messages are English only:
they are for programs, and name the parameter that was not accepted.
"""

from flask import Blueprint, current_app, jsonify, request
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import csrf, db
from portal.jobs.models import Posting
from portal.jobs.search import SearchParamError, parse_params, public_condition, search
from portal.jobs.serialize import posting_json
from portal.taxonomy.lookup import Label, reference
from portal.web import openapi

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API answers public data and acts for nobody: it reads no session or cookie, so there is no
# request to forge. POST /match only computes.
csrf.exempt(bp)

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
    return {"en": label.en, "ja": label.ja, "ur": label.ur}


def _asks_for(name: str) -> bool:
    """A yes/no query parameter (score, summary): 1/true or 0/false, absent meaning no."""
    raw = (request.args.get(name) or "").strip().lower()
    if raw not in ("", "0", "1", "true", "false"):
        raise SearchParamError(name, "This value is not one of the choices.")
    return raw in ("1", "true")


def _with_score(item: dict, scores: dict[int, int] | None) -> dict:
    item["score"] = scores.get(item["id"]) if scores is not None else None
    return item


@bp.get("/jobs")
def jobs():
    params, _ = parse_params(request.args, strict=True)
    lang = _lang()
    wants_score = _asks_for("score")
    summary_languages = (lang,) if _asks_for("summary") else ()
    result = search(params, with_facets=False, lang=lang)
    items = [posting_json(posting, lang, summary_languages) for posting in result.items]
    if wants_score:  # only when asked: the number means something only next to the others of one search
        items = [_with_score(item, result.scores) for item in items]
    return {
        "items": items,
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
    return posting_json(posting, lang, current_app.config["LANGUAGES"])


@bp.get("/taxonomy/sectors")
def sectors():
    ref = reference()
    return {"items": [{"code": code, "name": _names(ref.sectors[code]),
                       "sub_areas": [{"code": sub, "name": _names(label)}
                                     for (sector, sub), label in ref.sub_areas.items() if sector == code]}
                      for code in ref.sector_order]}


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


# ---- matching ------------------------------------------------------------------------------------

LICENCES = ("pk_ltv", "pk_htv", "jp", "international")
EDUCATION = ("none", "primary", "secondary", "intermediate", "diploma", "bachelor", "master")


class MatchInputError(ValueError):
    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param, self.message = param, message


@bp.errorhandler(MatchInputError)
def _bad_match_input(error: MatchInputError):
    return _error(400, error.message, param=error.param)


def _trade_code(value, index: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MatchInputError(f"trades[{index}]", "Give a trade code or name as a string.")
    wanted = value.strip().casefold()
    for code, trade in reference().trades.items():
        if wanted in {code.casefold(), trade.en.casefold(), trade.ja.casefold(), (trade.ur or "").casefold()}:
            return code
    raise MatchInputError(f"trades[{index}]", f"Unknown trade: {value!r}. See /api/v1/taxonomy/trades.")


def _codes(body: dict, name: str, allowed, *, split_level: bool = False) -> frozenset[str]:
    value = body.get(name) or []
    if not isinstance(value, list):
        raise MatchInputError(name, "Give a list.")
    codes = set()
    for index, item in enumerate(value):
        code = item.split(":", 1)[0] if split_level and isinstance(item, str) else item
        if not isinstance(item, str) or code not in allowed or (split_level and item.count(":") > 1):
            raise MatchInputError(f"{name}[{index}]", f"Unknown value: {item!r}.")
        codes.add(item)
    return frozenset(codes)


def _skills_tests(body: dict) -> frozenset[str]:
    """"<sector>", "<sector>/<business category>", each optionally followed by ":ii"."""
    value = body.get("skills_tests") or []
    if not isinstance(value, list):
        raise MatchInputError("skills_tests", "Give a list.")
    ref = reference()
    tests = set()
    for index, item in enumerate(value):
        ok = isinstance(item, str)
        if ok:
            test, _, level = item.partition(":")
            sector, slash, sub_area = test.partition("/")
            ok = (level in ("", "ii") and sector in ref.sectors
                  and (not slash or (sector, sub_area) in ref.sub_areas))
        if not ok:
            raise MatchInputError(f"skills_tests[{index}]", f"Unknown value: {item!r}. Give a sector code, or "
                                  "<sector>/<business category> (see /api/v1/taxonomy/sectors), with :ii for "
                                  "a Specified Skilled Worker (ii) test.")
        tests.add(item)
    return frozenset(tests)


def _profile_from_json(body) -> tuple:
    from portal.matching import engine

    if not isinstance(body, dict):
        raise MatchInputError("body", "Send a JSON object.")
    ref = reference()
    trades = body.get("trades") or []
    if not isinstance(trades, list) or not trades:
        raise MatchInputError("trades", "Give at least one trade.")
    codes = [_trade_code(value, index) for index, value in enumerate(trades)]
    years = body.get("years_experience", 0)
    if isinstance(years, bool) or not isinstance(years, (int, float)) or not 0 <= years <= 50:
        raise MatchInputError("years_experience", "Give a number of years from 0 to 50.")
    japanese = body.get("japanese") or {}
    if not isinstance(japanese, dict):
        raise MatchInputError("japanese", 'Give an object such as {"jlpt": "N4"} or {"jft_basic": true}.')
    jlpt = japanese.get("jlpt")
    if jlpt is not None and jlpt not in ("N5", "N4", "N3", "N2", "N1"):
        raise MatchInputError("japanese.jlpt", "Give N5, N4, N3, N2 or N1.")
    jft = japanese.get("jft_basic", False)
    if not isinstance(jft, bool):
        raise MatchInputError("japanese.jft_basic", "Give true or false.")
    titp = body.get("titp_completed")
    if titp is not None and titp not in ref.sectors:
        raise MatchInputError("titp_completed", "Give a sector code or null.")
    education = body.get("education")
    if education is not None and education not in EDUCATION:
        raise MatchInputError("education", f"Give one of {', '.join(EDUCATION)}.")
    prefs = body.get("preferences") or {}
    if not isinstance(prefs, dict):
        raise MatchInputError("preferences", "Give an object.")
    min_pay = prefs.get("min_monthly_pay")
    if min_pay is not None and (isinstance(min_pay, bool) or not isinstance(min_pay, int) or min_pay < 0):
        raise MatchInputError("preferences.min_monthly_pay", "Give a whole number of yen.")
    for flag in ("housing_needed", "strict"):
        if not isinstance(prefs.get(flag, False), bool):
            raise MatchInputError(f"preferences.{flag}", "Give true or false.")
    limit = body.get("limit", 20)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
        raise MatchInputError("limit", "Give a whole number from 1 to 100.")
    profile = engine.Profile(
        trades=tuple(engine.TradeSkill(code, float(years)) for code in codes),
        jlpt=jlpt, jft_basic=jft,
        nursing_japanese=bool(japanese.get("nursing_care_test", False)),
        skills_tests=_skills_tests(body),
        titp_completed=titp,
        licences=_codes(body, "licences", LICENCES),
        education=education,
        preferences=engine.Preferences(
            sectors=_codes(prefs, "sectors", ref.sectors), regions=_codes(prefs, "regions", ref.regions),
            prefectures=_codes(prefs, "prefectures", ref.prefectures), min_monthly_pay=min_pay,
            housing_needed=prefs.get("housing_needed", False), strict=prefs.get("strict", False)),
    )
    return profile, limit


@bp.post("/match")
def match():
    """A profile as JSON → the best matching jobs with score, verdict and reasons (nothing stored)."""
    from portal.matching import services as matching
    from portal.matching.messages import applicants_from_text, reason_text

    lang = _lang()
    body = request.get_json(silent=True)
    if body is None:
        raise MatchInputError("body", "Send a JSON object with Content-Type: application/json.")
    profile, limit = _profile_from_json(body)
    found = matching.best_matches(profile, limit=limit)
    items = [{
        "job": posting_json(m.posting, lang),
        "score": m.result.score,
        "eligibility": str(m.result.eligibility),
        "route": m.result.route,
        "applicants_from": m.posting.applicants_from,
        "applicants_from_text": applicants_from_text(m.posting.applicants_from, lang),
        "reasons": [{"kind": r.kind, "code": r.code, "text": reason_text(r, lang)} for r in m.result.reasons],
    } for m in found]
    return jsonify({"items": items, "total": len(items)})
