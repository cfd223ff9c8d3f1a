"""Pages anyone can see: home, job search, job page."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from flask_babel import lazy_gettext as _l, ngettext
from markupsafe import Markup
from sqlalchemy import select

from portal.extensions import db, limiter
from portal.i18n import current_language
from portal.jobs import services
from portal.jobs.models import Posting
from portal.jobs import places, suggestions
from portal.jobs.search import (LEVEL_RANK, SORTS, open_jobs_by_prefecture, open_jobs_by_sector, parse_params,
                                public_condition, search)
from portal.jobs.structured import description_html, job_posting, script_json
from portal.labels import MY_JAPANESE_LEVEL_NAMES
from portal.taxonomy.lookup import reference
from portal.taxonomy.models import Sector
from portal.timeutil import today

bp = Blueprint("public", __name__, url_prefix="/<lang:lang>")

# Names of search parameters, for error messages.
PARAM_LABELS = {
    "q": _l("Job, skill or place"), "sector": _l("Field"), "region": _l("Region"), "prefecture": _l("Prefecture"),
    "japanese": _l("My Japanese"), "visa": _l("Visa"), "employment_type": _l("Type of work"),
    "min_pay": _l("Minimum pay per month (yen)"), "housing": _l("Housing provided"), "sort": _l("Sort"),
    "page": _l("Page"), "per_page": _l("Results per page"),
}


@bp.app_template_global()
def posting_place(posting) -> str:
    """Where the job is, in the page's language: 静岡県浜松市 or Hamamatsu, Shizuoka."""
    prefecture = reference().prefectures[posting.prefecture_code]
    return places.address(prefecture.en, prefecture.ja, posting.city_en, posting.city_ja, current_language())


@bp.app_template_global()
def posted_ago(posting) -> str:
    days = places.days_since(posting.published_at or posting.created_at, today())
    if days is None:
        return ""
    if days == 0:
        return str(_l("Posted today"))
    if days == 1:
        return str(_l("Posted yesterday"))
    return ngettext("Posted %(num)d day ago", "Posted %(num)d days ago", days)


@bp.get("/")
def home():
    counts = open_jobs_by_sector()
    sectors = db.session.scalars(select(Sector).order_by(Sector.sort_order)).all()
    by_prefecture = open_jobs_by_prefecture()
    ref = reference()
    return render_template(
        "public/home.html",
        sectors=[(sector, counts.get(sector.code, 0)) for sector in sectors],
        prefectures=[(ref.prefectures[code], count) for code, count in by_prefecture.items() if count],
        total_jobs=sum(counts.values()),
    )


@bp.get("/jobs")
def jobs():
    params, errors = parse_params(request.args, strict=False)
    lang = current_language()
    result = search(params, lang=lang)
    correction = suggestions.did_you_mean(params) if params.q and not errors else None
    nearest = suggestions.nearest_searches(params, lang) if not result.total and not errors else []
    return render_template(
        "public/jobs.html",
        result=result,
        params=params,
        correction=correction,
        nearest=nearest,
        errors={error.param: error.message for error in errors},
        param_labels=PARAM_LABELS,
        ref=reference(),
        levels=list(LEVEL_RANK),
        sorts=SORTS,
    ), (400 if errors else 200)


@bp.get("/jobs/<int:posting_id>")
def job(posting_id: int):
    return render_job(posting_id)


