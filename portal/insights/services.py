"""The staff dashboard's figures. Each is one or two GROUP BY queries; no per-posting work."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts.models import Organisation, OrganisationStatus
from portal.extensions import db
from portal.feeds.models import ImportRun, ImportSource
from portal.jobs.models import Posting
from portal.moderation.models import AuditEntry, PostingRevision, RevisionStatus
from portal.moderation.workflow import PostingState
from portal.timeutil import as_utc, today, utcnow

from portal.insights.charts import decision_hours, median

DECISION_WINDOW_DAYS = 90
FLAG_WEEKS = 8


def published_by(column) -> dict[str, int]:
    return dict(db.session.execute(select(column, func.count()).where(Posting.status == PostingState.PUBLISHED,
                                                                      Posting.duplicate_of_id.is_(None))
                                   .group_by(column)).all())


@dataclass(frozen=True)
class Backlog:
    postings: int
    edits: int
    organisations: int
    median_hours: float | None
    decisions: int


def backlog() -> Backlog:
    postings = db.session.scalar(select(func.count()).where(Posting.status == PostingState.SUBMITTED)) or 0
    edits = db.session.scalar(select(func.count()).select_from(PostingRevision)
                              .where(PostingRevision.status == RevisionStatus.SUBMITTED)) or 0
    organisations = db.session.scalar(select(func.count()).select_from(Organisation)
                                      .where(Organisation.status == OrganisationStatus.UNVERIFIED)) or 0
    since = utcnow() - timedelta(days=DECISION_WINDOW_DAYS)
    events = db.session.execute(
        select(AuditEntry.target_id, AuditEntry.action, AuditEntry.created_at)
        .where(AuditEntry.target_type == "posting", AuditEntry.action.in_(("submit", "approve", "reject")),
               AuditEntry.created_at >= since)
        .order_by(AuditEntry.created_at, AuditEntry.id)).all()
    hours = decision_hours((target, action, as_utc(at)) for target, action, at in events)
    return Backlog(postings, edits, organisations, median(hours), len(hours))


@dataclass(frozen=True)
class SourceHealth:
    id: int
    name: str
    enabled: bool
    status: str | None
    finished_at: object
    consecutive_failures: int


def source_health() -> list[SourceHealth]:
    latest = (select(ImportRun.source_id, func.max(ImportRun.id).label("run_id"))
              .group_by(ImportRun.source_id).subquery())
    rows = db.session.execute(
        select(ImportSource.id, ImportSource.name, ImportSource.enabled, ImportSource.consecutive_failures,
               ImportRun.status, ImportRun.finished_at)
        .outerjoin(latest, latest.c.source_id == ImportSource.id)
        .outerjoin(ImportRun, ImportRun.id == latest.c.run_id)
        .order_by(ImportSource.name)).all()
    return [SourceHealth(r.id, r.name, r.enabled, r.status, r.finished_at, r.consecutive_failures or 0)
            for r in rows]


def flags_by_week(weeks: int = FLAG_WEEKS) -> tuple[list[date], dict[str, list[int]]] | None:
    """Postings with each red flag, by the week (Monday) their flags were last computed; None when
    the red-flag store (moderation's `posting_flags` table) does not exist in this version."""
    table = db.metadata.tables.get("posting_flags")
    if table is None or "codes" not in table.c or "computed_at" not in table.c:
        return None
    monday = today() - timedelta(days=today().weekday())
    starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    rows = db.session.execute(select(table.c.codes, table.c.computed_at)
                              .where(table.c.codes != "", table.c.computed_at >= starts[0])).all()
    counts: dict[str, Counter] = {}
    for codes, at in rows:
        day = as_utc(at).date()
        week = day - timedelta(days=day.weekday())
        for code in filter(None, (codes or "").split(",")):
            counts.setdefault(code, Counter())[week] += 1
    return starts, {code: [counter.get(week, 0) for week in starts] for code, counter in sorted(counts.items())}
