"""Staff: the organisation verification queue and user accounts. Same area as portal/web/staff.py:
same URL prefix, same role guard. Status changes go through moderation.services (the only place that
changes an organisation's status); account suspension through accounts.services."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from portal.accounts import organisations as organisation_services
from portal.accounts import services as accounts
from portal.accounts.models import Organisation, OrganisationStatus, User
from portal.accounts.organisation_forms import ORGANISATION_KIND_NAMES
from portal.accounts.staff_forms import DocumentsForm, StaffReasonForm, UserSearchForm
from portal.extensions import db
from portal.feeds.forms import ActionForm
from portal.jobs.models import Posting
from portal.moderation import services as moderation
from portal.moderation.labels import AUDIT_ACTION_NAMES
from portal.security import guard_area

bp = Blueprint("staff_accounts", __name__, url_prefix="/<lang:lang>/staff/accounts")
guard_area(bp, "staff")

PER_PAGE = 50


@bp.context_processor
def _helpers():
    from portal.web.staff_audit import action_name

    return {"kind_names": ORGANISATION_KIND_NAMES, "audit_action_names": AUDIT_ACTION_NAMES,
            "action_name": action_name}


# ---- organisations --------------------------------------------------------------------------------

@bp.get("/organisations")
def organisations():
    status = request.args.get("status", OrganisationStatus.UNVERIFIED)
    if status not in {s.value for s in OrganisationStatus}:
        abort(404)
    rows = (organisation_services.verification_queue() if status == OrganisationStatus.UNVERIFIED
            else organisation_services.organisations_by_status(status))
    counts = dict(db.session.execute(select(Organisation.status, func.count()).group_by(Organisation.status)).all())
    return render_template("staff/organisations.html", organisations=rows, status=status, counts=counts,
                           statuses=[s.value for s in OrganisationStatus],
                           clashes=organisation_services.number_clashes(rows))


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    item = db.get_or_404(Organisation, organisation_id)
    postings = db.session.execute(select(Posting.status, func.count()).where(Posting.organisation_id == item.id)
                                  .group_by(Posting.status)).all()
    return render_template("staff/organisation.html", organisation=item,
                           members=organisation_services.members(item.id), postings=dict(postings),
                           history=moderation.history("organisation", item.id),
                           action_form=ActionForm(formdata=None), reason_form=StaffReasonForm(formdata=None),
                           documents_form=DocumentsForm(formdata=None))


def _back(organisation_id: int):
    return redirect(url_for(".organisation", organisation_id=organisation_id))


@bp.post("/organisations/<int:organisation_id>/verify")
def verify_organisation(organisation_id: int):
    db.get_or_404(Organisation, organisation_id)
    if ActionForm().validate_on_submit():
        try:
            moderation.verify_organisation(organisation_id, current_user)
        except moderation.WorkflowError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The organisation is verified."), "success")
    return _back(organisation_id)


@bp.post("/organisations/<int:organisation_id>/restore")
def restore_organisation(organisation_id: int):
    """Lift a suspension: the organisation is verified again and its published postings come back."""
    item = db.get_or_404(Organisation, organisation_id)
    if ActionForm().validate_on_submit():
        if item.status != OrganisationStatus.SUSPENDED:
            flash(_("This organisation is not suspended."), "error")
        else:
            try:
                moderation.verify_organisation(organisation_id, current_user)
            except moderation.WorkflowError as error:
                flash(str(error.message), "error")
            else:
                flash(_("The suspension is lifted. The organisation's published postings are public again."),
                      "success")
    return _back(organisation_id)


@bp.post("/organisations/<int:organisation_id>/suspend")
def suspend_organisation(organisation_id: int):
    db.get_or_404(Organisation, organisation_id)
    form = StaffReasonForm()
    if not form.validate_on_submit():
        flash(_("Please write a reason."), "error")
    else:
        try:
            moderation.suspend_organisation(organisation_id, current_user, form.reason.data)
        except moderation.WorkflowError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The organisation is suspended. Its postings are hidden from the public."), "success")
    return _back(organisation_id)


@bp.post("/organisations/<int:organisation_id>/documents")
def request_documents(organisation_id: int):
    db.get_or_404(Organisation, organisation_id)
    form = DocumentsForm()
    if not form.validate_on_submit():
        flash(_("Write a message first."), "error")
    else:
        try:
            count = organisation_services.request_documents(organisation_id, current_user, form.message.data)
        except organisation_services.OrganisationError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Your message has been sent to %(count)s members of the organisation.", count=count), "success")
    return _back(organisation_id)


# ---- users ----------------------------------------------------------------------------------------

@bp.get("/users")
def users():
    form = UserSearchForm(request.args)
    form.validate()
    page = request.args.get("page", 1, type=int) or 1
    organisation_id = request.args.get("organisation", type=int)
    state = form.state.data if not form.state.errors else ""
    rows, total = accounts.search_users(form.q.data if not form.q.errors else None,
                                        form.role.data if not form.role.errors else None, organisation_id,
                                        {"active": False, "suspended": True}.get(state or ""),
                                        page=page, per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    # Only the form's own fields go back into url_for (a "_external" or "_anchor" key would be read as an option).
    args = {k: v for k, v in request.args.items() if (k in form._fields or k == "organisation") and k != "submit" and v}
    return render_template("staff/users.html", form=form, users=rows, total=total, page=min(page, pages),
                           pages=pages, args=args, action_form=ActionForm(formdata=None),
                           reason_form=StaffReasonForm(formdata=None))


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    item = db.get_or_404(User, user_id)
    return render_template("staff/user.html", user=item, history=moderation.history("user", item.id),
                           action_form=ActionForm(formdata=None), reason_form=StaffReasonForm(formdata=None))


@bp.post("/users/<int:user_id>/suspend")
def suspend_user(user_id: int):
    db.get_or_404(User, user_id)
    form = StaffReasonForm()
    if not form.validate_on_submit():
        flash(_("Please write a reason."), "error")
    else:
        try:
            accounts.suspend_user(user_id, current_user, form.reason.data)
        except accounts.AccountError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The account is suspended and signed out everywhere."), "success")
    return redirect(url_for(".user", user_id=user_id))


@bp.post("/users/<int:user_id>/restore")
def restore_user(user_id: int):
    db.get_or_404(User, user_id)
    if ActionForm().validate_on_submit():
        try:
            accounts.restore_user(user_id, current_user)
        except accounts.AccountError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The account can sign in again."), "success")
    return redirect(url_for(".user", user_id=user_id))