def render_job(posting_id: int, *, apply_form=None, status: int = 200, count_view: bool = True):
    """The job page; seeker.apply draws it again with the form as typed when an application fails."""
    posting = services.get_viewable_posting(posting_id)
    if posting is None:
        abort(404)
    if count_view and posting.organisation_id is not None:
        services.count_view(posting.id)
    lang = current_language()
    ref = reference()
    is_open = services.is_open(posting)
    prefecture = ref.prefectures[posting.prefecture_code]
    city, _ = posting.text("city", lang)
    structured = None
    if is_open:
        structured = Markup(script_json(job_posting(
            posting, lang=lang, url=url_for("public.job", posting_id=posting.id, _external=True),
            region=prefecture.name(lang), locality=city, employer=posting.employer(lang),
            apply_on_site=not posting.apply_url)))
    match_result = application_box = None
    if current_user.is_authenticated and current_user.role == "seeker":
        from portal.accounts.profiles import get_profile
        from portal.matching import services as matching

        match_result = matching.match_posting(matching.profile_from_model(get_profile(current_user)), posting)
        from portal.web.seeker import apply_box  # applications: the form, or the application already sent

        application_box = apply_box(posting, apply_form)
    texts = {field: posting.text(field, lang) for field in
             ("title", "description", "requirements", "working_hours", "days_off", "city")}
    from portal.web.guide import job_guidance  # issue 8: checklist, take-home pay, glossary terms marked

    guidance = job_guidance(posting, lang, match_result, description_html(texts["description"][0]),
                            description_html(texts["requirements"][0]))
    return render_template(
        "public/job.html",
        posting=posting,
        texts=texts,
        description=guidance.description,
        requirements=guidance.requirements_html,
        guidance=guidance,
        is_open=is_open,
        pay=services.pay_facts(posting),
        ref=ref,
        sector=db.session.get(Sector, posting.sector_code),
        structured=structured,
        match_result=match_result,
        application_box=application_box,
    ), status


@bp.get("/match")
def quick_match():
    """Anyone, without an account: a few answers → matching jobs. Nothing is stored."""
    from wtforms.fields import SelectChoice

    from portal.accounts.profile_forms import QuickMatchForm
    from portal.matching import services as matching

    lang = current_language()
    ref = reference()
    form = QuickMatchForm(request.args)
    trades = sorted(ref.trades.values(), key=lambda t: t.name(lang))
    ssw = [(code, ref.sectors[code].name(lang)) for code in ref.sector_order if code not in ("it_engineering", "other")]
    form.trade.choices = [SelectChoice("", "—")] + [SelectChoice(t.code, t.name(lang)) for t in trades]
    form.japanese.choices = [SelectChoice(level, str(label)) for level, label in MY_JAPANESE_LEVEL_NAMES.items()]
    form.skills_test.choices = [SelectChoice("", _l("None"))] + [SelectChoice(c, n) for c, n in ssw]
    form.titp_field.choices = [SelectChoice("", _l("None"))] + [SelectChoice(c, n) for c, n in ssw]
    results = None
    status = 200
    if request.args:
        if form.validate():
            profile = matching.profile_from_answers(
                trade=form.trade.data, years=form.years.data, japanese=form.japanese.data,
                skills_test=form.skills_test.data or None, titp_field=form.titp_field.data or None)
            results = matching.best_matches(profile)
        else:
            status = 400
    return render_template("public/match.html", form=form, matches=results, ref=ref), status


@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """From the link in a digest, without logging in: the signed token names the account."""
    from portal.feeds.forms import ActionForm
    from portal.jobs import alerts

    form = ActionForm()
    done = False
    if form.validate_on_submit():
        if not alerts.unsubscribe(token):
            abort(404)
        done = True
    return render_template("public/unsubscribe.html", form=form, done=done)


# ---- "Report this job" (moderation, issue 7) ----------------------------------------------------

@bp.app_context_processor  # the job page is also drawn by seeker.apply
def _report_form():
    from portal.moderation.forms import ReportForm

    return {"new_report_form": lambda: ReportForm(formdata=None)}


def _report_limit() -> str:
    from flask import current_app

    return current_app.config["REPORT_LIMIT_PER_IP"]


@bp.route("/jobs/<int:posting_id>/report", methods=["GET", "POST"])
@limiter.limit(_report_limit, methods=["POST"])
def report_job(posting_id: int):
    """Anyone may report a public posting; staff see the report (and who sent it), the recruiter never."""
    from flask import flash, redirect
    from flask_babel import gettext as _

    from portal.moderation import services as moderation
    from portal.moderation.forms import ReportForm

    posting = db.session.scalar(select(Posting).where(Posting.id == posting_id, public_condition()))
    if posting is None:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report_posting(posting.id, form.reason.data, form.details.data, form.contact.data,
                                      current_user if current_user.is_authenticated else None)
        except moderation.ReportError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Thank you. The portal's staff will look at this job."), "success")
            return redirect(url_for(".job", posting_id=posting.id))
    return render_template("public/report.html", posting=posting, form=form), (400 if form.errors else 200)
