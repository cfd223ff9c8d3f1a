"""Staff review of recruiters' postings and organisations: a minimal queue (issue 7 builds the full
verification queue). Same area as portal/web/staff.py: same URL prefix, same role guard. Every action
calls one moderation service, which checks the state and writes the audit row."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import Organisation, OrganisationStatus
from portal.accounts.organisation_forms import ORGANISATION_KIND_NAMES
from portal.extensions import db
from portal.feeds.forms import ActionForm
from portal.jobs import editing
from portal.jobs.models import Posting
from portal.jobs.structured import description_html
from portal.moderation import flags as flag_core
from portal.moderation import services as moderation
from portal.moderation.forms import ApproveForm, CommentForm, DecisionForm, NoteForm, ReasonForm
from portal.moderation.labels import AUDIT_ACTION_NAMES, FLAG_NAMES, REJECTION_REASONS, REPORT_REASONS, RISK_NAMES
from portal.moderation.models import PostingRevision, RevisionStatus
from portal.moderation.workflow import PostingState
from portal.security import guard_area
from portal.taxonomy.lookup import reference

bp = Blueprint("staff_review", __name__, url_prefix="/<lang:lang>/staff/review")
guard_area(bp, "staff")


@bp.context_processor
def _helpers():
    return {"description_html": lambda text: Markup(description_html(text)), "audit_action_names": AUDIT_ACTION_NAMES,
            "kind_names": ORGANISATION_KIND_NAMES}


@bp.get("/")
def index():
    submitted = db.session.scalars(select(Posting).where(Posting.status == PostingState.SUBMITTED)
                                   .options(selectinload(Posting.organisation))
                                   .order_by(Posting.updated_at).limit(100)).all()
    edits = db.session.scalars(select(Posting).join(PostingRevision, PostingRevision.posting_id == Posting.id)
                               .where(PostingRevision.status == RevisionStatus.SUBMITTED)
                               .options(selectinload(Posting.organisation))
                               .order_by(PostingRevision.submitted_at).limit(100)).all()
    organisations = db.session.scalars(select(Organisation).where(Organisation.status != OrganisationStatus.VERIFIED)
                                       .order_by(Organisation.created_at).limit(100)).all()
    return render_template("staff/review.html", submitted=submitted, edits=edits, organisations=organisations)


@bp.get("/postings/<int:posting_id>")
def posting(posting_id: int):
    item = db.get_or_404(Posting, posting_id)
    revision = moderation.pending_revision(item.id)
    pending = None
    if revision is not None:
        pending = Posting(organisation=None)  # never added to the session
        editing.apply_values(pending, editing.values_for_editor(item))
    flags = moderation.stored_flags(item.id)
    return render_template(
        "staff/review_posting.html", posting=item, revision=revision, pending=pending, ref=reference(),
        comments=moderation.comments(item.id), history=moderation.history("posting", item.id),
        reason_form=ReasonForm(formdata=None), comment_form=CommentForm(formdata=None),
        action_form=ActionForm(formdata=None), organisation=item.organisation,
        flags=moderation.explain_flags(flags), risk=flag_core.risk_level(flags),
        needs_override=flag_core.needs_override_reason(flags), approve_form=ApproveForm(formdata=None), edit_approve_form=ApproveForm(formdata=None, prefix="edit"),
        decision_form=DecisionForm(formdata=None), note_form=NoteForm(formdata=None),
        reports=moderation.open_reports(item.id), flag_names=FLAG_NAMES, risk_names=RISK_NAMES,
        report_reasons=REPORT_REASONS, rejection_reasons=REJECTION_REASONS,
    )


def _done(posting_id: int, call, message: str, needs_reason: bool = False):
    form = ReasonForm() if needs_reason else ActionForm()
    if not form.validate_on_submit():
        flash(_("Please write a reason."), "error")
    else:
        try:
            call(form.reason.data) if needs_reason else call()
        except moderation.WorkflowError as error:
            flash(str(error.message), "error")
        else:
            flash(message, "success")
    return redirect(url_for(".posting", posting_id=posting_id))


@bp.post("/postings/<int:posting_id>/approve")
def approve_posting(posting_id: int):
    """Publish; a posting with high-risk red flags needs the override reason (kept in the audit row)."""
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            moderation.approve(posting_id, current_user, form.override_reason.data)
        except moderation.WorkflowError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The posting is published."), "success")
    return redirect(url_for(".posting", posting_id=posting_id))


@bp.post("/postings/<int:posting_id>/request-changes")
def request_changes(posting_id: int):
    return _done(posting_id, lambda reason: moderation.request_changes(posting_id, current_user, reason),
                 _("The recruiter has been asked for changes."), needs_reason=True)


@bp.post("/postings/<int:posting_id>/reject")
def reject_posting(posting_id: int):
    """A reason code from the list (its wording goes to the recruiter in their language) and a note;
    a written reason alone (the older form) is accepted too."""
    form = DecisionForm()
    note = form.note.data or request.form.get("reason", "")
    if not form.validate_on_submit() or not (form.reason_code.data or note.strip()):
        flash(_("Choose a reason from the list."), "error")
    else:
        try:
            moderation.reject(posting_id, current_user, note, form.reason_code.data or None)
        except moderation.WorkflowError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The posting has been rejected."), "success")
    return redirect(url_for(".posting", posting_id=posting_id))


@bp.post("/postings/<int:posting_id>/approve-edit")
def approve_edit(posting_id: int):
    """Publish the edit; one that brings high-risk red flags needs the override reason."""
    form = ApproveForm(prefix="edit")
    if form.validate_on_submit():
        try:
            moderation.approve_edit(posting_id, current_user, form.override_reason.data)
        except moderation.WorkflowError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The edit is now public."), "success")
    return redirect(url_for(".posting", posting_id=posting_id))


@bp.post("/postings/<int:posting_id>/reject-edit")
def reject_edit(posting_id: int):
    return _done(posting_id, lambda reason: moderation.reject_edit(posting_id, current_user, reason),
                 _("The edit has been sent back to the recruiter."), needs_reason=True)


@bp.post("/postings/<int:posting_id>/comments")
def comment_posting(posting_id: int):
    db.get_or_404(Posting, posting_id)
    form = CommentForm()
    if form.validate_on_submit():
        moderation.add_comment(posting_id, current_user, form.body.data)
        flash(_("Your message has been sent to the recruiter."), "success")
    else:
        flash(_("Write a message first."), "error")
    return redirect(url_for(".posting", posting_id=posting_id) + "#comments")
