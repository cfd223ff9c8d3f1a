"""The recruiter's area. Every endpoint requires the recruiter role (checked once, here).

Object-level rule: every route that names a posting loads it through `_posting()`, which answers
404 unless the posting belongs to the signed-in recruiter's organisation.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import organisations
from portal.accounts.models import OrganisationStatus
from portal.accounts.organisation_forms import (
    ORGANISATION_KIND_NAMES,
    AcceptInvitationForm,
    InviteForm,
    MemberForm,
    OrganisationForm,
)
from portal.feeds.forms import ActionForm
from portal.i18n import current_language
from portal.jobs import editing
from portal.jobs.forms import PostingForm, form_data
from portal.jobs.models import Posting
from portal.jobs.services import view_counts
from portal.moderation import services as moderation
from portal.moderation import workflow
from portal.moderation.forms import BulkCloseForm, CommentForm, DashboardFilterForm
from portal.moderation.workflow import Actor, PostingState
from portal.security import guard_area, require_active_organisation
from portal.taxonomy.lookup import reference

bp = Blueprint("recruiter", __name__, url_prefix="/<lang:lang>/recruiter")
guard_area(bp, "recruiter")
require_active_organisation(bp, "recruiter.dashboard")


@bp.context_processor
def _helpers():
    from markupsafe import Markup

    from portal.jobs.structured import description_html

    from portal.moderation.labels import AUDIT_ACTION_NAMES

    return {"description_html": lambda text: Markup(description_html(text)),
            "audit_action_names": AUDIT_ACTION_NAMES}


def _posting(posting_id: int) -> Posting:
    """The posting, when it belongs to the current recruiter's organisation; 404 otherwise."""
    posting = editing.owned_posting(posting_id, current_user)
    if posting is None:
        abort(404)
    return posting


def _organisation_required():
    if current_user.organisation is None:
        flash(_("Create your organisation first, or join one with the link in your invitation."), "error")
        return redirect(url_for(".new_organisation"))
    return None


def applicant_counts(posting_ids: list[int]) -> dict[int, int]:
    """Applications per posting, from the applications feature (issue 6, second half)."""
    try:
        from portal.applications.services import organisation_postings as postings_with_applications
    except ImportError:  # TODO: applications.services.organisation_postings(user) not available: show 0
        return {}
    wanted = set(posting_ids)
    return {posting.id: sum(counts.values()) for posting, counts in postings_with_applications(current_user)
            if posting.id in wanted}


# ---- dashboard -------------------------------------------------------------------------------------

@bp.get("/")
def dashboard():
    organisation = current_user.organisation
    form = DashboardFilterForm(request.args)
    postings, counts, views, applicants, edits = [], {}, {}, {}, {}
    if organisation is not None and organisation.status != OrganisationStatus.SUSPENDED:
        state = form.state.data if form.validate() else None
        postings = editing.organisation_postings(organisation.id, state=state or None, q=form.q.data)
        ids = [posting.id for posting in postings]
        counts = editing.state_counts(organisation.id)
        views = view_counts(ids)
        applicants = applicant_counts(ids)
        edits = editing.pending_edit_ids(ids)
    return render_template(
        "recruiter/dashboard.html", organisation=organisation, postings=postings, counts=counts, views=views,
        applicants=applicants, edits=edits, filter_form=form, close_form=BulkCloseForm(formdata=None),
        applicants_endpoint="recruiter_applications.applicants" if
        "recruiter_applications.applicants" in current_app.view_functions else None,
    )


@bp.post("/postings/close")
def close_postings():
    form = BulkCloseForm()
    if form.validate_on_submit():
        ids = [posting.id for posting in (editing.owned_posting(int(value), current_user)
                                          for value in request.form.getlist("posting_ids") if value.isdigit())
               if posting is not None]
        closed = moderation.close_many(ids, current_user)
        flash(_("Postings closed: %(count)s.", count=closed), "success" if closed else "error")
    return redirect(url_for(".dashboard"))


# ---- organisation ---------------------------------------------------------------------------------

@bp.route("/organisation/new", methods=["GET", "POST"])
def new_organisation():
    if current_user.organisation is not None:
        return redirect(url_for(".organisation"))
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisations.create(current_user, form.values())
        except organisations.OrganisationError as error:
            getattr(form, error.field or "name_en").errors.append(str(error.message))
        else:
            flash(_("Your organisation has been created. Staff will check it; you can write postings now."), "success")
            return redirect(url_for(".dashboard"))
    return render_template("recruiter/organisation_form.html", form=form, creating=True), (400 if form.errors else 200)


