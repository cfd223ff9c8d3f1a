"""Registers staff maintain, and the history of their changes (who, when, old → new).

Minimum wages and exchange rates live in the taxonomy tables (portal/taxonomy/models.py); this
module adds the OEP licence register, the test calendar and the change history of all four."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.timeutil import utcnow


class LicenceStatus:
    VALID = "valid"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    ALL = ("valid", "suspended", "cancelled")


class OepLicence(db.Model):
    """One Overseas Employment Promoter licence as listed by BE&OE."""

    __tablename__ = "oep_licences"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalised with moderation.flags.normalise_licence ("OEP 1234/RWP" → "1234RWP").
    number: Mapped[str] = mapped_column(String(40), unique=True)
    number_display: Mapped[str] = mapped_column(String(60))
    holder_name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=LicenceStatus.VALID)
    valid_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class TestSitting(db.Model):
    """A JLPT or JFT-Basic sitting in Pakistan."""

    __tablename__ = "test_sittings"
    __test__ = False  # not a pytest class

    id: Mapped[int] = mapped_column(primary_key=True)
    exam: Mapped[str] = mapped_column(String(20))  # jlpt | jft_basic
    exam_date: Mapped[date] = mapped_column(Date, index=True)
    city: Mapped[str] = mapped_column(String(100))
    venue: Mapped[str | None] = mapped_column(String(300))
    registration_deadline: Mapped[date | None] = mapped_column(Date)
    source_url: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class RegisterUpdate(db.Model):
    """One staff action on a register (a CSV import or a form); its audit row points here."""

    __tablename__ = "register_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(30), index=True)  # oep_licences | minimum_wages | exchange_rates | test_calendar
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor: Mapped[User | None] = relationship()
    changes: Mapped[list[RegisterChange]] = relationship(back_populates="update", order_by="RegisterChange.id")


class RegisterChange(db.Model):
    """One row of a register changed: its key and its values before and after (None = added/removed)."""

    __tablename__ = "register_changes"
    __table_args__ = (Index("ix_register_changes_update", "update_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("register_updates.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)

    update: Mapped[RegisterUpdate] = relationship(back_populates="changes")
