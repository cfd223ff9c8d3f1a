"""Normalisation: a RawItem in a source's words → a NormalisedPosting in the portal's vocabulary.

A pure core (architecture guide, "Hard logic is pure"): no Flask, no SQLAlchemy, no network. Every
function takes plain values and returns plain values; the import service decides what to store.

The portal's vocabularies (`EmploymentType`, `SalaryUnit`, `JapaneseLevel`, `VISA_CODES` in
`portal.jobs.models`, `LEVEL_RANK` in `portal.jobs.search`) are repeated here as plain strings so that
this module does not import the database layer; a unit test checks that the copies agree.

Choices worth knowing (each has a test):

* **Wages** (`parse_wage`). A wage needs an amount *and* a pay period (時給, 月給, "per month", …); an
  amount alone returns None, and so does a non-yen currency. One amount → minimum = maximum;
  以上 / 〜 / "from" → minimum only; 以下 / まで / "up to" → maximum only. When a range's maximum is
  below its minimum the maximum is dropped (the minimum is kept; nothing is swapped). 0, negative and
  implausible amounts for the period (`_PLAUSIBLE`) return None. A weekly wage becomes monthly
  (× 52 / 12, rounded). 基本給 is read as monthly, except that an amount that can only be hourly
  (below ¥10,000) is read as hourly, as part-time 求人票 use 基本給 for the hourly rate.
* **Prefectures** (`prefecture_code`). The region field first, then the address text, then the
  locality, then the postal code. Japanese addresses are read large → small (the first prefecture
  named wins, so 東京都 never becomes 京都); romaji addresses small → large (the last one wins).
  The postal table maps Japan Post's first two digits and, where prefectures share them, three to
  five digits (longest prefix wins). It is approximate: a few towns near borders are filed under
  their neighbour's prefix (e.g. 618 Shimamoto, Osaka, maps to Kyoto); it is tested on real codes.
* **Japanese level** (`japanese_level`). 日本語不問 / "no Japanese required" wins; otherwise the lowest
  level the text accepts (so "N3以上、N2尚可" → N3, "N4 or JFT-Basic" → JFT_BASIC, which ranks with N4);
  descriptive phrases only when no test is named: 日常会話 → N3, ビジネス → N2, ネイティブ → N1,
  挨拶程度 / basic Japanese → N5.
* **Languages** (`detect_language`). "ja" when kana and kanji make ≥ 20 % of the letters, "en" when
  Latin letters make ≥ 50 %, else None. Chinese text counts as Japanese.
"""

from __future__ import annotations

import csv
import html as htmllib
import math
import re
import unicodedata
from bisect import bisect_left, bisect_right
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path

import nh3

from portal.feeds.types import NormalisedPosting, RawItem, Skip, Wage

__all__ = [
    "clean_html",
    "detect_language",
    "employment_type",
    "japanese_level",
    "japanese_level_rank",
    "normalise",
    "parse_date",
    "parse_wage",
    "prefecture_code",
    "prefecture_names",
    "visa_mentions",
]

PREFECTURES_CSV = Path(__file__).resolve().parent.parent / "data" / "prefectures.csv"

