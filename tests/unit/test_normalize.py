"""Table tests for the feed normaliser (portal/feeds/normalize.py): a pure core, no app needed."""

from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path

import pytest

from portal.feeds import normalize
from portal.feeds.normalize import (
    clean_html,
    detect_language,
    employment_type,
    japanese_level,
    japanese_level_rank,
    normalise,
    parse_date,
    parse_wage,
    prefecture_code,
    visa_mentions,
)
from portal.feeds.types import NormalisedPosting, RawItem, Skip, Wage

# --------------------------------------------------------------------------------------------
# Wages: (text, minimum, maximum, unit) — or None when no wage can be read.
# --------------------------------------------------------------------------------------------

WAGES = [
    # Japanese monthly
    ("月給18万円〜25万円", 180_000, 250_000, "MONTH"),
    ("月給18万～25万円", 180_000, 250_000, "MONTH"),
    ("月給 180,000円～250,000円", 180_000, 250_000, "MONTH"),
    ("月額18.5万円", 185_000, 185_000, "MONTH"),
    ("月給18～25万円", 180_000, 250_000, "MONTH"),
    ("月給25万円（固定残業代含む）", 250_000, 250_000, "MONTH"),
    ("基本給20万円", 200_000, 200_000, "MONTH"),
    ("月収22万円以上", 220_000, None, "MONTH"),
    ("月給25万円まで", None, 250_000, "MONTH"),
    ("月給25万円以下", None, 250_000, "MONTH"),
    ("月給18万円以上25万円以下", 180_000, 250_000, "MONTH"),
    ("月給 ２０万円", 200_000, 200_000, "MONTH"),
    ("月給：180,000円〜", 180_000, None, "MONTH"),
    ("月18万円", 180_000, 180_000, "MONTH"),
    ("給与 200,000円/月", 200_000, 200_000, "MONTH"),
    ("月給 18万5000円", 185_000, 185_000, "MONTH"),
    ("月給１８万円～２５万円", 180_000, 250_000, "MONTH"),
    ("寮費1万円 月給18万円", 180_000, 180_000, "MONTH"),  # the dormitory fee has no pay period
    ("年齢18~35歳 月給20万円", 200_000, 200_000, "MONTH"),
    ("2026年4月入社 月給21万円", 210_000, 210_000, "MONTH"),
    ("月給25万〜18万円", 250_000, None, "MONTH"),  # maximum below minimum: keep the minimum only
    ("週給5万円", 216_667, 216_667, "MONTH"),  # × 52 / 12
    # Japanese hourly, daily, yearly
    ("時給１，１００円以上", 1_100, None, "HOUR"),
    ("時給1100円〜", 1_100, None, "HOUR"),
    ("時給 1,050円～1,300円 ※経験による", 1_050, 1_300, "HOUR"),
    ("時給1,200円", 1_200, 1_200, "HOUR"),
    ("時給￥1,500", 1_500, 1_500, "HOUR"),
    ("時間給 1100円", 1_100, 1_100, "HOUR"),
    ("基本給1,100円", 1_100, 1_100, "HOUR"),  # part-time 基本給 is hourly
    ("1,100円/時", 1_100, 1_100, "HOUR"),
    ("日給1万2000円", 12_000, 12_000, "DAY"),
    ("日給12,000円", 12_000, 12_000, "DAY"),
    ("日給1万2千円", 12_000, 12_000, "DAY"),
    ("日給1.2万円", 12_000, 12_000, "DAY"),
    ("日給 1万円～1万5千円", 10_000, 15_000, "DAY"),
    ("日額9,000円", 9_000, 9_000, "DAY"),
    ("年収300万円", 3_000_000, 3_000_000, "YEAR"),
    ("年収300万〜450万円", 3_000_000, 4_500_000, "YEAR"),
    ("年俸400万円", 4_000_000, 4_000_000, "YEAR"),
    ("年収 350万円以上", 3_500_000, None, "YEAR"),
    ("年収300万円～", 3_000_000, None, "YEAR"),
    # English
    ("¥250,000/month", 250_000, 250_000, "MONTH"),
    ("¥1,200/hour", 1_200, 1_200, "HOUR"),
    ("JPY 3,000,000 per year", 3_000_000, 3_000_000, "YEAR"),
    ("250,000 yen per month", 250_000, 250_000, "MONTH"),
    ("1,100 yen/hr", 1_100, 1_100, "HOUR"),
    ("200k JPY monthly", 200_000, 200_000, "MONTH"),
    ("from ¥180,000 a month", 180_000, None, "MONTH"),
    ("Monthly salary: 220,000 JPY", 220_000, 220_000, "MONTH"),
    ("¥180,000 - ¥250,000 per month", 180_000, 250_000, "MONTH"),
    ("¥180,000 – ¥250,000 per month", 180_000, 250_000, "MONTH"),
    ("180,000 to 250,000 yen a month", 180_000, 250_000, "MONTH"),
    ("¥1200 an hour, 8 hours a day", 1_200, 1_200, "HOUR"),
    ("Hourly wage: ￥1,150", 1_150, 1_150, "HOUR"),
    ("¥12,000 per day", 12_000, 12_000, "DAY"),
    ("Annual salary JPY 4,200,000", 4_200_000, 4_200_000, "YEAR"),
    ("up to ¥300,000 per month", None, 300_000, "MONTH"),
    ("¥200-250k monthly", 200_000, 250_000, "MONTH"),
    ("¥50,000 per week", 216_667, 216_667, "MONTH"),
    ("Salary - ¥200,000 per month", 200_000, 200_000, "MONTH"),  # a dash, not a minus sign
    ("¥200,000 per month (about $1,300)", 200_000, 200_000, "MONTH"),
    ("JPY 1,300/h", 1_300, 1_300, "HOUR"),
    # Nothing to read, or nothing believable
    ("", None, None, None),
    ("250000", None, None, None),  # no pay period: do not guess
    ("250,000円", None, None, None),
    ("給与 18万円", None, None, None),
    ("1万2千円", None, None, None),
    ("月給 応相談", None, None, None),
    ("Competitive salary", None, None, None),
    ("Salary negotiable per month", None, None, None),
    ("月給0円", None, None, None),
    ("時給-1000円", None, None, None),
    ("時給9,999,999円", None, None, None),
    ("年収50円", None, None, None),
    ("$15 per hour", None, None, None),
    ("PKR 100,000 per month", None, None, None),
    ("Rs. 80,000 monthly", None, None, None),
    ("€2,000 per month", None, None, None),
    ("週5日勤務 1日8時間", None, None, None),
    ("時給" + "9" * 40 + "円", None, None, None),
    ("8 hours a day, 5 days a week", None, None, None),
]