@bp.route("/organisation", methods=["GET", "POST"])
def organisation():
    redirect_response = _organisation_required()
    if redirect_response:
        return redirect_response
    item = current_user.organisation
    form = OrganisationForm(obj=item) if request.method == "GET" else OrganisationForm()
    if request.method == "POST" and current_user.is_organisation_owner and form.validate_on_submit():
        try:
            unverified = organisations.update(current_user, form.values())[1]
        except organisations.OrganisationError as error:
            getattr(form, error.field or "name_en").errors.append(str(error.message))
        else:
            flash(_("Saved. Staff will check the changed name or numbers again; your published postings stay up.")
                  if unverified else _("Saved."), "success")
            return redirect(url_for(".organisation"))
    elif request.method == "POST" and not current_user.is_organisation_owner:
        flash(_("Only the organisation's owner can do this."), "error")
        return redirect(url_for(".organisation"))
    return render_template(
        "recruiter/organisation.html", organisation=item, form=form, invite_form=InviteForm(formdata=None),
        member_form=MemberForm(formdata=None), members=organisations.members(item.id),
        invitations=organisations.pending_invitations(item.id) if current_user.is_organisation_owner else [],
        kind_names=ORGANISATION_KIND_NAMES,
    ), (400 if form.errors else 200)


@bp.post("/organisation/invitations")
def invite_member():
    redirect_response = _organisation_required()
    if redirect_response:
        return redirect_response
    form = InviteForm()
    if form.validate_on_submit():
        lang = current_language()
        try:
            organisations.invite(current_user, form.email.data, lang=lang)
        except organisations.OrganisationError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The invitation has been sent to %(email)s.", email=form.email.data), "success")
    else:
        flash(_("Enter a valid e-mail address, like name@example.com."), "error")
    return redirect(url_for(".organisation"))


