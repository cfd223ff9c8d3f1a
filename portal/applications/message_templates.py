"""The common messages a recruiter sends, as a template code and values: stored like that, and put
into words only when someone reads them, in the reader's language. Pure: no Flask, no SQLAlchemy.

    interview   when (a moment, stored in UTC, with the zone it was given in), and a place or a video link
    documents   which documents (codes), and by when (optional)
    offer_sent  reply by (optional)
    result      passed | not_selected
    start_date  the first day of work

`values(code, raw)` checks what a form or an API sent and returns the values to store, or raises
`TemplateValueError` naming the field. Free text is not a template: `written_in(text)` says which of
the site's languages it is written in, by its script, so a reader of another language is told.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

PAKISTAN = "Asia/Karachi"
JAPAN = "Asia/Tokyo"
ZONES = (JAPAN, PAKISTAN)

TEMPLATES = ("interview", "documents", "offer_sent", "result", "start_date")
DOCUMENTS = ("passport", "cnic", "photo", "cv", "certificates", "skills_test_result", "japanese_test_result",
             "police_certificate", "medical_report")
OUTCOMES = ("passed", "not_selected")
MAX_PLACE = 300
MAX_URL = 500


class TemplateValueError(ValueError):
    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code  # required | invalid


def _date(raw, field: str, *, required: bool = True) -> date | None:
    if raw in (None, ""):
        if required:
            raise TemplateValueError(field, "required")
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise TemplateValueError(field, "invalid") from None


def _time(raw, field: str) -> time:
    if raw in (None, ""):
        raise TemplateValueError(field, "required")
    if isinstance(raw, time):
        return raw
    try:
        return time.fromisoformat(str(raw))
    except ValueError:
        raise TemplateValueError(field, "invalid") from None


def _text(raw, field: str, limit: int) -> str | None:
    value = (raw or "").strip()
    if len(value) > limit:
        raise TemplateValueError(field, "invalid")
    return value or None


def values(code: str, raw: dict) -> dict:
    """The values to store for template `code`, from what was sent (strings or dates)."""
    if code not in TEMPLATES:
        raise TemplateValueError("template", "invalid")
    if code == "interview":
        day = _date(raw.get("date"), "date")
        clock = _time(raw.get("time"), "time")
        zone = raw.get("zone") or ""
        if zone not in ZONES:
            raise TemplateValueError("zone", "required" if not zone else "invalid")
        place = _text(raw.get("place"), "place", MAX_PLACE)
        video_url = _text(raw.get("video_url"), "video_url", MAX_URL)
        if video_url and not re.match(r"^https://[^\s/]+\.[^\s]+$", video_url):
            raise TemplateValueError("video_url", "invalid")
        if not place and not video_url:
            raise TemplateValueError("place", "required")
        moment = datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))
        return {"at": moment.isoformat(), "zone": zone, "place": place, "video_url": video_url}
    if code == "documents":
        documents = [item for item in raw.get("documents") or [] if item]
        if not documents:
            raise TemplateValueError("documents", "required")
        if any(item not in DOCUMENTS for item in documents):
            raise TemplateValueError("documents", "invalid")
        due = _date(raw.get("due"), "due", required=False)
        return {"documents": [item for item in DOCUMENTS if item in documents],
                "due": due.isoformat() if due else None}
    if code == "offer_sent":
        reply_by = _date(raw.get("reply_by"), "reply_by", required=False)
        return {"reply_by": reply_by.isoformat() if reply_by else None}
    if code == "result":
        outcome = raw.get("outcome") or ""
        if outcome not in OUTCOMES:
            raise TemplateValueError("outcome", "required" if not outcome else "invalid")
        return {"outcome": outcome}
    start = _date(raw.get("start"), "start")
    return {"start": start.isoformat()}


def moment(stored: dict) -> datetime:
    """An interview's time as an aware UTC datetime."""
    return datetime.fromisoformat(stored["at"])


def other_zone(zone: str) -> str:
    return PAKISTAN if zone == JAPAN else JAPAN


_LATIN = re.compile(r"[A-Za-z]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def written_in(text: str | None) -> str | None:
    """The language free text is written in, told by its script: ja (kana, kanji; one character
    counts as two letters), ur (Arabic script), en (Latin letters). None for empty text, and for
    text with no script clearly ahead (three fifths or more: else it is written in two languages)."""
    if not text or not text.strip():
        return None
    scores = {"en": len(_LATIN.findall(text)), "ja": 2 * len(_JAPANESE.findall(text)),
              "ur": len(_ARABIC_SCRIPT.findall(text))}
    total = sum(scores.values())
    if total == 0:
        return None
    best = max(scores, key=scores.get)
    return best if scores[best] >= 0.6 * total else None
