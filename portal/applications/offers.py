"""Offers: the recruiter's structured offer, checked against the posting (offer_check, pure), the
worker's answer, and the offers staff should look at.

The offer is made inside the move to "offered" (services._move calls `build()` before it changes
anything, so a refused offer leaves the application as it was). Object-level access is the
caller's: the areas load the application with services.for_seeker()/for_recruiter() first.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.applications import offer_check
from portal.applications.models import Application, Offer, OfferStatus
from portal.applications.services import ApplicationError
from portal.jobs.models import Posting, monthly_estimate
from portal.timeutil import today

#: Form and API field names, with the range each number must be in.
LIMITS = {
    "monthly_pay": (50_000, 2_000_000),
    "housing": (0, 500_000),
    "utilities": (0, 500_000),
    "meals": (0, 500_000),
    "other": (0, 500_000),
    "hours_per_week": (1, 80),
    "days_off_per_year": (0, 366),
    "contract_months": (1, 120),
}
FIELDS = (*LIMITS, "other_label", "start_date")


class OfferError(ApplicationError):
    """A refused offer or answer; `field` names the input at fault (None: the whole request)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


def _number(values: dict, name: str, *, whole: bool = True):
    raw = values.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if name in ("housing", "utilities", "meals", "other"):
            return 0
        raise OfferError(_l("This field is required."), name)
    try:
        number = float(str(raw).replace(",", "").strip()) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise OfferError(_l("Enter a number."), name) from None
    if isinstance(raw, bool) or number != number:  # a JSON true, or NaN
        raise OfferError(_l("Enter a number."), name)
    low, high = LIMITS[name]
    if not low <= number <= high:
        raise OfferError(_l("Enter a number from %(low)s to %(high)s.", low=format(low, ","), high=format(high, ",")),
                         name)
    if whole:
        if not number.is_integer():
            raise OfferError(_l("Enter a whole number."), name)
        return int(number)
    return number


def clean(values: dict) -> dict:
    """Offer values as typed (strings, numbers, a date or an ISO date) → checked values; raises OfferError."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise OfferError(_l("Unknown field."), unknown[0])
    cleaned = {name: _number(values, name, whole=name != "hours_per_week") for name in LIMITS}
    label = (values.get("other_label") or "").strip() or None
    if cleaned["other"] and not label:
        raise OfferError(_l("Say what the other cost is for."), "other_label")
    if label and len(label) > 200:
        raise OfferError(_l("Keep it under 200 characters."), "other_label")
    cleaned["other_label"] = label if cleaned["other"] else None
    start = values.get("start_date")
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start.strip())
        except ValueError:
            raise OfferError(_l("Enter the date as YYYY-MM-DD."), "start_date") from None
    if not isinstance(start, date):
        raise OfferError(_l("This field is required."), "start_date")
    if start < today():
        raise OfferError(_l("The start date cannot be in the past."), "start_date")
    cleaned["start_date"] = start
    deductions = sum(cleaned[name] for name in offer_check.CATEGORIES)
    if deductions >= cleaned["monthly_pay"]:
        raise OfferError(_l("The deductions cannot add up to the whole monthly pay."), "housing")
    return cleaned


def ad_terms(posting: Posting) -> offer_check.AdTerms:
    """What the posting promised, in the terms an offer is compared with."""
    pay = None
    if posting.salary_min is not None and posting.salary_unit:
        pay = monthly_estimate(posting.salary_min, posting.salary_unit, posting.hours_per_week)
    return offer_check.AdTerms(
        monthly_pay=pay, deductions=offer_check.ad_deductions(posting.worker_costs or ()),
        hours_per_week=posting.hours_per_week,
        days_off_per_year=offer_check.annual_days_off(posting.days_off_ja, posting.days_off_en,
                                                      posting.description_ja, posting.description_en))


def terms_of(offer: Offer) -> offer_check.OfferTerms:
    return offer_check.OfferTerms(monthly_pay=offer.monthly_pay, deductions=offer.deductions(),
                                  hours_per_week=offer.hours_per_week, days_off_per_year=offer.days_off_per_year)


def build(application: Application, values: dict, actor_id: int) -> Offer:
    """A new offer for the application, compared with its posting (not yet added to the session)."""
    cleaned = clean(values)
    offer = Offer(**cleaned, status=OfferStatus.PENDING, created_by_id=actor_id)
    differences = offer_check.compare(ad_terms(application.posting), terms_of(offer))
    offer.differences = [difference.to_dict() for difference in differences]
    offer.lowers_take_home = offer_check.lowers_take_home(differences)
    return offer


def differences(offer: Offer) -> list[offer_check.Difference]:
    return [offer_check.Difference.from_dict(item) for item in offer.differences or ()]


def explain(offer: Offer) -> list[tuple[offer_check.Difference, str]]:
    """The offer's differences as sentences in the current locale."""
    from portal.i18n import format_jpy, format_number

    def number(value) -> str:
        return "—" if value is None else format_number(value)

    return [(difference, offer_check.explain(difference, _, format_jpy, number)) for difference in differences(offer)]


def category_names() -> dict[str, str]:
    return {code: _(name) for code, name in offer_check.CATEGORY_NAMES.items()}


def take_home(offer: Offer):
    """The take-home estimate (portal/guidance/pay.py) from the offer's own figures."""
    from portal.guidance import pay
    from portal.guidance.services import PayEstimates, current_parameters
    from portal.taxonomy.services import current_rate

    names = category_names()
    deductions = [pay.Deduction(offer.other_label if code == "other" and offer.other_label else names[code], amount)
                  for code, amount in offer.deductions().items() if amount]
    params = current_parameters()
    rate = current_rate("PKR")
    per_jpy = float(rate.per_jpy) if rate is not None else None
    return PayEstimates(pay.estimate(offer.monthly_pay, params, deductions=deductions, pkr_per_jpy=per_jpy),
                        pay.estimate(offer.monthly_pay, params, deductions=deductions, second_year=True,
                                     pkr_per_jpy=per_jpy),
                        params, rate)


def flagged(limit: int = 200) -> list[Offer]:
    """For staff: offers that take money out of the worker's month compared with the ad, newest first."""
    from portal.extensions import db

    return list(db.session.scalars(
        select(Offer).where(Offer.lowers_take_home.is_(True))
        .options(selectinload(Offer.application).selectinload(Application.posting))
        .order_by(Offer.created_at.desc(), Offer.id.desc()).limit(limit)))