@bp.post("/organisation/members/remove")
def remove_member():
    form = MemberForm()
    if form.validate_on_submit() and form.member_id.data.isdigit():
        try:
            organisations.remove_member(current_user, int(form.member_id.data))
        except organisations.OrganisationError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The recruiter has been removed from your organisation."), "success")
    return redirect(url_for(".organisation"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = organisations.find_invitation(token)
    form = AcceptInvitationForm()
    if invitation is not None and form.validate_on_submit():
        try:
            organisations.accept(current_user, token)
        except organisations.OrganisationError as error:
            flash(str(error.message), "error")
        else:
            flash(_("You have joined %(organisation)s.", organisation=invitation.organisation.name(current_language())),
                  "success")
            return redirect(url_for(".dashboard"))
    usable = (invitation is not None and current_user.organisation_id is None
              and invitation.email == current_user.email.lower())
    return render_template("recruiter/invitation.html", invitation=invitation, usable=usable, form=form), (
        200 if invitation is not None else 404)


# ---- postings ---------------------------------------------------------------------------------------

def _editor(posting: Posting | None):
    ref = reference()
    if request.method == "POST":
        form = PostingForm()
    elif posting is not None:
        form = PostingForm(formdata=None, data=form_data(editing.values_for_editor(posting)))
    else:
        form = PostingForm(formdata=None)
    form.set_choices(ref, current_language())
    preview = None
    if form.validate_on_submit():
        values = form.values()
        if form.preview.data:
            preview = Posting(organisation=None)  # never added to the session: nothing is saved
            editing.apply_values(preview, values)
        else:
            try:
                if posting is None:
                    posting = editing.create_draft(current_user, values)
                else:
                    editing.save(posting.id, current_user, values)
            except editing.EditError as error:
                flash(str(error.message), "error")
                return render_template("recruiter/editor.html", form=form, posting=posting, preview=None,
                                       ref=ref), 400
            if form.submit_review.data:
                try:
                    if posting.status == PostingState.PUBLISHED:
                        moderation.submit_edit(posting.id, current_user)
                    else:
                        moderation.submit(posting.id, current_user)
                except moderation.WorkflowError as error:
                    flash(str(error.message), "error")
                else:
                    flash(_("Sent for review. Staff usually answer within two working days."), "success")
            else:
                flash(_("Your draft has been saved."), "success")
            return redirect(url_for(".posting", posting_id=posting.id))
    return render_template("recruiter/editor.html", form=form, posting=posting, preview=preview,
                           ref=ref, organisation=current_user.organisation), (400 if form.errors else 200)


@bp.route("/postings/new", methods=["GET", "POST"])
def new_posting():
    redirect_response = _organisation_required()
    if redirect_response:
        return redirect_response
    return _editor(None)


@bp.route("/postings/<int:posting_id>/edit", methods=["GET", "POST"])
def edit_posting(posting_id: int):
    posting = _posting(posting_id)
    revision = moderation.pending_revision(posting.id)
    if posting.status not in workflow.EDITABLE | workflow.EDITABLE_AS_REVISION or (
            revision is not None and revision.status == "submitted"):
        flash(_("This posting cannot be edited now."), "error")
        return redirect(url_for(".posting", posting_id=posting.id))
    return _editor(posting)


@bp.get("/postings/<int:posting_id>")
def posting(posting_id: int):
    item = _posting(posting_id)
    revision = moderation.pending_revision(item.id)
    pending = None
    if revision is not None:
        pending = Posting(organisation=None)
        editing.apply_values(pending, editing.values_for_editor(item))
    actions = [action for action in workflow.allowed_actions(item.status, Actor.RECRUITER)]
    return render_template(
        "recruiter/posting.html", posting=item, revision=revision, pending=pending, actions=actions,
        comments=moderation.comments(item.id), history=moderation.history("posting", item.id),
        comment_form=CommentForm(formdata=None), action_form=ActionForm(formdata=None), ref=reference(),
        editable=item.status in workflow.EDITABLE | workflow.EDITABLE_AS_REVISION
        and not (revision is not None and revision.status == "submitted"),
        views=view_counts([item.id]).get(item.id, 0), applicants=applicant_counts([item.id]).get(item.id, 0),
    )


_TRANSITIONS = {
    "submit": moderation.submit,
    "withdraw": moderation.withdraw,
    "close": moderation.close,
    "reopen": moderation.reopen,
}
_DONE = {
    "submit": lambda: _("Sent for review. Staff usually answer within two working days."),
    "withdraw": lambda: _("The posting is a draft again. Change it and send it again."),
    "close": lambda: _("The posting is closed."),
    "reopen": lambda: _("The posting is published again."),
}


def _transition(posting_id: int, name: str):
    item = _posting(posting_id)
    if ActionForm().validate_on_submit():
        try:
            _TRANSITIONS[name](item.id, current_user)
        except moderation.WorkflowError as error:
            flash(str(error.message), "error")
        else:
            flash(_DONE[name](), "success")
    return redirect(url_for(".posting", posting_id=item.id))


@bp.post("/postings/<int:posting_id>/submit")
def submit_posting(posting_id: int):
    return _transition(posting_id, "submit")


@bp.post("/postings/<int:posting_id>/withdraw")
def withdraw_posting(posting_id: int):
    return _transition(posting_id, "withdraw")


@bp.post("/postings/<int:posting_id>/close")
def close_posting(posting_id: int):
    return _transition(posting_id, "close")


@bp.post("/postings/<int:posting_id>/reopen")
def reopen_posting(posting_id: int):
    return _transition(posting_id, "reopen")


@bp.post("/postings/<int:posting_id>/submit-edit")
def submit_edit(posting_id: int):
    item = _posting(posting_id)
    if ActionForm().validate_on_submit():
        try:
            moderation.submit_edit(item.id, current_user)
        except moderation.WorkflowError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Your edit has been sent for review. The published version stays up until it is approved."),
                  "success")
    return redirect(url_for(".posting", posting_id=item.id))


@bp.post("/postings/<int:posting_id>/duplicate")
def duplicate_posting(posting_id: int):
    item = _posting(posting_id)
    if ActionForm().validate_on_submit():
        copy = editing.duplicate(item.id, current_user)
        flash(_("This is a copy of the posting, saved as a draft."), "success")
        return redirect(url_for(".edit_posting", posting_id=copy.id))
    return redirect(url_for(".posting", posting_id=item.id))


@bp.post("/postings/<int:posting_id>/comments")
def comment_posting(posting_id: int):
    item = _posting(posting_id)
    form = CommentForm()
    if form.validate_on_submit():
        moderation.add_comment(item.id, current_user, form.body.data)
        flash(_("Your message has been sent to the staff."), "success")
    else:
        flash(_("Write a message first."), "error")
    return redirect(url_for(".posting", posting_id=item.id) + "#comments")

