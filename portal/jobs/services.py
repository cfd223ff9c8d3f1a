"""Reading postings for the public pages."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.jobs.models import STANDARD_MONTHLY_HOURS, Posting, PostingStatus, SalaryUnit, monthly_estimate
from portal.taxonomy.models import ExchangeRate, MinimumWage
from portal.taxonomy.services import current_rate, minimum_wage_on
from portal.timeutil import today

log = logging.getLogger(__name__)

# Postings the public may open: live ones and ones that have ended (they say so).
VIEWABLE = (PostingStatus.PUBLISHED, PostingStatus.CLOSED, PostingStatus.EXPIRED)


def get_viewable_posting(posting_id: int) -> Posting | None:
    from portal.jobs.search import not_hidden_condition, organisation_visible_condition

    return db.session.scalar(
        select(Posting).where(Posting.id == posting_id, Posting.status.in_(VIEWABLE),
                              organisation_visible_condition(), not_hidden_condition())
        .options(selectinload(Posting.organisation))
    )


def count_view(posting_id: int) -> None:
    """One more view of a posting's public page: one statement in its own short transaction, so the
    page's read transaction never turns into a write."""
    from portal.db import writing
    from portal.jobs.models import PostingView

    if db.engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    statement = insert(PostingView).values(posting_id=posting_id, views=1)
    statement = statement.on_conflict_do_update(index_elements=[PostingView.posting_id],
                                                set_={"views": PostingView.views + 1})
    try:
        with writing(), db.engine.begin() as connection:
            connection.execute(statement)
    except OperationalError as error:
        # A view counter never stops anyone reading a job: on a full or read-only database (or one
        # locked for longer than the busy timeout) the view is not counted and the page is shown.
        from portal.security import driver_message

        log.warning("view of posting %d not counted: %s", posting_id, driver_message(error))


def view_counts(posting_ids: list[int]) -> dict[int, int]:
    from portal.jobs.models import PostingView

    if not posting_ids:
        return {}
    return dict(db.session.execute(select(PostingView.posting_id, PostingView.views)
                                   .where(PostingView.posting_id.in_(posting_ids))).all())


def is_open(posting: Posting, day: date | None = None) -> bool:
    day = day or today()
    return posting.status == PostingStatus.PUBLISHED and (posting.valid_through is None or posting.valid_through >= day)


@dataclass(frozen=True)
class PayFacts:
    """What a posting's pay means: per month, per hour, against the minimum wage, in rupees."""

    monthly_min: int | None
    monthly_max: int | None
    hourly_min: float | None  # hourly equivalent of the lowest pay
    minimum_wage: MinimumWage | None
    below_minimum: bool
    rate: ExchangeRate | None
    pkr_monthly_min: int | None
    pkr_monthly_max: int | None


def hourly_equivalent(amount: int | None, unit: str | None, hours_per_week: float | None) -> float | None:
    if amount is None or unit is None:
        return None
    if unit == SalaryUnit.HOUR:
        return float(amount)
    monthly = monthly_estimate(amount, unit, hours_per_week)
    monthly_hours = hours_per_week * 52 / 12 if hours_per_week else STANDARD_MONTHLY_HOURS
    return monthly / monthly_hours if monthly is not None else None


def wage_prefecture(posting: Posting, day: date) -> str:
    """The prefecture whose minimum wage the pay must meet: the posting's one place, else the place
    with the highest minimum wage among those it names, or in all Japan when it may be anywhere."""
    if (posting.location_kind or "place") == "place":
        return posting.prefecture_code
    from portal.feeds.places import minimum_wage_for
    from portal.moderation.services import minimum_wages_on

    return minimum_wage_for(posting.location_kind, posting.prefecture_codes, minimum_wages_on(day))[1] \
        or posting.prefecture_code


def pay_facts(posting: Posting, day: date | None = None) -> PayFacts:
    day = day or today()
    monthly_min = monthly_estimate(posting.salary_min, posting.salary_unit, posting.hours_per_week)
    monthly_max = monthly_estimate(posting.salary_max, posting.salary_unit, posting.hours_per_week)
    hourly = hourly_equivalent(posting.salary_min, posting.salary_unit, posting.hours_per_week)
    wage = minimum_wage_on(wage_prefecture(posting, day), day)
    rate = current_rate("PKR")

    def pkr(value: int | None) -> int | None:
        return round(value * rate.per_jpy) if value is not None and rate is not None else None

    return PayFacts(
        monthly_min=monthly_min,
        monthly_max=monthly_max,
        hourly_min=hourly,
        minimum_wage=wage,
        below_minimum=bool(hourly is not None and wage is not None and hourly < wage.yen_per_hour),
        rate=rate,
        pkr_monthly_min=pkr(monthly_min),
        pkr_monthly_max=pkr(monthly_max),
    )


class ClassificationError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def correct_classification(posting_id: int, sector: str, occupation: str | None, actor=None, *,
                           sub_area: str | None = None, applicants_from: str | None = None) -> Posting:
    """Staff's sector/occupation (and business category, and who may apply) for a posting. It is
    locked: later imports do not change it. `applicants_from` None keeps the posting's value."""
    from portal.matching.engine import APPLICANTS_FROM

    from flask_babel import lazy_gettext as _l

    from portal.taxonomy.lookup import reference

    ref = reference()
    posting = db.session.get(Posting, posting_id)
    if posting is None:
        raise ClassificationError(_l("No such posting."))
    if sector not in ref.sectors or (occupation and occupation not in ref.occupations):
        raise ClassificationError(_l("Choose a field from the list."))
    if sub_area and (sector, sub_area) not in ref.sub_areas:
        raise ClassificationError(_l("This area does not belong to the chosen field."))
    if applicants_from is not None and applicants_from not in APPLICANTS_FROM:
        raise ClassificationError(_l("Choose who can apply from the list."))
    before = " ".join(filter(None, (posting.sector_code, posting.occupation_code)))[:40] or None
    from portal.matching.corrections import record

    record(posting, sector, occupation, actor)  # training data for the classifier
    posting.sector_code = sector
    posting.occupation_code = occupation
    posting.sub_area = sub_area or None
    if applicants_from is not None:
        posting.applicants_from = applicants_from
    posting.classification_locked = True
    posting.classification_confidence = 1.0
    if actor is not None:
        from portal.moderation.services import audit

        audit(actor, "correct_classification", "posting", posting.id, before=before,
              after=" ".join(filter(None, (sector, occupation, applicants_from)))[:40])
    db.session.commit()
    return posting
