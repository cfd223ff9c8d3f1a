"""A posting summed up from its structured fields, in any interface language.

A posting is written in English and/or Japanese; a reader of another language (or an English reader
of a Japanese-only posting) first gets this summary, marked as one, then the original text. The same
lines go into the API (`summary` per language) and into job alert e-mails.

Each line is built by one entry of SUMMARY_FIELDS: (key, label, builder). A builder takes the
posting and a `Context` and returns the value in the current locale, or None to leave the line out.
A new structured field is one more entry, e.g. for who may apply:

    ("who_may_apply", _l("Who may apply"), labelled("applicants_from", APPLICANTS_FROM_NAMES)),
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask_babel import force_locale, gettext as _, lazy_gettext as _l, ngettext

from portal.i18n import format_jpy, format_pkr
from portal.jobs.days_off import days_off_facts
from portal.jobs.models import SalaryUnit, monthly_estimate


@dataclass(frozen=True, slots=True)
class SummaryLine:
    key: str
    label: str
    value: str

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "value": self.value}


@dataclass(frozen=True, slots=True)
class Context:
    lang: str
    ref: object  # portal.taxonomy.lookup.Reference
    estimate: object | None  # portal.guidance.services.PayEstimates, None when pay cannot be estimated


# How each language separates the items of a list, and the groups of a longer list.
LIST_SEPARATORS = {"ja": ("、", "；"), "ur": ("، ", "؛ ")}


def join(items, lang: str, *, groups: bool = False) -> str:
    comma, semicolon = LIST_SEPARATORS.get(lang, (", ", "; "))
    return (semicolon if groups else comma).join(str(item) for item in items)


def labelled(attribute: str, names: Mapping[str, object]) -> Callable:
    """A builder for a coded field: the code's translated name (a list of codes is joined)."""

    def build(posting, context: Context) -> str | None:
        value = getattr(posting, attribute, None)
        if not value:
            return None
        codes = value if isinstance(value, (list, tuple)) else [value]
        return join((names.get(code, code) for code in codes), context.lang)

    return build


def _job(posting, context: Context) -> str | None:
    occupation = context.ref.occupations.get(posting.occupation_code or "")
    if occupation is not None:
        return occupation.name(context.lang)
    area = context.ref.sub_areas.get((posting.sector_code, posting.sub_area or ""))
    return area.name(context.lang) if area is not None else None


def _field(posting, context: Context) -> str | None:
    sector = context.ref.sectors.get(posting.sector_code)
    if sector is None:
        return None
    area = context.ref.sub_areas.get((posting.sector_code, posting.sub_area or ""))
    if area is not None:
        return _("%(field)s: %(area)s", field=sector.name(context.lang), area=area.name(context.lang))
    return sector.name(context.lang)


def _place(posting, context: Context) -> str | None:
    prefecture = context.ref.prefectures.get(posting.prefecture_code)
    if prefecture is None:
        return None
    region = context.ref.regions.get(prefecture.region)
    name = prefecture.name(context.lang)
    city, city_lang = posting.text("city", context.lang)
    if city and city_lang == context.lang:
        name = _("%(city)s, %(prefecture)s", city=city, prefecture=name)
    if region is not None:
        return _("%(place)s (%(region)s region)", place=name, region=region.name(context.lang))
    return name


def _pay(posting, context: Context) -> str | None:
    from portal.labels import SALARY_FORMATS

    if posting.salary_min is None or posting.salary_unit not in SALARY_FORMATS:
        return None
    amount = format_jpy(posting.salary_min)
    if posting.salary_max and posting.salary_max != posting.salary_min:
        amount = _("%(low)s to %(high)s", low=amount, high=format_jpy(posting.salary_max))
    text = str(SALARY_FORMATS[posting.salary_unit]) % {"amount": amount}
    if posting.salary_unit != SalaryUnit.MONTH:
        monthly = monthly_estimate(posting.salary_min, posting.salary_unit, posting.hours_per_week)
        if monthly:
            text = _("%(pay)s (about %(monthly)s a month)", pay=text, monthly=format_jpy(monthly))
    return text


def _take_home(posting, context: Context) -> str | None:
    estimate = context.estimate
    if estimate is None:
        return None
    first = estimate.first_year
    if first.net_pkr:
        return _("About %(net)s a month after tax and insurance (about %(pkr)s)",
                 net=format_jpy(first.net), pkr=format_pkr(first.net_pkr))
    return _("About %(net)s a month after tax and insurance", net=format_jpy(first.net))


def _hours(posting, context: Context) -> str | None:
    if not posting.hours_per_week:
        return None
    hours = posting.hours_per_week
    hours = int(hours) if float(hours).is_integer() else hours
    return ngettext("%(num)s hour a week", "%(num)s hours a week", hours)


