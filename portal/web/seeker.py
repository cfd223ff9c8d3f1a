"""The job seeker's area. Every endpoint requires the seeker role (checked once, here)."""

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from portal.accounts import cv, profiles
from portal.accounts.profile_forms import TEST_ROWS, TRADE_ROWS, CVForm, ProfileForm
from portal.extensions import db
from portal.i18n import current_language
from portal.jobs.models import Posting
from portal.jobs.search import public_condition
from portal.security import guard_area
from portal.taxonomy.lookup import reference

bp = Blueprint("seeker", __name__, url_prefix="/<lang:lang>/seeker")
guard_area(bp, "seeker")

CV_ERRORS = {
    "empty": _l("The file is empty."),
    "too_large": _l("The file is larger than 5 MB."),
    "type": _l("Only PDF and Word (DOCX) files can be uploaded."),
    "broken": _l("The file is damaged. Save it again as PDF and try once more."),
    "zip_bomb": _l("This Word file is not a normal document and cannot be accepted."),
}


@bp.get("/")
def dashboard():
    open_jobs = db.session.scalar(select(func.count()).select_from(Posting).where(public_condition()))
    return render_template("seeker/dashboard.html", open_jobs=open_jobs or 0, profile=profiles.get_profile(current_user))


def _profile_form(formdata=None) -> ProfileForm:
    profile = profiles.get_profile(current_user)
    if formdata is None and profile is not None:
        data = {name: getattr(profile, name) for name in profiles.PLAIN_FIELDS}
        data["trades"] = [{"trade": t.trade_code, "years": t.years, "navttc_level": str(t.navttc_level or ""),
                           "certificate": t.certificate} for t in profile.trades][:TRADE_ROWS]
        data["skills_tests"] = [{"sector": t.sector_code, "level": t.level, "passed_on": t.passed_on,
                                 "sub_area": f"{t.sector_code}/{t.sub_area}" if t.sub_area else ""}
                                for t in profile.skills_tests][:TEST_ROWS]
        form = ProfileForm(formdata=None, data=data)
    else:
        form = ProfileForm(formdata=formdata)
    # FieldList keeps at least min_entries rows, so there is always room to add a trade or a test.
    form.set_choices(reference(), current_language())
    return form


def _render_profile(form, cv_form=None, status=200):
    return render_template("seeker/profile.html", form=form, cv_form=cv_form or CVForm(formdata=None),
                           profile=profiles.get_profile(current_user)), status


@bp.get("/profile")
def profile():
    return _render_profile(_profile_form())


@bp.post("/profile")
def save_profile():
    form = _profile_form(request.form)
    if not form.validate_on_submit():
        return _render_profile(form, status=400)
    values = {name: getattr(form, name).data for name in profiles.PLAIN_FIELDS}
    profiles.save_profile(current_user, values, [row.data for row in form.trades], [row.data for row in form.skills_tests])
    flash(_("Your profile has been saved."), "success")
    return redirect(url_for(".profile"))


@bp.post("/profile/cv")
def upload_cv():
    cv_form = CVForm()
    if cv_form.validate_on_submit():
        upload = cv_form.file.data
        try:
            profiles.set_cv(current_user, upload.read(cv.MAX_BYTES + 1), upload.filename or "cv")
        except cv.CVError as error:
            cv_form.file.errors.append(str(CV_ERRORS[error.code]))
        else:
            flash(_("Your CV has been uploaded."), "success")
            return redirect(url_for(".profile"))
    return _render_profile(_profile_form(), cv_form=cv_form, status=400)


@bp.post("/profile/cv/delete")
def delete_cv():
    # CSRFProtect has checked the token before this view runs.
    profiles.remove_cv(current_user)
    flash(_("Your CV has been removed."), "success")
    return redirect(url_for(".profile"))


@bp.get("/profile/cv")
def download_cv():
    profile = profiles.get_profile(current_user)
    if profile is None or not profile.cv_stored_name:
        abort(404)
    return send_file(cv.path_for(profiles.cv_directory(), profile.cv_stored_name), mimetype=profile.cv_mime,
                     as_attachment=True, conditional=False, etag=False,
                     download_name=cv.download_name(profile.cv_original_name, profile.cv_mime))


@bp.get("/my-data.json")
def export_data():
    response: Response = jsonify(profiles.export(current_user))
    response.headers["Content-Disposition"] = 'attachment; filename="kakehashi-my-data.json"'
    return response


