"""Keeps a posting's derived columns (search tokens, monthly estimate) in step with its content.

Every ORM save goes through the before_flush hook; bulk inserts call `derived_values` themselves.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.jobs.models import Posting, monthly_estimate
from portal.jobs.textindex import index_tokens
from portal.taxonomy.lookup import Reference, reference

TEXT_FIELDS = ("title", "description", "requirements", "employer_name", "city")


def derived_values(values: Mapping, organisation_names: tuple[str | None, str | None] = (None, None),
                   ref: Reference | None = None) -> dict:
    """search_tokens and monthly_jpy for a posting given as a mapping of its column values."""
    ref = ref or reference()
    texts: list[str | None] = [values.get(f"{name}_{lang}") for name in TEXT_FIELDS for lang in ("en", "ja")]
    texts.extend(organisation_names)
    sector = ref.sectors.get(values.get("sector_code") or "")
    prefecture = ref.prefectures.get(values.get("prefecture_code") or "")
    occupation = ref.occupations.get(values.get("occupation_code") or "")
    sub_area = ref.sub_areas.get((values.get("sector_code"), values.get("sub_area")))
    for label in (sector, prefecture, occupation, sub_area):
        if label is not None:
            texts.extend((label.en, label.ja))
    if prefecture is not None:
        region = ref.regions.get(prefecture.region)
        if region is not None:
            texts.extend((region.en, region.ja))
    return {
        "search_tokens": index_tokens(texts),
        "monthly_jpy": monthly_estimate(values.get("salary_min"), values.get("salary_unit"), values.get("hours_per_week")),
    }


def refresh(posting: Posting) -> None:
    values = {column.key: getattr(posting, column.key) for column in Posting.__table__.columns}
    organisation = posting.organisation
    names = (organisation.name_en, organisation.name_ja) if organisation else (None, None)
    for name, value in derived_values(values, names).items():
        if getattr(posting, name) != value:
            setattr(posting, name, value)


@event.listens_for(Session, "before_flush")
def _refresh_postings(session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Posting):
            refresh(obj)
