"""Moderation use cases: one function per posting transition, plus organisation verification.

These are the only functions that change `Posting.status` (imports and the demo world set an
initial status when they create rows) and `Organisation.status`. Each checks the current state
through the pure state machine (workflow.py), writes exactly one audit row and commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal.accounts.models import Organisation, OrganisationStatus, Role, User
from portal.extensions import db
from portal.jobs.models import Posting
from portal.moderation import flags as flag_core
from portal.moderation.labels import REJECTION_REASONS, REPORT_REASONS
from portal.moderation import workflow
from portal.moderation.models import (
    AuditEntry,
    JobReport,
    PostingComment,
    PostingFlags,
    PostingRevision,
    ANONYMOUS_WEIGHT,
    SIGNED_IN_WEIGHT,
    hidden_by_reports,
    ReportStatus,
    RevisionStatus,
)
from portal.moderation.workflow import Action, Actor, PostingState
from portal.timeutil import today, utcnow

REFUSALS = {
    "not_allowed_from_state": _l("This cannot be done to a posting in its current state."),
    "not_allowed_for_actor": _l("You are not allowed to do this."),
    "organisation_not_verified": _l("Only postings of verified organisations can be published."),
    "past_closing_date": _l("The closing date has passed. Set a new date in a copy of the posting."),
    "reason_required": _l("Please write a reason."),
    "incomplete": _l("Write the title and the description in at least one language before you submit."),
    "override_reason_required": _l("This posting has high-risk red flags. Write why you approve it anyway."),
}


OVERRIDE_PREFIX = "override: "  # the audit reason of an approval despite high-risk flags


class WorkflowError(Exception):
    """A refused moderation action, with a translated message."""

    def __init__(self, message, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code


# ---- helpers --------------------------------------------------------------------------------------

def _require_confirmed(actor: User) -> None:
    """Postings go to review only from a confirmed address (staff and workers must reach the sender)."""
    if actor.email_confirmed_at is None:
        raise WorkflowError(_l("Confirm your e-mail address before you send postings for review: open the link "
                               "we sent you, or ask for a new one on your account page."), "email_not_confirmed")


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


def _transition(posting_id: int, action: Action, actor: User | None, reason: str | None = None, *,
                reason_code: str | None = None, comment: bool = True, audit_action: str | None = None,
                also=None) -> Posting:
    posting = _load_posting(posting_id, actor)
    needs_override = action == Action.APPROVE and flag_core.needs_override_reason(stored_flags(posting.id))
    context = workflow.Context(organisation_verified=_organisation_verified(posting),
                               valid_through=posting.valid_through, today=today(),
                               reason=reason,
                               complete=complete(posting), needs_override=needs_override)
    try:
        target = workflow.check(posting.status, action, _actor_kind(actor), context)
    except workflow.TransitionError as error:
        raise WorkflowError(REFUSALS[error.code], error.code) from error
    before = posting.status
    posting.status = target
    posting.updated_at = utcnow()  # the search snapshot follows updated_at
    if target == PostingState.PUBLISHED and posting.published_at is None:
        posting.published_at = utcnow()
    if needs_override:
        reason = f"{OVERRIDE_PREFIX}{reason.strip()}"
    elif reason_code:
        reason = f"{reason_code}: {(reason or '').strip()}".rstrip(": ")
    audit(actor, audit_action or str(action), "posting", posting.id, before=before, after=str(target), reason=reason)
    if also is not None:
        also(posting)  # more changes in the same transaction (e.g. the reports decided with it)
    if comment and reason and action in workflow.NEEDS_REASON:
        # The recruiter sees the reason in the posting's comment thread.
        db.session.add(PostingComment(posting_id=posting.id, author_id=actor.id if actor else None,
                                      author_role=str(_actor_kind(actor)), body=reason.strip()))
    db.session.commit()
    return posting


# ---- posting transitions --------------------------------------------------------------------------

def submit(posting_id: int, actor: User) -> Posting:
    """Recruiter: send a draft (or a posting staff asked to change) for review. Its red flags are
    computed again (the registers may have changed since the last save)."""
    _require_confirmed(actor)
    posting = _transition(posting_id, Action.SUBMIT, actor)
    refresh_flags([posting.id])
    return posting


def withdraw(posting_id: int, actor: User) -> Posting:
    """Recruiter: take a submitted posting back to draft to change it."""
    return _transition(posting_id, Action.WITHDRAW, actor)


def approve(posting_id: int, actor: User, override_reason: str | None = None) -> Posting:
    """Staff: publish a submitted posting (its organisation must be verified). A posting with
    high-risk red flags needs `override_reason`, which is kept in the audit row."""
    return _transition(posting_id, Action.APPROVE, actor, reason=override_reason)


publish = approve


def request_changes(posting_id: int, actor: User, comment: str) -> Posting:
    """Staff: send a submitted posting back to the recruiter with a comment."""
    return _transition(posting_id, Action.REQUEST_CHANGES, actor, reason=comment)


def reject(posting_id: int, actor: User, reason: str, reason_code: str | None = None) -> Posting:
    """Staff: refuse a submitted posting, or take down a published one, with a reason. With a
    `reason_code` (REJECTION_REASONS) the recruiter is notified in their language."""
    _check_reason_code(reason_code)
    if reason_code and not (reason or "").strip():
        reason = str(REJECTION_REASONS[reason_code])
    posting = _transition(posting_id, Action.REJECT, actor, reason=reason, reason_code=reason_code)
    if reason_code:
        _notify_recruiters(posting, "posting_rejected", reason_code, reason)
    return posting


def remove(posting_id: int, actor: User, reason_code: str, note: str | None = None, *,
           audit_action: str | None = None, also=None) -> Posting:
    """Staff: take down a published (or closed) posting for good, with a reason code the recruiter
    is told in their language."""
    _check_reason_code(reason_code, required=True)
    posting = _transition(posting_id, Action.REMOVE, actor, reason=note or str(REJECTION_REASONS[reason_code]),
                          reason_code=reason_code, audit_action=audit_action, also=also)
    _notify_recruiters(posting, "posting_removed", reason_code, note)
    return posting


def mark_spam(posting_id: int, actor: User) -> Posting:
    """Staff: discard a submitted posting as spam. Nobody is notified."""
    return _transition(posting_id, Action.MARK_SPAM, actor, reason_code="spam", comment=False)


def bulk_approve(posting_ids: Iterable[int], actor: User) -> tuple[int, int]:
    """Staff: approve several submitted postings at once; only those without any red flag (a
    flagged one needs a look of its own). Returns (approved, skipped)."""
    approved = skipped = 0
    for posting_id in posting_ids:
        if stored_flags(posting_id):
            skipped += 1
            continue
        try:
            approve(posting_id, actor)
        except WorkflowError:
            db.session.rollback()
            skipped += 1
            continue
        approved += 1
    return approved, skipped


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
    _require_confirmed(actor)
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


def approve_edit(posting_id: int, actor: User, override_reason: str | None = None) -> Posting:
    """Staff: the submitted edit replaces the published text. An edit that brings high-risk red
    flags needs `override_reason`, as approving a posting does (kept in the audit row)."""
    from portal.jobs.editing import apply_values

    posting, revision = _submitted_revision(posting_id, actor)
    apply_values(posting, revision.data)
    flags = update_flags(posting)
    reason = (override_reason or "").strip()
    if flag_core.needs_override_reason(flags):
        if not reason:
            db.session.rollback()  # the live text and its flags stay as they were
            raise WorkflowError(REFUSALS["override_reason_required"], "override_reason_required")
        reason = f"{OVERRIDE_PREFIX}{reason}"
    db.session.delete(revision)
    audit(actor, "approve_edit", "posting", posting.id, before=posting.status, after=posting.status,
          reason=reason or None)
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
    # Two red flags follow the organisation's status (unverified_organisation, suspended_organisation):
    # without this, a posting waiting for review keeps its stale flag after the organisation is verified.
    refresh_flags(db.session.scalars(select(Posting.id).where(Posting.organisation_id == organisation.id,
                                                              Posting.status.in_(LIVE_STATES))).all())
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


# ---- notifications to the recruiter --------------------------------------------------------------

def _check_reason_code(code: str | None, required: bool = False) -> None:
    if (code is None and required) or (code is not None and code not in REJECTION_REASONS):
        raise WorkflowError(_l("Choose a reason from the list."), "reason_required")


def _notify_recruiters(posting: Posting, kind: str, reason_code: str, note: str | None) -> None:
    """The organisation's recruiters are told (on the site and by e-mail, each in their language)
    through the applications feature's notifications."""
    from portal.applications.services import notify_organisation

    if posting.organisation_id is None:
        return
    notify_organisation(posting.organisation_id, kind, {
        "title_en": posting.title_en, "title_ja": posting.title_ja, "posting_id": posting.id,
        "reason": reason_code}, message=(note or "").strip() or None)