@pytest.mark.parametrize(("text", "minimum", "maximum", "unit"), WAGES, ids=[w[0][:40] or "empty" for w in WAGES])
def test_parse_wage(text, minimum, maximum, unit):
    expected = Wage(minimum, maximum, unit) if unit else None
    assert parse_wage(text) == expected


def test_wage_table_is_big_enough():
    assert len(WAGES) >= 60


@pytest.mark.parametrize("value", [None, 250000, ["月給18万円"]])
def test_parse_wage_refuses_non_text(value):
    assert parse_wage(value) is None


# --------------------------------------------------------------------------------------------
# Prefectures
# --------------------------------------------------------------------------------------------

PREFECTURES = [
    ({"region": "東京都"}, "13"),
    ({"region": "東京"}, "13"),
    ({"region": "大阪府"}, "27"),
    ({"region": "大阪"}, "27"),
    ({"region": "北海道"}, "01"),
    ({"region": "京都府"}, "26"),
    ({"region": "京都"}, "26"),
    ({"region": "埼玉県"}, "11"),
    ({"region": "Tokyo"}, "13"),
    ({"region": "Tokyo-to"}, "13"),
    ({"region": "TOKYO"}, "13"),
    ({"region": "Osaka-fu"}, "27"),
    ({"region": "Hokkaido"}, "01"),
    ({"region": "Kyoto"}, "26"),
    ({"region": "Gunma"}, "10"),
    ({"region": "Hyōgo"}, "28"),
    ({"region": "Hyogo"}, "28"),
    ({"region": "Kōchi"}, "39"),
    ({"region": "Aichi Prefecture"}, "23"),
    ({"region": "JP-13"}, "13"),
    ({"region": "JP-01"}, "01"),
    ({"region": "47"}, "47"),
    ({"region": " 福岡県 "}, "40"),
    ({"address": "東京都新宿区西新宿2-8-1"}, "13"),
    ({"address": "神奈川県横浜市中区日本大通1"}, "14"),
    ({"address": "京都府京都市上京区"}, "26"),
    ({"address": "京都市中京区寺町通"}, "26"),
    ({"address": "東京都港区 (本社: 京都府)"}, "13"),  # 東京都 contains 京都; the first named wins
    ({"address": "Shinjuku-ku, Tokyo 160-0023"}, "13"),
    ({"address": "Naka-ku, Yokohama-shi, Kanagawa-ken 231-0023"}, "14"),
    ({"address": "Fukushima-ku, Osaka"}, "27"),  # romaji addresses name the prefecture last
    ({"address": "大阪市北区梅田1-1"}, "27"),
    ({"address": "〒460-0001 名古屋市中区三の丸"}, "23"),
    ({"address": "TEL 03-1234-5678"}, None),  # a telephone number is not a postal code
    ({"locality": "横浜市"}, "14"),
    ({"locality": "Sapporo"}, "01"),
    ({"locality": "新宿区"}, "13"),
    ({"region": "Kanto", "postal_code": "330-9301"}, "11"),  # the region names no prefecture
    ({"region": "愛知県", "postal_code": "160-0023"}, "23"),  # the region wins
    ({"postal_code": "〒160-0023"}, "13"),
    ({"postal_code": "160-0023"}, "13"),
    ({"postal_code": "1600023"}, "13"),
    ({"postal_code": "１６０－００２３"}, "13"),
    ({"postal_code": "160"}, None),
    ({"region": "Kanto"}, None),
    ({"region": "California"}, None),
    ({}, None),
    ({"region": "", "address": "   "}, None),
]