DAYS_OFF_NAMES = {
    "per_week": lambda n: ngettext("%(num)s day off a week", "%(num)s days off a week", n[0]),
    "per_four_weeks": lambda n: _("%(num)s days off every four weeks", num=n[0]),
    "per_month": lambda n: ngettext("%(num)s day off a month", "%(num)s days off a month", n[0]),
    "per_month_range": lambda n: _("%(low)s to %(high)s days off a month", low=n[0], high=n[1]),
    "per_year": lambda n: _("%(num)s days off a year", num=n[0]),
    "sat_sun_holidays": lambda n: _("Saturdays, Sundays and public holidays"),
    "sat_sun": lambda n: _("Saturdays and Sundays"),
    "sundays": lambda n: _("Sundays"),
    "shift": lambda n: _("shift rota"),
    "seasonal": lambda n: _("summer and New Year holidays"),
    "paid_leave": lambda n: _("paid leave"),
}


def _days_off(posting, context: Context) -> str | None:
    text, _lang = posting.text("days_off", context.lang)
    if not text:
        return None
    facts = days_off_facts(text)
    if not facts:
        return _("See the original text.")
    return join((DAYS_OFF_NAMES[code](numbers) for code, numbers in facts), context.lang)


RENT_WORDS = ("家賃", "寮費")


def _housing(posting, context: Context) -> str:
    if not posting.support_housing:
        return _("Not offered")
    rent = [cost for cost in posting.worker_costs or () if cost.get("per") == "month" and (
        "rent" in (cost.get("item_en") or "").lower() or any(word in (cost.get("item_ja") or "") for word in RENT_WORDS))]
    if rent:
        return _("Provided; you pay %(amount)s a month", amount=format_jpy(rent[0].get("amount_jpy")))
    return _("Provided by the employer")


def _japanese(posting, context: Context) -> str:
    from portal.labels import JAPANESE_LEVEL_NAMES

    return str(JAPANESE_LEVEL_NAMES.get(posting.japanese_level, posting.japanese_level))


_TEST_CODES = ("skills_test", "jft_or_n4", "nursing_japanese", "ssw2_test", "esd_japanese")


def _tests(posting, context: Context) -> str:
    from portal.guidance import checklist
    from portal.guidance.labels import REQUIREMENT_NAMES

    sector = context.ref.sectors.get(posting.sector_code)
    items = checklist.requirements(sector=posting.sector_code, occupation=posting.occupation_code,
                                   visas=frozenset(posting.visas), japanese_level=posting.japanese_level,
                                   imported=posting.source == "import")
    names = [str(REQUIREMENT_NAMES[item.code]) % {
        "sector": sector.name(context.lang) if sector else posting.sector_code,
        "test": getattr(posting.sector, "skills_test_ja", None) or "", "level": _japanese(posting, context)}
        for item in items if item.code in _TEST_CODES]
    if not names:
        return _("None named in the posting")
    return join(names, context.lang, groups=True)


SUMMARY_FIELDS: tuple[tuple[str, object, Callable], ...] = (
    ("job", _l("Job"), _job),
    ("field", _l("Field"), _field),
    ("place", _l("Place"), _place),
    ("pay", _l("Pay"), _pay),
    ("take_home", _l("Take-home pay"), _take_home),
    ("hours", _l("Working hours"), _hours),
    ("days_off", _l("Days off"), _days_off),
    ("housing", _l("Housing"), _housing),
    ("japanese", _l("Japanese"), _japanese),
    ("tests", _l("Tests"), _tests),
)


def needs_summary(posting, lang: str) -> bool:
    """True when the posting has no text of its own in the reader's language."""
    return posting.text("description", lang)[1] != lang and posting.text("title", lang)[1] != lang


def _pay_inputs() -> tuple:
    """The pay parameters and the rupee rate, read once per request (a list of postings needs them
    for every posting, in every language)."""
    from flask import g

    from portal.guidance.services import current_parameters
    from portal.taxonomy.services import current_rate

    if "summary_pay_inputs" not in g:
        g.summary_pay_inputs = (current_parameters(), current_rate("PKR"))
    return g.summary_pay_inputs


_UNSET = object()


def summary(posting, lang: str, *, ref=None, estimate=_UNSET) -> list[SummaryLine]:
    """The summary lines in `lang` (rendered under that locale, whatever the request's). `estimate`:
    the page's take-home estimate when it has one already (None: the posting has none)."""
    from portal.guidance.services import estimate_for_posting
    from portal.taxonomy.lookup import reference

    ref = ref or reference()
    if estimate is _UNSET:
        params, rate = _pay_inputs()
        estimate = estimate_for_posting(posting, lang, params=params, rate=rate)
    with force_locale(lang):
        context = Context(lang, ref, estimate)
        lines = []
        for key, label, build in SUMMARY_FIELDS:
            value = build(posting, context)
            if value:
                lines.append(SummaryLine(key, str(label), str(value)))
    return lines


def summaries(posting, languages, *, ref=None) -> dict[str, list[dict[str, str]]]:
    """{lang: [line as JSON]} for the API."""
    return {lang: [line.as_json() for line in summary(posting, lang, ref=ref)] for lang in languages}
