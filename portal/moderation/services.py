"""Moderation use cases: one function per posting transition, plus organisation verification.

These are the only functions that change `Posting.status` (imports and the demo world set an
initial status when they create rows) and `Organisation.status`. Each checks the current state
through the pure state machine (workflow.py), writes exactly one audit row and commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.accounts.models import Organisation, OrganisationStatus, Role, User
from portal.extensions import db
from portal.jobs.models import Posting
from portal.moderation import workflow
from portal.moderation.models import AuditEntry, PostingComment, PostingRevision, RevisionStatus
from portal.moderation.workflow import Action, Actor, PostingState
from portal.timeutil import today, utcnow

REFUSALS = {
    "not_allowed_from_state": _l("This cannot be done to a posting in its current state."),
    "not_allowed_for_actor": _l("You are not allowed to do this."),
    "organisation_not_verified": _l("Only postings of verified organisations can be published."),
    "past_closing_date": _l("The closing date has passed. Set a new date in a copy of the posting."),
    "reason_required": _l("Please write a reason."),
    "incomplete": _l("Write the title and the description in at least one language before you submit."),
}


class WorkflowError(Exception):
    """A refused moderation action, with a translated message."""

    def __init__(self, message, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code


# ---- helpers --------------------------------------------------------------------------------------

def _actor_kind(actor: User | None) -> Actor:
    if actor is None:
        return Actor.SYSTEM
    if actor.role == Role.STAFF:
        return Actor.STAFF
    if actor.role == Role.RECRUITER:
        return Actor.RECRUITER
    raise WorkflowError(REFUSALS["not_allowed_for_actor"], "not_allowed_for_actor")


def audit(actor: User | None, action: str, target_type: str, target_id: int, *, before: str | None = None,
          after: str | None = None, reason: str | None = None) -> AuditEntry:
    """Adds one audit row to the session (the caller commits with its own change)."""
    entry = AuditEntry(actor_id=actor.id if actor else None, actor_role=str(_actor_kind(actor)), action=action,
                       target_type=target_type, target_id=target_id, before=before, after=after,
                       reason=(reason or "").strip() or None)
    db.session.add(entry)
    return entry


def _load_posting(posting_id: int, actor: User | None) -> Posting:
    posting = db.session.get(Posting, posting_id)
    if posting is None:
        raise WorkflowError(_l("No such posting."), "not_found")
    if actor is not None and actor.role == Role.RECRUITER and (
            actor.organisation_id is None or posting.organisation_id != actor.organisation_id):
        raise WorkflowError(_l("No such posting."), "not_found")
    return posting


def _organisation_verified(posting: Posting) -> bool:
    if posting.organisation_id is None:
        return True  # imported postings have no organisation; their source is trusted by staff
    return posting.organisation is not None and posting.organisation.status == OrganisationStatus.VERIFIED


def complete(posting: Posting) -> bool:
    return any(workflow.is_complete(getattr(posting, f"title_{lang}"), getattr(posting, f"description_{lang}"))
               for lang in ("en", "ja"))


def _transition(posting_id: int, action: Action, actor: User | None, reason: str | None = None) -> Posting:
    posting = _load_posting(posting_id, actor)
    context = workflow.Context(organisation_verified=_organisation_verified(posting),
                               valid_through=posting.valid_through, today=today(), reason=reason,
                               complete=complete(posting))
    try:
        target = workflow.check(posting.status, action, _actor_kind(actor), context)
    except workflow.TransitionError as error:
        raise WorkflowError(REFUSALS[error.code], error.code) from error
    before = posting.status
    posting.status = target
    if target == PostingState.PUBLISHED and posting.published_at is None:
        posting.published_at = utcnow()
    audit(actor, str(action), "posting", posting.id, before=before, after=str(target), reason=reason)
    if reason and action in workflow.NEEDS_REASON:
        # The recruiter sees the reason in the posting's comment thread.
        db.session.add(PostingComment(posting_id=posting.id, author_id=actor.id if actor else None,
                                      author_role=str(_actor_kind(actor)), body=reason.strip()))
    db.session.commit()
    return posting


# ---- posting transitions --------------------------------------------------------------------------

def submit(posting_id: int, actor: User) -> Posting:
    """Recruiter: send a draft (or a posting staff asked to change) for review."""
    return _transition(posting_id, Action.SUBMIT, actor)


def withdraw(posting_id: int, actor: User) -> Posting:
    """Recruiter: take a submitted posting back to draft to change it."""
    return _transition(posting_id, Action.WITHDRAW, actor)


def approve(posting_id: int, actor: User) -> Posting:
    """Staff: publish a submitted posting (its organisation must be verified)."""
    return _transition(posting_id, Action.APPROVE, actor)


publish = approve


def request_changes(posting_id: int, actor: User, comment: str) -> Posting:
    """Staff: send a submitted posting back to the recruiter with a comment."""
    return _transition(posting_id, Action.REQUEST_CHANGES, actor, reason=comment)


def reject(posting_id: int, actor: User, reason: str) -> Posting:
    """Staff: refuse a submitted posting, or take down a published one, with a reason."""
    return _transition(posting_id, Action.REJECT, actor, reason=reason)


def close(posting_id: int, actor: User) -> Posting:
    """Recruiter or staff: stop taking applications."""
    return _transition(posting_id, Action.CLOSE, actor)


def reopen(posting_id: int, actor: User) -> Posting:
    """Recruiter or staff: publish a closed posting again, before its closing date."""
    return _transition(posting_id, Action.REOPEN, actor)


def expire(posting_id: int) -> Posting:
    """System: the closing date has passed."""
    return _transition(posting_id, Action.EXPIRE, None)


def expire_due(day=None) -> int:
    """System (cron): expire every published or closed posting whose closing date has passed."""
    day = day or today()
    ids = db.session.scalars(
        select(Posting.id).where(Posting.status.in_(workflow.TRANSITIONS[Action.EXPIRE].sources),
                                 Posting.valid_through < day)
    ).all()
    for posting_id in ids:
        expire(posting_id)
    return len(ids)


def close_many(posting_ids: Iterable[int], actor: User) -> int:
    """Recruiter: close several postings at once. Postings that cannot be closed are left as they are."""
    closed = 0
    for posting_id in posting_ids:
        try:
            close(posting_id, actor)
        except WorkflowError:
            db.session.rollback()
            continue
        closed += 1
    return closed


# ---- comments ------------------------------------------------------------------------------------

def add_comment(posting_id: int, actor: User, body: str) -> PostingComment:
    """Staff, or a recruiter of the posting's organisation: a message in the posting's thread."""
    posting = _load_posting(posting_id, actor)
    body = (body or "").strip()
    if not body:
        raise WorkflowError(REFUSALS["reason_required"], "reason_required")
    comment = PostingComment(posting_id=posting.id, author_id=actor.id, author_role=str(_actor_kind(actor)),
                             body=body[:5000])
    db.session.add(comment)
    db.session.commit()
    return comment


def comments(posting_id: int) -> list[PostingComment]:
    return list(db.session.scalars(select(PostingComment).where(PostingComment.posting_id == posting_id)
                                   .order_by(PostingComment.created_at, PostingComment.id)).all())


def history(target_type: str, target_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == target_type,
                                                            AuditEntry.target_id == target_id)
                                   .order_by(AuditEntry.id)).all())


# ---- edits of published postings ---------------------------------------------------------------------

def pending_revision(posting_id: int) -> PostingRevision | None:
    return db.session.scalar(select(PostingRevision).where(PostingRevision.posting_id == posting_id))


def submit_edit(posting_id: int, actor: User) -> PostingRevision:
    """Recruiter: send the saved edit of a published posting for review."""
    posting = _load_posting(posting_id, actor)
    revision = pending_revision(posting.id)
    if posting.status != PostingState.PUBLISHED or revision is None or revision.status == RevisionStatus.SUBMITTED:
        raise WorkflowError(REFUSALS["not_allowed_from_state"], "not_allowed_from_state")
    if _actor_kind(actor) != Actor.RECRUITER:
        raise WorkflowError(REFUSALS["not_allowed_for_actor"], "not_allowed_for_actor")
    if not any(workflow.is_complete(revision.data.get(f"title_{lang}"), revision.data.get(f"description_{lang}"))
               for lang in ("en", "ja")):
        raise WorkflowError(REFUSALS["incomplete"], "incomplete")
    before = revision.status
    revision.status = RevisionStatus.SUBMITTED
    revision.submitted_at = utcnow()
    audit(actor, "submit_edit", "posting", posting.id, before=before, after=RevisionStatus.SUBMITTED)
    db.session.commit()
    return revision


def approve_edit(posting_id: int, actor: User) -> Posting:
    """Staff: the submitted edit replaces the published text."""
    from portal.jobs.editing import apply_values

    posting, revision = _submitted_revision(posting_id, actor)
    apply_values(posting, revision.data)
    db.session.delete(revision)
    audit(actor, "approve_edit", "posting", posting.id, before=posting.status, after=posting.status)
    db.session.commit()
    return posting


def reject_edit(posting_id: int, actor: User, reason: str) -> Posting:
    """Staff: the edit is not published; the recruiter sees why and may change it and send it again."""
    posting, revision = _submitted_revision(posting_id, actor)
    if not (reason or "").strip():
        raise WorkflowError(REFUSALS["reason_required"], "reason_required")
    revision.status = RevisionStatus.CHANGES_REQUESTED
    audit(actor, "reject_edit", "posting", posting.id, before=RevisionStatus.SUBMITTED,
          after=RevisionStatus.CHANGES_REQUESTED, reason=reason)
    db.session.add(PostingComment(posting_id=posting.id, author_id=actor.id, author_role=Actor.STAFF,
                                  body=reason.strip()))
    db.session.commit()
    return posting


def _submitted_revision(posting_id: int, actor: User) -> tuple[Posting, PostingRevision]:
    if _actor_kind(actor) != Actor.STAFF:
        raise WorkflowError(REFUSALS["not_allowed_for_actor"], "not_allowed_for_actor")
    posting = _load_posting(posting_id, actor)
    revision = pending_revision(posting.id)
    if revision is None or revision.status != RevisionStatus.SUBMITTED or posting.status != PostingState.PUBLISHED:
        raise WorkflowError(REFUSALS["not_allowed_from_state"], "not_allowed_from_state")
    return posting, revision


# ---- organisations ----------------------------------------------------------------------------------

def _set_organisation_status(organisation_id: int, actor: User | None, status: str, action: str,
                             sources: set[str], reason: str | None = None) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise WorkflowError(_l("No such organisation."), "not_found")
    if actor is not None and actor.role != Role.STAFF:
        raise WorkflowError(REFUSALS["not_allowed_for_actor"], "not_allowed_for_actor")
    if organisation.status not in sources:
        raise WorkflowError(REFUSALS["not_allowed_from_state"], "not_allowed_from_state")
    before = organisation.status
    organisation.status = status
    organisation.verified_at = utcnow() if status == OrganisationStatus.VERIFIED else None
    # Whether its postings are public changed: touching them tells the in-process search snapshot
    # (jobs.posting_index, which follows postings.updated_at) to read them again.
    db.session.execute(update(Posting).where(Posting.organisation_id == organisation.id)
                       .values(updated_at=utcnow()))
    audit(actor, action, "organisation", organisation.id, before=before, after=status, reason=reason)
    db.session.commit()
    return organisation


def verify_organisation(organisation_id: int, actor: User) -> Organisation:
    """Staff: the organisation's identifiers have been checked (also lifts a suspension)."""
    return _set_organisation_status(organisation_id, actor, OrganisationStatus.VERIFIED, "verify_organisation",
                                    {OrganisationStatus.UNVERIFIED, OrganisationStatus.SUSPENDED})


def suspend_organisation(organisation_id: int, actor: User, reason: str) -> Organisation:
    """Staff: none of the organisation's postings are shown while it is suspended."""
    if not (reason or "").strip():
        raise WorkflowError(REFUSALS["reason_required"], "reason_required")
    return _set_organisation_status(organisation_id, actor, OrganisationStatus.SUSPENDED, "suspend_organisation",
                                    {OrganisationStatus.UNVERIFIED, OrganisationStatus.VERIFIED}, reason)


def unverify_after_edit(organisation: Organisation, actor: User, changed: list[str]) -> None:
    """A verified organisation changed its name or an identifier: staff must check it again.
    Its published postings stay up. Adds the audit row; the caller commits."""
    before = organisation.status
    organisation.status = OrganisationStatus.UNVERIFIED
    organisation.verified_at = organisation.verified_at or utcnow()  # it was verified: keep its postings up
    audit(actor, "unverify_after_edit", "organisation", organisation.id, before=before,
          after=OrganisationStatus.UNVERIFIED, reason=", ".join(changed))
