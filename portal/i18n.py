"""The one locale rule, and formatting helpers.

A page's language is the first segment of its URL (/en/…, /ja/…). Only `/` and URLs that carry no
locale (error pages for unknown paths, for instance) choose one: the signed-in user's setting,
then the language cookie, then Accept-Language, then the default.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.numbers import format_currency, format_decimal
from flask import current_app, g, redirect, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.routing import BaseConverter


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


# Urdu serves everything a job seeker or a visitor sees. Recruiters and consulate staff work in
# English or Japanese: their areas (blueprints named recruiter…, staff…) are not offered in Urdu, and
# an Urdu address of one of their pages redirects to the English page.
AREAS_NOT_IN = {"ur": ("recruiter", "staff")}


def _area_not_served(lang: str, blueprint: str | None) -> bool:
    return any((blueprint or "").startswith(area) for area in AREAS_NOT_IN.get(lang, ()))


def languages_for(role: str | None) -> tuple[str, ...]:
    """The languages a user of this role can work in (recruiters and staff: not Urdu)."""
    return tuple(code for code in languages() if (role or "") not in AREAS_NOT_IN.get(code, ()))


def locale_for(role: str | None, lang: str) -> str:
    """`lang` if this role can work in it, else the default (a recruiter registering from /ur/)."""
    return lang if lang in languages_for(role) else current_app.config["BABEL_DEFAULT_LOCALE"]


def page_languages() -> tuple[str, ...]:
    """The languages the current page is offered in."""
    blueprint = request.blueprint if request else None
    return tuple(code for code in languages() if not _area_not_served(code, blueprint))


def _redirect_unserved_area():
    lang = g.get("lang")
    if lang and request.method in ("GET", "HEAD") and _area_not_served(lang, request.blueprint):
        return redirect(url_for_language(current_app.config["BABEL_DEFAULT_LOCALE"]))
    return None


def make_lang_converter(codes: tuple[str, ...]) -> type[BaseConverter]:
    """A URL converter that matches only the configured locales, so /xx/… is a plain 404."""

    class LangConverter(BaseConverter):
        regex = "|".join(sorted(codes, key=len, reverse=True))

    return LangConverter


def preferred_language() -> str:
    """For URLs without a locale: user setting → cookie → Accept-Language → default."""
    codes = languages()
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in codes:
        return user_locale
    cookie = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if cookie in codes:
        return cookie
    return request.accept_languages.best_match(codes) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    lang = g.get("lang")
    if lang:
        return lang
    if request:
        # A URL that matched no route (a 404) still says its language in its first segment.
        first = request.path.lstrip("/").split("/", 1)[0]
        return first if first in languages() else preferred_language()
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def text_direction(code: str | None = None) -> str:
    return Locale.parse(code or current_language()).text_direction


def native_name(code: str) -> str:
    return Locale.parse(code).display_name or code


def url_for_language(code: str) -> str | None:
    """The current page in another language, with the same path arguments and query."""
    if not request.url_rule or "lang" not in request.url_rule.arguments:
        return url_for("public.home", lang=code)
    values = dict(request.view_args or {})
    values["lang"] = code
    path = url_for(request.endpoint, **values)
    # The query is copied as it came, never passed to url_for: keys like _external, _scheme,
    # _anchor or _method would be read as url_for's own options.
    query = [(key, value) for key, value in request.args.items(multi=True) if key not in values]
    return f"{path}?{urlencode(query)}" if query else path


def alternates() -> list[dict[str, str]]:
    return [
        {"code": code, "name": native_name(code), "url": url_for_language(code) or ""}
        for code in page_languages()
    ]


def _inject_lang(endpoint: str, values: dict) -> None:
    if "lang" not in values and endpoint and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = g.get("lang") or current_language()


def _pull_lang(endpoint: str | None, values: dict | None) -> None:
    if values and "lang" in values:
        g.lang = values.pop("lang")


def _remember_language(response):
    lang = g.get("lang")
    cookie = current_app.config["LANGUAGE_COOKIE"]
    if lang and request.cookies.get(cookie) != lang and response.mimetype == "text/html":
        response.set_cookie(
            cookie,
            lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


# ---- formatting: everything a page shows as a number, a date or money goes through Babel ----

# The CLDR locale each interface language formats with: readers are in Pakistan (or Japan), so
# English and Urdu use the Pakistani conventions. Urdu keeps Latin digits, as Pakistani newspapers,
# banks and forms do (CLDR's default numbering system for ur_PK).
FORMAT_LOCALES = {"en": "en_PK", "ja": "ja_JP", "ur": "ur_PK"}

# Dates as people write them: day first in English and Urdu (5 December 2026, 5 دسمبر 2026),
# 年月日 in Japanese. CLDR's en_PK medium form is "05-Dec-2026", which nobody writes by hand.
DATE_PATTERNS = {
    "en": {"short": "d/M/y", "medium": "d MMM y", "long": "d MMMM y", "full": "EEEE, d MMMM y"},
    "ja": {"short": "y/MM/dd", "medium": "y年M月d日", "long": "y年M月d日", "full": "y年M月d日EEEE"},
    "ur": {"short": "d/M/y", "medium": "d MMMM y", "long": "d MMMM y", "full": "EEEE، d MMMM y"},
}

DATE_TIME_SEPARATORS = {"ja": " ", "ur": "، "}

PAKISTAN = "Asia/Karachi"
JAPAN = "Asia/Tokyo"


def format_locale(lang: str | None = None) -> str:
    lang = lang or current_language()
    return FORMAT_LOCALES.get(lang, lang)


def format_jpy(amount: int | float | Decimal | None) -> str:
    if amount is None:
        return ""
    lang = current_language()
    if lang == "ur":
        # ur_PK's symbol for the yen is "JP¥"; Pakistani readers know it as ¥, as English pages show it.
        return format_currency(amount, "JPY", locale="ur_PK", format="¥#,##0", currency_digits=False)
    return format_currency(amount, "JPY", locale=lang)


def format_pkr(amount: int | float | Decimal | None) -> str:
    """Pakistani rupees as Pakistanis write them: Rs 120,000 (no paisa)."""
    if amount is None:
        return ""
    return format_currency(round(amount), "PKR", locale=format_locale(), format="¤\u00a0#,##0",
                           currency_digits=False)


def format_pkr_rate(rate: float | None) -> str:
    """An exchange rate in rupees per yen, with two decimals (Rs 1.85)."""
    if rate is None:
        return ""
    return format_currency(rate, "PKR", locale=format_locale(), format="¤\u00a0#,##0.00", currency_digits=False)


def format_number(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=format_locale())


def format_date(value: date | datetime | None, form: str = "medium", lang: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    lang = lang or current_language()
    pattern = DATE_PATTERNS.get(lang, {}).get(form, form)
    return _babel_format_date(value, pattern, locale=format_locale(lang))


def zone_name(zone: str) -> str:
    """The zone as the reader calls it: PKT / パキスタン時間 / پاکستانی وقت."""
    from flask_babel import gettext

    return gettext("JST") if zone == JAPAN else gettext("PKT")


def format_time_in(value: datetime, zone: str) -> str:
    """The clock time in one zone, with the zone's name: 15:00 PKT."""
    from zoneinfo import ZoneInfo

    from portal.timeutil import as_utc

    local = as_utc(value).astimezone(ZoneInfo(zone))
    return f"{local.strftime('%H:%M')} {zone_name(zone)}"


