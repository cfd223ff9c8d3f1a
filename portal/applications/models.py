"""Applications, their history, the road-to-departure checklist, and on-site notifications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.applications.pipeline import State
from portal.extensions import db
from portal.jobs.models import Posting, text_languages
from portal.timeutil import utcnow


class ApplicationKind:
    PORTAL = "portal"  # sent through Kakehashi: the recruiter sees it
    EXTERNAL = "external"  # the seeker applied on the employer's site and noted it here


class Application(db.Model):
    """One seeker's application to one posting.

    The profile is copied at the moment of applying (`profile_snapshot`), and so is the CV file:
    what the recruiter sees does not change when the seeker edits their profile later. When the
    seeker deletes their account, `seeker_id` becomes NULL and the snapshot, cover note and CV copy
    are removed (`anonymised_at`); the recruiter keeps an anonymous row and its history.
    """

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("posting_id", "seeker_id", name="uq_applications_posting_seeker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    seeker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=ApplicationKind.PORTAL)
    state: Mapped[str] = mapped_column(String(20), default=State.RECEIVED, index=True)
    profile_snapshot: Mapped[dict | None] = mapped_column(JSON)
    cover_note: Mapped[str | None] = mapped_column(Text)
    cv_stored_name: Mapped[str | None] = mapped_column(String(80))
    cv_original_name: Mapped[str | None] = mapped_column(String(200))
    cv_mime: Mapped[str | None] = mapped_column(String(100))
    # Written by the recruiter when they offer; the seeker reads them in their language.
    contract_terms_en: Mapped[str | None] = mapped_column(Text)
    contract_terms_ja: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    posting: Mapped[Posting] = relationship()
    seeker: Mapped[User | None] = relationship()
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ApplicationEvent.id")
    steps: Mapped[list[DepartureStep]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="DepartureStep.id")
    offer: Mapped[Offer | None] = relationship(back_populates="application", cascade="all, delete-orphan",
                                               passive_deletes=True, uselist=False)

    def contract_terms(self, lang: str) -> tuple[str | None, str | None]:
        """(terms, their language): the reader's language first, the other as a fallback."""
        for code in text_languages(lang):
            value = getattr(self, f"contract_terms_{code}")
            if value:
                return value, code
        return None, None

    @property
    def applicant_name(self) -> str | None:
        return (self.profile_snapshot or {}).get("name")


class OfferStatus:
    PENDING = "pending"  # the worker has not answered yet
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Offer(db.Model):
    """The recruiter's structured offer, made when the application moves to "offered".

    `differences` is what applications.offer_check.compare() found against the posting when the
    offer was made (kept, so that a later edit of the posting does not rewrite what the worker was
    shown); `lowers_take_home` is the staff red flag."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    monthly_pay: Mapped[int] = mapped_column(Integer)  # yen, gross
    housing: Mapped[int] = mapped_column(Integer, default=0)  # deductions, yen a month
    utilities: Mapped[int] = mapped_column(Integer, default=0)
    meals: Mapped[int] = mapped_column(Integer, default=0)
    other: Mapped[int] = mapped_column(Integer, default=0)
    other_label: Mapped[str | None] = mapped_column(String(200))
    hours_per_week: Mapped[float] = mapped_column(Float)
    days_off_per_year: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    contract_months: Mapped[int] = mapped_column(Integer)
    differences: Mapped[list] = mapped_column(JSON, default=list)
    lowers_take_home: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)
    status: Mapped[str] = mapped_column(String(20), default=OfferStatus.PENDING)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    application: Mapped[Application] = relationship(back_populates="offer")

    def deductions(self) -> dict[str, int]:
        return {"housing": self.housing or 0, "utilities": self.utilities or 0, "meals": self.meals or 0,
                "other": self.other or 0}


class ApplicationEvent(db.Model):
    """Append-only history: a change of state, or a message, by one side."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    step: Mapped[str | None] = mapped_column(String(30))  # a checklist step that changed
    message: Mapped[str | None] = mapped_column(Text)
    # A common message sent as a template (message_templates.TEMPLATES) with its values: each reader
    # reads it in their own language. Free text keeps the language it was written in.
    template: Mapped[str | None] = mapped_column(String(40))
    template_values: Mapped[dict | None] = mapped_column(JSON)
    message_lang: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")


class DepartureStep(db.Model):
    """One done step of the road to departure (pipeline.STEPS); absent = not done yet."""

    __tablename__ = "departure_steps"
    __table_args__ = (UniqueConstraint("application_id", "code", name="uq_departure_steps_application_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    done_on: Mapped[date] = mapped_column(Date)
    post: Mapped[str | None] = mapped_column(String(20))  # visa steps: islamabad | karachi
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Notification(db.Model):
    """Something that happened, for one person. Stored as a code and values, not as text, so it is
    shown in whatever language the reader uses when they read it."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                       index=True)
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    message: Mapped[str | None] = mapped_column(Text)  # what the other side wrote, as written
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    application: Mapped[Application | None] = relationship()


__all__ = ["Application", "ApplicationEvent", "ApplicationKind", "DepartureStep", "Notification", "Offer", "OfferStatus"]