@pytest.mark.parametrize(("kwargs", "code"), PREFECTURES)
def test_prefecture_code(kwargs, code):
    assert prefecture_code(**kwargs) == code


# Real postal codes (mostly prefectural offices), one or more per prefecture: all 47, plus the
# shared prefixes that need more than two digits.
POSTAL_CODES = [
    ("060-8588", "01"), ("040-0001", "01"), ("030-8570", "02"), ("020-8570", "03"), ("980-8570", "04"),
    ("010-8570", "05"), ("990-8570", "06"), ("960-8670", "07"), ("310-8555", "08"), ("320-8501", "09"),
    ("371-8570", "10"), ("330-9301", "11"), ("260-8667", "12"), ("100-0005", "13"), ("192-0083", "13"),
    ("206-0011", "13"), ("231-8588", "14"), ("199-0192", "14"), ("950-8570", "15"), ("930-8501", "16"),
    ("920-8580", "17"), ("910-8580", "18"), ("400-8501", "19"), ("380-8570", "20"), ("500-8570", "21"),
    ("420-8601", "22"), ("460-8501", "23"), ("514-8570", "24"), ("498-0801", "24"), ("520-8577", "25"),
    ("602-8570", "26"), ("540-8570", "27"), ("650-8567", "28"), ("630-8501", "29"), ("640-8585", "30"),
    ("680-8570", "31"), ("684-0004", "31"), ("690-8501", "32"), ("685-0015", "32"), ("700-8570", "33"),
    ("730-8511", "34"), ("753-8501", "35"), ("770-8570", "36"), ("760-8570", "37"), ("790-8570", "38"),
    ("780-8570", "39"), ("812-8577", "40"), ("840-8570", "41"), ("850-8570", "42"), ("811-5133", "42"),
    ("817-0021", "42"), ("862-8570", "43"), ("870-8501", "44"), ("880-8501", "45"), ("890-8577", "46"),
    ("900-8570", "47"),
]


@pytest.mark.parametrize(("postal", "code"), POSTAL_CODES)
def test_postal_code_prefixes(postal, code):
    assert prefecture_code(postal_code=postal) == code


def test_postal_table_covers_every_prefecture():
    assert {code for _, code in POSTAL_CODES} == {f"{n:02d}" for n in range(1, 48)}
    assert set(normalize._POSTAL_PREFIXES.values()) == {f"{n:02d}" for n in range(1, 48)}
    # Every two-digit prefix 00–99 has an owner, so no code falls through.
    assert all(f"{n:02d}" in normalize._POSTAL_PREFIXES for n in range(100))


def test_prefecture_names_come_from_the_csv():
    names = normalize.prefecture_names()
    assert len(names) == 47
    assert names["13"] == ("Tokyo", "東京都")
    assert names["26"] == ("Kyoto", "京都府")


# --------------------------------------------------------------------------------------------
# Employment type
# --------------------------------------------------------------------------------------------

