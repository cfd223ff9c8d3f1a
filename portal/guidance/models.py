"""Guide articles with revisions (staff edit EN/JA Markdown), and the dated parameters of the pay
estimate."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.timeutil import utcnow


class GuideArticle(db.Model):
    """One guide (/<lang>/guide/<slug>). What the public sees is `published_revision`; newer revisions
    are drafts."""

    __tablename__ = "guide_articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # No foreign key (it would make the two tables point at each other); services keep it valid.
    published_revision_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    revisions: Mapped[list[GuideRevision]] = relationship(
        back_populates="article", order_by="GuideRevision.id", cascade="all, delete-orphan")

    @property
    def published_revision(self) -> GuideRevision | None:
        return next((r for r in self.revisions if r.id == self.published_revision_id), None)

    @property
    def latest_revision(self) -> GuideRevision | None:
        return self.revisions[-1] if self.revisions else None


class GuideRevision(db.Model):
    """One saved version of a guide in both languages. Rows are never changed after they are saved."""

    __tablename__ = "guide_revisions"
    __table_args__ = (Index("ix_guide_revisions_article", "article_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("guide_articles.id", ondelete="CASCADE"))
    title_en: Mapped[str] = mapped_column(String(200))
    title_ja: Mapped[str] = mapped_column(String(200))
    body_en: Mapped[str] = mapped_column(Text)  # Markdown
    body_ja: Mapped[str] = mapped_column(Text)  # Markdown
    sources: Mapped[list] = mapped_column(JSON, default=list)  # [{"title": …, "url": …}]
    last_checked: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300))  # what changed, or "shipped"
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    article: Mapped[GuideArticle] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class PayParameter(db.Model):
    """One value of a pay-estimate rate (portal/guidance/pay.py PARAMETER_KEYS), from a date, with its
    source. The value in force is the newest `as_of` that has come; older rows are the history."""

    __tablename__ = "pay_parameters"
    __table_args__ = (Index("ix_pay_parameters_key", "key", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[float] = mapped_column(Float)
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    approximate: Mapped[bool] = mapped_column(Boolean, default=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