# ---- red flags on every save and import ------------------------------------------------------------

def licence_register() -> frozenset[str]:
    """The OEP licences in force (staff keep the register in portal.registers)."""
    try:
        from portal.registers.services import licence_numbers
    except ImportError:  # the registers feature is not installed: no licence counts as registered
        return frozenset()
    return licence_numbers()


def minimum_wages_on(day=None) -> dict[str, int]:
    """Prefecture code → the minimum wage (yen an hour) in force on the day, in one query."""
    from portal.taxonomy.models import MinimumWage

    day = day or today()
    wages: dict[str, int] = {}
    rows = db.session.execute(select(MinimumWage.prefecture_code, MinimumWage.yen_per_hour, MinimumWage.effective_from)
                              .order_by(MinimumWage.prefecture_code, MinimumWage.fiscal_year.desc()))
    for code, yen, effective_from in rows:
        if code not in wages and (effective_from is None or effective_from <= day):
            wages[code] = yen
    return wages


def _contact_text(organisation: Organisation | None) -> str | None:
    if organisation is None:
        return None
    return "\n".join(filter(None, [organisation.website, organisation.phone, organisation.address])) or None


_RULE_COLUMNS = ("sector_code", "employment_type", "dispatch", "salary_min", "salary_max", "salary_unit")