EMPLOYMENT_TYPES = ("FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "PER_DIEM", "OTHER")
SALARY_UNITS = ("HOUR", "DAY", "MONTH", "YEAR")
LEVEL_RANK = {"none": 0, "N5": 1, "JFT_BASIC": 2, "N4": 2, "N3": 3, "N2": 4, "N1": 5}

# Lengths of the NormalisedPosting fields that are strings with a database limit.
_MAX_TITLE = 200
_MAX_NAME = 200
_MAX_CITY = 120
_MAX_URL = 1000


def _nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation → ASCII (１，１００ → 1,100, ～ → ~, ￥ → ¥)."""
    return unicodedata.normalize("NFKC", text)


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\u3000\xa0]+")


def _plain(text: str | None) -> str:
    """Text without tags and entities, whitespace tidied (line breaks kept)."""
    if not text:
        return ""
    text = re.sub(r"(?i)<\s*(br|/p|/li|/h\d|/div)\b[^>]*>", "\n", text)
    text = htmllib.unescape(_TAG.sub(" ", text))
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _one_line(text: str | None, limit: int) -> str | None:
    value = _SPACE.sub(" ", _plain(text).replace("\n", " ")).strip()
    return value[:limit] or None


# --------------------------------------------------------------------------------------------
# Wages
# --------------------------------------------------------------------------------------------

# Plausible amounts in yen per period; anything outside is a parsing accident or a typo.
_PLAUSIBLE = {
    "HOUR": (100, 100_000),
    "DAY": (1_000, 1_000_000),
    "MONTH": (10_000, 10_000_000),
    "YEAR": (100_000, 200_000_000),
}

# Pay-period words. "pre" words come before the amount (月給18万円, Monthly salary: 220,000),
# "post" words after it (250,000 yen per month), "both" either side (200k JPY monthly).
_UNIT_WORDS: list[tuple[str, str, str]] = [
    (r"時給|時間給|時間額", "HOUR", "pre"),
    (r"日給|日額|日当", "DAY", "pre"),
    (r"週給", "WEEK", "pre"),
    (r"月給|月額|月収|(?<!\d)月(?=\s*[¥\d])", "MONTH", "pre"),
    (r"基本給", "BASIC", "pre"),
    (r"年収|年俸|年額|年給", "YEAR", "pre"),
    (r"/\s*(?:時間?|h(?:ou)?rs?|h)(?![a-z])|per\s+hour(?![a-z])|(?<![a-z])an?\s+hour(?![a-z])|p/h(?![a-z])", "HOUR", "post"),
    (r"/\s*(?:日|day)(?![a-z])|per\s+day(?![a-z])|(?<![a-z])an?\s+day(?![a-z])", "DAY", "post"),
    (r"/\s*(?:週|week|wk)(?![a-z])|per\s+week(?![a-z])|(?<![a-z])an?\s+week(?![a-z])", "WEEK", "post"),
    (r"/\s*(?:月|month|mo|mth)(?![a-z])|per\s+(?:month|mensem)(?![a-z])|(?<![a-z])an?\s+month(?![a-z])", "MONTH", "post"),
    (r"/\s*(?:年|year|yr|y)(?![a-z])|per\s+(?:year|annum)(?![a-z])|(?<![a-z])an?\s+year(?![a-z])|(?<![a-z])p\.?a\.(?![a-z])", "YEAR", "post"),
    (r"hourly\s+(?:wage|rate|pay)|hour(?:ly)?\s+rate", "HOUR", "pre"),
    (r"daily\s+(?:wage|rate|pay)|day\s+rate", "DAY", "pre"),
    (r"weekly\s+(?:wage|salary|pay)", "WEEK", "pre"),
    (r"monthly\s+(?:salary|wage|pay|income)|(?:salary|pay)\s+per\s+month", "MONTH", "pre"),
    (r"annual\s+(?:salary|income|pay)|yearly\s+(?:salary|income|pay)", "YEAR", "pre"),
    (r"(?<![a-z])hourly(?![a-z])", "HOUR", "both"),
    (r"(?<![a-z])daily(?![a-z])", "DAY", "both"),
    (r"(?<![a-z])weekly(?![a-z])", "WEEK", "both"),
    (r"(?<![a-z])monthly(?![a-z])", "MONTH", "both"),
    (r"(?<![a-z])(?:annual(?:ly)?|yearly)(?![a-z])", "YEAR", "both"),
]
_UNIT_RE = re.compile("|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _, _) in enumerate(_UNIT_WORDS)))
# An amount belongs to a pay-period word at most this many characters away.
_MAX_GAP = 24

_NON_YEN = re.compile(r"\$|usd|us\$|€|eur(?![a-z])|£|gbp|pkr|₨|(?<![a-z])rs\.?(?![a-z])|rupees?|(?<![a-z])aed|riyal|ドル|ユーロ")
_HAS_YEN = re.compile(r"¥|円|jpy|(?<![a-z])yen(?![a-z])|(?<![a-z])man(?![a-z])")

_NUMBER = re.compile(r"\d+(?:,\d{3}(?!\d))*(?:\.\d+)?")
# A number followed by one of these counts something other than money (8時間, 2026年, 5 days…).
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?:年|月|日|時|分|秒|歳|才|名|人|%|％|回|ヶ|ヵ|か月|カ月|ケ月|号|級|階|番|件|度|週|km|kg|cm|mm|"
    r"(?:hours?|hrs?|h|days?|years?|yrs?|months?|mos?|weeks?|people|persons?|positions?|st|nd|rd|th|am|pm|"
    r"minutes?|mins?|times?|sq|m2|openings?)(?![a-z]))"
)
_RANGE_SEP = re.compile(r"\s*(?:円|yen|jpy)?\s*(?:[~〜∼\-–—−ー]|to(?![a-z])|から)\s*(?:¥|\\|jpy)?\s*")
_AT_LEAST_AFTER = re.compile(r"\s*(?:円|yen|jpy)?\s*(?:以上|~|〜|∼|から|or\s+more|and\s+(?:up|above)|\+|or\s+above)")
_AT_MOST_AFTER = re.compile(r"\s*(?:円|yen|jpy)?\s*(?:以下|まで|迄|or\s+less|at\s+most)")
_AT_LEAST_BEFORE = re.compile(r"(?:from|starting(?:\s+(?:at|from))?|min(?:imum)?\.?|at\s+least|最低|下限)\s*:?\s*(?:¥|\\|jpy)?\s*$")
_AT_MOST_BEFORE = re.compile(r"(?:up\s+to|max(?:imum)?\.?|at\s+most|最大|最高|上限)\s*:?\s*(?:¥|\\|jpy)?\s*$")


class _Amount:
    __slots__ = ("start", "end", "value", "factor")

    def __init__(self, start: int, end: int, value: float | None, factor: int):
        self.start, self.end, self.value, self.factor = start, end, value, factor


def _amount_at(text: str, match: re.Match) -> _Amount:
    """The amount that starts with `match`: 18万, 1万2000, 1万2千, 1.2万, 5千, 200k, 180,000."""
    digits = match.group().replace(",", "")
    end = match.end()
    if len(digits) > 15:  # 10,000 nines are not a wage
        return _Amount(match.start(), end, None, 1)
    value = float(digits)
    factor = 1
    rest = re.match(r"\s*(万|千|k(?![a-z])|man(?![a-z]))", text[end:])
    if rest:
        end += rest.end()
        if rest.group(1) == "万" or rest.group(1) == "man":
            factor = 10_000
            value *= 10_000
            more = re.match(r"(\d{1,4})(千)?(?![\d,.])", text[end:])
            if more and (more.group(2) or len(more.group(1)) == 4 or re.match(r"\s*円", text[end + more.end():])):
                value += float(more.group(1)) * (1000 if more.group(2) else 1)
                end += more.end()
                if more.group(2):
                    tail = re.match(r"(\d{1,3})(?![\d,.])", text[end:])
                    if tail:
                        value += float(tail.group(1))
                        end += tail.end()
        else:
            factor = 1000
            value *= 1000
            if rest.group(1) == "千":
                tail = re.match(r"(\d{1,3})(?![\d,.])", text[end:])
                if tail:
                    value += float(tail.group(1))
                    end += tail.end()
    return _Amount(match.start(), end, value, factor)


def _amounts(text: str) -> list[_Amount]:
    found = []
    position = 0
    while True:
        match = _NUMBER.search(text, position)
        if match is None:
            return found
        amount = _amount_at(text, match)
        position = amount.end
        before = text[max(0, match.start() - 3):match.start()]
        if re.search(r"[a-z]$", before) and not re.search(r"(?:jpy|yen)$", before):
            continue  # N4, A2, R6…
        if amount.factor == 1 and _NOT_MONEY_AFTER.match(text, amount.end):
            continue
        found.append(amount)


def _unit_words(text: str) -> list[tuple[int, int, str, str]]:
    words = []
    for match in _UNIT_RE.finditer(text):
        index = int(match.lastgroup[1:])
        _, unit, side = _UNIT_WORDS[index]
        words.append((match.start(), match.end(), unit, side))
    return words


def _unit_for(words: list[tuple[int, int, str, str]], start: int, end: int) -> str | None:
    """The pay-period word closest to the amount span [start, end), within _MAX_GAP."""
    best: tuple[int, int, str] | None = None
    # Words are in text order and do not overlap: only those starting near the span can be close.
    first = bisect_left(words, (start - _MAX_GAP - 40,))
    last = bisect_right(words, (end + _MAX_GAP + 1,))
    for word_start, word_end, unit, side in words[first:last]:
        if word_end <= start and side in ("pre", "both"):
            gap, order = start - word_end, 0
        elif word_start >= end and side in ("post", "both"):
            gap, order = word_start - end, 1
        else:
            continue
        if gap <= _MAX_GAP and (best is None or (gap, order) < best[:2]):
            best = (gap, order, unit)
    return best[2] if best else None


def _plausible(value: float | None, unit: str) -> bool:
    if value is None or not math.isfinite(value):
        return False
    low, high = _PLAUSIBLE[unit]
    return low <= value <= high


def _make_wage(minimum: float | None, maximum: float | None, unit: str) -> Wage | None:
    """Convert WEEK and BASIC, check plausibility, drop a maximum below the minimum."""
    values = [v for v in (minimum, maximum) if v is not None]
    if not values or any(not math.isfinite(v) or v <= 0 for v in values):
        return None
    if unit == "BASIC":
        unit = "HOUR" if all(_plausible(v, "HOUR") and v < _PLAUSIBLE["MONTH"][0] for v in values) else "MONTH"
    if unit == "WEEK":
        minimum = minimum * 52 / 12 if minimum is not None else None
        maximum = maximum * 52 / 12 if maximum is not None else None
        unit = "MONTH"
    if unit not in _PLAUSIBLE:
        return None
    if any(not _plausible(v, unit) for v in (minimum, maximum) if v is not None):
        return None
    low = round(minimum) if minimum is not None else None
    high = round(maximum) if maximum is not None else None
    if low is not None and high is not None and high < low:
        high = None  # a typo or a different figure: keep only what is certain
    return Wage(minimum=low, maximum=high, unit=unit)


def parse_wage(text: str | None) -> Wage | None:
    """Read a wage from Japanese or English text: 月給18万円〜25万円, 時給1,100円以上, ¥250,000/month…

    Returns None when there is no amount, no pay period, a currency other than yen, or an amount
    that is not plausible for its period. See the module docstring for the rules.
    """
    if not text or not isinstance(text, str):
        return None
    text = _nfkc(text[:20000]).casefold()
    if _NON_YEN.search(text) and not _HAS_YEN.search(text):
        return None
    words = _unit_words(text)
    if not words:
        return None
    amounts = _amounts(text)
    index = 0
    while index < len(amounts):
        first = amounts[index]
        second = None
        if index + 1 < len(amounts):
            candidate = amounts[index + 1]
            separator = _RANGE_SEP.fullmatch(text, first.end, candidate.start)
            between_bounds = re.fullmatch(r"\s*(?:円|yen)?\s*以上\s*[、,]?\s*(?:¥)?\s*", text[first.end:candidate.start])
            if separator or (between_bounds and _AT_MOST_AFTER.match(text, candidate.end)):
                second = candidate
        span_end = second.end if second else first.end
        unit = _unit_for(words, first.start, span_end)
        if unit is None:
            index += 2 if second else 1
            continue
        if first.value is None or (second is not None and second.value is None):
            return None
        sign = re.search(r"([\d万千円k]?)\s*[-−](?:¥|\\)?$", text[max(0, first.start - 4):first.start])
        if sign and not sign.group(1):
            return None  # a negative amount: 時給-1000円, ¥-1000
        low = first.value
        if second is not None:
            high = second.value
            # 18〜25万円 means 18万〜25万円; 200-250k means 200k-250k.
            if second.factor > 1 and first.factor == 1 and low * second.factor <= high:
                low *= second.factor
            return _make_wage(low, high, unit)
        before = text[max(0, first.start - 24):first.start]
        if _AT_MOST_AFTER.match(text, first.end) or _AT_MOST_BEFORE.search(before):
            return _make_wage(None, low, unit)
        if _AT_LEAST_AFTER.match(text, first.end) or _AT_LEAST_BEFORE.search(before):
            return _make_wage(low, None, unit)
        return _make_wage(low, low, unit)
    return None


def _unit_from_text(value: str | None) -> str | None:
    """A schema.org unitText (HOUR…YEAR, hourly, 月給…) as HOUR, DAY, WEEK, MONTH or YEAR."""
    if not value:
        return None
    key = _nfkc(str(value)).strip().upper()
    key = re.sub(r"^PER[\s_-]*", "", key)
    table = {
        "HOUR": "HOUR", "HOURLY": "HOUR", "HR": "HOUR", "H": "HOUR", "時給": "HOUR", "時間": "HOUR",
        "DAY": "DAY", "DAILY": "DAY", "日給": "DAY", "日": "DAY",
        "WEEK": "WEEK", "WEEKLY": "WEEK", "週給": "WEEK", "週": "WEEK",
        "MONTH": "MONTH", "MONTHLY": "MONTH", "月給": "MONTH", "月額": "MONTH", "月": "MONTH",
        "YEAR": "YEAR", "YEARLY": "YEAR", "ANNUAL": "YEAR", "ANNUALLY": "YEAR", "ANNUM": "YEAR",
        "年収": "YEAR", "年俸": "YEAR", "年": "YEAR",
    }
    return table.get(key)


# --------------------------------------------------------------------------------------------
# Prefectures
# --------------------------------------------------------------------------------------------

# Japan Post postal codes by leading digits (longest prefix wins). Two digits where one prefecture
# owns them; three to five digits where prefectures share a prefix. Approximate near borders.
_POSTAL_PREFIXES: dict[str, str] = {
    "00": "01", "01": "05", "02": "03", "03": "02", "04": "01", "05": "01", "06": "01", "07": "01",
    "08": "01", "09": "01",
    **{f"{n}": "13" for n in range(10, 20)}, "199": "14",  # 199: Sagamihara Midori-ku (Sagamiko, Fujino)
    "20": "13", "21": "14", "22": "14", "23": "14", "24": "14", "25": "14",
    "26": "12", "27": "12", "28": "12", "29": "12",
    "30": "08", "31": "08", "32": "09",
    "33": "11", "34": "11", "35": "11", "36": "11", "37": "10", "38": "20", "39": "20",
    "40": "19", "41": "22", "42": "22", "43": "22",
    "44": "23", "45": "23", "46": "23", "47": "23", "48": "23", "49": "23", "49808": "24",  # Kisosaki, Mie
    "50": "21", "51": "24", "52": "25",
    **{f"{n}": "27" for n in range(53, 60)},
    "60": "26", "61": "26", "62": "26", "63": "29", "64": "30", "65": "28", "66": "28", "67": "28",
    "68": "31", "685": "32", "68401": "32", "68402": "32", "68403": "32", "68404": "32",  # Oki islands
    "69": "32", "70": "33", "71": "33", "72": "34", "73": "34", "74": "35", "75": "35",
    "76": "37", "77": "36", "78": "39", "79": "38",
    "80": "40", "81": "40", "82": "40", "83": "40", "8115": "42", "817": "42",  # Iki, Tsushima
    "84": "41", "85": "42", "86": "43", "87": "44", "87108": "40", "87109": "40",  # Yoshitomi, Koge
    "88": "45", "89": "46", "90": "47", "91": "18", "92": "17", "93": "16", "94": "15", "95": "15",
    "96": "07", "97": "07", "98": "04", "99": "06",
}

# Cities that name no prefecture but identify one: the designated cities and the Tokyo wards whose
# names are not also wards elsewhere (中央区, 港区, 北区… are left out).
_CITIES: dict[str, str] = {
    "札幌": "01", "仙台": "04", "さいたま": "11", "千葉市": "12", "横浜": "14", "川崎市": "14",
    "相模原": "14", "新潟市": "15", "静岡市": "22", "浜松": "22", "名古屋": "23", "京都市": "26",
    "大阪市": "27", "堺市": "27", "神戸": "28", "岡山市": "33", "広島市": "34", "北九州": "40",
    "福岡市": "40", "熊本市": "43",
    **{ward: "13" for ward in (
        "千代田区", "新宿区", "渋谷区", "豊島区", "品川区", "目黒区", "大田区", "世田谷区", "中野区",
        "杉並区", "練馬区", "板橋区", "荒川区", "足立区", "葛飾区", "江戸川区", "墨田区", "江東区",
        "台東区", "文京区", "八王子", "町田市", "立川市", "武蔵野市", "三鷹市")},
}
_CITIES_EN: dict[str, str] = {
    "sapporo": "01", "sendai": "04", "yokohama": "14", "kawasaki": "14", "sagamihara": "14",
    "hamamatsu": "22", "nagoya": "23", "sakai": "27", "kobe": "28", "kitakyushu": "40",
    **{ward: "13" for ward in (
        "chiyoda", "shinjuku", "shibuya", "toshima", "shinagawa", "meguro", "ota-ku", "setagaya",
        "nakano", "suginami", "nerima", "itabashi", "arakawa-ku", "adachi", "katsushika", "edogawa",
        "sumida", "koto-ku", "taito", "bunkyo", "hachioji", "machida")},
}


@cache
def _prefectures() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(Japanese full name → code, Japanese short name → code, romaji → code) from the CSV."""
    full, short, romaji = {}, {}, {}
    with PREFECTURES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["jis_code"].strip().zfill(2)
            name_ja = row["name_ja"].strip()
            full[name_ja] = code
            short[name_ja if name_ja == "北海道" else name_ja[:-1]] = code
            romaji[_romaji_key(row["name_en"])] = code
    return full, short, romaji


def _romaji_key(text: str) -> str:
    """Lower case ASCII without macrons: Hyōgo → hyogo, Kōchi → kochi, TOKYO → tokyo."""
    text = unicodedata.normalize("NFKD", _nfkc(text)).encode("ascii", "ignore").decode()
    return text.casefold().strip()


# Spellings with the long vowel written out.
_ROMAJI_VARIANTS = {"hyougo": "hyogo", "kouchi": "kochi", "ooita": "oita", "ohita": "oita",
                    "toukyou": "tokyo", "kyouto": "kyoto", "oosaka": "osaka", "hokkaidou": "hokkaido"}


@cache
def _romaji_re() -> re.Pattern:
    _, _, romaji = _prefectures()
    names = sorted([*romaji, *_ROMAJI_VARIANTS], key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in names)
    return re.compile(
        rf"(?<![a-z])(?P<name>{alternation})(?P<suffix>[\s-]*(?:to|fu|ken|do|prefecture|pref\.?)(?![a-z]))?(?![a-z])"
    )


def _from_region(value: str) -> str | None:
    """An addressRegion as a whole: 東京都, 東京, Tokyo-to, JP-13, 13."""
    full, short, romaji = _prefectures()
    text = _nfkc(value).strip().strip("、,.")
    if text in full:
        return full[text]
    if text in short:
        return short[text]
    iso = re.fullmatch(r"(?i)(?:iso\s*3166-2:)?jp[\s-]?(\d{1,2})|(\d{2})", text)
    if iso and 1 <= int(iso.group(1) or iso.group(2)) <= 47:
        return (iso.group(1) or iso.group(2)).zfill(2)
    key = _romaji_key(text)
    key = re.sub(r"[\s-]*(?:to|fu|ken|do|prefecture|pref\.?)$", "", key) if key not in romaji else key
    key = _ROMAJI_VARIANTS.get(key, key)
    return romaji.get(key)


def _from_japanese_address(text: str) -> str | None:
    full, short, _ = _prefectures()
    best: tuple[int, int, str] | None = None
    for name, code in full.items():
        position = text.find(name)
        if position >= 0 and (best is None or (position, -len(name)) < best[:2]):
            best = (position, -len(name), code)
    if best:
        return best[2]
    for city, code in _CITIES.items():
        position = text.find(city)
        if position >= 0 and (best is None or (position, -len(city)) < best[:2]):
            best = (position, -len(city), code)
    if best:
        return best[2]
    # Short names (東京, 大阪) only at the start or after a space: inside words they mislead.
    for name, code in short.items():
        match = re.search(rf"(?:^|(?<=[\s、,(]))({re.escape(name)})(?!府|県|都)", text)
        if match and (best is None or (match.start(1), -len(name)) < best[:2]):
            best = (match.start(1), -len(name), code)
    return best[2] if best else None


def _from_romaji_address(text: str) -> str | None:
    key = _romaji_key(text)
    _, _, romaji = _prefectures()
    matches = list(_romaji_re().finditer(key))
    if matches:
        # Western order runs small → large: the prefecture is named last ("Naka-ku, Yokohama, Kanagawa").
        with_suffix = [m for m in matches if m.group("suffix")]
        chosen = (with_suffix or matches)[-1]
        name = _ROMAJI_VARIANTS.get(chosen.group("name"), chosen.group("name"))
        return romaji.get(name)
    for city, code in _CITIES_EN.items():
        if re.search(rf"(?<![a-z]){re.escape(city)}(?![a-z])", key):
            return code
    return None


def _from_postal(text: str, *, marked_only: bool = False) -> str | None:
    text = _nfkc(text)
    pattern = r"〒\s*(\d{3})\s*-?\s*(\d{4})" if marked_only else r"(?<![\d-])(\d{3})\s*-?\s*(\d{4})(?![\d-])"
    match = re.search(pattern, text)
    if not match and marked_only:
        match = re.search(r"(?<![\d-])(\d{3})-(\d{4})(?![\d-])", text)
    if not match:
        return None
    digits = match.group(1) + match.group(2)
    for length in range(5, 1, -1):
        code = _POSTAL_PREFIXES.get(digits[:length])
        if code:
            return code
    return None


def _from_text(text: str) -> str | None:
    text = _nfkc(text)
    return _from_japanese_address(text) or _from_romaji_address(text)


def prefecture_code(
    *,
    region: str | None = None,
    address: str | None = None,
    locality: str | None = None,
    postal_code: str | None = None,
) -> str | None:
    """The JIS code ("13") of the prefecture named by the region, address, locality or postal code."""
    region, address, locality, postal_code = (
        value if isinstance(value, str) else None for value in (region, address, locality, postal_code)
    )
    if region and region.strip():
        code = _from_region(region) or _from_text(region)
        if code:
            return code
    if address and address.strip():
        code = _from_text(address) or _from_postal(address, marked_only=True)
        if code:
            return code
    if locality and locality.strip():
        code = _from_region(locality) or _from_text(locality)
        if code:
            return code
    if postal_code and postal_code.strip():
        return _from_postal(postal_code)
    return None


def prefecture_names() -> dict[str, tuple[str, str]]:
    """JIS code → (English, Japanese) names, from the shipped CSV."""
    names: dict[str, tuple[str, str]] = {}
    with PREFECTURES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names[row["jis_code"].strip().zfill(2)] = (row["name_en"].strip(), row["name_ja"].strip())
    return names


# --------------------------------------------------------------------------------------------
# Employment type
# --------------------------------------------------------------------------------------------

_EMPLOYMENT_WORDS: list[tuple[str, str]] = [
    (r"パート\s*[・/]?\s*アルバイト|パート(?!ナー)|アルバイト|バイト|非常勤", "PART_TIME"),
    (r"正社員(?!登用)|正職員|常勤", "FULL_TIME"),
    (r"派遣", "TEMPORARY"),
    (r"契約社員|契約職員|業務委託|請負|嘱託", "CONTRACTOR"),
    (r"日雇い?|日々雇用|スポット", "PER_DIEM"),
    (r"インターン", "INTERN"),
    (r"期間工|期間従業員|期間社員|季節|臨時", "TEMPORARY"),
    (r"(?<![a-z])(?:full[\s_-]*time|permanent|regular\s+employee)", "FULL_TIME"),
    (r"(?<![a-z])part[\s_-]*time", "PART_TIME"),
    (r"(?<![a-z])(?:contract(?:or|ual)?|freelance|self[\s_-]*employed)(?![a-z])", "CONTRACTOR"),
    (r"(?<![a-z])(?:temporary|temp|seasonal|dispatch(?:ed)?|fixed[\s_-]*term)(?![a-z])", "TEMPORARY"),
    (r"(?<![a-z])intern(?:ship)?(?![a-z])", "INTERN"),
    (r"(?<![a-z])(?:per[\s_-]*diem|day\s+labou?r(?:er)?)(?![a-z])", "PER_DIEM"),
]
_EMPLOYMENT_RE = re.compile("|".join(f"(?P<e{i}>{p})" for i, (p, _) in enumerate(_EMPLOYMENT_WORDS)))


def _employment_one(value: str) -> str | None:
    text = _nfkc(value).strip()
    key = re.sub(r"[\s_-]+", "_", text.upper())
    if key in EMPLOYMENT_TYPES:
        return None if key == "OTHER" else key
    match = _EMPLOYMENT_RE.search(text.casefold())  # the earliest word: アルバイト（正社員登用あり）
    if match:
        return _EMPLOYMENT_WORDS[int(match.lastgroup[1:])][1]
    return None


def employment_type(values: list[str] | str | None) -> str:
    """The first value that names a known employment type, as a schema.org value; else OTHER.

    schema.org's VOLUNTEER is not one of the portal's types and becomes OTHER.
    """
    if values is None:
        return "OTHER"
    if isinstance(values, str):
        values = [values]
    for value in values:
        if isinstance(value, str) and value.strip():
            found = _employment_one(value[:1000])
            if found:
                return found
    return "OTHER"


# --------------------------------------------------------------------------------------------
# Japanese level
# --------------------------------------------------------------------------------------------

_NO_JAPANESE = re.compile(
    r"日本語(?:能力|力|レベル|スキル)?(?:は)?(?:不問|不要|必要(?:なし|ありません|ない)|問いません|問わない)|日本語が話せなくても"
    r"|no\s+japanese(?:\s+(?:language|skills?|ability|level))*\s+(?:is\s+)?(?:required|needed|necessary)"
    r"|japanese(?:\s+(?:language|skills?|ability|level))*\s+(?:is\s+)?not\s+(?:required|needed|necessary)"
    r"|without\s+japanese|no\s+japanese\s+(?:needed|required)"
)
_JLPT = re.compile(r"(?<![a-z0-9])n\s?([1-5])(?![0-9])")
_OLD_JLPT = re.compile(r"日本語能力試験\s*([1-4一二三四])\s*級")
_JFT = re.compile(r"(?<![a-z])jft(?:[\s-]*basic)?|国際交流基金日本語基礎テスト|日本語基礎テスト")
_DESCRIPTIVE: list[tuple[re.Pattern, str]] = [
    (re.compile(r"ネイティブ|母国語レベル|native(?:[\s-]+level)?\s+japanese|fluent\s+(?:in\s+)?japanese"), "N1"),
    (re.compile(r"ビジネス(?:レベル|会話)|business[\s-]+(?:level\s+)?japanese"), "N2"),
    (re.compile(r"日常会話|conversational\s+japanese|daily\s+conversation"), "N3"),
    (re.compile(r"挨拶程度|簡単な日本語|片言|basic\s+japanese|simple\s+japanese"), "N5"),
]
_OLD_LEVELS = {"1": "N1", "一": "N1", "2": "N2", "二": "N2", "3": "N4", "三": "N4", "4": "N5", "四": "N5"}


def japanese_level_rank(level: str | None) -> int:
    """0 (none) … 5 (N1); JFT-Basic ranks with N4, as both meet SSW (i). Unknown levels rank 0."""
    return LEVEL_RANK.get(level or "none", 0)


def _japanese_level_found(text: str | None) -> str | None:
    """The level a text asks for, "none" when it says none is needed, None when it says nothing."""
    if not text or not isinstance(text, str):
        return None
    text = _nfkc(text[:20000]).casefold()
    if _NO_JAPANESE.search(text):
        return "none"
    levels = [f"N{m.group(1)}" for m in _JLPT.finditer(text)]
    levels += [_OLD_LEVELS[m.group(1)] for m in _OLD_JLPT.finditer(text)]
    if _JFT.search(text):
        levels.append("JFT_BASIC")
    if levels:
        # The lowest accepted level; on a tie JFT-Basic, the easier way to meet it.
        return min(levels, key=lambda lvl: (japanese_level_rank(lvl), lvl != "JFT_BASIC"))
    for pattern, level in _DESCRIPTIVE:
        if pattern.search(text):
            return level
    return None


def japanese_level(text: str | None) -> str:
    """none, N5, JFT_BASIC, N4, N3, N2 or N1: the lowest Japanese level the text accepts."""
    return _japanese_level_found(text) or "none"


# --------------------------------------------------------------------------------------------
# Visas
# --------------------------------------------------------------------------------------------

_NUMERAL = r"(?:no\.?\s*)?(?P<n{0}>1|2|一|二|ii|i)(?![a-z0-9])"
_SSW = re.compile(
    r"(?:特定技能|ssw(?![a-z])|specified[\s-]+skill(?:ed)?[\s-]+workers?)"
    r"(?:[\s(\[（「『]*" + _NUMERAL.format(1) + r"\s*号?[)\]）」』]?"
    r"(?:\s*(?:[・/、,&]|and|or|及び|および|と|または|又は)\s*[(（]?\s*" + _NUMERAL.format(2) + r"\s*号?)?)?"
)
_ESD = re.compile(r"技能実習|育成就労|technical\s+intern|titp(?![a-z])|employment\s+for\s+skill(?:s)?\s+development")
_ENGINEER = re.compile(
    r"技術\s*[・/]?\s*人文知識\s*[・/]?\s*国際業務|技人国|specialist\s+in\s+humanities|engineer\s*/\s*specialist"
    r"|gijinkoku|engineer(?:ing)?\s+visa"
)


def _ssw_number(value: str | None) -> str | None:
    if not value:
        return None
    return "ssw2" if value in ("2", "二", "ii") else "ssw1"


def visa_mentions(text: str | None) -> set[str]:
    """Visa codes the text mentions: ssw1, ssw2, esd, engineer. Bare 特定技能 / SSW counts as ssw1."""
    if not text or not isinstance(text, str):
        return set()
    text = _nfkc(text[:50000]).casefold()
    found: set[str] = set()
    for match in _SSW.finditer(text):
        numbers = {_ssw_number(match.group("n1")), _ssw_number(match.group("n2"))} - {None}
        found |= numbers or {"ssw1"}
    if _ESD.search(text):
        found.add("esd")
    if _ENGINEER.search(text):
        found.add("engineer")
    return found


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "h3", "h4", "a"}
_CLEAN_CONTENT = {"script", "style", "iframe", "noscript", "template", "object", "embed", "textarea",
                  "title", "svg", "math", "select", "frameset", "noembed", "noframes", "xmp"}
