"""Recruiters writing postings: drafts, edits, pending edits of published postings, copies.

Status is never set here (see moderation.services). Values arrive as a plain dict of the columns in
EDITABLE_FIELDS; anything else in the dict is ignored, so a form can never set the status, the
organisation or the verification.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.jobs.models import SUPPORT_CODES, VISA_CODES, Posting, Source
from portal.moderation import workflow
from portal.moderation.models import PostingRevision, RevisionStatus

TEXT_FIELDS = tuple(f"{name}_{lang}" for name in ("title", "description", "requirements", "city", "working_hours",
                                                  "days_off") for lang in ("en", "ja"))
EDITABLE_FIELDS = TEXT_FIELDS + (
    "sector_code", "sub_area", "occupation_code", "prefecture_code", "employment_type", "applicants_from",
    "dispatch", "salary_min",
    "salary_max", "salary_unit", "hours_per_week", "japanese_level", "worker_costs", "openings",
    "valid_through", "apply_url",
) + tuple(f"visa_{code}" for code in VISA_CODES) + tuple(f"support_{code}" for code in SUPPORT_CODES)


class EditError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def clean_values(values: dict) -> dict:
    """Only the editable columns, as stored in a revision (JSON: dates as ISO strings)."""
    cleaned = {}
    for name in EDITABLE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, date):
            value = value.isoformat()
        cleaned[name] = value
    return cleaned


def apply_values(posting: Posting, values: dict) -> None:
    for name, value in clean_values(values).items():
        if name == "valid_through" and isinstance(value, str):
            value = date.fromisoformat(value)
        setattr(posting, name, value)


def posting_values(posting: Posting) -> dict:
    return clean_values({name: getattr(posting, name) for name in EDITABLE_FIELDS})


def values_for_editor(posting: Posting) -> dict:
    """What the editor shows: the pending edit of a published posting, else the posting itself."""
    revision = _revision(posting.id)
    values = posting_values(posting)
    if revision is not None:
        values.update(revision.data)
    if isinstance(values.get("valid_through"), str):
        values["valid_through"] = date.fromisoformat(values["valid_through"])
    return values


def _revision(posting_id: int) -> PostingRevision | None:
    return db.session.scalar(select(PostingRevision).where(PostingRevision.posting_id == posting_id))


def _require_organisation(actor: User) -> int:
    if actor.role != Role.RECRUITER or actor.organisation_id is None:
        raise EditError(_l("Create or join an organisation before you write postings."))
    return actor.organisation_id


def owned_posting(posting_id: int, actor: User) -> Posting | None:
    """The posting when it belongs to the actor's organisation, else None (the area answers 404)."""
    if actor.organisation_id is None:
        return None
    return db.session.scalar(select(Posting).where(Posting.id == posting_id,
                                                   Posting.organisation_id == actor.organisation_id))


def create_draft(actor: User, values: dict) -> Posting:
    organisation_id = _require_organisation(actor)
    posting = Posting(organisation=actor.organisation, source=Source.RECRUITER)
    apply_values(posting, values)
    db.session.add(posting)
    db.session.flush()
    _update_flags(posting)
    db.session.commit()
    return posting


def _update_flags(posting: Posting) -> None:
    """Red flags on every save (moderation keeps them; staff see them when it is submitted)."""
    from portal.moderation.services import update_flags

    update_flags(posting)


def save(posting_id: int, actor: User, values: dict) -> Posting:
    """A draft (or a posting staff asked to change) is changed in place; a published posting gets a
    pending edit that staff approve before it replaces the live text."""
    posting = owned_posting(posting_id, actor)
    if posting is None:
        raise EditError(_l("No such posting."))
    if posting.status in workflow.EDITABLE:
        apply_values(posting, values)
        _update_flags(posting)
    elif posting.status in workflow.EDITABLE_AS_REVISION:
        revision = _revision(posting.id)
        if revision is None:
            revision = PostingRevision(posting_id=posting.id)
            db.session.add(revision)
        elif revision.status == RevisionStatus.SUBMITTED:
            raise EditError(_l("Your edit is waiting for review. You can change it again after the review."))
        revision.author_id = actor.id
        revision.data = clean_values(values)
        revision.status = RevisionStatus.DRAFT
    else:
        raise EditError(_l("This posting cannot be edited in its current state. Make a copy instead."))
    db.session.commit()
    return posting


def duplicate(posting_id: int, actor: User) -> Posting:
    """A new draft with the same content (a past closing date is left out)."""
    posting = owned_posting(posting_id, actor)
    if posting is None:
        raise EditError(_l("No such posting."))
    values = posting_values(posting)
    if posting.valid_through is not None and posting.valid_through < date.today():
        values.pop("valid_through")
    copy = Posting(organisation=posting.organisation, source=Source.RECRUITER)
    apply_values(copy, values)
    db.session.add(copy)
    db.session.flush()
    _update_flags(copy)
    db.session.commit()
    return copy


def organisation_postings(organisation_id: int, *, state: str | None = None, q: str | None = None,
                          limit: int = 200) -> list[Posting]:
    """The dashboard's list: newest first, filtered by state and by a word in either title."""
    query = select(Posting).where(Posting.organisation_id == organisation_id)
    if state:
        query = query.where(Posting.status == state)
    if q and q.strip():
        pattern = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(Posting.title_en).like(pattern), func.lower(Posting.title_ja).like(pattern)))
    return list(db.session.scalars(query.order_by(Posting.created_at.desc(), Posting.id.desc()).limit(limit)).all())


def state_counts(organisation_id: int) -> dict[str, int]:
    return dict(db.session.execute(select(Posting.status, func.count()).where(
        Posting.organisation_id == organisation_id).group_by(Posting.status)).all())


def pending_edit_ids(posting_ids: list[int]) -> dict[int, str]:
    if not posting_ids:
        return {}
    return dict(db.session.execute(select(PostingRevision.posting_id, PostingRevision.status)
                                   .where(PostingRevision.posting_id.in_(posting_ids))).all())


__all__ = ["EDITABLE_FIELDS", "EditError", "apply_values", "clean_values", "create_draft",
           "duplicate", "organisation_postings", "owned_posting", "save", "values_for_editor"]
