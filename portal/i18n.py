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
from flask_babel import format_datetime as _flask_format_datetime
from babel.numbers import format_currency, format_decimal
from flask import current_app, g, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.routing import BaseConverter


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


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
        for code in languages()
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


def format_jpy(amount: int | float | Decimal | None) -> str:
    if amount is None:
        return ""
    return format_currency(amount, "JPY", locale=current_language())


def format_pkr(amount: int | float | Decimal | None) -> str:
    """Pakistani rupees as Pakistanis write them: Rs 120,000 (no paisa)."""
    if amount is None:
        return ""
    locale = "en_PK" if current_language() == "en" else current_language()
    return format_currency(round(amount), "PKR", locale=locale, format="¤\u00a0#,##0", currency_digits=False)


def format_pkr_rate(rate: float | None) -> str:
    """An exchange rate in rupees per yen, with two decimals (Rs 1.85)."""
    if rate is None:
        return ""
    locale = "en_PK" if current_language() == "en" else current_language()
    return format_currency(rate, "PKR", locale=locale, format="¤\u00a0#,##0.00", currency_digits=False)


def format_number(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=current_language())


def format_date(value: date | datetime | None, form: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _babel_format_date(value, form, locale=current_language())


def format_datetime(value: datetime | None, form: str = "medium") -> str:
    """A moment, in the site's time zone (Pakistan, where most readers are)."""
    if value is None:
        return ""
    from portal.timeutil import as_utc

    return _flask_format_datetime(as_utc(value), form)


def init_app(app) -> None:
    app.url_map.converters["lang"] = make_lang_converter(tuple(app.config["LANGUAGES"]))
    app.url_value_preprocessor(_pull_lang)
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
