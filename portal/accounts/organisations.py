"""Recruiter organisations: create, edit, invite, join, remove members.

Status (unverified → verified → suspended) is set by staff only, through moderation.services;
here an edit of a verified organisation's name or identifiers sends it back to unverified.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.identifiers import is_valid_corporate_number, normalise_identifier
from portal.accounts.models import (
    Organisation,
    OrganisationInvitation,
    OrganisationKind,
    OrganisationStatus,
    Role,
    User,
)
from portal.accounts.services import normalise_email
from portal.extensions import db
from portal.timeutil import as_utc, utcnow

INVITATION_DAYS = 14
INVITATIONS_PER_DAY = 20
FIELDS = ("kind", "name_en", "name_ja", "corporate_number", "support_org_number", "oep_licence", "address",
          "contact_email", "phone", "website")
# A change to one of these makes staff check a verified organisation again.
CHECKED_FIELDS = ("name_en", "name_ja", "corporate_number", "support_org_number", "oep_licence")


class OrganisationError(Exception):
    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def _clean(values: dict) -> dict:
    cleaned = {name: (values.get(name) or "").strip() or None for name in FIELDS}
    for name in ("corporate_number", "support_org_number", "oep_licence"):
        cleaned[name] = normalise_identifier(cleaned[name])
    if cleaned["kind"] not in {k.value for k in OrganisationKind}:
        raise OrganisationError(_l("Choose a kind of organisation."), "kind")
    if not (cleaned["name_en"] or cleaned["name_ja"]):
        raise OrganisationError(_l("Give the organisation's name in English or in Japanese."), "name_en")
    if cleaned["corporate_number"] and not is_valid_corporate_number(cleaned["corporate_number"]):
        raise OrganisationError(_l("This is not a valid 13-digit corporate number. Please check the digits."),
                                "corporate_number")
    if cleaned["kind"] == OrganisationKind.EMPLOYER and not cleaned["corporate_number"]:
        raise OrganisationError(_l("A Japanese employer needs its 13-digit corporate number."), "corporate_number")
    if cleaned["kind"] == OrganisationKind.SUPPORT_ORG and not cleaned["support_org_number"]:
        raise OrganisationError(_l("A registered support organisation needs its registration number."),
                                "support_org_number")
    if cleaned["kind"] == OrganisationKind.OEP and not cleaned["oep_licence"]:
        raise OrganisationError(_l("An Overseas Employment Promoter needs its licence number."), "oep_licence")
    if cleaned["contact_email"]:
        cleaned["contact_email"] = normalise_email(cleaned["contact_email"])
    return cleaned


CLASH_ACTION = "corporate_number_clash"
# How long an attempt to use another organisation's corporate number keeps the holder in the queue.
CLASH_DAYS = 30
NUMBER_TAKEN = _l("Another organisation on Kakehashi already has this corporate number. If you work for it, "
                  "ask its owner to invite you.")


def _refuse_taken_number(actor: User, cleaned: dict, own_id: int | None) -> None:
    """One organisation per corporate number. An attempt to use a number another organisation holds
    is refused, and written on the holder's audit trail so that staff see it in the queue (it may be
    someone posing as that company)."""
    from portal.moderation.services import audit

    number = cleaned["corporate_number"]
    if not number:
        return
    holder = db.session.scalar(select(Organisation).where(Organisation.corporate_number == number,
                                                          Organisation.id != (own_id or 0)))
    if holder is None:
        return
    db.session.rollback()
    name = cleaned["name_en"] or cleaned["name_ja"] or ""
    audit(actor, CLASH_ACTION, "organisation", holder.id, after=str(own_id) if own_id else None,
          reason=f"{actor.email}: {name}"[:500])
    db.session.commit()
    raise OrganisationError(NUMBER_TAKEN, "corporate_number")


def _commit_unique() -> None:
    """Commits; two organisations saving the same number at the same moment: the second is refused."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise OrganisationError(NUMBER_TAKEN, "corporate_number") from None


def create(actor: User, values: dict) -> Organisation:
    """A recruiter without an organisation creates one and becomes its owner. It starts unverified."""
    if actor.role != Role.RECRUITER:
        raise OrganisationError(_l("Only recruiters can create an organisation."))
    if actor.organisation_id is not None:
        raise OrganisationError(_l("You are already part of an organisation."))
    cleaned = _clean(values)
    _refuse_taken_number(actor, cleaned, None)
    organisation = Organisation(status=OrganisationStatus.UNVERIFIED, **cleaned)
    db.session.add(organisation)
    actor.organisation = organisation
    actor.is_organisation_owner = True
    _commit_unique()
    return organisation


