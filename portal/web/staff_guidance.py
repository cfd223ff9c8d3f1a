"""Consulate staff: edit the guides (preview, save a draft, publish, revert) and the pay-estimate
parameters. Same area and guard as portal/web/staff.py, kept in its own module. Every change writes
one audit row (portal/guidance/services.py)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from portal.feeds.forms import ActionForm
from portal.guidance import content, pay
from portal.guidance import services as guidance
from portal.guidance.forms import GuideForm, ParameterForm
from portal.guidance.labels import PARAMETER_NAMES
from portal.security import guard_area

bp = Blueprint("staff_guidance", __name__, url_prefix="/<lang:lang>/staff")
guard_area(bp, "staff")

ERRORS = {
    "no_sources": lambda: _("Every guide needs at least one source in each language."),
    "source_url": lambda: _("Each source needs an address starting with https:// or http://, after a “|”."),
    "unknown_revision": lambda: _("No such revision."),
    "already_published": lambda: _("This revision is already published."),
    "unknown_parameter": lambda: _("Choose a parameter from the list."),
    "bad_value": lambda: _("A rate is a fraction between 0 and 1: write 0.05 for 5 percent."),
    "no_source": lambda: _("Say where the value comes from."),
}


def _message(error: guidance.GuidanceError) -> str:
    return ERRORS[error.code]() if error.code in ERRORS else str(error.message)


@bp.get("/guides/")
def guides():
    return render_template("staff/guides.html", articles=guidance.articles())


def _article_or_404(slug: str):
    if slug not in content.GUIDE_SLUGS:
        abort(404)
    guidance.articles()  # the shipped guides are in the database from here on
    return guidance.get_article(slug)


@bp.route("/guides/<slug>", methods=["GET", "POST"])
def edit_guide(slug: str):
    article = _article_or_404(slug)
    latest = article.latest_revision
    form = GuideForm()
    if not form.is_submitted():
        form.title_en.data, form.title_ja.data = latest.title_en, latest.title_ja
        form.body_en.data, form.body_ja.data = latest.body_en, latest.body_ja
        sources = latest.sources if isinstance(latest.sources, dict) else {"en": latest.sources, "ja": latest.sources}
        form.sources_en.data = content.sources_to_text(sources.get("en"))
        form.sources_ja.data = content.sources_to_text(sources.get("ja"))
        form.last_checked.data = latest.last_checked
    preview = None
    if form.validate_on_submit():
        if form.save.data:
            try:
                guidance.save_revision(slug, current_user, title_en=form.title_en.data, title_ja=form.title_ja.data,
                                       body_en=form.body_en.data, body_ja=form.body_ja.data,
                                       sources_en=form.sources_en.data, sources_ja=form.sources_ja.data,
                                       last_checked=form.last_checked.data, note=form.note.data)
            except guidance.GuidanceError as error:
                flash(_message(error), "error")
            else:
                flash(_("The draft has been saved. Publish it to make it public."), "success")
                return redirect(url_for(".edit_guide", slug=slug))
        else:
            preview = {"en": Markup(content.render(form.body_en.data)), "ja": Markup(content.render(form.body_ja.data))}
    return render_template("staff/guide_edit.html", article=article, form=form, preview=preview,
                           action_form=ActionForm(), history=guidance.history(slug)), (400 if form.errors else 200)


@bp.post("/guides/<slug>/publish/<int:revision_id>")
def publish_guide(slug: str, revision_id: int):
    _article_or_404(slug)
    if ActionForm().validate_on_submit():
        try:
            guidance.publish(slug, revision_id, current_user)
        except guidance.GuidanceError as error:
            flash(_message(error), "error")
        else:
            flash(_("The revision is now public."), "success")
    return redirect(url_for(".edit_guide", slug=slug))


@bp.post("/guides/<slug>/revert/<int:revision_id>")
def revert_guide(slug: str, revision_id: int):
    _article_or_404(slug)
    if ActionForm().validate_on_submit():
        try:
            guidance.revert(slug, revision_id, current_user)
        except guidance.GuidanceError as error:
            flash(_message(error), "error")
        else:
            flash(_("The earlier text is public again, as a new revision."), "success")
    return redirect(url_for(".edit_guide", slug=slug))


def _parameter_form() -> ParameterForm:
    form = ParameterForm()
    from wtforms.fields import SelectChoice

    form.key.choices = [SelectChoice(key, str(PARAMETER_NAMES[key])) for key in pay.PARAMETER_KEYS]
    return form


@bp.route("/pay-parameters", methods=["GET", "POST"])
def pay_parameters():
    form = _parameter_form()
    if form.validate_on_submit():
        try:
            guidance.set_parameter(form.key.data, form.value.data, form.as_of.data, form.source.data,
                                   form.approximate.data, current_user)
        except guidance.GuidanceError as error:
            flash(_message(error), "error")
        else:
            flash(_("The new value has been saved."), "success")
            return redirect(url_for(".pay_parameters"))
    current = guidance.current_parameters()
    rows = [(key, PARAMETER_NAMES[key], current[key], guidance.parameter_history(key)) for key in pay.PARAMETER_KEYS]
    return render_template("staff/pay_parameters.html", form=form, rows=rows), (400 if form.errors else 200)
