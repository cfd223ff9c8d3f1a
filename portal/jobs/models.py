"""Job postings. A posting carries its own text in English and/or Japanese."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Organisation
from portal.extensions import db
from portal.moderation.workflow import PostingState
from portal.taxonomy.models import Prefecture, Sector
from portal.timeutil import utcnow


# The states belong to the state machine (moderation.workflow, pure); this name is kept for callers.
PostingStatus = PostingState


class EmploymentType(enum.StrEnum):
    """schema.org JobPosting employmentType values."""

    FULL_TIME = "FULL_TIME"
    PART_TIME = "PART_TIME"
    CONTRACTOR = "CONTRACTOR"
    TEMPORARY = "TEMPORARY"
    INTERN = "INTERN"
    PER_DIEM = "PER_DIEM"
    OTHER = "OTHER"


class SalaryUnit(enum.StrEnum):
    HOUR = "HOUR"
    DAY = "DAY"
    MONTH = "MONTH"
    YEAR = "YEAR"


class JapaneseLevel(enum.StrEnum):
    NONE = "none"
    N5 = "N5"
    JFT_BASIC = "JFT_BASIC"  # A2, accepted for SSW (i) like N4
    N4 = "N4"
    N3 = "N3"
    N2 = "N2"
    N1 = "N1"


class ApplicantsFrom(enum.StrEnum):
    """Who a posting takes (matching.engine.APPLICANTS_FROM)."""

    ABROAD = "abroad"  # hires from Pakistan through a Certificate of Eligibility
    IN_JAPAN_ONLY = "in_japan_only"  # residents changing status; part-time and student jobs
    UNKNOWN = "unknown"


class Source(enum.StrEnum):
    RECRUITER = "recruiter"
    IMPORT = "import"


VISA_CODES = ("ssw1", "ssw2", "esd", "engineer", "other")
SUPPORT_CODES = ("housing", "airfare", "visa_sponsorship", "japanese_training", "support_org")

# Hours in a month of full-time work (40 h × 52 weeks ÷ 12), used when a posting gives no hours.
STANDARD_MONTHLY_HOURS = 173.8
WORKING_DAYS_PER_MONTH = 21.7


def monthly_estimate(amount: int | None, unit: str | None, hours_per_week: float | None = None) -> int | None:
    """A salary amount expressed per month, so that postings paid by the hour, day or year compare."""
    if amount is None or unit is None:
        return None
    monthly_hours = hours_per_week * 52 / 12 if hours_per_week else STANDARD_MONTHLY_HOURS
    factor = {
        SalaryUnit.HOUR: monthly_hours,
        SalaryUnit.DAY: WORKING_DAYS_PER_MONTH,
        SalaryUnit.MONTH: 1,
        SalaryUnit.YEAR: 1 / 12,
    }[SalaryUnit(unit)]
    return round(amount * factor)


def text_languages(lang: str) -> tuple[str, ...]:
    """The languages a posting's text may be in, in the order a reader of `lang` prefers them."""
    return ("ja", "en") if lang == "ja" else ("en", "ja")


