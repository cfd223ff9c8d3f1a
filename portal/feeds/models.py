"""Import sources, their runs, and what each run skipped."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import utcnow


class SourceKind(enum.StrEnum):
    JSONLD = "jsonld"  # a sitemap or page listing job pages with schema.org JobPosting JSON-LD
    INDEED_XML = "indeed-xml"  # <source><job>… with referencenumber
    FEED = "feed"  # RSS or Atom; each item's link is followed for JSON-LD
    JSON = "json"  # a JSON API read through a field mapping
    CSV = "csv"  # a file uploaded by staff
    HTML = "html"  # job pages without JSON-LD, read through a CSS-selector mapping (feeds.htmlpages)


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"  # complete: missing postings may be closed
    PARTIAL = "partial"  # stored what it could; some pages failed, so nothing was closed
    NOT_MODIFIED = "not_modified"  # 304: nothing to do
    FAILED = "failed"  # nothing changed


class ImportSource(db.Model):
    __tablename__ = "import_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(20))
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    mapping: Mapped[dict | None] = mapped_column(JSON)  # json: field → dotted path; html: field → CSS selector
    every_hours: Mapped[float] = mapped_column(Float, default=24)
    # Politeness towards the source's site: parallel requests per host and a pause between them.
    max_concurrency: Mapped[int] = mapped_column(Integer, default=2)
    delay_seconds: Mapped[float] = mapped_column(Float, default=1.0)

    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    # SHA-256 of the last document stored completely: the same bytes again change nothing.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Lease: the host running this source now, until when. A crashed run's lease simply expires.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    runs: Mapped[list[ImportRun]] = relationship(back_populates="source", cascade="all, delete-orphan",
                                                 order_by="ImportRun.id.desc()")


class ImportRun(db.Model):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("import_sources.id", ondelete="CASCADE"), index=True)
    host: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)

    source: Mapped[ImportSource] = relationship(back_populates="runs")
    skips: Mapped[list[ImportSkip]] = relationship(back_populates="run", cascade="all, delete-orphan")


class ImportSkip(db.Model):
    """One item a run could not use, with the reason (at most MAX_SKIPS_KEPT kept per run)."""

    __tablename__ = "import_skips"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(1000))

    run: Mapped[ImportRun] = relationship(back_populates="skips")


class ImportPage(db.Model):
    """A job page of a jsonld/feed source as last fetched, so unchanged pages are not fetched again."""

    __tablename__ = "import_pages"
    __table_args__ = (UniqueConstraint("source_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("import_sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(1000))
    lastmod: Mapped[str | None] = mapped_column(String(40))  # the sitemap's <lastmod> when fetched
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    external_ids: Mapped[list] = mapped_column(JSON, default=list)  # postings this page gave
