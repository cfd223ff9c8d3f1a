"""Property fuzzing of the feed parsers and normalisers (issue 9, attack sweeps).

Every parser takes untrusted bytes: malformed input may make the whole document fail with
``ParseError`` (the documented way to say "not a feed") or leave items out as ``Skip``s, but no
other exception may escape. The normalisers never raise at all. Runs are derandomised so CI is
reproducible; each test keeps to a few hundred examples.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

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
from portal.feeds.parsers import (
    ParseError,
    parse_csv,
    parse_feed,
    parse_indeed_xml,
    parse_json_api,
    parse_jsonld_page,
    parse_sitemap,
)
from portal.feeds.types import ParseResult, RawItem, Skip, Wage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"

FUZZ = settings(max_examples=250, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

API_MAPPING = {
    "items": "data.jobs",
    "id": "id",
    "title": "title",
    "description": "body.html",
    "location": "locations[0].region",
    "city": "locations[1].city",
    "salary_text": "pay",
    "salary_min": "pay_min",
    "employment_type": "type",
    "url": "link",
}

# Junk that looks like what Japanese job sources really send.
JUNK_WORDS = [
    "月給", "時給", "日給", "年収", "万", "円", "¥", "￥", "〜", "~", "-", "－", "１８", "２５", "0",
    "18", "25.5", "1,200", "１，２００", "万円", "以上", "から", "東京都", "大阪府", "北海道", "Tokyo",
    "〒160-0022", "160-0022", "正社員", "契約社員", "FULL_TIME", "PART_TIME", "N4", "Ｎ２", "JFT-Basic",
    "日本語能力試験", "特定技能1号", "特定技能２号", "技能実習", "SSW", "visa", "ویزا", "جاپان",
    "تنخواہ", "ملازمت", "<b>", "</b>", "<script>", "</script>", "<a href='javascript:x'>", "&amp;",
    "&#x0;", "&#9999999999;", "\x00", "\ufeff", "\u200b", "\u202e", "\r\n", "\t", " ", "\u3000",
    "NaN", "inf", "1e309", "-1", "２０２６年３月５日", "2026-02-30", "2026/3/5", "99999-99-99",
]

junk_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(JUNK_WORDS), max_size=25).map("".join),
    st.lists(st.one_of(st.sampled_from(JUNK_WORDS), st.text(max_size=5)), max_size=20).map(" ".join),
)
maybe_text = st.one_of(st.none(), junk_text)


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@st.composite
def mangled(draw, names: tuple[str, ...]) -> bytes:
    """A valid sample with random cuts, insertions and byte flips."""
    body = bytearray(_fixture(draw(st.sampled_from(names))))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(("cut", "insert", "flip", "delete")))
        pos = draw(st.integers(0, len(body)))
        if op == "cut":
            del body[pos:]
        elif op == "insert":
            piece = draw(st.one_of(st.binary(max_size=20),
                                   st.sampled_from(JUNK_WORDS).map(lambda s: s.encode("utf-8"))))
            body[pos:pos] = piece
        elif op == "flip" and pos < len(body):
            body[pos] = draw(st.integers(0, 255))
        elif op == "delete":
            del body[pos:pos + draw(st.integers(1, 50))]
    return bytes(body)


def body_of(*names: str):
    return st.one_of(st.binary(max_size=300), junk_text.map(lambda s: s.encode("utf-8")), mangled(names))


def check(parse, content, *args) -> ParseResult | None:
    try:
        result = parse(content, *args)
    except ParseError as exc:
        assert exc.reason  # the documented way to fail a whole document
        return None
    if isinstance(result, tuple):
        result, children = result
        assert all(isinstance(url, str) for url in children)
    assert isinstance(result, ParseResult)
    assert all(isinstance(item, RawItem) for item in result.items)
    assert all(isinstance(skip, Skip) and skip.reason for skip in result.skipped)
    return result


# --- parsers -----------------------------------------------------------------------------------


@FUZZ
@given(body_of("indeed.xml", "truncated.xml"))
def test_indeed_xml_never_raises(content):
    check(parse_indeed_xml, content)


@FUZZ
@given(body_of("rss.xml", "atom.xml", "truncated.xml"))
def test_feed_never_raises(content):
    check(parse_feed, content)


@FUZZ
@given(body_of("job_en.html", "job_ja.html", "job_graph.html", "job_microdata.html",
               "job_trailing_commas.html", "job_two_blocks_one_broken.html", "job_escaped_script.html",
               "job_literal_script.html", "error_503.html"),
       st.sampled_from(["https://example.jp/jobs/1", "http://x", "", "ftp://a/b", "https://例え.jp/仕事"]),
       st.sampled_from([None, "utf-8", "shift_jis", "euc-jp", "bogus", "utf-16", ""]))
def test_jsonld_page_never_raises(content, url, hint):
    check(parse_jsonld_page, content, url, hint)


@FUZZ
@given(body_of("sitemap.xml", "sitemap_index.xml"))
def test_sitemap_never_raises(content):
    check(parse_sitemap, content)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), junk_text),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(["id", "title", "pay", "type", "data",
                                                                "jobs", "body", "html", "locations",
                                                                "region", "city", "link", "pay_min"]),
                                               children, max_size=5)),
    max_leaves=25,
)


@FUZZ
@given(st.one_of(body_of("api_jobs.json"),
                 json_values.map(lambda v: __import__("json").dumps({"data": {"jobs": v}}).encode())))
def test_json_api_never_raises(content):
    check(parse_json_api, content, API_MAPPING)


@FUZZ
@given(body_of("jobs.csv"))
def test_csv_never_raises(content):
    check(parse_csv, content)


@FUZZ
@given(body_of("jobs.csv"))
def test_csv_in_shift_jis_never_raises(content):
    check(parse_csv, content.decode("utf-8", "ignore").encode("cp932", "ignore"))


# --- normalisers --------------------------------------------------------------------------------


@FUZZ
@given(maybe_text)
def test_parse_wage_never_raises(text):
    wage = parse_wage(text)
    if wage is not None:
        assert isinstance(wage, Wage)
        assert wage.unit in ("HOUR", "DAY", "MONTH", "YEAR")
        if wage.minimum is not None and wage.maximum is not None:
            assert wage.minimum <= wage.maximum


@FUZZ
@given(maybe_text, maybe_text, maybe_text, maybe_text)
def test_prefecture_code_never_raises(region, address, locality, postal):
    code = prefecture_code(region=region, address=address, locality=locality, postal_code=postal)
    assert code is None or (code.isdigit() and 1 <= int(code) <= 47)


@FUZZ
@given(st.one_of(maybe_text, st.lists(junk_text, max_size=4)))
def test_employment_type_never_raises(values):
    assert isinstance(employment_type(values), str)


@FUZZ
@given(maybe_text)
def test_language_helpers_never_raise(text):
    level = japanese_level(text)
    assert isinstance(level, str)
    assert isinstance(japanese_level_rank(level), int)
    assert isinstance(japanese_level_rank(text), int)
    assert isinstance(visa_mentions(text), set)
    assert detect_language(text) in (None, "en", "ja", "ur") or isinstance(detect_language(text), str)


@FUZZ
@given(maybe_text)
def test_clean_html_never_raises(html):
    cleaned = clean_html(html)
    if cleaned is not None:
        assert "<script" not in cleaned.lower()
        assert "javascript:" not in cleaned.lower()


@FUZZ
@given(st.one_of(maybe_text, st.integers(), st.floats(), st.dates(), st.datetimes()))
def test_parse_date_never_raises(value):
    parse_date(value)


raw_items = st.builds(
    RawItem,
    external_id=maybe_text, url=maybe_text, title=maybe_text, description=maybe_text,
    employer=maybe_text, address_region=maybe_text, address_locality=maybe_text,
    postal_code=maybe_text, address_country=st.one_of(st.none(), st.sampled_from(["JP", "Japan", "日本", "PK", ""])),
    address=maybe_text,
    salary_min=st.one_of(st.none(), st.floats()), salary_max=st.one_of(st.none(), st.floats()),
    salary_unit=maybe_text, salary_currency=maybe_text, salary_text=maybe_text,
    employment_type=st.lists(junk_text, max_size=3), date_posted=maybe_text, valid_through=maybe_text,
    requirements=maybe_text, japanese_text=maybe_text, apply_url=maybe_text, language=maybe_text,
)


@FUZZ
@given(raw_items)
def test_normalise_never_raises_and_never_hides_errors(item):
    result = normalise(item)
    # normalise() turns any internal exception into Skip("normalise_error"): that would be a bug.
    assert not (isinstance(result, Skip) and result.reason == "normalise_error"), result.detail
