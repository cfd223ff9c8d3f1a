"""An offer checked against the ad it answers. Pure: no Flask, no SQLAlchemy.

The recruiter's offer (`OfferTerms`: monthly pay, each monthly deduction, hours, days off) is
compared with what the posting promised (`AdTerms`, gathered by the caller from the posting), and
every difference the worker should know about is listed (`Difference`), in the order they matter.

Choices worth knowing:

* **Pay** is compared with the lowest pay the ad offered, as a monthly figure (the caller turns an
  hourly or daily ad into a month with `portal.jobs.models.monthly_estimate`).
* **Deductions** are monthly amounts in four categories. The ad's own monthly worker costs are
  sorted into the same categories by their words (`category_of`: 寮, rent, 光熱費, meals…). A
  deduction the ad did not name, or one larger than the ad said, lowers take-home pay.
* **Hours and days off** cannot lower take-home pay, but longer hours or fewer days off are a
  difference the worker reads. Days off are compared as days a year (年間休日); the ad's free text
  is read with `annual_days_off`. When the ad does not say, the difference says the site cannot
  compare, rather than staying silent.
* `lowers_take_home()` is the staff red flag: any difference that takes money out of the worker's
  month.

Messages: `MESSAGES` holds English msgids marked with the no-op `N_()`; the caller translates them
at request time with `explain(difference, gettext, money)`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["CATEGORIES", "MESSAGES", "AdTerms", "Difference", "OfferTerms", "annual_days_off", "ad_deductions",
           "category_of", "compare", "explain", "lowers_take_home"]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark for extraction only"
    return message


#: The deductions an offer itemises, in the order they are shown.
CATEGORIES = ("housing", "utilities", "meals", "other")

# Words that put an ad's worker cost into a category (NFKC-normalised, case-insensitive).
_CATEGORY_WORDS = {
    "housing": re.compile(r"hous|rent|dorm|accommodation|apartment|room|寮|家賃|住居|住宅|社宅|宿舎|部屋", re.I),
    "utilities": re.compile(r"utilit|electric|water|gas|heating|internet|wi-?fi|光熱|水道|電気|ガス|通信", re.I),
    "meals": re.compile(r"meal|food|lunch|dinner|breakfast|canteen|食", re.I),
}


@dataclass(frozen=True, slots=True)
class AdTerms:
    """What the posting promised. None: the ad did not say."""

    monthly_pay: int | None = None
    # category → yen a month, for the categories the ad named (missing: not named).
    deductions: Mapping[str, int] = field(default_factory=dict)
    hours_per_week: float | None = None
    days_off_per_year: int | None = None


@dataclass(frozen=True, slots=True)
class OfferTerms:
    """What the recruiter offers. Deductions: category → yen a month (0 or missing: none)."""

    monthly_pay: int
    deductions: Mapping[str, int] = field(default_factory=dict)
    hours_per_week: float | None = None
    days_off_per_year: int | None = None


@dataclass(frozen=True, slots=True)
class Difference:
    code: str
    lowers_take_home: bool
    category: str | None = None  # for deductions
    ad: float | None = None
    offer: float | None = None

    def to_dict(self) -> dict:
        return {"code": self.code, "lowers_take_home": self.lowers_take_home, "category": self.category,
                "ad": self.ad, "offer": self.offer}

    @classmethod
    def from_dict(cls, data: Mapping) -> Difference:
        return cls(data["code"], bool(data.get("lowers_take_home")), data.get("category"), data.get("ad"),
                   data.get("offer"))


MESSAGES = {
    "pay_lower": N_("The monthly pay is %(offer)s, lower than the %(ad)s in the ad."),
    "pay_unstated": N_("The ad did not state the pay, so the offer's %(offer)s cannot be compared."),
    "deduction_not_in_ad": N_("%(category)s: %(offer)s a month is taken from your pay. The ad did not name this cost."),
    "deduction_higher": N_("%(category)s: %(offer)s a month is taken from your pay, more than the %(ad)s in the ad."),
    "hours_longer": N_("%(offer)s hours a week, longer than the %(ad)s hours in the ad."),
    "hours_unstated": N_("The ad did not state the working hours, so the offer's %(offer)s hours a week cannot be compared."),
    "days_off_fewer": N_("%(offer)s days off a year, fewer than the %(ad)s days in the ad."),
    "days_off_unstated": N_("The ad did not state the days off, so the offer's %(offer)s days a year cannot be compared."),
}

CATEGORY_NAMES = {
    "housing": N_("Housing"),
    "utilities": N_("Utilities"),
    "meals": N_("Meals"),
    "other": N_("Other costs"),
}

# Differences about money: their figures are shown as yen.
_MONEY = {"pay_lower", "pay_unstated", "deduction_not_in_ad", "deduction_higher"}


def category_of(*labels: str | None) -> str:
    """The deduction category of an ad's worker cost, from its names in any language."""
    text = unicodedata.normalize("NFKC", " ".join(label for label in labels if label))
    for category, pattern in _CATEGORY_WORDS.items():
        if pattern.search(text):
            return category
    return "other"


