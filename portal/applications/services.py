"""Application use cases. They take plain values and the acting user, commit their own transaction
and raise ApplicationError with a translated, user-facing message.

Object-level access is decided here, in one place per side: `for_seeker()` and `for_recruiter()`
return None for an application the user may not see, and the areas answer 404.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal import mail
from portal.accounts import cv, profiles
from portal.accounts.models import OrganisationStatus, Role, User
from portal.applications import message_templates, message_text, pipeline
from portal.applications.labels import STATE_NAMES, STEP_NAMES
from portal.applications.models import Application, ApplicationEvent, ApplicationKind, DepartureStep, Notification
from portal.applications.pipeline import Actor, State
from portal.extensions import db
from portal.i18n import text_direction
from portal.jobs.models import Posting, Source
from portal.jobs.services import is_open
from portal.timeutil import utcnow


class ApplicationError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


TRANSITION_MESSAGES = {
    "unknown_state": _l("Unknown status."),
    "same_state": _l("The application already has this status."),
    "final": _l("This application is closed and cannot change any more."),
    "not_allowed": _l("This status cannot follow the current one."),
    "not_yours": _l("Only the other side can make this change."),
}

STEP_MESSAGES = {
    "unknown_step": _l("Unknown step."),
    "post_needed": _l("Choose the embassy or consulate."),
    "unknown_post": _l("Choose the embassy or consulate."),
}


def _step_message(error: pipeline.StepError):
    step = STEP_NAMES.get(error.other or "", "")
    if error.code == "needs_previous":
        return _l("First mark “%(step)s” as done.", step=step)
    if error.code == "before_previous":
        return _l("The date cannot be before “%(step)s”.", step=step)
    if error.code == "after_next":
        return _l("The date cannot be after “%(step)s”.", step=step)
    if error.code == "needed_by_next":
        return _l("“%(step)s” depends on this step: mark it as not done first.", step=step)
    return STEP_MESSAGES[error.code]


# ---- who may see what --------------------------------------------------------------------------


def takes_portal_applications(posting: Posting) -> bool:
    """A recruiter's own posting with no external link: applications come to the portal."""
    return (not posting.apply_url and posting.organisation_id is not None and posting.source == Source.RECRUITER
            and posting.organisation is not None and posting.organisation.status != OrganisationStatus.SUSPENDED)


def external_url(posting: Posting) -> str | None:
    """Where the seeker applies when it is not on the portal."""
    if posting.apply_url:
        return posting.apply_url
    if posting.source == Source.IMPORT:
        return posting.source_url
    return None


def for_seeker(user: User, application_id: int) -> Application | None:
    if user.role != Role.SEEKER:
        return None
    return db.session.scalar(select(Application).where(Application.id == application_id,
                                                       Application.seeker_id == user.id))


def for_recruiter(user: User, application_id: int) -> Application | None:
    """The application when it was sent to a posting of the recruiter's own organisation."""
    if user.role != Role.RECRUITER or user.organisation_id is None:
        return None
    return db.session.scalar(
        select(Application).join(Posting, Application.posting_id == Posting.id)
        .where(Application.id == application_id, Application.kind == ApplicationKind.PORTAL,
               Posting.organisation_id == user.organisation_id)
    )


def posting_for_recruiter(user: User, posting_id: int) -> Posting | None:
    if user.role != Role.RECRUITER or user.organisation_id is None:
        return None
    return db.session.scalar(select(Posting).where(Posting.id == posting_id,
                                                   Posting.organisation_id == user.organisation_id))


def find_for_posting(user: User, posting_id: int) -> Application | None:
    """The seeker's own application to a posting, if any (the job page shows it)."""
    if user.role != Role.SEEKER:
        return None
    return db.session.scalar(select(Application).where(Application.posting_id == posting_id,
                                                       Application.seeker_id == user.id))


