"""The consulate staff area. Every endpoint requires the staff role (checked once, here)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields import SelectChoice

from portal.accounts.models import Organisation, User
from portal.extensions import db
from portal.jobs.models import Posting
from portal.i18n import current_language
from portal.security import guard_area
from portal.taxonomy.lookup import reference

bp = Blueprint("staff", __name__, url_prefix="/<lang:lang>/staff")
guard_area(bp, "staff")


@bp.get("/")
def dashboard():
    """Counts and pictures (server-rendered SVG with a table alternative each; no script)."""
    from portal.insights import charts, services as insights

    lang = current_language()
    ref = reference()
    users_by_role = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    postings_by_status = dict(
        db.session.execute(select(Posting.status, func.count()).group_by(Posting.status)).all()
    )
    organisations_by_status = dict(
        db.session.execute(select(Organisation.status, func.count()).group_by(Organisation.status)).all()
    )
    by_sector = insights.published_by(Posting.sector_code)
    sector_chart = charts.bar_chart([(code, ref.sectors[code].name(lang) if code in ref.sectors else code, count)
                                     for code, count in by_sector.items()])
    by_prefecture = insights.published_by(Posting.prefecture_code)
    prefecture_names = {code: label.name(lang) for code, label in ref.prefectures.items()}
    tiles = charts.tile_map(by_prefecture, prefecture_names)
    flags = insights.flags_by_week()
    flag_chart = None
    if flags is not None and flags[1]:
        from portal.moderation.labels import FLAG_NAMES

        weeks, series = flags
        lines, top = charts.line_chart([w.isoformat() for w in weeks],
                                       {code: (str(FLAG_NAMES.get(code, code)), values)
                                        for code, values in series.items()})
        flag_chart = {"weeks": weeks, "lines": lines, "top": top}
    return render_template(
        "staff/dashboard.html",
        users_by_role=users_by_role,
        postings_by_status=postings_by_status,
        organisations_by_status=organisations_by_status,
        sector_chart=sector_chart,
        tiles=tiles,
        tile_legend=charts.legend(max(by_prefecture.values(), default=0)),
        published_total=sum(by_sector.values()),
        backlog=insights.backlog(),
        sources=insights.source_health(),
        flags_available=flags is not None,
        flag_chart=flag_chart,
        palette=("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
                 "#17becf", "#ff7f0e"),
    )


# ---- import sources -----------------------------------------------------------------------------

SKIP_REASON_LIMIT = 200


def csv_columns() -> list[str]:
    from portal.feeds.parsers import CSV_COLUMNS

    return list(CSV_COLUMNS)


@bp.get("/sources")
def sources():
    from portal.feeds.forms import KIND_NAMES, SourceForm
    from portal.feeds.models import ImportSource

    rows = db.session.scalars(select(ImportSource).order_by(ImportSource.name)).all()
    return render_template("staff/sources.html", sources=rows, form=SourceForm(formdata=None), kind_names=KIND_NAMES)


@bp.post("/sources")
def add_source():
    import json

    from portal.feeds.forms import KIND_NAMES, SourceForm
    from portal.feeds.models import ImportSource
    from portal.feeds.services import SourceError, add_source as add

    form = SourceForm()
    if form.validate_on_submit():
        mapping = None
        try:
            mapping = json.loads(form.mapping.data) if form.mapping.data else None
        except json.JSONDecodeError:
            form.mapping.errors.append(_("This is not valid JSON."))
        if not form.errors:
            try:
                add(form.name.data, form.url.data or "", form.kind.data, trusted=form.trusted.data, mapping=mapping,
                    every_hours=form.every_hours.data, max_concurrency=form.max_concurrency.data,
                    delay_seconds=form.delay_seconds.data or 0, actor=current_user)
            except SourceError as error:
                form.name.errors.append(str(error.message))
            else:
                flash(_("The source has been added."), "success")
                return redirect(url_for(".sources"))
    rows = db.session.scalars(select(ImportSource).order_by(ImportSource.name)).all()
    return render_template("staff/sources.html", sources=rows, form=form, kind_names=KIND_NAMES), 400


@bp.get("/sources/<int:source_id>")
def source(source_id: int):
    from portal.feeds.forms import KIND_NAMES, ActionForm, UploadForm
    from portal.feeds.models import ImportRun, ImportSource

    item = db.get_or_404(ImportSource, source_id)
    runs = db.session.scalars(select(ImportRun).where(ImportRun.source_id == source_id)
                              .order_by(ImportRun.id.desc()).limit(30)).all()
    return render_template("staff/source.html", source=item, runs=runs, kind_names=KIND_NAMES,
                           upload_form=UploadForm(formdata=None), action_form=ActionForm(formdata=None),
                           csv_columns=csv_columns())


@bp.post("/sources/<int:source_id>/enabled")
def toggle_source(source_id: int):
    from portal.feeds.forms import ActionForm
    from portal.feeds.models import ImportSource
    from portal.feeds.services import set_enabled

    item = db.get_or_404(ImportSource, source_id)
    if ActionForm().validate_on_submit():
        set_enabled(item.name, not item.enabled, actor=current_user)
        flash(_("The source is now enabled.") if item.enabled else _("The source is now disabled."), "success")
    return redirect(url_for(".source", source_id=source_id))


@bp.post("/sources/<int:source_id>/run")
def run_source_soon(source_id: int):
    """Due at once: the next `flask import` (cron) takes it. Imports do not run inside web requests."""
    from portal.feeds.forms import ActionForm
    from portal.feeds.models import ImportSource
    from portal.feeds.services import run_soon

    item = db.get_or_404(ImportSource, source_id)
    if ActionForm().validate_on_submit():
        run_soon(item.id, current_user)
        flash(_("The source will be imported at the next scheduled run."), "success")
    return redirect(url_for(".source", source_id=source_id))


@bp.post("/sources/<int:source_id>/upload")
def upload_csv(source_id: int):
    from portal.feeds.forms import KIND_NAMES, ActionForm, UploadForm
    from portal.feeds.http import fetcher_from_config
    from portal.feeds.models import ImportRun, ImportSource
    from portal.feeds.services import upload_csv as upload

    item = db.get_or_404(ImportSource, source_id)
    form = UploadForm()
    if item.kind != "csv":
        abort(404)
    if form.validate_on_submit():
        run = upload(item.id, form.file.data.read(), fetcher_from_config(current_app.config), current_user,
                     filename=form.file.data.filename)
        if run is None:
            flash(_("Another import of this source is running. Try again in a minute."), "error")
        else:
            flash(_("Import finished: %(new)s new, %(updated)s updated, %(skipped)s skipped.",
                    new=run.new, updated=run.updated, skipped=run.skipped), "success")
            return redirect(url_for(".import_run", run_id=run.id))
    runs = db.session.scalars(select(ImportRun).where(ImportRun.source_id == source_id)
                              .order_by(ImportRun.id.desc()).limit(30)).all()
    return render_template("staff/source.html", source=item, runs=runs, kind_names=KIND_NAMES,
                           upload_form=form, action_form=ActionForm(formdata=None), csv_columns=csv_columns()), 400


@bp.get("/imports/<int:run_id>")
def import_run(run_id: int):
    from portal.feeds.models import ImportRun, ImportSkip

    run = db.get_or_404(ImportRun, run_id)
    skips = db.session.scalars(select(ImportSkip).where(ImportSkip.run_id == run_id)
                               .order_by(ImportSkip.id).limit(SKIP_REASON_LIMIT)).all()
    return render_template("staff/import_run.html", run=run, skips=skips)


@bp.get("/imported")
def imported_postings():
    """Imported postings for staff to check and correct: close calls first (both fields named), then
    the least certain; with the classifier's accuracy before and after staff corrections."""
    from portal.feeds.forms import ClassificationForm
    from portal.feeds.services import taxonomy
    from portal.matching.corrections import accuracy_report
    from portal.matching.models import ClassificationCloseCall

    close_calls = {row.posting_id: row for row in db.session.scalars(
        select(ClassificationCloseCall).order_by(ClassificationCloseCall.created_at.desc()).limit(50))}
    postings = db.session.scalars(select(Posting).where(Posting.id.in_(list(close_calls)))).all() if close_calls else []
    postings += db.session.scalars(
        select(Posting).where(Posting.import_source_id.is_not(None), Posting.duplicate_of_id.is_(None),
                              Posting.id.not_in(list(close_calls) or [0]))
        .order_by(Posting.classification_locked, Posting.classification_confidence.asc().nulls_first(),
                  Posting.id.desc()).limit(50)
    ).all()
    from portal.matching.messages import APPLICANTS_FROM_WORDS

    return render_template("staff/imported.html", postings=postings, form=ClassificationForm(formdata=None),
                           ref=reference(), applicants_from_names=APPLICANTS_FROM_WORDS, close_calls=close_calls,
                           accuracy=accuracy_report(taxonomy()))