# HTML when it opens a tag or a comment; a lone "</script>" in plain text stays text (escaped).
_LOOKS_HTML = re.compile(r"<[a-z][^<>]*>|<!--", re.IGNORECASE)
_ESCAPED_HTML = re.compile(r"&lt;\s*/?\s*(?:p|br|ul|ol|li|div|strong|b|em|h\d)\b", re.IGNORECASE)


def _href_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if re.match(r"(?i)\s*(?:https?://|mailto:)", value or "") else None
    return value


def _text_to_html(text: str) -> str:
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    parts = []
    for paragraph in paragraphs:
        lines = [htmllib.escape(line.strip(), quote=False) for line in paragraph.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            parts.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(parts)


def clean_html(html: str | None) -> str | None:
    """Sanitised HTML with a small allowlist, or None when nothing readable is left.

    Plain text (no tags) becomes paragraphs with <br> line breaks. Links keep only http, https and
    mailto addresses and always get rel="nofollow noopener".
    """
    if not html or not isinstance(html, str):
        return None
    if not _LOOKS_HTML.search(html) and _ESCAPED_HTML.search(html):
        html = htmllib.unescape(html)  # double-escaped feeds: &lt;p&gt;…
    if not _LOOKS_HTML.search(html):
        html = _text_to_html(html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=_CLEAN_CONTENT,
        attributes={"a": {"href"}},
        attribute_filter=_href_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    cleaned = re.sub(r"<p>(?:\s|<br>)*</p>", "", cleaned).strip()
    text = htmllib.unescape(_TAG.sub("", cleaned))
    if not text.strip(" \t\r\n\u3000\xa0\u200b"):
        return None
    return cleaned


# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------


_JAPANESE_CHARS = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\u3005]")
_LETTERS = re.compile(r"[^\W\d_]")
_LATIN_LETTERS = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff\uff21-\uff3a\uff41-\uff5a]")


