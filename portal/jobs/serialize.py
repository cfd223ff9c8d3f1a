"""A posting as plain JSON data: what the public API returns (its schema is in portal/web/openapi.py).

Only public fields: nothing about the recruiters or the moderation state. Who stands behind the job
(`backed_by`, portal/jobs/backing.py) is public on purpose: a worker checks it before applying.
"""

from __future__ import annotations

from datetime import UTC

from flask import url_for

from portal.jobs.backing import backer_for, backer_json
from portal.jobs.models import Posting
from portal.jobs.summary import summaries
from portal.matching.messages import applicants_from_text
from portal.timeutil import as_utc


def _salary(posting: Posting) -> dict | None:
    if posting.salary_unit is None or (posting.salary_min is None and posting.salary_max is None):
        return None
    return {"min": posting.salary_min, "max": posting.salary_max, "unit": posting.salary_unit, "currency": "JPY"}


def posting_json(posting: Posting, lang: str, summary_languages=()) -> dict:
    """One posting; `lang` chooses the language of the job page `url` and of the `employer` name.
    `summary` in `summary_languages` only: it is the costliest part (about 1.5 ms a language), so
    lists carry it only when asked."""
    posted = as_utc(posting.published_at or posting.created_at).astimezone(UTC)
    item = {
        "id": posting.id,
        "url": url_for("public.job", lang=lang, posting_id=posting.id, _external=True),
        "title": {"en": posting.title_en or None, "ja": posting.title_ja or None},
        "sector": posting.sector_code,
        "occupation": posting.occupation_code or None,
        "prefecture": posting.prefecture_code,
        "location": {"kind": posting.location_kind or "place", "prefectures": posting.prefecture_codes},
        "employer": posting.employer(lang),
        "salary": _salary(posting),
        "monthly_jpy": posting.monthly_jpy,
        "japanese_level": posting.japanese_level,
        "visa": posting.visas,
        "employment_type": posting.employment_type,
        "sub_area": posting.sub_area or None,
        "dispatch": bool(posting.dispatch),
        "applicants_from": posting.applicants_from or "unknown",
        "applicants_from_text": applicants_from_text(posting.applicants_from, lang),
        "date_posted": posted.date().isoformat(),
        "valid_through": posting.valid_through.isoformat() if posting.valid_through else None,
        "backed_by": backer_json(backer_for(posting), lang),
    }
    if summary_languages:
        item["summary"] = summaries(posting, summary_languages)
    return item