EMPLOYMENT = [
    (["FULL_TIME"], "FULL_TIME"),
    (["full_time"], "FULL_TIME"),
    (["full-time"], "FULL_TIME"),
    (["Full Time"], "FULL_TIME"),
    (["PART_TIME"], "PART_TIME"),
    (["Part-time"], "PART_TIME"),
    (["CONTRACTOR"], "CONTRACTOR"),
    (["temporary"], "TEMPORARY"),
    (["INTERN"], "INTERN"),
    (["PER_DIEM"], "PER_DIEM"),
    (["正社員"], "FULL_TIME"),
    (["正社員（試用期間あり）"], "FULL_TIME"),
    (["契約社員"], "CONTRACTOR"),
    (["パート"], "PART_TIME"),
    (["アルバイト"], "PART_TIME"),
    (["パート・アルバイト"], "PART_TIME"),
    (["アルバイト（正社員登用あり）"], "PART_TIME"),
    (["非常勤"], "PART_TIME"),
    (["派遣"], "TEMPORARY"),
    (["派遣社員"], "TEMPORARY"),
    (["業務委託"], "CONTRACTOR"),
    (["日雇い"], "PER_DIEM"),
    (["インターン"], "INTERN"),
    (["インターンシップ"], "INTERN"),
    (["期間工"], "TEMPORARY"),
    (["季節雇用"], "TEMPORARY"),
    (["Permanent"], "FULL_TIME"),
    (["VOLUNTEER"], "OTHER"),  # not one of the portal's types
    (["OTHER", "正社員"], "FULL_TIME"),
    (["???", "PART_TIME"], "PART_TIME"),
    (["正社員", "契約社員"], "FULL_TIME"),  # the first known value wins
    (["International relations"], "OTHER"),
    (["何か"], "OTHER"),
    ([], "OTHER"),
    ([""], "OTHER"),
    ("正社員", "FULL_TIME"),  # a lone string is accepted too
]


@pytest.mark.parametrize(("values", "expected"), EMPLOYMENT)
def test_employment_type(values, expected):
    assert employment_type(values) == expected


# --------------------------------------------------------------------------------------------
# Japanese level
# --------------------------------------------------------------------------------------------

LEVELS = [
    ("日本語能力試験N4以上", "N4"),
    ("JLPT N3", "N3"),
    ("N2レベル", "N2"),
    ("日本語能力N3程度", "N3"),
    ("ＪＬＰＴ　Ｎ１", "N1"),
    ("N5 or above", "N5"),
    ("JFT-Basic", "JFT_BASIC"),
    ("JFT Basic A2", "JFT_BASIC"),
    ("国際交流基金日本語基礎テスト合格", "JFT_BASIC"),
    ("N4 or JFT-Basic", "JFT_BASIC"),  # both accepted: the lowest, JFT-Basic on a tie
    ("日本語能力試験N4またはJFT-Basic A2", "JFT_BASIC"),
    ("N3以上、N2あれば尚可", "N3"),  # the lowest accepted level
    ("日本語能力試験3級", "N4"),  # the old four-level test
    ("日本語不問", "none"),
    ("日本語不問（N4あれば尚可）", "none"),
    ("No Japanese required", "none"),
    ("Japanese language is not required", "none"),
    ("日常会話レベル", "N3"),
    ("日常会話程度の日本語", "N3"),
    ("ビジネスレベルの日本語", "N2"),
    ("挨拶程度の日本語", "N5"),
    ("N95マスク着用", "none"),
    ("普通自動車免許", "none"),
    ("", "none"),
    (None, "none"),
]


@pytest.mark.parametrize(("text", "expected"), LEVELS)
def test_japanese_level(text, expected):
    assert japanese_level(text) == expected


@pytest.mark.parametrize(("level", "rank"), [
    ("none", 0), ("N5", 1), ("JFT_BASIC", 2), ("N4", 2), ("N3", 3), ("N2", 4), ("N1", 5), (None, 0), ("N9", 0),
])
def test_japanese_level_rank(level, rank):
    assert japanese_level_rank(level) == rank


# --------------------------------------------------------------------------------------------
# Visas
# --------------------------------------------------------------------------------------------

