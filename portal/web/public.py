"""Pages anyone can see: home, job search, job page."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from flask_babel import lazy_gettext as _l, ngettext
from markupsafe import Markup
from sqlalchemy import select

from portal.accounts.organisation_forms import ORGANISATION_KIND_NAMES
from portal.extensions import db, limiter
from portal.i18n import current_language
from portal.jobs import services
from portal.jobs.backing import backer_for
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
    lang = current_language()
    return places.address(prefecture.en, prefecture.ja, posting.city_en, posting.city_ja, lang, prefecture.name(lang))


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


def _place_names(posting: Posting, ref, lang: str) -> list[tuple[str, str | None]] | None:
    """(prefecture name, city) of every place a posting names, when it is not simply one place."""
    if (posting.location_kind or "place") == "place":
        return None
    return [(ref.prefectures[place.prefecture_code].name(lang), place.city_ja if lang == "ja" and place.city_ja
             else place.city_en or place.city_ja) for place in posting.places]


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
            apply_on_site=not posting.apply_url, places=_place_names(posting, ref, lang))))
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
    from portal.jobs.summary import needs_summary, summary

    summary_lines = summary(posting, lang, ref=ref, estimate=guidance.estimate) if needs_summary(posting, lang) else None
    return render_template(
        "public/job.html",
        posting=posting,
        texts=texts,
        description=guidance.description,
        requirements=guidance.requirements_html,
        guidance=guidance,
        summary_lines=summary_lines,
        is_open=is_open,
        pay=services.pay_facts(posting),
        ref=ref,
        sector=db.session.get(Sector, posting.sector_code),
        structured=structured,
        match_result=match_result,
        application_box=application_box,
        backer=backer_for(posting),
        organisation_kind_names=ORGANISATION_KIND_NAMES,
    ), status


@bp.get("/match")
def quick_match():
    """Anyone, without an account: a few answers → matching jobs. Nothing is stored."""
    from wtforms.fields import SelectChoice

    from portal.accounts.profile_forms import QuickMatchForm, skills_test_choices
    from portal.matching import services as matching

    lang = current_language()
    ref = reference()
    form = QuickMatchForm(request.args)
    trades = sorted(ref.trades.values(), key=lambda t: t.name(lang))
    ssw = [(code, ref.sectors[code].name(lang)) for code in ref.sector_order if code not in ("it_engineering", "other")]
    form.trade.choices = [SelectChoice("", "—")] + [SelectChoice(t.code, t.name(lang)) for t in trades]
    form.japanese.choices = [SelectChoice(level, str(label)) for level, label in MY_JAPANESE_LEVEL_NAMES.items()]
    form.skills_test.choices = skills_test_choices(ref, lang, _l("None"))
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


@bp.get("/recruiters/check")
@limiter.limit("30 per minute")
def check_recruiter():
    """Anyone: what the site knows of a licence number or a corporate number. Nothing is stored."""
    from portal.registers import services as registers
    from portal.registers.forms import CheckNumberForm

    form = CheckNumberForm(request.args)
    result = None
    status = 200
    if request.args:
        if form.validate():
            try:
                result = registers.check_number(form.number.data)
            except registers.NumberCheckError as error:
                form.number.errors.append(str(error.message))
                status = 400
        else:
            status = 400
    return render_template("public/check_recruiter.html", form=form, result=result,
                           organisation_kind_names=ORGANISATION_KIND_NAMES), status


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


# ---- where a job is, in a few words (lists and the job page) -----------------------------------

PLACES_SHOWN = 3


def place_summary(posting: Posting) -> str:
    """One prefecture's name; several, as a list (the first few and how many more); or that the job
    is anywhere in Japan, remote, or names no place."""
    from babel.lists import format_list
    from flask_babel import get_locale, gettext as _, ngettext

    kind = posting.location_kind or "place"
    if kind == "nationwide":
        return _("Anywhere in Japan")
    if kind == "remote":
        return _("Remote, from anywhere in Japan")
    if kind == "unstated":
        return _("Place not stated")
    if kind == "place":
        return posting_place(posting)  # with its city, in the order the page's language writes addresses
    lang = current_language()
    names = [reference().prefectures[code].name(lang) for code in posting.prefecture_codes]
    if len(names) > PLACES_SHOWN:
        more = len(names) - PLACES_SHOWN
        names = [*names[:PLACES_SHOWN], ngettext("%(num)d more place", "%(num)d more places", more)]
    return format_list(names, locale=get_locale())


@bp.app_context_processor  # job cards appear in the seeker's pages too
def _place_summary():
    return {"place_summary": place_summary}


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
    from portal.security import client_fingerprint

    posting = db.session.scalar(select(Posting).where(Posting.id == posting_id, public_condition()))
    if posting is None:
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report_posting(posting.id, form.reason.data, form.details.data, form.contact.data,
                                      current_user if current_user.is_authenticated else None,
                                      anonymous_key=client_fingerprint())
        except moderation.ReportError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Thank you. The portal's staff will look at this job."), "success")
            return redirect(url_for(".job", posting_id=posting.id))
    return render_template("public/report.html", posting=posting, form=form), (400 if form.errors else 200)
