"""Reading the audit log: search and paging for the staff audit page (rows are never changed here,
nor anywhere: see the ORM guards on AuditEntry), and the names of the staff actions added in issue 7."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.moderation.models import AuditEntry


STAFF_ACTION_NAMES = {
    "suspend_user": _l("Account suspended"),
    "restore_user": _l("Account restored"),
    "request_documents": _l("Documents requested"),
    "add_source": _l("Import source added"),
    "enable_source": _l("Import source enabled"),
    "disable_source": _l("Import source disabled"),
    "run_source_soon": _l("Import source set to run at the next import"),
    "upload_csv": _l("CSV file imported into a source"),
    "correct_classification": _l("Classification corrected"),
    "import_oep_licences": _l("OEP licence register imported"),
    "import_minimum_wages": _l("Minimum wages imported"),
    "import_exchange_rates": _l("Exchange rates imported"),
    "import_test_calendar": _l("Test calendar imported"),
    "set_exchange_rate": _l("Exchange rate set"),
    "save_guide": _l("Guide saved as a draft"),
    "publish_guide": _l("Guide published"),
    "revert_guide": _l("Guide reverted to an earlier revision"),
    "set_pay_parameter": _l("Pay estimate rate set"),
}
TARGET_TYPE_NAMES = {
    "posting": _l("Posting"),
    "organisation": _l("Organisation"),
    "user": _l("Account"),
    "import_source": _l("Import source"),
    "register": _l("Register"),
    "guide": _l("Guide"),
    "pay_parameter": _l("Pay estimate rate"),
}


@dataclass(frozen=True)
class AuditPage:
    entries: list[tuple[AuditEntry, str | None]]  # (entry, actor e-mail)
    total: int
    page: int
    pages: int


def search(*, actor: str | None = None, action: str | None = None, target_type: str | None = None,
           target_id: int | None = None, date_from: date | None = None, date_to: date | None = None,
           page: int = 1, per_page: int = 50) -> AuditPage:
    """Newest first. `actor` is a fragment of the actor's e-mail address, or a role (system…)."""
    query = select(AuditEntry, User.email).outerjoin(User, User.id == AuditEntry.actor_id)
    if actor and actor.strip():
        text = actor.strip().lower()
        query = query.where(func.lower(func.coalesce(User.email, "")).like(f"%{text}%")
                            | (AuditEntry.actor_role == text))
    if action:
        query = query.where(AuditEntry.action == action)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == target_id)
    if date_from:
        query = query.where(AuditEntry.created_at >= datetime.combine(date_from, time.min, UTC))
    if date_to:
        query = query.where(AuditEntry.created_at < datetime.combine(date_to + timedelta(days=1), time.min, UTC))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(query.order_by(AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return AuditPage([(entry, email) for entry, email in rows], total, page, pages)


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