@bp.get("/matches")
def matches():
    from portal.matching import services as matching

    ref = reference()
    sector = request.args.get("sector") or None
    eligibility = request.args.get("eligibility") or None
    if sector not in ref.sectors:
        sector = None
    if eligibility not in ("eligible", "needs_steps", "not_eligible"):
        eligibility = None
    profile = profiles.get_profile(current_user)
    found = matching.best_matches(matching.profile_from_model(profile), sector=sector, eligibility=eligibility)
    return render_template("seeker/matches.html", matches=found, profile=profile, ref=ref, sector=sector,
                           eligibility=eligibility)


@bp.get("/saved")
def saved():
    from portal.feeds.forms import ActionForm
    from portal.jobs import alerts
    from portal.jobs.models import SavedSearch

    jobs = alerts.saved_jobs(current_user)
    searches = db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == current_user.id)
                                  .order_by(SavedSearch.created_at.desc())).all()
    return render_template("seeker/saved.html", jobs=jobs, searches=searches, ref=reference(),
                           form=ActionForm(formdata=None))


@bp.post("/saved/jobs/<int:posting_id>")
def save_job(posting_id: int):
    from portal.jobs import alerts

    try:
        alerts.save_job(current_user, posting_id)
    except alerts.SavedError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The job has been saved."), "success")
    return redirect(url_for("public.job", posting_id=posting_id))


@bp.post("/saved/jobs/<int:posting_id>/delete")
def unsave_job(posting_id: int):
    from portal.jobs import alerts

    alerts.unsave_job(current_user, posting_id)
    flash(_("The job has been removed from your list."), "success")
    return redirect(url_for(".saved"))


@bp.post("/saved/searches")
def save_search():
    from portal.jobs import alerts

    args = {key: value for key, value in request.form.items() if key != "csrf_token"}
    try:
        alerts.save_search(current_user, args)
    except alerts.SavedError as error:
        flash(str(error.message), "error")
        return redirect(url_for("public.jobs", **args))
    flash(_("The search has been saved. We will e-mail you new jobs that match it, at most once a day."), "success")
    return redirect(url_for(".saved"))


@bp.post("/saved/searches/<int:search_id>/delete")
def delete_search(search_id: int):
    from portal.jobs import alerts

    alerts.delete_search(current_user, search_id)
    flash(_("The search has been deleted."), "success")
    return redirect(url_for(".saved"))


# ---- applications (issue 6): apply, the tracker, withdraw, messages, road to departure ----------


def _own_application(application_id: int):
    from portal.applications import services as applications_service

    application = applications_service.for_seeker(current_user, application_id)
    if application is None:
        abort(404)
    return application


@bp.post("/jobs/<int:posting_id>/apply")
def apply(posting_id: int):
    from portal.applications import services as applications_service
    from portal.applications.forms import ApplyForm

    from portal.web.public import render_job

    form = ApplyForm()
    # On failure the job page is drawn again with the note as typed (a redirect would lose it).
    if not form.validate_on_submit():
        return render_job(posting_id, apply_form=form, status=400, count_view=False)
    try:
        application = applications_service.apply(current_user, posting_id, form.cover_note.data, form.include_cv.data)
    except applications_service.ApplicationError as error:
        flash(str(error.message), "error")  # already applied, or closed: the job page says where things stand
        return redirect(url_for("public.job", posting_id=posting_id))
    flash(_("Your application has been sent. We will tell you when the employer answers."), "success")
    return redirect(url_for(".application", application_id=application.id))


@bp.post("/jobs/<int:posting_id>/applied-elsewhere")
def record_applied_elsewhere(posting_id: int):
    from portal.applications import services as applications_service
    from portal.applications.forms import AppliedElsewhereForm

    if AppliedElsewhereForm().validate_on_submit():
        try:
            application = applications_service.record_applied_elsewhere(current_user, posting_id)
        except applications_service.ApplicationError as error:
            flash(str(error.message), "error")
            return redirect(url_for("public.job", posting_id=posting_id))
        flash(_("The job has been added to your applications."), "success")
        return redirect(url_for(".application", application_id=application.id))
    return redirect(url_for("public.job", posting_id=posting_id))


@bp.get("/applications")
def applications():
    from portal.applications import services as applications_service

    return render_template("seeker/applications.html", applications=applications_service.seeker_applications(current_user))


