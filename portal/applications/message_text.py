"""Template messages (message_templates) put into words in the current locale, for pages and e-mails.

A message is a list of lines; a line may end with a value as the sender wrote it (an interview place,
a video link), which keeps the language it was written in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.applications import message_templates as templates
from portal.i18n import current_language, format_date, format_moment, format_time_in
from portal.jobs.summary import join

TEMPLATE_NAMES = {
    "interview": _l("Interview invitation"),
    "documents": _l("Documents needed"),
    "offer_sent": _l("Offer sent"),
    "result": _l("Result of the selection"),
    "start_date": _l("Start date"),
}

DOCUMENT_NAMES = {
    "passport": _l("Passport"),
    "cnic": _l("CNIC (national identity card)"),
    "photo": _l("Photo"),
    "cv": _l("CV"),
    "certificates": _l("Training and trade certificates"),
    "skills_test_result": _l("Skills test result"),
    "japanese_test_result": _l("Japanese test result"),
    "police_certificate": _l("Police character certificate"),
    "medical_report": _l("Medical report"),
}

OUTCOME_NAMES = {"passed": _l("Passed"), "not_selected": _l("Not selected")}

ZONE_NAMES = {templates.JAPAN: _l("Japan time (JST)"), templates.PAKISTAN: _l("Pakistan time (PKT)")}


@dataclass(frozen=True, slots=True)
class MessageLine:
    text: str
    value: str | None = None  # as the sender wrote it
    value_lang: str | None = None
    is_link: bool = False

    def plain(self) -> str:
        return f"{self.text} {self.value}" if self.value else self.text


def interview_time(stored: dict) -> str:
    """The interview's date and time in the zone it was given in, with the other zone beside it:
    10 December 2026, 10:00 JST (06:00 PKT)."""
    at = templates.moment(stored)
    zone = stored["zone"]
    other = templates.other_zone(zone)
    first = format_moment(at, zone)
    from zoneinfo import ZoneInfo

    same_day = at.astimezone(ZoneInfo(zone)).date() == at.astimezone(ZoneInfo(other)).date()
    second = format_time_in(at, other) if same_day else format_moment(at, other)
    return _("%(time)s (%(other)s)", time=first, other=second)


def _day(value: str | None) -> str | None:
    return format_date(date.fromisoformat(value), "long") if value else None


def lines(code: str, stored: dict) -> list[MessageLine]:
    """The message in the current locale."""
    stored = stored or {}
    if code == "interview":
        result = [MessageLine(_("You are invited to an interview on %(when)s.", when=interview_time(stored)))]
        if stored.get("place"):
            result.append(MessageLine(_("Place:"), stored["place"], templates.written_in(stored["place"])))
        if stored.get("video_url"):
            result.append(MessageLine(_("Video call:"), stored["video_url"], None, is_link=True))
        return result
    if code == "documents":
        names = [str(DOCUMENT_NAMES.get(item, item)) for item in stored.get("documents") or []]
        result = [MessageLine(_("Please send these documents: %(documents)s.",
                                documents=join(names, current_language())))]
        if stored.get("due"):
            result.append(MessageLine(_("Send them by %(date)s.", date=_day(stored["due"]))))
        return result
    if code == "offer_sent":
        result = [MessageLine(_("We have sent you a job offer. Read the contract terms on your application page."))]
        if stored.get("reply_by"):
            result.append(MessageLine(_("Please reply by %(date)s.", date=_day(stored["reply_by"]))))
        return result
    if code == "result":
        if stored.get("outcome") == "passed":
            return [MessageLine(_("You passed the selection. We will write to you about the next steps."))]
        return [MessageLine(_("You were not selected this time. Thank you for applying."))]
    if code == "start_date":
        return [MessageLine(_("Your first day of work is %(date)s.", date=_day(stored.get("start"))))]
    return []


def plain_text(code: str, stored: dict) -> str:
    return "\n".join(line.plain() for line in lines(code, stored))


LANGUAGE_NOTES = {
    "en": _l("Written in English"),
    "ja": _l("Written in Japanese"),
    "ur": _l("Written in Urdu"),
}


def written_in_note(message_lang: str | None, reader_lang: str) -> str | None:
    """"Written in Japanese" when free text is not in the reader's language."""
    if not message_lang or message_lang == reader_lang:
        return None
    note = LANGUAGE_NOTES.get(message_lang)
    return str(note) if note else None
