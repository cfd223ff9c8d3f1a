"""Staff corrections of imported postings' sector and occupation, kept as the classifier's training data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.timeutil import utcnow


class ClassificationCorrection(db.Model):
    """One staff correction: the posting's text as it was classified, the old and new labels, who, when.

    The text is copied so that the correction keeps teaching the classifier after the posting is gone."""

    __tablename__ = "classification_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    old_sector: Mapped[str | None] = mapped_column(String(40))
    old_occupation: Mapped[str | None] = mapped_column(String(8))
    new_sector: Mapped[str] = mapped_column(String(40))
    new_occupation: Mapped[str | None] = mapped_column(String(8))
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    corrected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ClassificationCloseCall(db.Model):
    """An imported posting whose best and second-best fields scored close: staff choose between the two.

    Written by the import, deleted when staff correct the posting or a re-import is no longer close."""

    __tablename__ = "classification_close_calls"

    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(40))
    runner_up: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
