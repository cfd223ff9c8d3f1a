"""Guides anyone can read: the pathway guides, one page per field, the "Am I ready?" check and the
glossary of posting terms. Also what a job page shows from guidance (checklist, pay estimate,
marked glossary terms): `job_guidance`, called by public.job."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from portal.extensions import db
from portal.guidance import checklist, content, glossary, readiness
from portal.guidance import services as guidance
from portal.guidance.forms import ReadinessForm
from portal.guidance.labels import (EXAM_NAMES, EXTRA_NAMES, PARAMETER_NAMES, PAY_LINE_NAMES, REQUIREMENT_NAMES,
                                    ROUTE_NAMES, STEP_NAMES, VERDICT_NAMES)
from portal.i18n import current_language
from portal.taxonomy.lookup import reference
from portal.taxonomy.models import Sector

bp = Blueprint("guide", __name__, url_prefix="/<lang:lang>/guide")


def guide_url(kind: str, target: str, params=()) -> str:
    """The page a step or checklist item links to."""
    if kind == "guide":
        return url_for("guide.article", slug=target)
    if kind == "sector":
        return url_for("guide.sector", code=target) if target else url_for("guide.index", _anchor="sectors")
    return url_for("public.jobs", **dict(params))


@bp.app_context_processor
def _guide_helpers():
    return {"guide_url": guide_url, "route_names": ROUTE_NAMES, "step_names": STEP_NAMES,
            "requirement_names": REQUIREMENT_NAMES, "pay_line_names": PAY_LINE_NAMES,
            "verdict_names": VERDICT_NAMES, "extra_names": EXTRA_NAMES, "pay_parameter_names": PARAMETER_NAMES,
            "exam_names": EXAM_NAMES}


def _ssw_sectors() -> list[Sector]:
    return list(db.session.scalars(select(Sector).where(Sector.is_ssw_field).order_by(Sector.sort_order)))


@bp.get("/")
def index():
    lang = current_language()
    return render_template("guide/index.html", guides=guidance.guide_titles(lang), sectors=_ssw_sectors())


@bp.get("/<slug>")
def article(slug: str):
    view = guidance.guide(slug, current_language())
    if view is None:
        abort(404)
    sittings = None
    if slug == "japanese-tests":  # the staff test calendar (portal/registers), upcoming sittings only
        from portal.registers.services import test_sittings

        sittings = test_sittings(upcoming_only=True)
    return render_template("guide/article.html", guide=view, html=Markup(view.html), sittings=sittings)


@bp.get("/sectors/<code>")
def sector(code: str):
    row = db.session.get(Sector, code)
    if row is None or not row.is_ssw_field:
        abort(404)
    from portal.taxonomy.models import Occupation

    ref = reference()
    sub_areas = [label for (sector_code, _), label in ref.sub_areas.items() if sector_code == code]
    occupations = list(db.session.scalars(select(Occupation).where(Occupation.sector_code == code)
                                          .order_by(Occupation.isco)))
    trades = sorted((t for t in ref.trades.values() if code in t.sector_codes),
                    key=lambda t: t.name(current_language()))
    return render_template("guide/sector.html", sector=row, sub_areas=sub_areas, occupations=occupations,
                           trades=trades, sources=content.SECTOR_SOURCES, last_checked=content.SECTOR_CHECKED)


@bp.get("/check")
def check():
    from wtforms.fields import SelectChoice

    from portal.accounts.profile_forms import EDUCATION_NAMES, skills_test_choices
    from portal.labels import MY_JAPANESE_LEVEL_NAMES
    from portal.matching.services import trade_infos

    lang = current_language()
    ref = reference()
    form = ReadinessForm(request.args)
    none = SelectChoice("", "—")
    ssw = [SelectChoice(s.code, s.name(lang)) for s in _ssw_sectors()]
    form.trade.choices = [none] + [SelectChoice(t.code, t.name(lang))
                                   for t in sorted(ref.trades.values(), key=lambda t: t.name(lang))]
    form.education.choices = [none] + [SelectChoice(code, str(label)) for code, label in EDUCATION_NAMES.items()]
    form.japanese.choices = [SelectChoice(code, str(label)) for code, label in MY_JAPANESE_LEVEL_NAMES.items()]
    form.skills_test.choices = skills_test_choices(ref, lang, "—")
    form.titp_field.choices = [none] + ssw
    from portal.guidance.labels import LICENCE_CHOICES

    form.licence.choices = [none] + [SelectChoice(code, str(label)) for code, label in LICENCE_CHOICES.items()]
    result = None
    status = 200
    if request.args:
        if form.validate():
            answers = readiness.Answers(
                trade=form.trade.data or None, years=form.years.data or 0, japanese=form.japanese.data or "none",
                skills_tests=frozenset([form.skills_test.data]) if form.skills_test.data else frozenset(),
                nursing_japanese=form.nursing_japanese.data, titp_field=form.titp_field.data or None,
                education=form.education.data or None, has_passport=form.passport.data != "no",
                age=form.age.data, licences=frozenset([form.licence.data]) if form.licence.data else frozenset())
            result = readiness.check(answers, trade_infos())
        else:
            status = 400
    return render_template("guide/check.html", form=form, result=result, ref=ref), status


@bp.get("/glossary")
def glossary_page():
    return render_template("guide/glossary.html", terms=glossary.terms())


# ---- job pages -----------------------------------------------------------------------------------

@dataclass
class JobGuidance:
    requirements: list  # checklist.Item, what the posting asks for
    personal: list  # checklist.Item with status have/missing, for a logged-in seeker
    estimate: guidance.PayEstimates | None
    terms: list  # glossary.Term found in the posting's text
    description: Markup
    requirements_html: Markup
    imported: bool
    skills_test: str | None


def job_guidance(posting, lang: str, match_result, description_html: str, requirements_html: str) -> JobGuidance:
    """Checklist, pay estimate and glossary terms for a job page."""
    from portal.jobs.models import VISA_CODES

    visas = frozenset(code for code in VISA_CODES if getattr(posting, f"visa_{code}"))
    imported = posting.source == "import"
    sector = db.session.get(Sector, posting.sector_code)
    description, requirements, terms = guidance.job_glossary(
        posting, lang, description_html, requirements_html, url_for("guide.glossary_page"))
    return JobGuidance(
        requirements=checklist.requirements(sector=posting.sector_code, occupation=posting.occupation_code,
                                            visas=visas, japanese_level=posting.japanese_level, imported=imported),
        personal=checklist.personal(match_result, posting.sector_code) if match_result is not None else [],
        estimate=guidance.estimate_for_posting(posting, lang),
        terms=terms,
        description=Markup(description),
        requirements_html=Markup(requirements),
        imported=imported,
        skills_test=sector.skills_test_ja if sector is not None else None,
    )
