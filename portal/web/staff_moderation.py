"""The moderation queue (staff): postings waiting for review, riskiest first, with filters and a bulk
approval of those without red flags; reports from the public; removing a published posting and
marking spam. Same area as portal/web/staff.py (same URL prefix, same role guard). Every action
calls one moderation service, which checks the state and writes exactly one audit row. The
decisions on a single submitted posting (approve, ask for changes, reject) are on its review page
(portal/web/staff_review.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields import SelectChoice

from portal.accounts.models import Organisation
from portal.extensions import db
from portal.feeds.forms import ActionForm
from portal.feeds.models import ImportSource
from portal.i18n import current_language
from portal.jobs.models import Posting
from portal.moderation import flags as flag_core
from portal.moderation import services as moderation
from portal.moderation.forms import DecisionForm, NoteForm, QueueFilterForm
from portal.moderation.labels import FLAG_NAMES, REPORT_REASONS, RISK_NAMES
from portal.security import guard_area
from portal.taxonomy.lookup import reference

bp = Blueprint("staff_moderation", __name__, url_prefix="/<lang:lang>/staff/moderation")
guard_area(bp, "staff")

BULK_LIMIT = 200


@bp.context_processor
def _helpers():
    return {"flag_names": FLAG_NAMES, "risk_names": RISK_NAMES, "report_reasons": REPORT_REASONS}


def _filter_form() -> QueueFilterForm:
    lang = current_language()
    form = QueueFilterForm(request.args)
    sources = db.session.execute(select(ImportSource.id, ImportSource.name).order_by(ImportSource.name)).all()
    form.source.choices = [SelectChoice("", _("Any")), SelectChoice("recruiter", _("Recruiters"))] + [
        SelectChoice(str(source_id), _("Import: %(name)s", name=name)) for source_id, name in sources]
    organisations = db.session.scalars(select(Organisation).where(Organisation.id.in_(
        select(Posting.organisation_id).where(Posting.status == "submitted")))).all()
    form.organisation.choices = [SelectChoice("", _("Any"))] + sorted(
        (SelectChoice(str(o.id), o.name(lang)) for o in organisations), key=lambda c: c.label or "")
    form.sector.choices = [SelectChoice("", _("Any"))] + [
        SelectChoice(code, label.name(lang)) for code, label in reference().sectors.items()]
    return form


@bp.get("/")
def queue():
    form = _filter_form()
    valid = form.validate()
    filters = {
        "source": form.source.data or None,
        "organisation_id": int(form.organisation.data) if valid and (form.organisation.data or "").isdigit() else None,
        "sector": form.sector.data or None,
        "flag": form.flag.data or None,
    } if valid else {}
    items = [(posting, [flag_core.Flag.from_dict(d) for d in row.flags] if row else [])
             for posting, row in moderation.review_queue(**filters)]
    return render_template("staff/moderation_queue.html", form=form, items=items, ref=reference(),
                           action_form=ActionForm(formdata=None), risk_level=flag_core.risk_level,
                           reported=moderation.reported_postings(limit=20),
                           flagged=moderation.flagged_published(limit=20)), (200 if valid else 400)


@bp.post("/bulk-approve")
def bulk_approve():
    if ActionForm().validate_on_submit():
        ids = [int(value) for value in request.form.getlist("posting_id") if value.isdigit()][:BULK_LIMIT]
        approved, skipped = moderation.bulk_approve(ids, current_user)
        if approved:
            flash(ngettext("%(num)s posting published.", "%(num)s postings published.", approved), "success")
        if skipped:
            flash(ngettext("%(num)s posting was left for a closer look (red flags, or it cannot be published).",
                           "%(num)s postings were left for a closer look (red flags, or they cannot be published).",
                           skipped), "error")
        if not ids:
            flash(_("Choose postings first."), "error")
    return redirect(url_for(".queue"))


@bp.get("/reports")
def reports():
    return render_template("staff/moderation_reports.html", items=moderation.reported_postings())


def _back(posting_id: int):
    return redirect(url_for("staff_review.posting", posting_id=posting_id))


def _decision(posting_id: int, call, message: str):
    db.get_or_404(Posting, posting_id)
    form = DecisionForm()
    if not form.validate_on_submit() or not form.reason_code.data:
        flash(_("Choose a reason from the list."), "error")
        return _back(posting_id)
    try:
        call(form.reason_code.data, form.note.data)
    except moderation.WorkflowError as error:
        flash(str(error.message), "error")
    else:
        flash(message, "success")
    return _back(posting_id)


@bp.post("/postings/<int:posting_id>/remove")
def remove_posting(posting_id: int):
    return _decision(posting_id, lambda code, note: moderation.remove(posting_id, current_user, code, note),
                     _("The posting has been removed. The recruiter has been told why."))


@bp.post("/postings/<int:posting_id>/spam")
def mark_spam(posting_id: int):
    db.get_or_404(Posting, posting_id)
    if ActionForm().validate_on_submit():
        try:
            moderation.mark_spam(posting_id, current_user)
        except moderation.WorkflowError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The posting has been marked as spam."), "success")
            return redirect(url_for(".queue"))
    return _back(posting_id)


@bp.post("/postings/<int:posting_id>/reports/dismiss")
def dismiss_reports(posting_id: int):
    db.get_or_404(Posting, posting_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            moderation.dismiss_reports(posting_id, current_user, form.dismiss_note.data)
        except moderation.WorkflowError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The reports have been dismissed. The posting is public again if it was hidden."), "success")
    return _back(posting_id)


@bp.post("/postings/<int:posting_id>/reports/uphold")
def uphold_reports(posting_id: int):
    return _decision(posting_id, lambda code, note: moderation.uphold_reports(posting_id, current_user, code, note),
                     _("The reports have been upheld and the posting removed. The recruiter has been told why."))