class Posting(db.Model):
    __tablename__ = "postings"
    __table_args__ = (
        Index("ix_postings_status_published", "status", "published_at"),
        Index("ix_postings_status_sector", "status", "sector_code"),
        Index("ix_postings_status_prefecture", "status", "prefecture_code"),
        UniqueConstraint("import_source_id", "external_id", name="uq_postings_import_source_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    employer_name_en: Mapped[str | None] = mapped_column(String(200))
    employer_name_ja: Mapped[str | None] = mapped_column(String(200))

    title_en: Mapped[str | None] = mapped_column(String(200))
    title_ja: Mapped[str | None] = mapped_column(String(200))
    description_en: Mapped[str | None] = mapped_column(Text)
    description_ja: Mapped[str | None] = mapped_column(Text)
    requirements_en: Mapped[str | None] = mapped_column(Text)
    requirements_ja: Mapped[str | None] = mapped_column(Text)

    sector_code: Mapped[str] = mapped_column(ForeignKey("sectors.code"))
    sub_area: Mapped[str | None] = mapped_column(String(40))
    occupation_code: Mapped[str | None] = mapped_column(String(4))  # ISCO-08 unit group
    # The primary place: the first named. A posting that names none (location_kind nationwide, remote
    # or unstated) keeps a stand-in here for code that needs one prefecture: lists, filters and the
    # minimum wage read location_kind first.
    prefecture_code: Mapped[str] = mapped_column(ForeignKey("prefectures.code"))
    # place (one prefecture), places (several, in posting_places), nationwide, remote, unstated.
    location_kind: Mapped[str] = mapped_column(String(12), default="place", server_default="place")
    city_en: Mapped[str | None] = mapped_column(String(120))
    city_ja: Mapped[str | None] = mapped_column(String(120))

    employment_type: Mapped[str] = mapped_column(String(20), default=EmploymentType.FULL_TIME)
    applicants_from: Mapped[str] = mapped_column(String(20), default=ApplicantsFrom.UNKNOWN,
                                                 server_default=ApplicantsFrom.UNKNOWN.value)
    dispatch: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # 派遣: an agency employs
    salary_min: Mapped[int | None] = mapped_column(Integer)
    salary_max: Mapped[int | None] = mapped_column(Integer)
    salary_unit: Mapped[str | None] = mapped_column(String(10))
    monthly_jpy: Mapped[int | None] = mapped_column(Integer, index=True)  # derived from salary_min
    hours_per_week: Mapped[float | None] = mapped_column(Float)
    working_hours_en: Mapped[str | None] = mapped_column(String(300))
    working_hours_ja: Mapped[str | None] = mapped_column(String(300))
    days_off_en: Mapped[str | None] = mapped_column(String(300))
    days_off_ja: Mapped[str | None] = mapped_column(String(300))

    japanese_level: Mapped[str] = mapped_column(String(10), default=JapaneseLevel.NONE)
    visa_ssw1: Mapped[bool] = mapped_column(Boolean, default=False)
    visa_ssw2: Mapped[bool] = mapped_column(Boolean, default=False)
    visa_esd: Mapped[bool] = mapped_column(Boolean, default=False)
    visa_engineer: Mapped[bool] = mapped_column(Boolean, default=False)
    visa_other: Mapped[bool] = mapped_column(Boolean, default=False)
    support_housing: Mapped[bool] = mapped_column(Boolean, default=False)
    support_airfare: Mapped[bool] = mapped_column(Boolean, default=False)
    support_visa_sponsorship: Mapped[bool] = mapped_column(Boolean, default=False)
    support_japanese_training: Mapped[bool] = mapped_column(Boolean, default=False)
    support_support_org: Mapped[bool] = mapped_column(Boolean, default=False)
    # Itemised costs the worker pays: [{"item_en", "item_ja", "amount_jpy", "per"}]; normally empty.
    worker_costs: Mapped[list] = mapped_column(JSON, default=list)

    openings: Mapped[int] = mapped_column(Integer, default=1)
    valid_through: Mapped[date | None] = mapped_column(Date)
    apply_url: Mapped[str | None] = mapped_column(String(1000))  # external application; None = on the portal
    source: Mapped[str] = mapped_column(String(20), default=Source.RECRUITER)
    source_url: Mapped[str | None] = mapped_column(String(1000))
    # Imported postings: where from, the source's id, a hash of what it last sent.
    import_source_id: Mapped[int | None] = mapped_column(ForeignKey("import_sources.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(300))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # The same job from another source, listed once: this row points at the one shown.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id"), index=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    classification_confidence: Mapped[float | None] = mapped_column(Float)
    # Set when staff correct sector/occupation: a re-import keeps their choice.
    classification_locked: Mapped[bool] = mapped_column(Boolean, default=False)

    # Search tokens for both languages (see jobs.textindex); SQLite indexes them with FTS5,
    # PostgreSQL through the posting_terms table and its GIN index (portal/jobs/search_index.py).
    search_tokens: Mapped[str] = mapped_column(Text, default="", server_default="")

    status: Mapped[str] = mapped_column(String(20), default=PostingStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                 index=True)  # the search snapshot asks for the newest
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation | None] = relationship()
    sector: Mapped[Sector] = relationship()
    prefecture: Mapped[Prefecture] = relationship()
    places: Mapped[list[PostingPlace]] = relationship(order_by="PostingPlace.position", cascade="all, delete-orphan",
                                                      passive_deletes=True)

    @property
    def prefecture_codes(self) -> list[str]:
        """Every prefecture the posting names (the primary one when it names one place)."""
        if self.places:
            return [place.prefecture_code for place in self.places]
        return [self.prefecture_code] if self.location_kind == "place" else []

    @property
    def visas(self) -> list[str]:
        return [code for code in VISA_CODES if getattr(self, f"visa_{code}")]

    @property
    def support(self) -> list[str]:
        return [code for code in SUPPORT_CODES if getattr(self, f"support_{code}")]

    def text(self, field: str, lang: str) -> tuple[str | None, str | None]:
        """(text, language it is in): the page's language first, then the others (postings are written
        in English and/or Japanese; an Urdu reader gets English first)."""
        for code in text_languages(lang):
            value = getattr(self, f"{field}_{code}", None)
            if value:
                return value, code
        return None, None

    def title(self, lang: str) -> str:
        return self.text("title", lang)[0] or ""

    def employer(self, lang: str) -> str:
        return self.employer_text(lang)[0]

    def employer_text(self, lang: str) -> tuple[str, str | None]:
        """(employer name, language it is in), for marking an English or Japanese name on other pages."""
        value, code = self.text("employer_name", lang)
        if value:
            return value, code
        if self.organisation is None:
            return "", None
        for code in text_languages(lang):
            name = getattr(self.organisation, f"name_{code}", None)
            if name:
                return name, code
        return "", None

    def refresh_monthly_estimate(self) -> None:
        self.monthly_jpy = monthly_estimate(self.salary_min, self.salary_unit, self.hours_per_week)


class PostingPlace(db.Model):
    """One workplace of a posting that names several (or of a nationwide/remote one that names some)."""

    __tablename__ = "posting_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    prefecture_code: Mapped[str] = mapped_column(ForeignKey("prefectures.code"))
    city_en: Mapped[str | None] = mapped_column(String(120))
    city_ja: Mapped[str | None] = mapped_column(String(120))


class SavedJob(db.Model):
    __tablename__ = "saved_jobs"
    __table_args__ = (UniqueConstraint("user_id", "posting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    posting: Mapped[Posting] = relationship()


class SavedSearch(db.Model):
    """A search a seeker keeps; new postings that match it go into the seeker's e-mail digest."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # the search page's query arguments
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AlertSent(db.Model):
    """A posting already sent to a seeker in a digest: never sent to them again."""

    __tablename__ = "alerts_sent"
    __table_args__ = (UniqueConstraint("user_id", "posting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PostingView(db.Model):
    """How often a posting's public page was opened: one row per posting, bumped by one UPDATE."""

    __tablename__ = "posting_views"

    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    views: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
