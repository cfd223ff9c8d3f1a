"""The audit log (append-only), staff ↔ recruiter comments on a posting, and pending edits of
published postings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, Select, String, Text, event, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.timeutil import utcnow


class AuditEntry(db.Model):
    """One thing that happened to a posting or an organisation. Rows are only ever added."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept when the account is deleted (the role says who acted); the id is then cleared.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(20))  # recruiter | staff | system
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(20))  # posting | organisation
    target_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[str | None] = mapped_column(String(40))
    after: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, _target) -> None:
    raise RuntimeError("audit entries are append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, _target) -> None:
    raise RuntimeError("audit entries are append-only")


class PostingComment(db.Model):
    """A message in the thread between staff and the posting's organisation."""

    __tablename__ = "posting_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_role: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship()


class RevisionStatus:
    DRAFT = "draft"  # saved by the recruiter, not yet sent
    SUBMITTED = "submitted"  # waiting for staff
    CHANGES_REQUESTED = "changes_requested"


class PostingRevision(db.Model):
    """An edit of a published posting. The published text stays live until staff approve the edit;
    approval copies `data` (column name → value) onto the posting and deletes the revision."""

    __tablename__ = "posting_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=RevisionStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PostingFlags(db.Model):
    """A posting's red flags (moderation.flags), as last computed: on every save, submit and import,
    and for all postings when a register they depend on changes. A posting without a row has none.

    A table of its own rather than columns of `postings` (whose SQLite FTS triggers do not survive
    a batch ALTER)."""

    __tablename__ = "posting_flags"
    __table_args__ = (Index("ix_posting_flags_rank", "risk_rank"),)

    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True)
    flags: Mapped[list] = mapped_column(JSON, default=list)  # [Flag.to_dict()]
    codes: Mapped[str] = mapped_column(String(500), default="")  # ",fee_words,deposit_words," for filtering
    risk: Mapped[str] = mapped_column(String(10), default="none")  # flags.risk_level
    risk_rank: Mapped[int] = mapped_column(Integer, default=0)  # none 0, low 1, medium 2, high 3: queue order
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportStatus:
    OPEN = "open"
    DISMISSED = "dismissed"  # staff found nothing wrong
    UPHELD = "upheld"  # staff removed the posting


class JobReport(db.Model):
    """Someone (anyone, signed in or not) reported a public posting. The reporter's identity and
    contact are for staff only: nothing of them reaches the recruiter."""

    __tablename__ = "job_reports"
    __table_args__ = (Index("ix_job_reports_posting_status", "posting_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(30))
    details: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(254))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who reported, for counting distinct reporters: "user:<id>", or a hash of the network and browser.
    reporter_key: Mapped[str | None] = mapped_column(String(64))
    # What the report counts towards hiding: see HIDE_AT_WEIGHT. 0 for a repeat from the same reporter.
    weight: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_note: Mapped[str | None] = mapped_column(Text)


# Reports hide a posting from the public until staff decide once their weights reach HIDE_AT_WEIGHT.
# Each reporter counts once per posting: a signed-in account weighs SIGNED_IN_WEIGHT, an anonymous
# one (a network and browser) ANONYMOUS_WEIGHT, a repeat from the same reporter nothing. So two
# people with accounts, or four anonymous people on different networks or browsers, hide a posting;
# one client sending report after report never does. A verified organisation's posting is never
# hidden by reports alone: staff must confirm (uphold) first.
SIGNED_IN_WEIGHT = 2
ANONYMOUS_WEIGHT = 1
HIDE_AT_WEIGHT = 4


def hidden_by_reports() -> Select:
    """Ids of the postings whose open reports weigh HIDE_AT_WEIGHT or more, unless a verified
    organisation posted them (not public until reviewed)."""
    from portal.accounts.models import Organisation, OrganisationStatus
    from portal.jobs.models import Posting

    verified = select(Organisation.id).where(Organisation.status == OrganisationStatus.VERIFIED)
    protected = select(Posting.id).where(Posting.organisation_id.in_(verified))
    return (select(JobReport.posting_id).where(JobReport.status == ReportStatus.OPEN,
                                               JobReport.posting_id.not_in(protected))
            .group_by(JobReport.posting_id).having(func.sum(JobReport.weight) >= HIDE_AT_WEIGHT))