def ssw_rules_broken(values: dict) -> tuple[str, ...]:
    """The rules of the SSW visa a posting (column values) breaks, when it names SSW (i) or (ii) in
    an SSW field: the matching engine's rule, so that the staff's flag and the seeker's verdict agree."""
    from portal.matching.engine import SSW_FIELDS, ssw_rule_breaks

    sector = values.get("sector_code")
    if sector not in SSW_FIELDS or not (values.get("visa_ssw1") or values.get("visa_ssw2")):
        return ()
    has_pay = values.get("salary_min") is not None or values.get("salary_max") is not None
    return ssw_rule_breaks(sector, values.get("employment_type"), bool(values.get("dispatch")),
                           values.get("salary_unit") if has_pay else None)


def facts_for(posting: Posting, *, minimum_wages: dict[str, int] | None = None,
              register: frozenset[str] | None = None) -> flag_core.PostingFacts:
    """The posting's facts for the pure red-flag core, from the posting, its organisation, the
    minimum wage in force today, the OEP licence register and its duplicate status."""
    wages = minimum_wages if minimum_wages is not None else minimum_wages_on()
    organisation = posting.organisation
    return flag_core.PostingFacts(
        title_en=posting.title_en, title_ja=posting.title_ja,
        description_en=posting.description_en, description_ja=posting.description_ja,
        requirements_en=posting.requirements_en, requirements_ja=posting.requirements_ja,
        contact_text=_contact_text(organisation), apply_url=posting.apply_url,
        contact_email=organisation.contact_email if organisation else None,
        salary_min=posting.salary_min, salary_max=posting.salary_max, salary_unit=posting.salary_unit,
        hours_per_week=posting.hours_per_week,
        minimum_hourly_wage=place_minimum_wage(posting.location_kind or "place",
                                               [p.prefecture_code for p in posting.places] or [posting.prefecture_code],
                                               wages),
        pay_expected=posting.source == "import",
        worker_costs=posting.worker_costs or (),
        organisation_status=organisation.status if organisation else None,
        organisation_kind=organisation.kind if organisation else None,
        oep_licence=organisation.oep_licence if organisation else None,
        licence_register=register if register is not None else licence_register(),
        is_likely_duplicate=posting.duplicate_of_id is not None,
        ssw_rules_broken=ssw_rules_broken({**{name: getattr(posting, name) for name in _RULE_COLUMNS},
                                           "visa_ssw1": posting.visa_ssw1, "visa_ssw2": posting.visa_ssw2}),
    )