def update(actor: User, values: dict) -> tuple[Organisation, bool]:
    """The owner edits the organisation. Returns it and whether it went back to unverified."""
    from portal.moderation.services import unverify_after_edit

    organisation = _owned(actor)
    cleaned = _clean(values)
    _refuse_taken_number(actor, cleaned, organisation.id)
    organisation = _owned(actor)
    changed = [name for name in CHECKED_FIELDS if getattr(organisation, name) != cleaned[name]]
    for name, value in cleaned.items():
        setattr(organisation, name, value)
    unverified = False
    if changed and organisation.status == OrganisationStatus.VERIFIED:
        unverify_after_edit(organisation, actor, changed)
        unverified = True
    _commit_unique()
    return organisation, unverified


def _owned(actor: User) -> Organisation:
    if actor.organisation is None or not actor.is_organisation_owner:
        raise OrganisationError(_l("Only the organisation's owner can do this."))
    return actor.organisation


def members(organisation_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organisation_id == organisation_id)
                                   .order_by(User.is_organisation_owner.desc(), User.id)).all())


def pending_invitations(organisation_id: int) -> list[OrganisationInvitation]:
    return list(db.session.scalars(select(OrganisationInvitation).where(
        OrganisationInvitation.organisation_id == organisation_id, OrganisationInvitation.accepted_at.is_(None),
        OrganisationInvitation.expires_at > utcnow()).order_by(OrganisationInvitation.id)).all())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(actor: User, email: str, lang: str = "en") -> OrganisationInvitation:
    """The owner invites a recruiter by e-mail. The link (on SITE_URL) carries a token; only its hash
    is stored. At most INVITATIONS_PER_DAY per organisation, so the site cannot be used to mail strangers."""
    from portal import mail

    organisation = _owned(actor)
    email = normalise_email(email)
    sent_today = db.session.scalar(select(func.count()).select_from(OrganisationInvitation).where(
        OrganisationInvitation.organisation_id == organisation.id,
        OrganisationInvitation.created_at > utcnow() - timedelta(days=1))) or 0
    if sent_today >= INVITATIONS_PER_DAY:
        raise OrganisationError(_l("Your organisation has sent %(count)d invitations today. Please try again tomorrow.",
                                   count=INVITATIONS_PER_DAY))
    # Nothing is said about whether an account exists for the address: accept() checks the account.
    token = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation(organisation_id=organisation.id, email=email, token_hash=_hash(token),
                                        invited_by_id=actor.id, expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.commit()
    link = mail.site_url("recruiter.accept_invitation", token=token, lang=lang)
    with force_locale(lang):
        subject = _("Invitation to join %(organisation)s on Kakehashi", organisation=organisation.name(lang))
        text = render_template("email/invitation.txt", organisation=organisation, inviter=actor, link=link,
                               days=INVITATION_DAYS, lang=lang)
    mail.send(email, subject, text)
    return invitation


def find_invitation(token: str) -> OrganisationInvitation | None:
    invitation = db.session.scalar(select(OrganisationInvitation).where(
        OrganisationInvitation.token_hash == _hash(token)))
    if invitation is None or invitation.accepted_at is not None or as_utc(invitation.expires_at) < utcnow():
        return None
    return invitation


def accept(actor: User, token: str) -> Organisation:
    """A recruiter without an organisation joins the one that invited their e-mail address."""
    invitation = find_invitation(token)
    if invitation is None or normalise_email(actor.email) != invitation.email:
        raise OrganisationError(_l("This invitation is not valid for your account, or it has expired."))
    if actor.role != Role.RECRUITER or actor.organisation_id is not None:
        raise OrganisationError(_l("You are already part of an organisation."))
    if invitation.organisation.status == OrganisationStatus.SUSPENDED:
        raise OrganisationError(_l("This invitation is not valid for your account, or it has expired."))
    actor.organisation_id = invitation.organisation_id
    actor.is_organisation_owner = False
    invitation.accepted_at = utcnow()
    db.session.commit()
    return invitation.organisation


def remove_member(actor: User, member_id: int) -> None:
    """The owner removes another recruiter from the organisation (their account stays)."""
    organisation = _owned(actor)
    member = db.session.get(User, member_id)
    if member is None or member.organisation_id != organisation.id:
        raise OrganisationError(_l("No such member."))
    if member.id == actor.id:
        raise OrganisationError(_l("You cannot remove yourself: you own the organisation."))
    member.organisation_id = None
    member.is_organisation_owner = False
    db.session.commit()


# ---- staff: verification -------------------------------------------------------------------------

def _clashing_ids() -> set[int]:
    """Organisations in a corporate-number clash: a number kept aside when numbers became unique, its
    holder, and holders of a number someone tried to use in the last CLASH_DAYS days."""
    from portal.moderation.models import AuditEntry

    aside = db.session.execute(select(Organisation.id, Organisation.corporate_number_clash)
                               .where(Organisation.corporate_number_clash.is_not(None))).all()
    ids = {organisation_id for organisation_id, _number in aside}
    numbers = {number for _id, number in aside}
    if numbers:
        ids |= set(db.session.scalars(select(Organisation.id).where(Organisation.corporate_number.in_(numbers))))
    ids |= set(db.session.scalars(select(AuditEntry.target_id).where(
        AuditEntry.action == CLASH_ACTION, AuditEntry.target_type == "organisation",
        AuditEntry.created_at >= utcnow() - timedelta(days=CLASH_DAYS))))
    return ids


def verification_queue(limit: int = 200) -> list[Organisation]:
    """Organisations waiting for staff: unverified ones and those in a corporate-number clash, oldest first."""
    clashing = _clashing_ids()
    condition = Organisation.status == OrganisationStatus.UNVERIFIED
    if clashing:
        condition = condition | Organisation.id.in_(clashing)
    return list(db.session.scalars(select(Organisation).where(condition)
                                   .order_by(Organisation.created_at, Organisation.id).limit(limit)))


def number_clashes(organisations: list[Organisation]) -> dict[int, list[dict]]:
    """For the queue: each organisation's clashes, as {"kind": held_by | also_claimed_by | attempted,
    "organisation": Organisation | None, "at": datetime | None, "who": str | None}."""
    from portal.moderation.models import AuditEntry

    result: dict[int, list[dict]] = {}
    for organisation in organisations:
        notes = []
        if organisation.corporate_number_clash:
            holder = db.session.scalar(select(Organisation).where(
                Organisation.corporate_number == organisation.corporate_number_clash))
            notes.append({"kind": "held_by", "organisation": holder, "number": organisation.corporate_number_clash})
        if organisation.corporate_number:
            for other in db.session.scalars(select(Organisation).where(
                    Organisation.corporate_number_clash == organisation.corporate_number)):
                notes.append({"kind": "also_claimed_by", "organisation": other, "number": organisation.corporate_number})
            for entry in db.session.scalars(select(AuditEntry).where(
                    AuditEntry.action == CLASH_ACTION, AuditEntry.target_type == "organisation",
                    AuditEntry.target_id == organisation.id,
                    AuditEntry.created_at >= utcnow() - timedelta(days=CLASH_DAYS)).order_by(AuditEntry.id.desc())):
                notes.append({"kind": "attempted", "who": entry.reason, "at": entry.created_at,
                              "number": organisation.corporate_number})
        if notes:
            result[organisation.id] = notes
    return result


def organisations_by_status(status: str, limit: int = 200) -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.status == status)
                                   .order_by(Organisation.created_at.desc(), Organisation.id.desc()).limit(limit)))


def request_documents(organisation_id: int, actor: User, message: str) -> int:
    """Staff ask an organisation for documents: a notification to each member (shown in the
    reader's language; the staff message as written) and one audit row. Returns how many were told."""
    from portal.applications.models import Notification
    from portal.moderation.services import audit

    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise OrganisationError(_l("No such organisation."))
    if actor.role != Role.STAFF:
        raise OrganisationError(_l("You are not allowed to do this."))
    message = (message or "").strip()
    if not message:
        raise OrganisationError(_l("Write a message first."), field="message")
    recipients = members(organisation.id)
    for member in recipients:
        db.session.add(Notification(user_id=member.id, kind="documents_requested", message=message,
                                    params={"organisation": organisation.name_en or organisation.name_ja or ""}))
    audit(actor, "request_documents", "organisation", organisation.id, before=organisation.status,
          after=organisation.status, reason=message)
    db.session.commit()
    return len(recipients)