def seeker_applications(user: User) -> list[Application]:
    rows = db.session.scalars(select(Application).where(Application.seeker_id == user.id)
                              .options(selectinload(Application.posting))
                              .order_by(Application.updated_at.desc(), Application.id.desc())).all()
    return list(rows)


def organisation_postings(user: User) -> list[tuple[Posting, dict[str, int]]]:
    """The organisation's postings that have applications, with a count per state."""
    if user.organisation_id is None:
        return []
    rows = db.session.execute(
        select(Application.posting_id, Application.state).join(Posting, Application.posting_id == Posting.id)
        .where(Posting.organisation_id == user.organisation_id, Application.kind == ApplicationKind.PORTAL)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for posting_id, state in rows:
        counts.setdefault(posting_id, {}).setdefault(state, 0)
        counts[posting_id][state] += 1
    if not counts:
        return []
    postings = db.session.scalars(select(Posting).where(Posting.id.in_(counts))
                                  .order_by(Posting.created_at.desc())).all()
    return [(posting, counts[posting.id]) for posting in postings]


# ---- the snapshot and matching -----------------------------------------------------------------


def snapshot(user: User) -> dict:
    profile = profiles.get_profile(user)
    return {
        "name": user.label,
        "email": user.email,
        "language": user.locale,
        "taken_at": utcnow().isoformat(),
        "profile": profiles.profile_data(profile) if profile is not None else None,
    }


def _profile_from_snapshot(data: dict | None):
    """An engine profile from the profile as it was when the seeker applied."""
    from portal.matching import services as matching

    profile = (data or {}).get("profile")
    if not profile:
        return matching.profile_from_model(None)
    model = SimpleNamespace(
        **{name: profile.get(name) for name in profiles.PLAIN_FIELDS},
        trades=[SimpleNamespace(trade_code=t.get("trade"), years=t.get("years") or 0,
                                navttc_level=t.get("navttc_level")) for t in profile.get("trades") or []],
        skills_tests=[SimpleNamespace(sector_code=t.get("sector"), sub_area=t.get("sub_area"), level=t.get("level") or "i")
                      for t in profile.get("skills_tests") or []],
    )
    return matching.profile_from_model(model)


def applicants(posting: Posting) -> list[tuple[Application, object | None]]:
    """The posting's applications, best match first (anonymised ones last), with the engine's result."""
    from portal.matching import engine
    from portal.matching import services as matching

    rows = db.session.scalars(select(Application).where(Application.posting_id == posting.id,
                                                        Application.kind == ApplicationKind.PORTAL)
                              .order_by(Application.created_at, Application.id)).all()
    job, trades = matching.job_from_posting(posting), matching.trade_infos()
    ranked = []
    for application in rows:
        result = None
        if application.profile_snapshot is not None:
            result = engine.match(_profile_from_snapshot(application.profile_snapshot), job, trades)
        ranked.append((application, result))
    ranked.sort(key=lambda item: (item[1] is None, -(item[1].score if item[1] else 0), item[0].id))
    return ranked


def match_for(application: Application):
    from portal.matching import services as matching

    if application.profile_snapshot is None:
        return None
    return matching.match_posting(_profile_from_snapshot(application.profile_snapshot), application.posting)


# ---- seeker actions ----------------------------------------------------------------------------


def _open_posting(posting_id: int) -> Posting:
    from portal.jobs.services import get_viewable_posting

    posting = get_viewable_posting(posting_id)
    if posting is None or not is_open(posting) or posting.duplicate_of_id is not None:
        raise ApplicationError(_l("This job is closed and does not take applications."))
    return posting


def _copy_cv(user: User) -> tuple[str, str, str] | None:
    profile = profiles.get_profile(user)
    if profile is None or not profile.cv_stored_name:
        return None
    source = cv.path_for(profiles.cv_directory(), profile.cv_stored_name)
    if not source.exists():
        return None
    content = source.read_bytes()
    stored = cv.store(profiles.cv_directory(), content, cv.CheckedCV(profile.cv_mime or cv.PDF, len(content)))
    return stored, profile.cv_original_name or "cv", profile.cv_mime or cv.PDF


def apply(user: User, posting_id: int, cover_note: str | None, include_cv: bool) -> Application:
    if user.email_confirmed_at is None:  # the employer must be able to reach the applicant
        raise ApplicationError(_l("Confirm your e-mail address before you apply: open the link we sent you, "
                                  "or ask for a new one on your account page."))
    posting = _open_posting(posting_id)
    if not takes_portal_applications(posting):
        raise ApplicationError(_l("This job does not take applications on Kakehashi. Apply on the employer's site."))
    if find_for_posting(user, posting.id) is not None:
        raise ApplicationError(_l("You have already applied to this job."))
    copied = _copy_cv(user) if include_cv else None
    application = Application(posting_id=posting.id, seeker_id=user.id, kind=ApplicationKind.PORTAL,
                              state=State.RECEIVED, profile_snapshot=snapshot(user),
                              cover_note=(cover_note or "").strip() or None)
    if copied:
        application.cv_stored_name, application.cv_original_name, application.cv_mime = copied
    application.events.append(ApplicationEvent(actor_id=user.id, actor_role=Actor.SEEKER, to_state=State.RECEIVED,
                                               message=application.cover_note))
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:  # the same seeker applying twice at the same moment
        db.session.rollback()
        if copied:
            cv.remove(profiles.cv_directory(), copied[0])
        raise ApplicationError(_l("You have already applied to this job.")) from None
    _notify_recruiters(application, "applied", name=user.label)
    db.session.commit()
    _send_pending()
    return application


def record_applied_elsewhere(user: User, posting_id: int) -> Application:
    from portal.jobs.services import get_viewable_posting

    posting = get_viewable_posting(posting_id)
    if posting is None or not external_url(posting):
        raise ApplicationError(_l("This job takes applications on Kakehashi."))
    existing = find_for_posting(user, posting.id)
    if existing is not None:
        return existing
    application = Application(posting_id=posting.id, seeker_id=user.id, kind=ApplicationKind.EXTERNAL,
                              state=State.APPLIED_ELSEWHERE)
    application.events.append(ApplicationEvent(actor_id=user.id, actor_role=Actor.SEEKER,
                                               to_state=State.APPLIED_ELSEWHERE))
    db.session.add(application)
    try:
        db.session.commit()
    except IntegrityError:  # the same button pressed twice at once
        db.session.rollback()
        return find_for_posting(user, posting.id)
    return application


def withdraw(user: User, application: Application, message: str | None) -> None:
    _move(user, Actor.SEEKER, application, State.WITHDRAWN, message)


# ---- recruiter actions -------------------------------------------------------------------------


def move(user: User, application: Application, target: str, message: str | None, offer: dict | None = None) -> None:
    """The recruiter moves an application. A move to "offered" needs the offer's values (see
    offers.clean); a refused offer raises offers.OfferError and changes nothing."""
    _move(user, Actor.RECRUITER, application, target, message, offer=offer)


def _move(user: User, actor: Actor, application: Application, target: str, message: str | None, *,
          offer: dict | None = None) -> None:
    from portal.applications import offers

    try:
        new_state = pipeline.check(application.state, target, actor)
    except pipeline.TransitionError as error:
        raise ApplicationError(TRANSITION_MESSAGES[error.code]) from None
    if actor == Actor.RECRUITER and application.seeker_id is None:
        if new_state != State.REJECTED:
            raise ApplicationError(_l("The applicant has deleted their account."))
    if new_state == State.OFFERED:
        if offer is None:
            raise offers.OfferError(_l("Fill in the offer: pay, deductions, hours, days off, start and length."))
        application.offer = offers.build(application, offer, user.id)
    message = (message or "").strip() or None
    old = application.state
    application.state = new_state
    application.updated_at = utcnow()
    application.events.append(ApplicationEvent(actor_id=user.id, actor_role=actor, from_state=old,
                                               to_state=new_state, message=message,
                                               message_lang=message_templates.written_in(message)))
    if application.kind == ApplicationKind.PORTAL:
        if actor == Actor.RECRUITER:
            _notify_seeker(application, "state_changed", message, state=new_state,
                           message_lang=message_templates.written_in(message))
        else:
            _notify_recruiters(application, "state_changed", message, state=new_state,
                               message_lang=message_templates.written_in(message))
    db.session.commit()
    _send_pending()


def answer_offer(user: User, application: Application, accept: bool, message: str | None = None) -> None:
    """The worker accepts or declines the offer on their own application. Declining withdraws the
    application; accepting leaves it "offered" until the employer marks the hire."""
    from portal.applications.models import OfferStatus
    from portal.applications.offers import OfferError

    if user.role != Role.SEEKER or application.seeker_id != user.id:
        raise OfferError(_l("This is not your application."))
    offer = application.offer
    if offer is None or application.state != State.OFFERED:
        raise OfferError(_l("There is no offer to answer."))
    if offer.status != OfferStatus.PENDING:
        raise OfferError(_l("You have already answered this offer."))
    offer.status = OfferStatus.ACCEPTED if accept else OfferStatus.DECLINED
    offer.answered_at = utcnow()
    if not accept:
        application.events.append(ApplicationEvent(actor_id=user.id, actor_role=Actor.SEEKER, step="offer_declined"))
        _move(user, Actor.SEEKER, application, State.WITHDRAWN, message or None)
        return
    application.updated_at = utcnow()
    application.events.append(ApplicationEvent(actor_id=user.id, actor_role=Actor.SEEKER, step="offer_accepted",
                                               message=(message or "").strip() or None))
    _notify_recruiters(application, "offer_accepted", (message or "").strip() or None)
    db.session.commit()
    _send_pending()


def send_message(user: User, actor: Actor, application: Application, message: str) -> None:
    message = (message or "").strip()
    if not message:
        raise ApplicationError(_l("Write a message first."))
    if application.kind != ApplicationKind.PORTAL or (actor == Actor.RECRUITER and application.seeker_id is None):
        raise ApplicationError(_l("No one can receive messages about this application."))
    message_lang = message_templates.written_in(message)
    application.events.append(ApplicationEvent(actor_id=user.id, actor_role=actor, message=message,
                                               message_lang=message_lang))
    application.updated_at = utcnow()
    if actor == Actor.RECRUITER:
        _notify_seeker(application, "message", message, message_lang=message_lang)
    else:
        _notify_recruiters(application, "message", message, message_lang=message_lang)
    db.session.commit()
    _send_pending()


TEMPLATE_VALUE_ERRORS = {
    "required": _l("Fill in this field."),
    "invalid": _l("This value is not valid."),
}


def send_template_message(user: User, application: Application, template: str, raw_values: dict,
                          note: str | None = None) -> None:
    """A common message (interview, documents, offer, result, start date) stored as its template code
    and values, so the applicant reads it in their own language. An optional note is free text.
    Raises TemplateValueError (the field and what is wrong) or ApplicationError."""
    stored = message_templates.values(template, raw_values)
    if application.kind != ApplicationKind.PORTAL or application.seeker_id is None:
        raise ApplicationError(_l("No one can receive messages about this application."))
    note = (note or "").strip() or None
    message_lang = message_templates.written_in(note)
    application.events.append(ApplicationEvent(actor_id=user.id, actor_role=Actor.RECRUITER, message=note,
                                               message_lang=message_lang, template=template,
                                               template_values=stored))
    application.updated_at = utcnow()
    _notify_seeker(application, "message", note, template=template, values=stored, message_lang=message_lang)
    db.session.commit()
    _send_pending()


def set_contract_terms(user: User, application: Application, terms_en: str | None, terms_ja: str | None) -> None:
    if not pipeline.has_checklist(application.state):
        raise ApplicationError(_l("Contract terms are written once an offer is made."))
    application.contract_terms_en = (terms_en or "").strip() or None
    application.contract_terms_ja = (terms_ja or "").strip() or None
    application.updated_at = utcnow()
    application.events.append(ApplicationEvent(actor_id=user.id, actor_role=Actor.RECRUITER,
                                               step="contract_terms"))
    _notify_seeker(application, "contract_terms", None)
    db.session.commit()
    _send_pending()


# ---- road to departure -------------------------------------------------------------------------


def checklist(application: Application) -> list[tuple[str, DepartureStep | None]]:
    done = {step.code: step for step in application.steps}
    return [(code, done.get(code)) for code in pipeline.STEPS]


def update_step(user: User, actor: Actor, application: Application, code: str, done_on: date | None,
                post: str | None) -> None:
    """Mark a step done on a date (None: not done). Either side may; the other side is told."""
    if not pipeline.has_checklist(application.state):
        raise ApplicationError(_l("The road to departure starts with an offer."))
    if application.seeker_id is None:
        raise ApplicationError(_l("The applicant has deleted their account."))
    done = {step.code: step.done_on for step in application.steps if step.code != code}
    post = post or None
    try:
        pipeline.check_step(code, done_on, post, done)
    except pipeline.StepError as error:
        raise ApplicationError(_step_message(error)) from None
    if code == "contract_signed" and done_on is not None and not (
            application.contract_terms_en or application.contract_terms_ja):
        raise ApplicationError(_l("The employer must write the contract terms first, so that you can read them."))
    existing = next((step for step in application.steps if step.code == code), None)
    if done_on is None:
        if existing is None:
            return
        application.steps.remove(existing)
    elif existing is None:
        application.steps.append(DepartureStep(code=code, done_on=done_on,
                                               post=post if code.startswith("visa") else None,
                                               updated_by_id=user.id))
    else:
        existing.done_on = done_on
        existing.post = post if code.startswith("visa") else None
        existing.updated_by_id = user.id
        existing.updated_at = utcnow()
    application.updated_at = utcnow()
    application.events.append(ApplicationEvent(actor_id=user.id, actor_role=actor, step=code,
                                               message=None))
    params = {"step": code, "done": done_on is not None}
    if actor == Actor.RECRUITER:
        _notify_seeker(application, "step", None, **params)
    else:
        _notify_recruiters(application, "step", None, **params)
    db.session.commit()
    _send_pending()


def departures() -> list[Application]:
    """For staff: every application that reached an offer, newest change first."""
    return list(db.session.scalars(
        select(Application).where(Application.state.in_(sorted(pipeline.CHECKLIST_STATES)))
        .options(selectinload(Application.posting), selectinload(Application.steps))
        .order_by(Application.updated_at.desc(), Application.id.desc())
    ).all())


# ---- account deletion and export ---------------------------------------------------------------


def anonymise_seeker(user: User) -> None:
    """Before a seeker's account is deleted: applications already sent stay with the recruiter, with
    no name, contact, profile, note or CV. The seeker's own records of external applications go."""
    rows = db.session.scalars(select(Application).where(Application.seeker_id == user.id)).all()
    for application in rows:
        cv.remove(profiles.cv_directory(), application.cv_stored_name)
        if application.kind == ApplicationKind.EXTERNAL:
            db.session.delete(application)
            continue
        application.seeker_id = None
        application.profile_snapshot = None
        application.cover_note = None
        application.cv_stored_name = application.cv_original_name = application.cv_mime = None
        application.anonymised_at = utcnow()
        for event in application.events:
            if event.actor_id == user.id:
                event.message = None
                event.actor_id = None
        for notification in db.session.scalars(select(Notification).where(
                Notification.application_id == application.id)):
            notification.params = {key: value for key, value in (notification.params or {}).items() if key != "name"}
            if notification.message and notification.user_id != user.id:
                notification.message = None  # it may be the seeker's words
    db.session.flush()


def export(user: User) -> list[dict]:
    """The seeker's applications, for their data export."""
    data = []
    for application in seeker_applications(user):
        posting = application.posting
        data.append({
            "job": {"id": posting.id, "title_en": posting.title_en, "title_ja": posting.title_ja,
                    "employer": posting.employer("en") or posting.employer("ja")},
            "kind": application.kind,
            "status": application.state,
            "applied_at": application.created_at.isoformat(),
            "cover_note": application.cover_note,
            "cv_sent": {"file_name": application.cv_original_name} if application.cv_stored_name else None,
            "profile_sent": application.profile_snapshot,
            "contract_terms": {"en": application.contract_terms_en, "ja": application.contract_terms_ja}
            if application.contract_terms_en or application.contract_terms_ja else None,
            "history": [{"at": e.created_at.isoformat(), "by": e.actor_role, "from": e.from_state, "to": e.to_state,
                         "step": e.step, "message": e.message} for e in application.events],
            "road_to_departure": [{"step": s.code, "done_on": s.done_on.isoformat(), "where": s.post}
                                  for s in application.steps],
        })
    return data


# ---- notifications -----------------------------------------------------------------------------

def notification_text(notification: Notification, lang: str) -> str:
    """The notification in the current locale (`lang` picks the job title's language)."""
    params = dict(notification.params or {})
    title = params.get(f"title_{lang}") or params.get("title_en") or params.get("title_ja") or ""
    if title and text_direction(lang) == "rtl":
        title = f"\u2068{title}\u2069"  # a left-to-right title inside a right-to-left sentence: isolated
    kind = notification.kind
    if kind == "applied":
        return _("%(name)s applied to “%(title)s”.", name=params.get("name") or _("An applicant"), title=title)
    if kind == "state_changed":
        state = STATE_NAMES.get(params.get("state"), params.get("state"))
        return _("“%(title)s”: the application is now “%(state)s”.", title=title, state=state)
    if kind == "message" and params.get("template") in message_text.TEMPLATE_NAMES:
        return _("%(subject)s: “%(title)s”.", subject=message_text.TEMPLATE_NAMES[params["template"]], title=title)
    if kind == "message":
        return _("New message about “%(title)s”.", title=title)
    if kind == "offer_accepted":
        return _("The applicant accepted the offer for “%(title)s”.", title=title)
    if kind == "contract_terms":
        return _("The contract terms for “%(title)s” are ready to read.", title=title)
    if kind == "documents_requested":
        return _("Staff ask your organisation for documents before verifying it. Their message:")
    if kind in ("posting_rejected", "posting_removed"):
        from portal.moderation.services import REJECTION_REASONS

        reason = REJECTION_REASONS.get(params.get("reason"), "")
        if kind == "posting_rejected":
            return _("“%(title)s” was not published: %(reason)s", title=title, reason=reason)
        return _("“%(title)s” was removed from the portal: %(reason)s", title=title, reason=reason)
    if kind == "step":
        step = STEP_NAMES.get(params.get("step"), params.get("step"))
        if params.get("done"):
            return _("“%(title)s”: “%(step)s” is done.", title=title, step=step)
        return _("“%(title)s”: “%(step)s” is marked as not done.", title=title, step=step)
    return title


def _params(application: Application, **values) -> dict:
    posting = application.posting
    return {"title_en": posting.title_en, "title_ja": posting.title_ja, **values}


def _add(user: User, application: Application, kind: str, message: str | None, params: dict) -> None:
    notification = Notification(user_id=user.id, application_id=application.id, kind=kind, params=params,
                                message=message)
    db.session.add(notification)
    db.session.flush()
    _queue().append(notification.id)


def notify_organisation(organisation_id: int, kind: str, params: dict, message: str | None = None) -> None:
    """Tell every active recruiter of an organisation about one of its postings (moderation
    decisions), on the site and by e-mail in each one's language. Commits."""
    recruiters = db.session.scalars(select(User).where(User.organisation_id == organisation_id,
                                                       User.role == Role.RECRUITER,
                                                       User.suspended_at.is_(None))).all()
    for recruiter in recruiters:
        notification = Notification(user_id=recruiter.id, application_id=None, kind=kind, params=params,
                                    message=message)
        db.session.add(notification)
        db.session.flush()
        _queue().append(notification.id)
    db.session.commit()
    _send_pending()


def _queue() -> list[int]:
    from flask import g

    if "application_mail_queue" not in g:
        g.application_mail_queue = []
    return g.application_mail_queue


def _notify_seeker(application: Application, kind: str, message: str | None, **values) -> None:
    if application.seeker is not None:
        _add(application.seeker, application, kind, message, _params(application, **values))


def _notify_recruiters(application: Application, kind: str, message: str | None = None, **values) -> None:
    organisation_id = application.posting.organisation_id
    if organisation_id is None:
        return
    recruiters = db.session.scalars(select(User).where(User.organisation_id == organisation_id,
                                                       User.role == Role.RECRUITER,
                                                       User.suspended_at.is_(None))).all()
    for recruiter in recruiters:
        _add(recruiter, application, kind, message, _params(application, **values))


def _send_pending() -> None:
    """E-mail each new notification in its reader's language (after the commit: no mail for a
    change that did not happen)."""
    queue = _queue()
    ids, queue[:] = list(queue), []
    for notification_id in ids:
        notification = db.session.get(Notification, notification_id)
        if notification is None:
            continue
        try:
            _email(notification)
        except Exception:  # noqa: BLE001 - the change is saved and shown on the site; a mail server down must not undo it
            current_app.logger.exception("could not e-mail notification %s", notification_id)


def _language_of(user: User) -> str:
    from portal.i18n import locale_for

    return locale_for(user.role, user.locale or "")


def _link(user: User, application_id: int | None, lang: str, posting_id: int | None = None) -> str:
    if application_id is None and posting_id is not None:
        path = url_for("recruiter.posting", posting_id=posting_id, lang=lang)
    elif user.role == Role.SEEKER:
        path = url_for("seeker.application", application_id=application_id, lang=lang)
    else:
        path = url_for("recruiter_applications.applicant", application_id=application_id, lang=lang)
    return current_app.config["SITE_URL"].rstrip("/") + path


def _email(notification: Notification) -> None:
    user = db.session.get(User, notification.user_id)
    if user is None:
        return
    lang = _language_of(user)
    if has_request_context():
        _render_and_send(user, notification, lang)
    else:
        with current_app.test_request_context(base_url=current_app.config["SITE_URL"]):
            _render_and_send(user, notification, lang)


def _render_and_send(user: User, notification: Notification, lang: str) -> None:
    with force_locale(lang):
        subject = notification_text(notification, lang)
        params = notification.params or {}
        body = message_text.plain_text(params["template"], params.get("values") or {}) if params.get("template") else None
        context = {"user": user, "subject": subject, "notification": notification, "lang": lang, "body": body,
                   "written_in": message_text.written_in_note(params.get("message_lang"), lang),
                   "link": _link(user, notification.application_id, lang,
                                 (notification.params or {}).get("posting_id")),
                   "notifications_url": current_app.config["SITE_URL"].rstrip("/")
                   + url_for("notifications.index", lang=lang)}
        text = render_template("email/application_notice.txt", **context)
    mail.send(user.email, subject, text, headers={"Content-Language": lang})


# ---- on-site notifications ---------------------------------------------------------------------


def notifications_for(user: User, limit: int = 100) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.created_at.desc(), Notification.id.desc())
                                   .limit(limit)).all())


def unread_count(user: User) -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_all_read(user: User) -> None:
    now = utcnow()
    for notification in db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                                      Notification.read_at.is_(None))):
        notification.read_at = now
    db.session.commit()
