"""Data passed between the import stages: fetch → parse → normalise → classify → store.

Parsers turn bytes into RawItems (or Skips); normalisers turn a RawItem into a NormalisedPosting
(or a Skip). Both are pure: no Flask, no database, no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class RawItem:
    """One job as a source gives it, before any interpretation. Every field is optional text."""

    external_id: str | None = None  # the source's stable id (referencenumber, identifier, guid…)
    url: str | None = None  # the job's own page at the source
    title: str | None = None
    description: str | None = None  # HTML or text, unsanitised
    employer: str | None = None
    employer_url: str | None = None
    # Location pieces as given (schema.org PostalAddress, or free text in `address`).
    address_region: str | None = None
    address_locality: str | None = None
    street_address: str | None = None
    postal_code: str | None = None
    address_country: str | None = None
    address: str | None = None
    # Further workplaces after the first (several jobLocation entries), each with the keys above:
    # address_region, address_locality, street_address, postal_code, address_country, address.
    more_locations: list[dict] = field(default_factory=list)
    remote: bool = False  # the source says the job is done from home (jobLocationType TELECOMMUTE)
    nationwide: bool = False  # the source says applicants anywhere in Japan (applicantLocationRequirements)
    # Pay: structured (schema.org MonetaryAmount) and/or free text (月給18万円〜25万円).
    salary_min: float | None = None
    salary_max: float | None = None
    salary_unit: str | None = None  # HOUR, DAY, WEEK, MONTH, YEAR or a source's own word
    salary_currency: str | None = None
    salary_text: str | None = None
    employment_type: list[str] = field(default_factory=list)  # as given: FULL_TIME, 正社員, …
    date_posted: str | None = None
    valid_through: str | None = None
    occupational_category: str | None = None  # ISCO / O*NET / free text, as given
    requirements: str | None = None  # qualifications, experience, language text
    japanese_text: str | None = None  # a source's explicit Japanese-level field, if any
    apply_url: str | None = None
    language: str | None = None  # inLanguage, if the source says


@dataclass(frozen=True)
class Skip:
    """An item that could not be used, and why (shown to staff on the import run)."""

    reason: str  # short code: invalid_json, missing_title, not_in_japan, …
    detail: str = ""
    external_id: str | None = None
    url: str | None = None


@dataclass
class ParseResult:
    items: list[RawItem] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # job pages to fetch next (sitemaps, feed items)
    lastmod: dict[str, str] = field(default_factory=dict)  # link → <lastmod> when a sitemap gives it


@dataclass
class Wage:
    minimum: int | None
    maximum: int | None
    unit: str  # HOUR, DAY, MONTH or YEAR (a weekly wage becomes MONTH: × 52 / 12)


@dataclass
class NormalisedPosting:
    """A RawItem made into the portal's vocabulary, ready to store (texts keyed by language)."""

    external_id: str
    source_url: str | None
    title_en: str | None = None
    title_ja: str | None = None
    description_en: str | None = None  # sanitised HTML
    description_ja: str | None = None
    requirements_en: str | None = None
    requirements_ja: str | None = None
    employer_name_en: str | None = None
    employer_name_ja: str | None = None
    prefecture_code: str | None = None  # the primary place: the first named (None: nationwide, remote…)
    location_kind: str = "place"  # place, places, nationwide, remote, unstated (feeds.places)
    # Every workplace when there are several, or the ones a nationwide/remote job names:
    # (prefecture code, city as written).
    places: list[tuple[str, str | None]] = field(default_factory=list)
    city_en: str | None = None
    city_ja: str | None = None
    employment_type: str = "OTHER"
    salary_min: int | None = None
    salary_max: int | None = None
    salary_unit: str | None = None
    japanese_level: str = "none"
    visas: set[str] = field(default_factory=set)  # ssw1, ssw2, esd, engineer, other
    date_posted: date | None = None
    valid_through: date | None = None
    apply_url: str | None = None
    occupational_category: str | None = None
    support_housing: bool = False