def import_facts(values: dict, minimum_wages: dict[str, int],
                 place_codes: list[str] | None = None) -> flag_core.PostingFacts:
    """The facts of an imported posting from its column values (pure: runs in import workers).
    Imported postings have no organisation; duplicates are found after they are stored.
    `place_codes`: every prefecture it names, when it names several (or is nationwide/remote)."""
    return flag_core.PostingFacts(
        pay_expected=True,
        title_en=values.get("title_en"), title_ja=values.get("title_ja"),
        description_en=values.get("description_en"), description_ja=values.get("description_ja"),
        requirements_en=values.get("requirements_en"), requirements_ja=values.get("requirements_ja"),
        apply_url=values.get("apply_url"), salary_min=values.get("salary_min"),
        salary_max=values.get("salary_max"), salary_unit=values.get("salary_unit"),
        hours_per_week=values.get("hours_per_week"),
        minimum_hourly_wage=place_minimum_wage(values.get("location_kind") or "place",
                                               place_codes or [values.get("prefecture_code")], minimum_wages),
        worker_costs=values.get("worker_costs") or (),
        ssw_rules_broken=ssw_rules_broken(values),
    )


def place_minimum_wage(kind: str, prefecture_codes: list[str], wages: dict[str, int]) -> int | None:
    """The minimum wage a posting's pay must meet: the highest of the places it names, or of all
    Japan when it may be anywhere (feeds.places.minimum_wage_for)."""
    from portal.feeds.places import minimum_wage_for

    return minimum_wage_for(kind, [code for code in prefecture_codes if code], wages)[0]


def flag_row(posting_id: int, flags: list[flag_core.Flag], now=None) -> dict:
    """A posting_flags row (for bulk inserts)."""
    level = flag_core.risk_level(flags)
    return {"posting_id": posting_id, "flags": [flag.to_dict() for flag in flags],
            "codes": "," + ",".join(flag.code for flag in flags) + "," if flags else "",
            "risk": level, "risk_rank": RISK_RANK[level], "computed_at": now or utcnow()}


RISK_RANK = {"none": 0, flag_core.LOW: 1, flag_core.MEDIUM: 2, flag_core.HIGH: 3}


def store_flags(posting_id: int, flags: list[flag_core.Flag]) -> PostingFlags:
    """Keep a posting's flags (adds to the session; the caller commits)."""
    row = db.session.get(PostingFlags, posting_id)
    values = flag_row(posting_id, flags)
    if row is None:
        row = PostingFlags(**values)
        db.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    return row


def stored_flags(posting_id: int) -> list[flag_core.Flag]:
    row = db.session.get(PostingFlags, posting_id)
    return [flag_core.Flag.from_dict(data) for data in row.flags] if row is not None else []


def update_flags(posting: Posting, *, minimum_wages=None, register=None) -> list[flag_core.Flag]:
    """Compute and keep one posting's flags (the caller commits)."""
    flags = flag_core.red_flags(facts_for(posting, minimum_wages=minimum_wages, register=register))
    store_flags(posting.id, flags)
    return flags


# Postings whose flags are worth keeping current: those that are or may become public.
LIVE_STATES = (PostingState.DRAFT, PostingState.SUBMITTED, PostingState.CHANGES_REQUESTED,
               PostingState.PUBLISHED, PostingState.CLOSED)