VISAS = [
    ("特定技能1号", {"ssw1"}),
    ("特定技能 1号", {"ssw1"}),
    ("特定技能（1号）", {"ssw1"}),
    ("特定技能一号", {"ssw1"}),
    ("SSW (i)", {"ssw1"}),
    ("SSW(i) visa", {"ssw1"}),
    ("Specified Skilled Worker (i)", {"ssw1"}),
    ("Specified Skilled Worker in construction", {"ssw1"}),
    ("特定技能", {"ssw1"}),
    ("特定技能2号", {"ssw2"}),
    ("SSW (ii)", {"ssw2"}),
    ("Specified Skilled Worker (ii)", {"ssw2"}),
    ("特定技能1号・2号", {"ssw1", "ssw2"}),
    ("SSW (i) and (ii)", {"ssw1", "ssw2"}),
    ("技能実習2号修了者", {"esd"}),
    ("育成就労", {"esd"}),
    ("Technical Intern Training", {"esd"}),
    ("Employment for Skill Development", {"esd"}),
    ("技術・人文知識・国際業務", {"engineer"}),
    ("技人国ビザ", {"engineer"}),
    ("Engineer/Specialist in Humanities/International Services", {"engineer"}),
    ("Engineer / Specialist in Humanities", {"engineer"}),
    ("特定技能1号または技能実習修了者、技人国も可", {"ssw1", "esd", "engineer"}),
    ("Software Engineer", set()),  # a job title, not a visa
    ("", set()),
    (None, set()),
]


@pytest.mark.parametrize(("text", "expected"), VISAS)
def test_visa_mentions(text, expected):
    assert visa_mentions(text) == expected


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

