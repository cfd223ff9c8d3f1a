"""A posting's place and age as people write them. Pure: no Flask, no database.

Japanese addresses run from the largest unit to the smallest with no separators (静岡県浜松市);
English ones from the smallest, with commas, and without the -shi of a city (Hamamatsu, Shizuoka).
"""

from __future__ import annotations

import re
from datetime import date, datetime

_CITY_SUFFIX = re.compile(r"-shi$", re.IGNORECASE)


def english_city(city: str) -> str:
    """Hamamatsu-shi → Hamamatsu; Hakata-ku, Fukuoka-shi → Hakata-ku, Fukuoka (wards and towns keep theirs)."""
    return ", ".join(_CITY_SUFFIX.sub("", part.strip()) for part in city.split(","))


def address(prefecture_en: str, prefecture_ja: str, city_en: str | None, city_ja: str | None, lang: str,
            prefecture_local: str | None = None) -> str:
    """The city and prefecture in this language; only the prefecture when the city is not written in it
    (for Urdu, `prefecture_local`: postings give cities in English or Japanese only)."""
    if lang == "ja":
        return prefecture_ja + (city_ja or "")
    if lang != "en":
        return prefecture_local or prefecture_en
    if not city_en:
        return prefecture_en
    city = english_city(city_en)
    if city.rsplit(", ", 1)[-1] == prefecture_en:  # Osaka-shi in Osaka: the city and its prefecture
        return f"{city} City, {prefecture_en}"
    return f"{city}, {prefecture_en}"


def days_since(moment: datetime | date | None, today: date) -> int | None:
    """Whole days from a moment (UTC) to today; never negative (a clock a little ahead)."""
    if moment is None:
        return None
    day = moment.date() if isinstance(moment, datetime) else moment
    return max(0, (today - day).days)