def _render_application(application, withdraw_form=None, message_form=None, step_forms=None, status=200,
                        answer_form=None):
    from portal.applications import offers, pipeline
    from portal.applications import services as applications_service
    from portal.applications.forms import MessageForm, OfferAnswerForm, StepForm, WithdrawForm

    steps = applications_service.checklist(application)
    forms = step_forms or {}
    for code, step in steps:
        if code not in forms:
            forms[code] = StepForm(formdata=None, prefix=code,
                                   data={"done_on": step.done_on, "post": step.post or ""} if step else None)
    return render_template(
        "seeker/application.html", application=application, steps=steps, step_forms=forms,
        withdraw_form=withdraw_form or WithdrawForm(formdata=None), message_form=message_form or MessageForm(formdata=None),
        can_withdraw=pipeline.is_open(application.state), has_checklist=pipeline.has_checklist(application.state),
        is_portal=application.kind == "portal", terms=application.contract_terms(current_language()),
        external_url=applications_service.external_url(application.posting),
        offer=application.offer, answer_form=answer_form or OfferAnswerForm(formdata=None),
        offer_differences=offers.explain(application.offer) if application.offer else [],
        offer_categories=offers.category_names(),
        offer_estimate=offers.take_home(application.offer) if application.offer else None,
    ), status


@bp.post("/applications/<int:application_id>/offer")
def answer_offer(application_id: int):
    """Accept or decline the offer on one's own application (the other buttons are ignored)."""
    from portal.applications import services as applications_service
    from portal.applications.forms import OfferAnswerForm

    application = _own_application(application_id)
    form = OfferAnswerForm()
    if not form.validate_on_submit() or not (form.accept.data or form.decline.data):
        return _render_application(application, answer_form=form, status=400)
    try:
        applications_service.answer_offer(current_user, application, bool(form.accept.data), form.message.data)
    except applications_service.ApplicationError as error:
        flash(str(error.message), "error")
        return _render_application(application, answer_form=form, status=400)
    flash(_("You accepted the offer. The employer has been told.") if form.accept.data
          else _("You declined the offer. The employer has been told."), "success")
    return redirect(url_for(".application", application_id=application.id))


@bp.get("/applications/<int:application_id>")
def application(application_id: int):
    return _render_application(_own_application(application_id))


@bp.post("/applications/<int:application_id>/withdraw")
def withdraw_application(application_id: int):
    from portal.applications import services as applications_service
    from portal.applications.forms import WithdrawForm

    application = _own_application(application_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_application(application, withdraw_form=form, status=400)
    try:
        applications_service.withdraw(current_user, application, form.message.data)
    except applications_service.ApplicationError as error:
        flash(str(error.message), "error")
        return _render_application(application, withdraw_form=form, status=400)
    flash(_("Your application has been withdrawn."), "success")
    return redirect(url_for(".application", application_id=application.id))


@bp.post("/applications/<int:application_id>/message")
def message_employer(application_id: int):
    from portal.applications import services as applications_service
    from portal.applications.forms import MessageForm
    from portal.applications.pipeline import Actor

    application = _own_application(application_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _render_application(application, message_form=form, status=400)
    try:
        applications_service.send_message(current_user, Actor.SEEKER, application, form.text.data)
    except applications_service.ApplicationError as error:
        flash(str(error.message), "error")
        return _render_application(application, message_form=form, status=400)
    flash(_("Your message has been sent."), "success")
    return redirect(url_for(".application", application_id=application.id))


@bp.post("/applications/<int:application_id>/steps/<step>")
def update_application_step(application_id: int, step: str):
    from portal.applications import pipeline
    from portal.applications import services as applications_service
    from portal.applications.forms import StepForm
    from portal.applications.pipeline import Actor

    application = _own_application(application_id)
    if step not in pipeline.STEPS:
        abort(404)
    form = StepForm(prefix=step)
    if not form.validate_on_submit():
        return _render_application(application, step_forms={step: form}, status=400)
    done_on = None if form.clear.data else form.done_on.data
    if not form.clear.data and done_on is None:
        form.done_on.errors.append(_("Enter the date."))
        return _render_application(application, step_forms={step: form}, status=400)
    try:
        applications_service.update_step(current_user, Actor.SEEKER, application, step, done_on, form.post.data)
    except applications_service.ApplicationError as error:
        form.done_on.errors.append(str(error.message))
        return _render_application(application, step_forms={step: form}, status=400)
    flash(_("The road to departure has been updated."), "success")
    return redirect(url_for(".application", application_id=application.id, _anchor="departure-title"))


def apply_box(posting, apply_form=None) -> dict:
    """What the job page shows a seeker under "How to apply" (public.job calls this)."""
    from portal.applications import services as applications_service
    from portal.applications.forms import AppliedElsewhereForm, ApplyForm
    from portal.jobs.services import is_open

    profile = profiles.get_profile(current_user)
    return {
        "application": applications_service.find_for_posting(current_user, posting.id),
        "on_portal": is_open(posting) and applications_service.takes_portal_applications(posting),
        "external": bool(applications_service.external_url(posting)),
        "apply_form": apply_form or ApplyForm(formdata=None),
        "elsewhere_form": AppliedElsewhereForm(formdata=None),
        "has_cv": bool(profile and profile.cv_stored_name),
    }