HTML = [
    ("<script>alert(1)</script><p>Hi</p>", "<p>Hi</p>"),
    ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
    ("<img src=x onerror=alert(1)>text", "text"),
    ('<p onclick="steal()">x</p>', "<p>x</p>"),
    ("<a href='javascript:alert(1)'>x</a>", '<a rel="nofollow noopener">x</a>'),
    ("<a href='/relative'>x</a>", '<a rel="nofollow noopener">x</a>'),
    ("<a href='data:text/html,hi'>x</a>", '<a rel="nofollow noopener">x</a>'),
    ('<a href="https://example.jp/job" target="_blank" rel="opener">apply</a>',
     '<a href="https://example.jp/job" rel="nofollow noopener">apply</a>'),
    ('<a href="mailto:hr@example.jp">mail</a>', '<a href="mailto:hr@example.jp" rel="nofollow noopener">mail</a>'),
    ("<iframe src='https://evil.example'>inside</iframe>ok", "ok"),
    ("<style>p{color:red}</style><p style='color:red'>x</p>", "<p>x</p>"),
    ("<div><span>in a div</span></div>", "in a div"),
    ("<h1>Title</h1><h3>Sub</h3>", "Title<h3>Sub</h3>"),
    ("<ul><li><strong>溶接</strong></li><li><em>介護</em></li></ul>", "<ul><li><strong>溶接</strong></li><li><em>介護</em></li></ul>"),
    ("<ol><li><b>b</b> <i>i</i></li></ol><h4>h</h4>", "<ol><li><b>b</b> <i>i</i></li></ol><h4>h</h4>"),
    ("line one\nline two\n\nsecond paragraph", "<p>line one<br>line two</p><p>second paragraph</p>"),
    ("仕事内容\r\n溶接作業", "<p>仕事内容<br>溶接作業</p>"),
    ("Use </script> in text", "<p>Use &lt;/script&gt; in text</p>"),
    ("a < b and c > d", "<p>a &lt; b and c &gt; d</p>"),
    ("&lt;p&gt;double escaped&lt;/p&gt;", "<p>double escaped</p>"),
    ("<!-- comment --><p>x</p>", "<p>x</p>"),
    ("<p></p><br>", None),
    ("<script>only()</script>", None),
    ("   \n  ", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("html", "expected"), HTML)
def test_clean_html(html, expected):
    assert clean_html(html) == expected


@pytest.mark.parametrize("html", [
    "<scr<script>ipt>alert(1)</script>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<p>x</p></script><script>alert(1)</script>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
])
def test_clean_html_leaves_nothing_executable(html):
    cleaned = clean_html(html) or ""
    lowered = cleaned.lower()
    assert "<script" not in lowered and "</script" not in lowered
    assert "onerror" not in lowered or "<img" not in lowered
    assert "javascript:" not in lowered
    assert "<svg" not in lowered and "<img" not in lowered and "<style" not in lowered


# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------

LANGUAGES = [
    ("介護スタッフ募集", "ja"),
    ("こんにちは", "ja"),
    ("カタカナ", "ja"),
    ("溶接工", "ja"),
    ("Care staff wanted in Tokyo", "en"),
    ("<p>Welder</p>", "en"),
    ("介護スタッフ募集 Care staff wanted", "ja"),  # 8 of 26 letters are Japanese
    ("Caregiver wanted for a nursing home in Osaka 大阪", "en"),  # under 20 % Japanese
    ("Tokyo 東京", "ja"),
    ("ＦＵＬＬ　ＷＩＤＴＨ", "en"),
    ("Café für alle", "en"),
    ("123 456 !!!", None),
    ("🙂🙂🙂", None),
    ("مرحبا بكم", None),
    ("Привет", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("text", "expected"), LANGUAGES)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

DATES = [
    ("2026-3-5", date(2026, 3, 5)),
    ("2026-03-05", date(2026, 3, 5)),
    ("2026/3/5", date(2026, 3, 5)),
    ("2026/03/05", date(2026, 3, 5)),
    ("2026.3.5", date(2026, 3, 5)),
    ("2026年3月5日", date(2026, 3, 5)),
    ("２０２６年３月５日", date(2026, 3, 5)),
    ("2026年 3月 5日（木）", date(2026, 3, 5)),
    ("令和8年3月5日", date(2026, 3, 5)),
    ("2026-03-05T10:00:00+09:00", date(2026, 3, 5)),
    ("2026-03-05T10:00:00Z", date(2026, 3, 5)),
    ("2026-03-05T10:00:00.123Z", date(2026, 3, 5)),
    ("2026-03-05 10:00", date(2026, 3, 5)),
    ("20260305", date(2026, 3, 5)),
    (20260305, date(2026, 3, 5)),
    ("Thu, 05 Mar 2026 10:00:00 +0900", date(2026, 3, 5)),
    (" 2026-03-05 ", date(2026, 3, 5)),
    (date(2026, 3, 5), date(2026, 3, 5)),
    (datetime(2026, 3, 5, 10, 0), date(2026, 3, 5)),
    ("2026-02-30", None),
    ("2026-13-01", None),
    ("2026年2月30日", None),
    ("0000-01-01", None),
    ("20261305", None),
    ("2026", None),
    ("not a date", None),
    ("", None),
    (None, None),
    (True, None),
    (3.5, None),
]


@pytest.mark.parametrize(("value", "expected"), DATES)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


# --------------------------------------------------------------------------------------------
# normalise()
# --------------------------------------------------------------------------------------------

JA_DESCRIPTION = (
    "<p>介護施設でのお仕事です。</p><script>alert(1)</script>"
    "<p>月給18万円〜25万円、寮あり。特定技能1号の方歓迎。日本語能力試験N4以上。</p>"
)


def make_item(**fields) -> RawItem:
    base = {"external_id": "job-1", "url": "https://jobs.example.jp/1", "title": "介護スタッフ", "address_country": "JP"}
    base.update(fields)
    return RawItem(**base)


def test_normalise_a_japanese_posting():
    item = make_item(
        description=JA_DESCRIPTION, employer="株式会社さくら介護", address_region="東京都",
        address_locality="新宿区", employment_type=["正社員"], date_posted="2026-3-5",
        valid_through="2026年4月30日", apply_url="https://jobs.example.jp/1/apply",
        occupational_category="5321 介護職",
    )
    posting = normalise(item)
    assert isinstance(posting, NormalisedPosting)
    assert (posting.external_id, posting.source_url) == ("job-1", "https://jobs.example.jp/1")
    assert posting.title_ja == "介護スタッフ" and posting.title_en is None
    assert posting.description_ja.startswith("<p>介護施設") and "script" not in posting.description_ja
    assert posting.description_en is None
    assert posting.employer_name_ja == "株式会社さくら介護"
    assert (posting.prefecture_code, posting.city_ja) == ("13", "新宿区")
    assert (posting.salary_min, posting.salary_max, posting.salary_unit) == (180_000, 250_000, "MONTH")
    assert posting.japanese_level == "N4"
    assert posting.visas == {"ssw1"}
    assert posting.employment_type == "FULL_TIME"
    assert (posting.date_posted, posting.valid_through) == (date(2026, 3, 5), date(2026, 4, 30))
    assert posting.apply_url == "https://jobs.example.jp/1/apply"
    assert posting.occupational_category == "5321 介護職"
    assert posting.support_housing is True


def test_normalise_an_english_posting_with_structured_weekly_pay():
    item = make_item(
        title="Welder (SSW ii)", description="Welding work. Dormitory provided.", employer="Sakura Steel Co., Ltd.",
        address_region="Aichi", address_country="Japan", salary_min=50_000, salary_max=60_000, salary_unit="WEEK",
        salary_currency="JPY", employment_type=["FULL_TIME"], requirements="JLPT N3 or above",
    )
    posting = normalise(item)
    assert isinstance(posting, NormalisedPosting)
    assert posting.title_en == "Welder (SSW ii)" and posting.employer_name_en == "Sakura Steel Co., Ltd."
    assert posting.requirements_en == "JLPT N3 or above"
    assert (posting.salary_min, posting.salary_max, posting.salary_unit) == (216_667, 260_000, "MONTH")
    assert posting.prefecture_code == "23"
    assert posting.japanese_level == "N3"
    assert posting.visas == {"ssw2"}
    assert posting.support_housing is True


@pytest.mark.parametrize(("fields", "reason"), [
    ({"title": None}, "missing_title"),
    ({"title": "   "}, "missing_title"),
    ({"title": "<p> </p>"}, "missing_title"),
    ({"external_id": None, "url": None}, "missing_id"),
    ({"external_id": " ", "url": ""}, "missing_id"),
    ({"address_country": "US"}, "not_in_japan"),
    ({"address_country": "Pakistan"}, "not_in_japan"),
    ({"title": 12345}, "normalise_error"),  # odd input never raises
    ({"employment_type": [object()], "description": b"bytes"}, "normalise_error"),
])
def test_normalise_skips(fields, reason):
    result = normalise(make_item(**fields))
    assert isinstance(result, Skip)
    assert result.reason == reason


def test_normalise_error_says_what_went_wrong():
    result = normalise(make_item(title=12345))
    assert isinstance(result, Skip) and "TypeError" in result.detail and result.external_id == "job-1"


@pytest.mark.parametrize("country", ["JP", "jp", "JPN", "Japan", "日本", " japan ", None, ""])
def test_normalise_accepts_japan(country):
    assert isinstance(normalise(make_item(address_country=country)), NormalisedPosting)


def test_normalise_uses_the_url_as_id():
    posting = normalise(make_item(external_id=None))
    assert posting.external_id == "https://jobs.example.jp/1"


def test_normalise_text_wage_when_structured_is_unusable():
    item = make_item(salary_min="abc", salary_unit="MONTH", salary_text="時給1,100円〜")
    posting = normalise(item)
    assert (posting.salary_min, posting.salary_max, posting.salary_unit) == (1_100, None, "HOUR")
    item = make_item(salary_min=2000, salary_unit="MONTH", salary_currency="USD", salary_text="月給20万円")
    assert normalise(item).salary_min == 200_000
    item = make_item(salary_min=float("nan"), salary_unit="HOUR")
    assert normalise(item).salary_unit is None


def test_normalise_wage_found_in_description():
    posting = normalise(make_item(description="<p>勤務地：大阪</p><p>時給 1,050円～1,300円</p>"))
    assert (posting.salary_min, posting.salary_max, posting.salary_unit) == (1_050, 1_300, "HOUR")


def test_normalise_japanese_text_field_comes_first():
    item = make_item(japanese_text="日本語不問", requirements="JLPT N2", description="N3")
    assert normalise(item).japanese_level == "none"
    item = make_item(japanese_text=None, requirements="普通免許", description="<p>JFT-Basic合格者</p>")
    assert normalise(item).japanese_level == "JFT_BASIC"


def test_normalise_languages_per_field_and_default():
    item = make_item(title="Care worker", description="<p>介護のお仕事です。</p>", employer="ABC株式会社")
    posting = normalise(item)
    assert posting.title_en == "Care worker" and posting.description_ja == "<p>介護のお仕事です。</p>"
    assert posting.employer_name_ja == "ABC株式会社"
    posting = normalise(make_item(title="#123 ★", description=None), default_language="ja")
    assert posting.title_ja == "#123 ★"
    posting = normalise(make_item(title="#123 ★", language="en-US"), default_language="ja")
    assert posting.title_en == "#123 ★"


def test_normalise_prefecture_from_postal_code_and_missing():
    assert normalise(make_item(postal_code="〒530-0001")).prefecture_code == "27"
    assert normalise(make_item(address="Somewhere")).prefecture_code is None


@pytest.mark.parametrize(("description", "housing"), [
    ("寮完備", True),
    ("社宅あり", True),
    ("寮費1万円", True),
    ("Company housing provided", True),
    ("寮なし", False),
    ("寮・社宅なし", False),
    ("No dormitory", False),
    ("Housing is not provided", False),
    ("交通費支給", False),
])
def test_normalise_housing(description, housing):
    assert normalise(make_item(description=description)).support_housing is housing


def test_normalise_refuses_unsafe_urls_and_cleans_titles():
    item = make_item(
        url="javascript:alert(1)", apply_url="javascript:alert(1)", title="<b>溶接工</b> &amp; 組立",
        employment_type="アルバイト",
    )
    posting = normalise(item)
    assert posting.external_id == "job-1" and posting.source_url is None and posting.apply_url is None
    assert posting.title_ja == "溶接工 & 組立"
    assert posting.employment_type == "PART_TIME"
    assert len(normalise(make_item(title="長" * 500)).title_ja) == 200


# --------------------------------------------------------------------------------------------
# Nothing escapes on nasty input
# --------------------------------------------------------------------------------------------

NASTY = [
    "", " ", "\n\t\r", "\x00", "\x00" * 100, "\ufeff", "\u200b\u200b", "\u3000",
    "9" * 400, "1" * 10_000, "1e308", "-1", "-0", "0", "NaN", "inf", "1,,,,,000", "¥¥¥¥", "〜〜〜",
    "万万万万", "時給万円", "月給〜円", "年収-万円", "!!!???...", "<<<>>>", "<", "</", "<!--", "<![CDATA[",
    "</script><script>alert(1)</script>", "<a href=javascript:alert(1)>", "&#0;&#xD800;&amp;&lt;",
    "🙂" * 50, "👩‍👩‍👧‍👦 家族", "Ｎ４ ＪＦＴ 特定技能 ｓｓｗ", "東京都京都府大阪府北海道" * 10,
    "Tokyo Kyoto Osaka Hokkaido" * 20, "〒000-0000", "〒999-9999", "JP-99", "JP-00",
    "2026-99-99", "9999年99月99日", "令和0年0月0日", "月給" * 10_000, "時給1100円〜" * 10_000,
    "a" * 10_000, "N" * 5000 + "4", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "مرحبا 東京 Привет 123 ¥",
]


def test_nasty_list_is_big_enough():
    assert len(NASTY) >= 50


@pytest.mark.parametrize("text", NASTY, ids=range(len(NASTY)))
def test_no_exception_escapes(text):
    parse_wage(text)
    for field in ("region", "address", "locality", "postal_code"):
        prefecture_code(**{field: text})
    employment_type([text])
    employment_type(text)
    assert isinstance(japanese_level(text), str)
    japanese_level_rank(text)
    assert isinstance(visa_mentions(text), set)
    result = clean_html(text)
    assert result is None or "<script" not in result.lower()
    detect_language(text)
    parse_date(text)
    item = RawItem(**{name: text for name in (
        "external_id", "url", "title", "description", "employer", "employer_url", "address_region",
        "address_locality", "street_address", "postal_code", "address_country", "address", "salary_unit",
        "salary_currency", "salary_text", "date_posted", "valid_through", "occupational_category",
        "requirements", "japanese_text", "apply_url", "language")}, employment_type=[text],
        salary_min=text, salary_max=text)  # type: ignore[arg-type]
    assert isinstance(normalise(item), NormalisedPosting | Skip)
    assert isinstance(normalise(make_item(description=text, salary_text=text)), NormalisedPosting | Skip)


# --------------------------------------------------------------------------------------------
# The module stays a pure core and speaks the portal's vocabulary
# --------------------------------------------------------------------------------------------


def test_normalize_imports_no_framework():
    tree = ast.parse(Path(normalize.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"flask", "sqlalchemy", "requests", "flask_sqlalchemy"}
    assert {name for name in imported if name.startswith("portal")} == {"portal.feeds.types", "portal.feeds.places"}


def test_vocabulary_matches_the_models():
    from portal.jobs.models import VISA_CODES, EmploymentType, JapaneseLevel, SalaryUnit
    from portal.jobs.search import LEVEL_RANK

    assert set(normalize.EMPLOYMENT_TYPES) == {member.value for member in EmploymentType}
    assert set(normalize.SALARY_UNITS) == {member.value for member in SalaryUnit}
    assert normalize.LEVEL_RANK == LEVEL_RANK
    assert set(normalize.LEVEL_RANK) == {member.value for member in JapaneseLevel}
    assert set(normalize._PLAUSIBLE) == set(normalize.SALARY_UNITS)
    every_visa = set().union(*(visa_mentions(text) for text, _ in VISAS if text))
    assert every_visa <= set(VISA_CODES)