def format_moment(value: datetime | None, zone: str = PAKISTAN, lang: str | None = None) -> str:
    """A date and time in one zone, with the zone's name: 5 Dec 2026, 15:00 PKT."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    from portal.timeutil import as_utc

    lang = lang or current_language()
    local = as_utc(value).astimezone(ZoneInfo(zone))
    return f"{format_date(local.date(), 'medium', lang)}{DATE_TIME_SEPARATORS.get(lang, ', ')}{format_time_in(value, zone)}"


def format_datetime(value: datetime | None, form: str = "medium") -> str:
    """A moment, in the site's time zone (Pakistan, where most readers are), saying which zone."""
    if value is None:
        return ""
    return format_moment(value, current_app.config.get("BABEL_DEFAULT_TIMEZONE") or PAKISTAN)


def init_app(app) -> None:
    app.url_map.converters["lang"] = make_lang_converter(tuple(app.config["LANGUAGES"]))
    app.url_value_preprocessor(_pull_lang)
    app.before_request(_redirect_unserved_area)
    app.url_defaults(_inject_lang)
    app.after_request(_remember_language)
    app.jinja_env.filters.update(
        jpy=format_jpy, pkr=format_pkr, pkr_rate=format_pkr_rate, number=format_number, date=format_date,
        datetime=format_datetime
    )

    @app.context_processor
    def _locale_context():
        return {
            "current_language": current_language(),
            "text_direction": text_direction(),
            "language_alternates": alternates,
        }
