"""Days off as facts: the common ways Japanese (and English) postings write them, read into codes
with numbers, so a reader who knows neither language gets them in their own. Pure.

    >>> days_off_facts("週休2日制（シフト制）、年間休日105日")
    [('per_week', (2,)), ('per_year', (105,)), ('shift', ())]

Anything the patterns do not know is left out; the summary then says to read the original text.
"""

from __future__ import annotations

import re
import unicodedata

# (code, pattern): the groups are the numbers the code's sentence needs. Order = order shown.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((code, re.compile(pattern, re.I)) for code, pattern in (
    ("per_week", r"週休\s*(\d)\s*日|(\d) days? off a week"),
    ("per_four_weeks", r"4週\s*(\d+)\s*休"),
    ("per_month_range", r"月\s*(\d+)\s*[～〜~\-–]\s*(\d+)\s*日|(\d+)\s*[–\-~]\s*(\d+) days off (?:per|a) month"),
    ("per_month", r"月\s*(\d+)\s*日(?![～〜~\-–])|(?<![–\-~\d])(\d+) days off (?:per|a) month"),
    ("per_year", r"年間休日\s*(\d+)\s*日|(\d+) days off per year|\((\d+) days a year\)"),
    ("sat_sun_holidays", r"土日祝|Saturdays, Sundays and national holidays"),
    ("sat_sun", r"土日(?!祝)休|Saturdays and Sundays"),
    ("sundays", r"^日曜|Sundays(?!,? and national)"),
    ("shift", r"シフト制|ローテーション|shift system|rotation"),
    ("seasonal", r"夏季・年末年始|年末年始|summer and New Year"),
    ("paid_leave", r"有給休暇|paid holidays"),
))


def days_off_facts(text: str | None) -> list[tuple[str, tuple[int, ...]]]:
    """[(code, numbers)] read from a days-off text; [] when nothing is recognised."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).replace("～", "~")
    facts: list[tuple[str, tuple[int, ...]]] = []
    seen: set[str] = set()
    for code, pattern in _PATTERNS:
        match = pattern.search(text)
        if not match or code in seen:
            continue
        if code == "sat_sun" and "sat_sun_holidays" in seen:
            continue
        if code == "per_month" and "per_month_range" in seen:
            continue
        if code == "sundays" and {"sat_sun", "sat_sun_holidays"} & seen:
            continue
        numbers = tuple(int(group) for group in match.groups() if group)
        facts.append((code, numbers))
        seen.add(code)
    return facts