@bp.post("/postings/<int:posting_id>/classification")
def correct_classification(posting_id: int):
    from portal.feeds.forms import ClassificationForm
    from portal.jobs.services import ClassificationError, correct_classification as correct
    from portal.matching.engine import APPLICANTS_FROM

    ref = reference()
    form = ClassificationForm()
    form.sector.choices = [SelectChoice(code, label.name(current_language())) for code, label in ref.sectors.items()]
    form.occupation.choices = [SelectChoice("", "—")] + [
        SelectChoice(code, f"{code} {label.name(current_language())}") for code, label in ref.occupations.items()]
    form.sub_area.choices = [SelectChoice("", "—")] + [SelectChoice(code, code) for (_s, code) in ref.sub_areas]
    form.applicants_from.choices = [SelectChoice("", "—")] + [SelectChoice(code, code) for code in APPLICANTS_FROM]
    if form.validate_on_submit():
        try:
            correct(posting_id, form.sector.data, form.occupation.data or None, actor=current_user,
                    sub_area=form.sub_area.data or None, applicants_from=form.applicants_from.data or None)
        except ClassificationError as error:
            flash(str(error.message), "error")
        else:
            flash(_("The classification has been saved. Re-imports keep it."), "success")
    else:
        flash(_("Choose a field from the list."), "error")
    return redirect(url_for(".imported_postings"))