def detect_language(text: str | None) -> str | None:
    """ "ja" when ≥ 20 % of the letters are kana or kanji, "en" when ≥ 50 % are Latin, else None.

    Tags are ignored; digits, punctuation and emoji are not letters. A heuristic: Chinese counts as
    Japanese and any Latin-script language as English. Counted with regular expressions (in C):
    imports call this for every text of every item.
    """
    if not text or not isinstance(text, str):
        return None
    text = _TAG.sub(" ", text[:20000])
    letters = len(_LETTERS.findall(text))
    if letters == 0:
        return None
    if len(_JAPANESE_CHARS.findall(text)) / letters >= 0.2:
        return "ja"
    if len(_LATIN_LETTERS.findall(text)) / letters >= 0.5:
        return "en"
    return None


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_ERAS = {"令和": 2018, "平成": 1988, "r": 2018, "h": 1988}
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"^\s*(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:t[\d:+\-.z]*)?\s*$"),
]
_ERA_PATTERN = re.compile(r"(?P<era>令和|平成)\s*(?P<y>\d{1,2}|元)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(value: object) -> date | None:
    """A date from 2026-3-5, 2026/03/05, 2026年3月5日, 令和8年3月5日, 20260305, ISO datetimes or RFC 822.

    A datetime keeps the calendar date it was written with (no time-zone conversion).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = _nfkc(value[:200]).strip().casefold()
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match:
            return _safe_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    match = _ERA_PATTERN.search(text)
    if match:
        year = 1 if match.group("y") == "元" else int(match.group("y"))
        return _safe_date(_ERAS[match.group("era")] + year, int(match.group("m")), int(match.group("d")))
    try:
        parsed = parsedate_to_datetime(value.strip())  # Thu, 05 Mar 2026 10:00:00 +0900 (RSS)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed.date() if parsed else None


# --------------------------------------------------------------------------------------------
# The whole item
# --------------------------------------------------------------------------------------------

_JAPAN = {"jp", "jpn", "japan", "日本", "日本国", "nippon", "nihon", "392", "ja", "jp-jp"}
_HOUSING = re.compile(
    r"(?P<ja>寮|社宅|住居|住宅(?:手当|補助|支援|提供)|借り上げ|借上)"
    r"(?P<neg>(?:\s*[・/、]\s*(?:寮|社宅|住宅|住居))*\s*(?:手当|補助|費|の提供)?\s*(?:なし|無し|無|不可|はありません|はない))?"
    r"|(?P<no>no\s+|not\s+|without\s+)?(?P<en>dormitor(?:y|ies)|dorm(?![a-z])|company\s+housing|"
    r"housing\s+(?:is\s+)?(?:provided|available|support|assistance|allowance)|(?:free|shared)\s+housing|"
    r"accommodation\s+(?:is\s+)?(?:provided|available)|(?:free|shared)\s+accommodation)"
    r"(?P<neg_en>\s+(?:is\s+)?not\s+(?:provided|available))?"
)


def _is_japan(country: str) -> bool:
    key = _nfkc(country).strip().casefold().strip(".")
    return key in _JAPAN


def _has_housing(*texts: str | None) -> bool:
    for text in texts:
        if not text:
            continue
        for match in _HOUSING.finditer(_nfkc(text[:50000]).casefold()):
            if match.group("ja") and not match.group("neg"):
                return True
            if match.group("en") and not match.group("no") and not match.group("neg_en"):
                return True
    return False


def _http_url(value: str | None) -> str | None:
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if re.match(r"(?i)https?://[^\s]+$", value) and len(value) <= _MAX_URL:
        return value
    return None


def _language_code(value: str | None) -> str | None:
    if not value or not isinstance(value, str):
        return None
    key = value.strip().casefold()[:2]
    return key if key in ("en", "ja") else None


def _to_float(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value.replace(",", "").strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _structured_wage(item: RawItem) -> Wage | None:
    currency = (item.salary_currency or "").strip().upper()
    if currency and currency not in ("JPY", "YEN", "円", "¥", "￥"):
        return None
    unit = _unit_from_text(item.salary_unit)
    if unit is None:
        return None
    numbers = [_to_float(value) for value in (item.salary_min, item.salary_max)]
    if all(n is None for n in numbers):
        return None
    return _make_wage(numbers[0], numbers[1], unit)


def _normalise(item: RawItem, default_language: str | None) -> NormalisedPosting | Skip:
    external_id = (item.external_id or "").strip() or (item.url or "").strip()
    title = _one_line(item.title, _MAX_TITLE)
    if not title:
        return Skip("missing_title", external_id=external_id or None, url=item.url)
    if not external_id:
        return Skip("missing_id", detail=title[:80], url=item.url)
    if item.address_country and item.address_country.strip() and not _is_japan(item.address_country):
        return Skip("not_in_japan", detail=item.address_country.strip()[:80], external_id=external_id, url=item.url)

    description = clean_html(item.description)
    description_text = _plain(item.description)
    requirements = _plain(item.requirements) or None
    fallback = (detect_language(" ".join(filter(None, [title, description_text, requirements])))
                or _language_code(item.language) or _language_code(default_language) or "en")

    def language_of(text: str | None) -> str:
        return detect_language(text) or _language_code(item.language) or _language_code(default_language) or fallback

    posting = NormalisedPosting(external_id=external_id[:_MAX_URL], source_url=_http_url(item.url))
    setattr(posting, f"title_{language_of(title)}", title)
    if description:
        setattr(posting, f"description_{language_of(description_text)}", description)
    if requirements:
        setattr(posting, f"requirements_{language_of(requirements)}", requirements)
    employer = _one_line(item.employer, _MAX_NAME)
    if employer:
        setattr(posting, f"employer_name_{detect_language(employer) or fallback}", employer)
    city = _one_line(item.address_locality, _MAX_CITY)
    if city:
        setattr(posting, f"city_{detect_language(city) or fallback}", city)

    _locate(item, posting, "\n".join(filter(None, [title, description_text])))

    wage = _structured_wage(item) or parse_wage(item.salary_text) or parse_wage(description_text)
    if wage:
        posting.salary_min, posting.salary_max, posting.salary_unit = wage.minimum, wage.maximum, wage.unit

    for source in (item.japanese_text, item.requirements, description_text):
        level = _japanese_level_found(_plain(source) if source else None)
        if level is not None:
            posting.japanese_level = level
            break

    texts = [title, description_text, requirements, item.japanese_text, item.occupational_category]
    for text in texts:
        posting.visas |= visa_mentions(text)
    posting.employment_type = employment_type(item.employment_type)
    posting.date_posted = parse_date(item.date_posted)
    posting.valid_through = parse_date(item.valid_through)
    posting.apply_url = _http_url(item.apply_url)
    posting.occupational_category = _one_line(item.occupational_category, _MAX_NAME)
    posting.support_housing = _has_housing(title, description_text, requirements)
    return posting


def _locate(item: RawItem, posting: NormalisedPosting, description_text: str) -> None:
    """Where the job is (feeds.places): one place, several, nationwide, remote or not stated."""
    from portal.feeds.places import EVERYWHERE_KINDS, Address, locate  # places reads this module's tables

    def address(values: dict) -> Address:
        return Address(region=values.get("address_region"), locality=values.get("address_locality"),
                              street=values.get("street_address"), postal_code=values.get("postal_code"),
                              text=values.get("address"))

    given = [address(vars(item))] + [address(extra) for extra in item.more_locations
                                     if isinstance(extra, dict) and (not extra.get("address_country")
                                                                     or _is_japan(str(extra["address_country"])))]
    found = locate([a for a in given if a.words() or a.postal_code], remote=item.remote,
                          nationwide=item.nationwide, body=description_text)
    posting.location_kind = found.kind
    posting.prefecture_code = found.prefecture_code
    if len(found.places) > 1 or found.kind in EVERYWHERE_KINDS:
        posting.places = [(place.prefecture_code, _one_line(place.city, _MAX_CITY)) for place in found.places]
    if not city_set(posting) and found.places and found.places[0].city:
        city = _one_line(found.places[0].city, _MAX_CITY)
        setattr(posting, f"city_{detect_language(city) or 'ja'}", city)


def city_set(posting: NormalisedPosting) -> bool:
    return bool(posting.city_en or posting.city_ja)


def normalise(item: RawItem, *, default_language: str | None = None) -> NormalisedPosting | Skip:
    """A RawItem as a NormalisedPosting, or a Skip that says why not. Never raises."""
    try:
        return _normalise(item, default_language)
    except Exception as exc:  # noqa: BLE001 - a broken item must never stop an import run
        external_id = getattr(item, "external_id", None)
        url = getattr(item, "url", None)
        return Skip(
            "normalise_error",
            detail=f"{type(exc).__name__}: {exc}"[:300],
            external_id=external_id if isinstance(external_id, str) else None,
            url=url if isinstance(url, str) else None,
        )
