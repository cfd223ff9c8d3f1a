"""The recruiter's applicants: ranked lists per posting, one applicant, the pipeline and the road to
departure. Same area as portal/web/recruiter.py (same URL prefix, same role guard), kept in its own
module. Every object route loads the application through `_application()`, which answers 404 for an
application that was not sent to the recruiter's own organisation.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields import SelectChoice

from portal.accounts import cv, profiles
from portal.accounts.profile_forms import EDUCATION_NAMES
from portal.applications import pipeline
from portal.applications import services as applications
from portal.applications.forms import ContractForm, MessageForm, MoveForm, StepForm, TemplateMessageForm
from portal.applications.labels import MOVE_NAMES
from portal.applications.models import Application
from portal.applications.pipeline import Actor
from portal.extensions import db
from portal.security import guard_area, require_active_organisation
from portal.taxonomy.lookup import reference

bp = Blueprint("recruiter_applications", __name__, url_prefix="/<lang:lang>/recruiter")
guard_area(bp, "recruiter")
require_active_organisation(bp)


def _application(application_id: int) -> Application:
    application = applications.for_recruiter(current_user, application_id)
    if application is None:
        abort(404)
    return application


def _move_form(application: Application, formdata=None) -> MoveForm:
    form = MoveForm(formdata=formdata)
    form.state.choices = [SelectChoice(state.value, MOVE_NAMES[state])
                          for state in pipeline.next_states(application.state, Actor.RECRUITER)]
    return form


@bp.get("/applicants")
def applications_overview():
    return render_template("recruiter/applications.html", postings=applications.organisation_postings(current_user))


@bp.get("/postings/<int:posting_id>/applicants")
def applicants(posting_id: int):
    posting = applications.posting_for_recruiter(current_user, posting_id)
    if posting is None:
        abort(404)
    return render_template("recruiter/applicants.html", posting=posting, ranked=applications.applicants(posting))


def _render_applicant(application: Application, move_form=None, message_form=None, contract_form=None,
                      step_forms=None, template_form=None, status=200):
    steps = applications.checklist(application)
    forms = step_forms or {}
    for code, step in steps:
        if code not in forms:
            forms[code] = StepForm(formdata=None, prefix=code,
                                   data={"done_on": step.done_on, "post": step.post or ""} if step else None)
    if contract_form is None:
        contract_form = ContractForm(formdata=None, data={"terms_en": application.contract_terms_en,
                                                          "terms_ja": application.contract_terms_ja})
    from portal.applications import offers

    return render_template(
        "recruiter/applicant.html", application=application, match=applications.match_for(application),
        offer_differences=offers.explain(application.offer) if application.offer else [],
        offer_categories=offers.category_names(),
        move_form=move_form or _move_form(application), message_form=message_form or MessageForm(formdata=None),
        template_form=template_form or TemplateMessageForm(formdata=None),
        contract_form=contract_form, steps=steps, step_forms=forms, has_checklist=pipeline.has_checklist(application.state),
        ref=reference(), snapshot=application.profile_snapshot or {}, education_names=EDUCATION_NAMES,
    ), status


@bp.get("/applications/<int:application_id>")
def applicant(application_id: int):
    return _render_applicant(_application(application_id))


@bp.get("/applications/<int:application_id>/cv")
def download_applicant_cv(application_id: int):
    application = _application(application_id)
    if not application.cv_stored_name:
        abort(404)
    path = cv.path_for(profiles.cv_directory(), application.cv_stored_name)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=application.cv_mime, as_attachment=True,
                     conditional=False, etag=False,
                     download_name=cv.download_name(application.cv_original_name, application.cv_mime))


@bp.post("/applications/<int:application_id>/status")
def move_applicant(application_id: int):
    application = _application(application_id)
    form = _move_form(application, request.form)
    if not form.validate_on_submit():
        return _render_applicant(application, move_form=form, status=400)
    offer = form.offer_values() if form.state.data == pipeline.State.OFFERED else None
    try:
        applications.move(current_user, application, form.state.data, form.message.data, offer=offer)
    except applications.ApplicationError as error:
        db.session.rollback()  # nothing of a refused move or offer stays in the session
        field = getattr(error, "field", None)
        if field and f"offer_{field}" in form:
            form[f"offer_{field}"].errors.append(str(error.message))
        else:
            flash(str(error.message), "error")
        return _render_applicant(_application(application_id), move_form=form, status=400)
    flash(_("The application has been updated. The applicant has been told."), "success")
    return redirect(url_for(".applicant", application_id=application.id))


@bp.post("/applications/<int:application_id>/message")
def message_applicant(application_id: int):
    application = _application(application_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _render_applicant(application, message_form=form, status=400)
    try:
        applications.send_message(current_user, Actor.RECRUITER, application, form.text.data)
    except applications.ApplicationError as error:
        flash(str(error.message), "error")
        return _render_applicant(application, message_form=form, status=400)
    flash(_("Your message has been sent."), "success")
    return redirect(url_for(".applicant", application_id=application.id))


@bp.post("/applications/<int:application_id>/template-message")
def send_template_message(application_id: int):
    """A common message as a template with values (interview, documents, offer, result, start date)."""
    from portal.applications.message_templates import TemplateValueError

    application = _application(application_id)
    form = TemplateMessageForm()
    if not form.validate_on_submit():
        return _render_applicant(application, template_form=form, status=400)
    try:
        applications.send_template_message(current_user, application, form.template.data, form.raw_values(),
                                           form.note.data)
    except TemplateValueError as error:
        getattr(form, error.field, form.template).errors = [str(applications.TEMPLATE_VALUE_ERRORS[error.code])]
        return _render_applicant(application, template_form=form, status=400)
    except applications.ApplicationError as error:
        flash(str(error.message), "error")
        return _render_applicant(application, template_form=form, status=400)
    flash(_("Your message has been sent."), "success")
    return redirect(url_for(".applicant", application_id=application.id))


@bp.post("/applications/<int:application_id>/contract")
def save_contract_terms(application_id: int):
    application = _application(application_id)
    form = ContractForm()
    if not form.validate_on_submit():
        return _render_applicant(application, contract_form=form, status=400)
    try:
        applications.set_contract_terms(current_user, application, form.terms_en.data, form.terms_ja.data)
    except applications.ApplicationError as error:
        flash(str(error.message), "error")
        return _render_applicant(application, contract_form=form, status=400)
    flash(_("The contract terms have been saved. The applicant has been told."), "success")
    return redirect(url_for(".applicant", application_id=application.id, _anchor="departure-title"))


@bp.post("/applications/<int:application_id>/steps/<step>")
def update_applicant_step(application_id: int, step: str):
    application = _application(application_id)
    if step not in pipeline.STEPS:
        abort(404)
    form = StepForm(prefix=step)
    if not form.validate_on_submit():
        return _render_applicant(application, step_forms={step: form}, status=400)
    done_on = None if form.clear.data else form.done_on.data
    if not form.clear.data and done_on is None:
        form.done_on.errors.append(_("Enter the date."))
        return _render_applicant(application, step_forms={step: form}, status=400)
    try:
        applications.update_step(current_user, Actor.RECRUITER, application, step, done_on, form.post.data)
    except applications.ApplicationError as error:
        form.done_on.errors.append(str(error.message))
        return _render_applicant(application, step_forms={step: form}, status=400)
    flash(_("The road to departure has been updated."), "success")
    return redirect(url_for(".applicant", application_id=application.id, _anchor="departure-title"))