def refresh_flags(posting_ids: Iterable[int] | None = None, batch: int = 500) -> int:
    """Compute the flags again and commit: for the given postings, or (None) for every posting
    that is or may become public. Call it after a change of a register the flags depend on (OEP
    licences, minimum wages) or of an organisation. Returns how many postings were checked.

    A published posting that gains a high-risk flag stays published: staff see it in the queue's
    flagged list and decide (removing it is a staff action)."""
    from sqlalchemy.orm import selectinload

    wages, register = minimum_wages_on(), licence_register()
    if posting_ids is None:
        ids = list(db.session.scalars(select(Posting.id).where(Posting.status.in_(LIVE_STATES)).order_by(Posting.id)))
    else:
        ids = list(dict.fromkeys(posting_ids))
    for start in range(0, len(ids), batch):
        postings = db.session.scalars(select(Posting).where(Posting.id.in_(ids[start:start + batch]))
                                      .options(selectinload(Posting.organisation))).all()
        for posting in postings:
            update_flags(posting, minimum_wages=wages, register=register)
        db.session.commit()
    return len(ids)


def explain_flags(flags: Iterable[flag_core.Flag]) -> list[tuple[flag_core.Flag, str]]:
    """Each flag with its sentence in the current locale (plain text: templates escape it)."""
    from flask_babel import gettext

    from portal.i18n import format_number

    return [(flag, flag_core.explain(flag, gettext, format_number)) for flag in flags]


# ---- the moderation queue -------------------------------------------------------------------------

def review_queue(*, source: str | None = None, organisation_id: int | None = None, sector: str | None = None,
                 flag: str | None = None, limit: int = 200) -> list[tuple[Posting, PostingFlags | None]]:
    """Postings waiting for review (submitted by recruiters, or imported and held), riskiest first,
    then oldest first. `source` is "recruiter" or an import source's id."""
    from sqlalchemy.orm import selectinload

    query = (select(Posting, PostingFlags).outerjoin(PostingFlags, PostingFlags.posting_id == Posting.id)
             .where(Posting.status == PostingState.SUBMITTED))
    if source == "recruiter":
        query = query.where(Posting.import_source_id.is_(None))
    elif source and source.isdigit():
        query = query.where(Posting.import_source_id == int(source))
    if organisation_id:
        query = query.where(Posting.organisation_id == organisation_id)
    if sector:
        query = query.where(Posting.sector_code == sector)
    if flag:
        query = query.where(PostingFlags.codes.contains(f",{flag},", autoescape=True))
    query = query.order_by(func.coalesce(PostingFlags.risk_rank, 0).desc(), Posting.updated_at, Posting.id)
    return [tuple(row) for row in db.session.execute(
        query.options(selectinload(Posting.organisation)).limit(limit)).all()]


def flagged_published(limit: int = 100) -> list[tuple[Posting, PostingFlags]]:
    """Public postings with a high or medium flag (after a register changed, say): staff may remove them."""
    query = (select(Posting, PostingFlags).join(PostingFlags, PostingFlags.posting_id == Posting.id)
             .where(Posting.status == PostingState.PUBLISHED, PostingFlags.risk_rank >= RISK_RANK[flag_core.MEDIUM])
             .order_by(PostingFlags.risk_rank.desc(), Posting.id).limit(limit))
    return [tuple(row) for row in db.session.execute(query).all()]


# ---- reports from the public ------------------------------------------------------------------------