def ad_deductions(worker_costs: Iterable[Mapping]) -> dict[str, int]:
    """The ad's monthly (and yearly ÷ 12) worker costs, summed per category. One-off costs are not
    deductions from pay (they are fees, a red flag of their own)."""
    totals: dict[str, int] = {}
    for cost in worker_costs or ():
        per = str(cost.get("per") or "once").lower()
        try:
            amount = int(cost.get("amount_jpy") or 0)
        except (TypeError, ValueError):
            continue
        if amount <= 0 or per not in ("month", "year"):
            continue
        category = category_of(cost.get("item_en"), cost.get("item_ja"), cost.get("label"))
        totals[category] = totals.get(category, 0) + (amount if per == "month" else round(amount / 12))
    return totals


_DAYS_OFF = (
    re.compile(r"年間休日\s*[:：]?\s*(\d{2,3})"),
    re.compile(r"(\d{2,3})\s*days?\s*(?:off\s*)?(?:a|per|each)\s*year", re.I),
    re.compile(r"annual\s*(?:holidays|days\s*off)\s*[:：]?\s*(\d{2,3})", re.I),
    re.compile(r"(\d{2,3})\s*annual\s*(?:holidays|days\s*off)", re.I),
)


def annual_days_off(*texts: str | None) -> int | None:
    """Days off a year when the ad's text says so (年間休日105日, "105 days off a year"); else None."""
    for text in texts:
        if not text:
            continue
        text = unicodedata.normalize("NFKC", text)
        for pattern in _DAYS_OFF:
            match = pattern.search(text)
            if match and 0 < int(match.group(1)) <= 366:
                return int(match.group(1))
    return None


def compare(ad: AdTerms, offer: OfferTerms) -> list[Difference]:
    """Every difference between the offer and the ad, money first."""
    found: list[Difference] = []
    if ad.monthly_pay is None:
        found.append(Difference("pay_unstated", False, offer=offer.monthly_pay))
    elif offer.monthly_pay < ad.monthly_pay:
        found.append(Difference("pay_lower", True, ad=ad.monthly_pay, offer=offer.monthly_pay))
    for category in CATEGORIES:
        amount = int(offer.deductions.get(category) or 0)
        if amount <= 0:
            continue
        promised = ad.deductions.get(category)
        if promised is None:
            found.append(Difference("deduction_not_in_ad", True, category, offer=amount))
        elif amount > promised:
            found.append(Difference("deduction_higher", True, category, ad=promised, offer=amount))
    if offer.hours_per_week is not None:
        if ad.hours_per_week is None:
            found.append(Difference("hours_unstated", False, offer=offer.hours_per_week))
        elif offer.hours_per_week > ad.hours_per_week:
            found.append(Difference("hours_longer", False, ad=ad.hours_per_week, offer=offer.hours_per_week))
    if offer.days_off_per_year is not None:
        if ad.days_off_per_year is None:
            found.append(Difference("days_off_unstated", False, offer=offer.days_off_per_year))
        elif offer.days_off_per_year < ad.days_off_per_year:
            found.append(Difference("days_off_fewer", False, ad=ad.days_off_per_year, offer=offer.days_off_per_year))
    return found


def lowers_take_home(differences: Iterable[Difference]) -> bool:
    """The staff red flag: some difference takes money out of the worker's month."""
    return any(difference.lowers_take_home for difference in differences)


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"


def explain(difference: Difference, gettext: Callable[[str], str] = N_,
            money: Callable[[int], str] = lambda amount: f"¥{amount:,}",
            number: Callable[[float], str] = _number) -> str:
    """The difference as a sentence in the caller's language (plain text: let the template escape it)."""
    msgid = MESSAGES.get(difference.code)
    if msgid is None:
        return difference.code
    show = money if difference.code in _MONEY else number
    params = {
        "ad": show(int(difference.ad)) if difference.code in _MONEY and difference.ad is not None
        else number(difference.ad),
        "offer": show(int(difference.offer)) if difference.code in _MONEY and difference.offer is not None
        else number(difference.offer),
        "category": gettext(CATEGORY_NAMES.get(difference.category or "", "")) if difference.category else "",
    }
    return gettext(msgid) % params
