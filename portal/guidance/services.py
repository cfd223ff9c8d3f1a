"""Guide articles (load the shipped Markdown, staff save / publish / revert with one audit row each),
the pay-estimate parameters, and what a job page shows from guidance."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.guidance import content, pay
from portal.guidance.models import GuideArticle, GuideRevision, PayParameter
from portal.timeutil import today


class GuidanceError(Exception):
    def __init__(self, message, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code


def _audit(actor: User | None, action: str, target_type: str, target_id: int, *, before=None, after=None,
           reason: str | None = None) -> None:
    from portal.moderation.services import audit

    audit(actor, action, target_type, target_id, before=None if before is None else str(before),
          after=None if after is None else str(after), reason=reason)


# ---- guides --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GuideView:
    slug: str
    title: str
    html: str
    sources: tuple[content.Source, ...]
    last_checked: date
    revision_id: int | None  # None: the shipped file (not loaded into the database yet)
    lang: str = ""  # the language the text is in, when it is not the reader's (an untranslated guide)


def _shipped_values(slug: str) -> dict:
    en = content.read_shipped(slug, "en")
    ja = content.read_shipped(slug, "ja")
    return {
        "title_en": en.title, "title_ja": ja.title, "body_en": en.body, "body_ja": ja.body,
        "sources": {"en": content.sources_to_json(en.sources), "ja": content.sources_to_json(ja.sources)},
        "last_checked": min(en.last_checked, ja.last_checked),
    }


def get_article(slug: str) -> GuideArticle | None:
    return db.session.scalar(select(GuideArticle).where(GuideArticle.slug == slug))


def _ensure_article(slug: str) -> GuideArticle:
    """The article, created from the shipped files (and published) when it is not there yet."""
    if slug not in content.GUIDE_SLUGS:
        raise GuidanceError("No such guide.", "unknown_guide")
    article = get_article(slug)
    if article is None:
        article = GuideArticle(slug=slug, sort_order=content.GUIDE_SLUGS.index(slug))
        revision = GuideRevision(article=article, note="shipped", **_shipped_values(slug))
        db.session.add_all([article, revision])
        db.session.flush()
        article.published_revision_id = revision.id
    return article


def load_shipped_guides() -> int:
    """Create every guide not yet in the database from portal/data/guides/ (staff edits are kept).
    Returns how many were added."""
    added = 0
    for slug in content.GUIDE_SLUGS:
        if get_article(slug) is None:
            _ensure_article(slug)
            added += 1
    db.session.commit()
    return added


def _sources(revision_sources, lang: str) -> tuple[content.Source, ...]:
    if isinstance(revision_sources, dict):
        rows = revision_sources.get(lang) or revision_sources.get("en") or []
    else:
        rows = revision_sources or []
    return tuple(content.Source(r.get("title", ""), r.get("url", "")) for r in rows)


def view_of(slug: str, revision: GuideRevision | dict, lang: str, revision_id: int | None = None) -> GuideView:
    get = revision.get if isinstance(revision, dict) else (lambda name: getattr(revision, name))
    return GuideView(slug, get(f"title_{lang}"), content.render(get(f"body_{lang}")),
                     _sources(get("sources"), lang), get("last_checked"), revision_id)


def _shipped_translation(slug: str, lang: str) -> content.Document | None:
    """A guide in a language staff do not edit here (Urdu): the shipped file, when there is one."""
    try:
        return content.read_shipped(slug, lang)
    except FileNotFoundError:
        return None


def guide(slug: str, lang: str) -> GuideView | None:
    """The published guide in `lang`, or the shipped file when the guide is not in the database.
    In a language the editor does not have (Urdu), the shipped translation, else the English guide."""
    if slug not in content.GUIDE_SLUGS:
        return None
    if lang not in content.LANGS:
        document = _shipped_translation(slug, lang)
        if document is None:
            return replace(guide(slug, "en"), lang="en")
        return GuideView(slug, document.title, content.render(document.body), document.sources,
                         document.last_checked, None)
    article = get_article(slug)
    revision = article.published_revision if article else None
    if revision is not None:
        return view_of(slug, revision, lang, revision.id)
    return view_of(slug, _shipped_values(slug), lang)


def guide_titles(lang: str) -> list[tuple[str, str]]:
    if lang not in content.LANGS:
        english = dict(guide_titles("en"))
        return [(slug, document.title if (document := _shipped_translation(slug, lang)) else english[slug])
                for slug in content.GUIDE_SLUGS]
    articles = {a.slug: a for a in db.session.scalars(select(GuideArticle))}
    titles = []
    for slug in content.GUIDE_SLUGS:
        revision = articles[slug].published_revision if slug in articles else None
        if revision is not None:
            titles.append((slug, getattr(revision, f"title_{lang}")))
        else:
            titles.append((slug, content.read_shipped(slug, lang).title))
    return titles


def save_revision(slug: str, actor: User, *, title_en: str, title_ja: str, body_en: str, body_ja: str,
                  sources_en: str, sources_ja: str, last_checked: date, note: str | None = None) -> GuideRevision:
    """A new draft revision (not yet public). One audit row."""
    article = _ensure_article(slug)
    try:
        en, ja = content.sources_from_text(sources_en), content.sources_from_text(sources_ja)
    except content.ContentError as error:
        raise GuidanceError("Each source needs an address starting with https:// or http://.", "source_url") from error
    if not en or not ja:
        raise GuidanceError("Every guide needs at least one source in each language.", "no_sources")
    previous = article.latest_revision
    revision = GuideRevision(article=article, title_en=title_en.strip(), title_ja=title_ja.strip(),
                             body_en=body_en, body_ja=body_ja, last_checked=last_checked, note=note or None,
                             author_id=actor.id,
                             sources={"en": content.sources_to_json(en), "ja": content.sources_to_json(ja)})
    db.session.add(revision)
    db.session.flush()
    _audit(actor, "save_guide", "guide", article.id, before=previous.id if previous else None, after=revision.id,
           reason=note or None)
    db.session.commit()
    return revision


def _revision(article: GuideArticle, revision_id: int) -> GuideRevision:
    revision = db.session.get(GuideRevision, revision_id)
    if revision is None or revision.article_id != article.id:
        raise GuidanceError("No such revision.", "unknown_revision")
    return revision


def publish(slug: str, revision_id: int, actor: User) -> GuideArticle:
    """Make a revision the public one. One audit row."""
    article = _ensure_article(slug)
    revision = _revision(article, revision_id)
    if article.published_revision_id == revision.id:
        raise GuidanceError("This revision is already published.", "already_published")
    before = article.published_revision_id
    article.published_revision_id = revision.id
    _audit(actor, "publish_guide", "guide", article.id, before=before, after=revision.id)
    db.session.commit()
    return article


def revert(slug: str, revision_id: int, actor: User) -> GuideRevision:
    """Go back to an earlier revision: its text becomes a new revision, published at once. One audit row."""
    article = _ensure_article(slug)
    old = _revision(article, revision_id)
    if article.published_revision_id == old.id:
        raise GuidanceError("This revision is already published.", "already_published")
    before = article.published_revision_id
    copy = GuideRevision(article=article, title_en=old.title_en, title_ja=old.title_ja, body_en=old.body_en,
                         body_ja=old.body_ja, sources=old.sources, last_checked=old.last_checked,
                         note=f"revert to {old.id}", author_id=actor.id)
    db.session.add(copy)
    db.session.flush()
    article.published_revision_id = copy.id
    _audit(actor, "revert_guide", "guide", article.id, before=before, after=copy.id, reason=f"revision {old.id}")
    db.session.commit()
    return copy


def articles() -> list[GuideArticle]:
    for slug in content.GUIDE_SLUGS:
        if get_article(slug) is None:
            _ensure_article(slug)
    db.session.commit()
    return list(db.session.scalars(select(GuideArticle).order_by(GuideArticle.sort_order)))


def history(slug: str):
    from portal.moderation.services import history as audit_history

    article = get_article(slug)
    return audit_history("guide", article.id) if article else []


# ---- pay parameters ------------------------------------------------------------------------------

def load_default_parameters() -> int:
    """Store the shipped defaults for every key that has no row yet. Returns how many were added."""
    have = set(db.session.scalars(select(PayParameter.key).distinct()))
    added = 0
    for key, param in pay.DEFAULT_PARAMETERS.items():
        if key not in have:
            db.session.add(PayParameter(key=key, value=param.value, as_of=param.as_of, source=param.source,
                                        approximate=param.approximate))
            added += 1
    db.session.commit()
    return added


def current_parameters(day: date | None = None) -> dict[str, pay.Parameter]:
    """The value in force on `day` for every key: the newest stored row whose date has come, else the
    shipped default."""
    day = day or today()
    result = dict(pay.DEFAULT_PARAMETERS)
    rows = db.session.scalars(select(PayParameter).where(PayParameter.as_of <= day)
                              .order_by(PayParameter.as_of, PayParameter.id))
    for row in rows:
        if row.key in result:
            result[row.key] = pay.Parameter(row.key, row.value, row.as_of, row.source, row.approximate)
    return result


def parameter_history(key: str) -> list[PayParameter]:
    return list(db.session.scalars(select(PayParameter).where(PayParameter.key == key)
                                   .order_by(PayParameter.as_of.desc(), PayParameter.id.desc())))


def set_parameter(key: str, value: float, as_of: date, source: str, approximate: bool, actor: User) -> PayParameter:
    """A new dated value for a rate (the old ones stay as history). One audit row."""
    if key not in pay.DEFAULT_PARAMETERS:
        raise GuidanceError("No such parameter.", "unknown_parameter")
    if value < 0 or (key.endswith("_rate") and value >= 1):
        raise GuidanceError("A rate is a fraction between 0 and 1: write 0.05 for 5 percent.", "bad_value")
    if not source.strip():
        raise GuidanceError("Say where the value comes from.", "no_source")
    before = current_parameters(as_of)[key].value
    row = PayParameter(key=key, value=value, as_of=as_of, source=source.strip(), approximate=approximate,
                       author_id=actor.id)
    db.session.add(row)
    db.session.flush()
    _audit(actor, "set_pay_parameter", "pay_parameter", row.id, before=f"{key}={before:g}", after=f"{key}={value:g}",
           reason=source.strip()[:500])
    db.session.commit()
    return row


# ---- job pages -----------------------------------------------------------------------------------

ESTIMATE_UNITS = frozenset({"HOUR", "DAY", "MONTH"})


@dataclass(frozen=True)
class PayEstimates:
    first_year: pay.Estimate
    second_year: pay.Estimate
    parameters: dict[str, pay.Parameter]
    rate: object | None  # taxonomy ExchangeRate (staff-maintained JPY→PKR)


def estimate_for_posting(posting, lang: str, *, params=None, rate=None) -> PayEstimates | None:
    """Take-home pay for a posting paid by the hour, day or month (from its lowest stated pay).
    `params` and `rate` may be passed in when many postings are estimated at once."""
    from portal.jobs.models import monthly_estimate
    from portal.taxonomy.services import current_rate

    if posting.salary_min is None or posting.salary_unit not in ESTIMATE_UNITS:
        return None
    gross = monthly_estimate(posting.salary_min, posting.salary_unit, posting.hours_per_week)
    if not gross:
        return None
    params = params if params is not None else current_parameters()
    rate = rate if rate is not None else current_rate("PKR")
    per_jpy = float(rate.per_jpy) if rate is not None else None
    costs = pay.monthly_costs(posting.worker_costs or (), lang)
    return PayEstimates(pay.estimate(gross, params, deductions=costs, pkr_per_jpy=per_jpy),
                        pay.estimate(gross, params, deductions=costs, second_year=True, pkr_per_jpy=per_jpy),
                        params, rate)


def job_glossary(posting, lang: str, description_html: str, requirements_html: str, glossary_url: str):
    """The description and requirements with Japanese glossary terms marked, and the terms found."""
    from portal.guidance import glossary

    description, found = glossary.mark_terms(description_html, glossary_url)
    requirements, more = glossary.mark_terms(requirements_html, glossary_url)
    seen = {t.term for t in found}
    return description, requirements, found + [t for t in more if t.term not in seen]