class ReportError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def report_posting(posting_id: int, reason: str, details: str | None = None, contact: str | None = None,
                   reporter: User | None = None, anonymous_key: str | None = None) -> JobReport:
    """Anyone: report a public posting. Enough distinct reporters hide it until staff decide (see
    HIDE_AT_WEIGHT). `anonymous_key` names an anonymous reporter's network and browser; without
    one, every anonymous report counts as the same reporter."""
    from portal.jobs.search import public_condition

    if reason not in REPORT_REASONS:
        raise ReportError(_l("Choose a reason from the list."))
    posting = db.session.scalar(select(Posting).where(Posting.id == posting_id, public_condition()))
    if posting is None:
        raise ReportError(_l("No such posting."))
    signed_in = reporter is not None and reporter.is_authenticated
    key = f"user:{reporter.id}" if signed_in else f"anon:{anonymous_key or 'unknown'}"[:64]
    repeat = db.session.scalar(select(JobReport.id).where(
        JobReport.posting_id == posting.id, JobReport.status == ReportStatus.OPEN, JobReport.reporter_key == key))
    weight = 0 if repeat else (SIGNED_IN_WEIGHT if signed_in else ANONYMOUS_WEIGHT)
    report = JobReport(posting_id=posting.id, reason=reason, details=(details or "").strip()[:5000] or None,
                       contact=(contact or "").strip()[:254] or None,
                       reporter_id=reporter.id if signed_in else None, reporter_key=key, weight=weight)
    db.session.add(report)
    db.session.flush()
    if db.session.scalar(hidden_by_reports().where(JobReport.posting_id == posting.id)) is not None:
        posting.updated_at = utcnow()  # no longer public: the search snapshot must read it again
    db.session.commit()
    return report


def open_report_count(posting_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(JobReport).where(
        JobReport.posting_id == posting_id, JobReport.status == ReportStatus.OPEN)) or 0


def open_reports(posting_id: int) -> list[JobReport]:
    return list(db.session.scalars(select(JobReport).where(JobReport.posting_id == posting_id,
                                                           JobReport.status == ReportStatus.OPEN)
                                   .order_by(JobReport.created_at, JobReport.id)).all())


def reported_postings(limit: int = 200) -> list[tuple[Posting, int]]:
    """Postings with open reports, the most reported first: the staff's report queue."""
    counts = (select(JobReport.posting_id, func.count().label("n"), func.min(JobReport.created_at).label("first"))
              .where(JobReport.status == ReportStatus.OPEN).group_by(JobReport.posting_id).subquery())
    rows = db.session.execute(select(Posting, counts.c.n).join(counts, counts.c.posting_id == Posting.id)
                              .order_by(counts.c.n.desc(), counts.c.first, Posting.id).limit(limit)).all()
    return [tuple(row) for row in rows]


def _decide_reports(posting_id: int, actor: User, status: str, note: str | None) -> int:
    reports = open_reports(posting_id)
    now = utcnow()
    for report in reports:
        report.status, report.decided_at, report.decided_by_id = status, now, actor.id
        report.decision_note = (note or "").strip() or None
    return len(reports)


def dismiss_reports(posting_id: int, actor: User, note: str | None = None) -> int:
    """Staff: the reports are unfounded. A posting they hid is public again. One audit row."""
    if _actor_kind(actor) != Actor.STAFF:
        raise WorkflowError(REFUSALS["not_allowed_for_actor"], "not_allowed_for_actor")
    posting = _load_posting(posting_id, actor)
    count = _decide_reports(posting.id, actor, ReportStatus.DISMISSED, note)
    if not count:
        raise WorkflowError(_l("This posting has no open reports."), "not_allowed_from_state")
    posting.updated_at = utcnow()  # public again: the search snapshot must read it again
    audit(actor, "dismiss_reports", "posting", posting.id, before=posting.status, after=posting.status,
          reason=f"{count}: {(note or '').strip()}".rstrip(": "))
    db.session.commit()
    return count


def uphold_reports(posting_id: int, actor: User, reason_code: str, note: str | None = None) -> Posting:
    """Staff: the reports are right; the posting is removed (the recruiter is told the reason, never
    who reported it). One audit row."""
    if _actor_kind(actor) != Actor.STAFF:
        raise WorkflowError(REFUSALS["not_allowed_for_actor"], "not_allowed_for_actor")
    if not open_report_count(posting_id):
        raise WorkflowError(_l("This posting has no open reports."), "not_allowed_from_state")
    return remove(posting_id, actor, reason_code, note, audit_action="uphold_reports",
                  also=lambda posting: _decide_reports(posting.id, actor, ReportStatus.UPHELD, note))
