"""Feed parsers: bytes in, ParseResult out (portal/feeds/parsers.py).

Fixtures live in tests/fixtures/feeds/. The Shift_JIS, EUC-JP and CP932 documents are made here
from text with ``.encode(...)`` (see the ``*_bytes`` helpers), so that the repository holds them
reproducibly and no editor can silently re-encode them.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from portal.feeds import parsers
from portal.feeds.parsers import (
    CSV_COLUMNS,
    ParseError,
    parse_csv,
    parse_feed,
    parse_indeed_xml,
    parse_json_api,
    parse_jsonld_page,
    parse_sitemap,
    validate_mapping,
)
from portal.feeds.types import ParseResult, RawItem, Skip

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
PAGE = "https://jobs.example.jp/jobs/1"

API_MAPPING = {
    "items": "data.jobs",
    "id": "id",
    "title": "title",
    "description": "body.html",
    "url": "links.self",
    "employer": "company.name",
    "location": "location.prefecture",
    "address": "location.full",
    "salary_text": "pay.text",
    "salary_min": "pay.min",
    "salary_max": "pay.max",
    "salary_unit": "pay.period",
    "employment_type": "type",
    "date_posted": "created",
    "valid_through": "expires",
    "occupational_category": "category",
    "japanese": "requirements.japanese",
    "apply_url": "apply",
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def only(result: ParseResult) -> RawItem:
    assert len(result.items) == 1, result
    return result.items[0]


def by_id(result: ParseResult) -> dict[str, RawItem]:
    return {item.external_id: item for item in result.items}


def reasons(result: ParseResult) -> list[str]:
    return [skip.reason for skip in result.skipped]


# --- generated (non-UTF-8) fixtures ---------------------------------------------------------------


def roundtrip(text: str, codec: str) -> str:
    """What a page says after going through a legacy encoding (〜 comes back as ～ in CP932)."""
    return text.encode(codec).decode(codec)


def shift_jis_page_bytes() -> bytes:
    text = fixture("job_ja.html").decode("utf-8").replace('<meta charset="utf-8">', '<meta charset="Shift_JIS">')
    return text.encode("cp932")


def euc_jp_page_bytes(*, with_meta: bool) -> bytes:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=EUC-JP">' if with_meta else ""
    text = fixture("job_ja.html").decode("utf-8").replace('<meta charset="utf-8">', meta)
    return text.replace("〜", "から").encode("euc_jp")


SHIFT_JIS_INDEED = """<?xml version="1.0" encoding="Shift_JIS"?>
<source>
  <publisher>ジョブネット九州</publisher>
  <job>
    <title><![CDATA[農業スタッフ（いちご栽培）]]></title>
    <date>2026-3-2</date>
    <referencenumber>KY-0042</referencenumber>
    <url>https://jobnet-kyushu.example.jp/jobs/KY-0042</url>
    <company><![CDATA[有限会社あまおう農園]]></company>
    <city>久留米市</city>
    <state>福岡県</state>
    <country>JP</country>
    <description><![CDATA[<p>ハウス内でのいちごの収穫・パック詰め。寮あり。</p>]]></description>
    <salary>時給1,050円～1,200円</salary>
    <jobtype>正社員、契約社員</jobtype>
    <category>農業</category>
  </job>
</source>
"""

CP932_CSV = (
    "id,title,description,employer,prefecture,city,salary,salary_min,salary_max,salary_unit,"
    "employment_type,japanese_level,visa,date_posted,occupation\r\n"
    "SJ-1,ビルクリーニングスタッフ,オフィスビルの日常清掃,株式会社なにわクリーン,大阪府,大阪市北区,"
    "\"時給1,200円～\",1200,1400,HOUR,パート,N4,特定技能1号（ビルクリーニング）,2026/3/9,9112\r\n"
    "SJ-2,,タイトルなし,株式会社なにわクリーン,大阪府,,,,,,,,,,\r\n"
    "SJ-3,溶接工（半自動）,\"ＣＯ２溶接, 研削\",㈱中部溶接,愛知県,豊田市,月給２５万円,２５００００,,MONTH,正社員,,,2026-03-10,7212\r\n"
)


def shift_jis_indeed_bytes() -> bytes:
    return SHIFT_JIS_INDEED.encode("cp932")


def cp932_csv_bytes() -> bytes:
    return CP932_CSV.encode("cp932")


# --- 1. JSON-LD pages -------------------------------------------------------------------------------


def test_english_page_maps_every_field():
    result = parse_jsonld_page(fixture("job_en.html"), "https://careers.naniwa-steel.example.jp/en/jobs/W-2031?utm=x")
    item = only(result)
    assert result.skipped == []
    assert item.external_id == "W-2031"  # PropertyValue {value}
    assert item.url == "https://careers.naniwa-steel.example.jp/en/jobs/W-2031"  # relative url resolved
    assert item.title == "Welder & Fabricator (Specified Skilled Worker)"  # &amp; in a JSON value
    assert item.description.startswith("<p>Join our fabrication shop")
    assert "<sub>2</sub>" in item.description
    assert item.employer == "Naniwa Steel Works Co., Ltd."
    assert item.employer_url == "https://www.naniwa-steel.example.jp"
    # Two places: Lahore first, Osaka second; the one in Japan is taken (country as a Country object).
    assert (item.address_region, item.address_locality) == ("Osaka", "Higashiosaka")
    assert (item.street_address, item.postal_code, item.address_country) == ("3-8-21 Takaida", "577-0066", "JP")
    assert (item.salary_min, item.salary_max, item.salary_unit, item.salary_currency) == (
        230000, 280000, "MONTH", "JPY")
    assert item.salary_text is None
    assert item.employment_type == ["FULL_TIME", "TEMPORARY"]
    assert item.date_posted == "2026-02-20"
    assert item.valid_through == "2026-04-30T23:59:59+09:00"
    assert item.occupational_category == "7212"  # CategoryCode {codeValue}
    assert item.requirements.splitlines() == [
        "SSW (i) welding skills test, JLPT N4 or JFT-Basic",
        "24 months of experience",
        "NAVTTC NVQF level 3 certificate",
        "Specified Skilled Worker (i) visa sponsored by the company",
    ]
    assert "Pakistan" not in item.requirements  # applicantLocationRequirements is ignored
    assert item.language == "en"
    assert item.apply_url == item.url  # directApply: true


def test_japanese_page_keeps_japanese_values_and_pads_dates():
    item = only(parse_jsonld_page(fixture("job_ja.html"), PAGE))
    assert item.external_id == "SK-00871"
    assert item.url == PAGE  # no url in the posting: the page's
    assert item.title == "介護職員（特定技能1号）／寮あり"
    assert "月給21万円〜26万円" in item.description
    assert item.employer == "株式会社さくらケアサービス"
    assert item.employer_url == "https://sakura-care.example.jp/"
    assert (item.address_region, item.address_locality, item.street_address) == ("東京都", "世田谷区", "世田谷4-21-27")
    assert item.address_country == "JP"
    assert item.employment_type == ["正社員"]  # kept as given: the normaliser maps it
    assert item.date_posted == "2026-03-05"  # "2026-3-5"
    assert item.valid_through == "2026-06-30"  # "2026/6/30"
    assert (item.salary_min, item.salary_max, item.salary_unit) == (210000, 260000, "MONTH")  # numeric strings
    assert item.requirements == "介護技能評価試験 合格\n日本語能力試験 N4以上"
    assert item.occupational_category == "5321 介護職"
    assert item.language == "ja-JP"
    assert item.apply_url is None  # no directApply


def test_graph_with_type_list_and_uri_type():
    result = parse_jsonld_page(fixture("job_graph.html"), "https://hokkaido-farm.example.jp/recruit/")
    items = by_id(result)
    assert set(items) == {"1201", "1202"}  # numeric PropertyValue value → "1201"
    dairy, field = items["1201"], items["1202"]
    assert dairy.title == "酪農スタッフ（搾乳・飼養管理）"
    assert dairy.employment_type == ["FULL_TIME", "正社員"]
    assert (dairy.salary_min, dairy.salary_max, dairy.salary_unit) == (1150, 1150, "HOUR")
    assert (dairy.address_region, dairy.address_locality) == ("北海道", "河東郡音更町")
    assert field.employer == "北海道ファーム株式会社"  # hiringOrganization as a plain string
    assert field.address == "北海道河西郡芽室町"  # address as a plain string
    assert field.address_region is None
    assert (field.salary_min, field.salary_text) == (None, "時給1,100円〜")  # baseSalary as a string
    assert field.employment_type == ["PART_TIME"]


def test_invalid_block_is_skipped_and_the_other_block_is_read():
    result = parse_jsonld_page(fixture("job_two_blocks_one_broken.html"), PAGE)
    item = only(result)
    assert item.external_id == "KK-77"  # from a top-level array
    assert item.address_region == "埼玉県"
    assert item.employment_type == ["正社員"]
    assert reasons(result) == ["invalid_json"]
    assert "block 1" in result.skipped[0].detail
    assert result.skipped[0].url == PAGE


def test_trailing_commas_and_raw_newlines_are_read_on_a_lenient_second_pass():
    result = parse_jsonld_page(fixture("job_trailing_commas.html"), PAGE)
    item = only(result)
    assert item.external_id == "FD-305"
    assert item.description == "お弁当の盛り付け、\n包装作業です。"
    assert item.employment_type == ["PART_TIME", "契約社員"]
    assert item.address_locality == "横浜市鶴見区"
    assert item.date_posted == "2026-02-09"
    # The second block is missing a comma between members: still broken after the lenient pass.
    assert reasons(result) == ["invalid_json"]
    assert "block 2" in result.skipped[0].detail


def test_trailing_comma_removal_leaves_strings_alone():
    assert parsers._without_trailing_commas('{"a": "x, }", "b": [1, 2, ], }') == '{"a": "x, }", "b": [1, 2 ] }'


def test_escaped_script_end_inside_json():
    item = only(parse_jsonld_page(fixture("job_escaped_script.html"), PAGE))
    assert item.external_id == "RC-42"
    assert "<script>trackJob(42)</script><p>Staff meals provided.</p>" in item.description


def test_literal_script_end_inside_json_does_not_cut_the_block_short():
    result = parse_jsonld_page(fixture("job_literal_script.html"), PAGE)
    assert reasons(result) == []
    items = by_id(result)
    assert set(items) == {"LG-1009", "LG-1010"}  # and the next block is still found
    assert items["LG-1009"].description.endswith("(フォークリフト運転技能講習) required.</p>")
    assert items["LG-1009"].employment_type == ["CONTRACTOR"]


def test_html_entities_in_json_values():
    page = b"""<html><head><script type="application/ld+json">
    {"@type": "JobPosting", "identifier": "E-1", "title": "Caf&eacute; Staff &amp; Barista&nbsp;(Kyoto)",
     "description": "&lt;p&gt;Serve coffee &amp;amp; cakes.&lt;/p&gt;",
     "hiringOrganization": {"name": "Kissa &quot;Hana&quot; K.K."},
     "employmentType": "PART_TIME&#44; TEMPORARY"}
    </script></head></html>"""
    item = only(parse_jsonld_page(page, PAGE))
    assert item.title == "Café Staff & Barista (Kyoto)"
    assert item.employer == 'Kissa "Hana" K.K.'
    assert item.description == "<p>Serve coffee &amp; cakes.</p>"  # a wholly escaped description, once
    assert item.employment_type == ["PART_TIME", "TEMPORARY"]


def test_byte_order_marks():
    page = b"\xef\xbb\xbf" + fixture("job_ja.html").replace(b'ld+json">\n', b'ld+json">\n\xef\xbb\xbf')
    item = only(parse_jsonld_page(page, PAGE))
    assert item.title == "介護職員（特定技能1号）／寮あり"


def test_shift_jis_page_is_decoded_by_its_meta_charset():
    item = only(parse_jsonld_page(shift_jis_page_bytes(), PAGE))
    assert item.title == "介護職員（特定技能1号）／寮あり"
    assert item.employer == "株式会社さくらケアサービス"
    assert item.address_region == "東京都"
    assert roundtrip("月給21万円〜26万円", "cp932") in item.description


@pytest.mark.parametrize("with_meta, hint", [(True, None), (False, "EUC-JP"), (True, "ISO-8859-1")])
def test_euc_jp_page_by_meta_or_hint(with_meta, hint):
    item = only(parse_jsonld_page(euc_jp_page_bytes(with_meta=with_meta), PAGE, encoding_hint=hint))
    assert item.employer == "株式会社さくらケアサービス"
    assert "月給21万円から26万円" in item.description


def test_utf8_meta_wins_over_a_default_latin1_hint():
    item = only(parse_jsonld_page(fixture("job_ja.html"), PAGE, encoding_hint="iso-8859-1"))
    assert item.address_region == "東京都"


def test_undeclared_shift_jis_page_is_sniffed():
    # 能 is 0x94 0x5C in Shift_JIS: read as UTF-8 with replacement, "\" would break the JSON.
    page = shift_jis_page_bytes().replace(b'<meta charset="Shift_JIS">', b"")
    item = only(parse_jsonld_page(page, PAGE))
    assert item.title == "介護職員（特定技能1号）／寮あり"


def test_undecodable_page_falls_back_to_utf8_with_replacement():
    page = fixture("job_ja.html").replace("介護職員（".encode(), b"\xff\xfe(")
    item = only(parse_jsonld_page(page, PAGE))
    assert item.title == "\ufffd\ufffd(特定技能1号）／寮あり"


def test_microdata_when_there_is_no_json_ld():
    item = only(parse_jsonld_page(fixture("job_microdata.html"), PAGE))
    assert item.external_id == "CY-512"
    assert item.title == "溶接工（半自動溶接）"
    assert item.employer == "株式会社中部溶接"
    assert item.employer_url == "https://chubu-yosetsu.example.jp/"
    assert (item.address_region, item.address_locality, item.address_country) == ("愛知県", "豊田市", "JP")
    assert (item.salary_min, item.salary_max, item.salary_unit, item.salary_currency) == (
        230000, 300000, "MONTH", "JPY")
    assert item.employment_type == ["正社員"]
    assert item.date_posted == "2026-01-20"  # from <time datetime="2026-1-20">
    assert item.description == "自動車部品の溶接作業です。寮あり。"  # no script text


def test_script_tags_in_any_case_and_attribute_order_commented_blocks_ignored():
    page = b"""<html><head>
    <!-- <script type="application/ld+json">{"@type":"JobPosting","identifier":"old","title":"Old"}</script> -->
    <script type="text/javascript">var s = '<script type="application/ld+json">';</script>
    <Script
       id="jp" Type=application/ld+json data-x='a>b'>{"@type":"JobPosting","identifier":"new","title":"New"}</sCRIPT >
    <script type="application/ld+json; charset=utf-8">{"@type":"JobPosting","identifier":"n2","title":"Second"}</script>
    </head></html>"""
    result = parse_jsonld_page(page, PAGE)
    assert [i.external_id for i in result.items] == ["new", "n2"]


def test_wrapped_blocks_nested_postings_and_apply_urls():
    page = b"""<script type="application/ld+json">//<![CDATA[
    {"@type": "WebPage", "mainEntity": {"@type": "JobPosting", "identifier": "M-1", "title": "Baker",
     "directApply": "https://bakery.example.jp/apply?job=M-1"}}
    //]]></script>
    <script type="application/ld+json"><!--
    {"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "item": {"@type": "schema:JobPosting",
     "identifier": "M-2", "title": "Cook", "directApply": "true", "url": "https://bakery.example.jp/jobs/2"}},
     {"@type": "ListItem", "item": {"@type": "JobPosting", "identifier": "M-3", "title": "Cleaner",
      "potentialAction": {"@type": "ApplyAction", "target": {"@type": "EntryPoint", "urlTemplate": "/apply/3"}}}}]}
    --></script>"""
    items = by_id(parse_jsonld_page(page, PAGE))
    assert items["M-1"].apply_url == "https://bakery.example.jp/apply?job=M-1"
    assert items["M-2"].apply_url == "https://bakery.example.jp/jobs/2"
    assert items["M-3"].apply_url == "https://jobs.example.jp/apply/3"


def test_postings_without_identifier_get_page_based_ids_and_duplicates_are_recorded():
    page = b"""<script type="application/ld+json">[
      {"@type": "JobPosting", "title": "A"},
      {"@type": "JobPosting", "title": "B"},
      {"@type": "JobPosting", "title": "C", "url": "https://jobs.example.jp/jobs/c"},
      {"@type": "JobPosting", "title": "C again", "url": "https://jobs.example.jp/jobs/c"},
      {"@type": "JobPosting", "description": "no title"}
    ]</script>"""
    result = parse_jsonld_page(page, PAGE)
    assert [i.external_id for i in result.items] == [f"{PAGE}#job-1", f"{PAGE}#job-2", "https://jobs.example.jp/jobs/c"]
    assert sorted(reasons(result)) == ["duplicate_id", "missing_title"]


def test_salary_shapes():
    def salary(value):
        return parsers._salary(value)

    assert salary(250000) == (250000, 250000, None, None, None)
    assert salary("250,000") == (250000, 250000, None, None, None)
    assert salary("月給25万円") == (None, None, None, None, "月給25万円")
    assert salary({"currency": "JPY", "value": 1200, "unitText": "HOUR"}) == (1200, 1200, "HOUR", "JPY", None)
    assert salary({"currency": "JPY", "value": {"value": 9000, "unitText": "DAY"}}) == (9000, 9000, "DAY", "JPY", None)
    assert salary({"value": {"minValue": 300000, "maxValue": 200000}}) == (200000, 300000, None, None, None)
    assert salary({"value": {"minValue": "NaN", "maxValue": 1e309}}) == (None, None, None, None, None)
    assert salary([{"value": {"minValue": 1000, "unitText": "HOUR"}}]) == (1000, None, "HOUR", None, None)


def test_dates_are_padded_when_they_can_be_read():
    clean = parsers._clean_date
    assert clean("2026-3-5") == "2026-03-05"
    assert clean("2026/03/5 9:00") == "2026-03-05T9:00"
    assert clean("2026年3月5日") == "2026-03-05"
    assert clean("２０２６－３－５") == "2026-03-05"  # full-width
    assert clean("2026-03-05T09:00:00+09:00") == "2026-03-05T09:00:00+09:00"
    assert clean("Thu, 05 Mar 2026 09:00:00 +0900") == "2026-03-05T09:00:00+09:00"
    assert clean("2026-13-45") == "2026-13-45"  # not a date: as given
    assert clean("soon") == "soon"
    assert clean(None) is None


def test_a_body_that_is_json_ld_itself():
    body = b'{"@context": "https://schema.org", "@type": "JobPosting", "identifier": "J-1", "title": "Baker"}'
    assert only(parse_jsonld_page(body, PAGE)).title == "Baker"
    with pytest.raises(ParseError) as caught:
        parse_jsonld_page(b'{"@type": "JobPosting", ', PAGE)
    assert caught.value.reason == "invalid_json"


def test_pages_without_postings_and_empty_bodies():
    assert parse_jsonld_page(fixture("error_503.html"), PAGE) == ParseResult()
    with pytest.raises(ParseError) as caught:
        parse_jsonld_page(b"  \r\n", PAGE)
    assert caught.value.reason == "empty"


# --- 2. Sitemaps --------------------------------------------------------------------------------------


def test_urlset_gives_links_with_lastmod():
    result, children = parse_sitemap(fixture("sitemap.xml"))
    assert children == []
    assert result.items == []
    assert result.links == [
        "https://jobs.sakura-care.example.jp/jobs/SK-00871",
        "https://jobs.sakura-care.example.jp/jobs/SK-00872",  # whitespace around <loc> trimmed
        "https://jobs.sakura-care.example.jp/jobs/SK-00873?lang=ja&ref=sitemap",
    ]
    assert result.lastmod == {
        "https://jobs.sakura-care.example.jp/jobs/SK-00871": "2026-03-05T10:12:00+09:00",  # first one wins
        "https://jobs.sakura-care.example.jp/jobs/SK-00872": "2026-03-01",
    }
    assert reasons(result) == ["missing_loc", "invalid_url"]


def test_sitemap_index_gives_child_sitemaps():
    result, children = parse_sitemap(fixture("sitemap_index.xml"))
    assert children == [
        "https://jobs.sakura-care.example.jp/sitemaps/jobs-1.xml",
        "https://jobs.sakura-care.example.jp/sitemaps/jobs-2.xml.gz",
    ]
    assert result.links == [] and result.lastmod == {}


def test_gzipped_sitemap():
    result, _ = parse_sitemap(gzip.compress(fixture("sitemap.xml")))
    assert len(result.links) == 3


@pytest.mark.parametrize("body, reason", [
    (b"", "empty"),
    (b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>", "not_a_sitemap"),
    (b"<urlset><url><loc>https://a.example/1</loc></url>", "truncated"),
    (b"<urlset><url><loc>https://a.example/1</url></urlset>", "not_xml"),
    (b'<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "sitemap.dtd"><urlset/>', "unsafe_xml"),
])
def test_sitemap_errors(body, reason):
    with pytest.raises(ParseError) as caught:
        parse_sitemap(body)
    assert caught.value.reason == reason


def test_sitemap_html_error_page():
    with pytest.raises(ParseError) as caught:
        parse_sitemap(fixture("error_503.html"))
    assert caught.value.reason == "not_xml"


# --- 3. Indeed XML -----------------------------------------------------------------------------------


def test_indeed_feed():
    result = parse_indeed_xml(fixture("indeed.xml"))
    items = by_id(result)
    assert list(items) == ["NW-1001", "NW-1002", "NW-1004", "NW-1005"]
    assert reasons(result) == ["missing_id"]
    assert "Food Factory Staff" in result.skipped[0].detail
    assert result.skipped[0].url == "https://nihon-works.example.jp/jobs/no-ref"

    scaffold = items["NW-1001"]
    assert scaffold.title == "Construction Worker – Scaffolding (とび職)"
    assert scaffold.description == (
        "<p>Scaffolding assembly on residential sites.</p><ul><li>Dormitory: <b>yes</b></li><li>日本語 N4</li></ul>"
    )  # CDATA HTML kept as HTML
    assert scaffold.url == "https://nihon-works.example.jp/jobs/NW-1001?src=indeed"
    assert scaffold.employer == "株式会社関東建工"
    assert (scaffold.address_region, scaffold.address_locality, scaffold.postal_code, scaffold.address_country) == (
        "埼玉県", "川口市", "332-0012", "JP")
    assert scaffold.salary_text == "月給25万円〜32万円"
    assert scaffold.salary_min is None
    assert scaffold.employment_type == ["fulltime", "contract"]
    assert scaffold.occupational_category == "Construction"
    assert scaffold.requirements == "Education: High school\nExperience: 1+ years"
    assert scaffold.date_posted == "2026-03-05T09:00:00+09:00"

    care = items["NW-1002"]
    assert care.description == "Daily care for elderly residents & recreation support."
    assert care.date_posted == "2026-03-04"
    assert care.address_country == "Japan"

    dairy = items["NW-1004"]  # upper-case tag names; XHTML description without CDATA
    assert dairy.title == "Farm Worker – Dairy"
    assert dairy.description == "<p>Milking and feeding.</p><p>Housing <em>provided</em>.</p>"
    assert dairy.employment_type == ["full-time"]
    assert items["NW-1005"].employment_type == ["parttime", "fulltime"]


def test_shift_jis_indeed_feed():
    item = only(parse_indeed_xml(shift_jis_indeed_bytes()))
    assert item.external_id == "KY-0042"
    assert item.title == "農業スタッフ（いちご栽培）"
    assert item.employer == "有限会社あまおう農園"
    assert (item.address_region, item.address_locality) == ("福岡県", "久留米市")
    assert item.salary_text == "時給1,050円～1,200円"
    assert item.employment_type == ["正社員", "契約社員"]
    assert item.date_posted == "2026-03-02"


@pytest.mark.parametrize("name, reason", [("truncated.xml", "truncated"), ("error_503.html", "not_xml")])
def test_indeed_fixture_errors(name, reason):
    with pytest.raises(ParseError) as caught:
        parse_indeed_xml(fixture(name))
    assert caught.value.reason == reason


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<source><job><title>&lol9;</title><referencenumber>1</referencenumber></job></source>
"""
XXE = (b'<?xml version="1.0"?><!DOCTYPE source [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b"<source><job><title>&xxe;</title><referencenumber>1</referencenumber></job></source>")


@pytest.mark.parametrize("body, reason", [
    (BILLION_LAUGHS, "unsafe_xml"),
    (XXE, "unsafe_xml"),
    (b"<!DOCTYPE source><source/>", "unsafe_xml"),
    (b"", "empty"),
    (b"<source><job><title>x &nbsp; y</title></job></source>", "not_xml"),  # undefined entity
    (b"<html><body>Bad gateway</body></html>", "not_xml"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE html>\n<html><body>x</body></html>', "not_xml"),
    (b"<rss version='2.0'><channel/></rss>", "not_a_job_feed"),
    (b"<source><job><title>cut", "truncated"),
])
def test_indeed_errors(body, reason):
    with pytest.raises(ParseError) as caught:
        parse_indeed_xml(body)
    assert caught.value.reason == reason


def test_indeed_duplicate_and_untitled_jobs_are_skipped():
    body = (b"<source><job><referencenumber>A</referencenumber><title>One</title></job>"
            b"<job><referencenumber>A</referencenumber><title>Two</title></job>"
            b"<job><referencenumber>B</referencenumber></job></source>")
    result = parse_indeed_xml(body)
    assert [i.title for i in result.items] == ["One"]
    assert reasons(result) == ["missing_title", "duplicate_id"]


# --- 4. RSS / Atom -----------------------------------------------------------------------------------


def test_rss_items_and_links():
    result = parse_feed(fixture("rss.xml"))
    items = by_id(result)
    assert list(items) == ["jw-3301", "https://japan-works.example.jp/jobs/3302"]  # guid, else link
    first = items["jw-3301"]
    assert first.title == "介護職員（特定技能）東京都練馬区"
    assert first.url == "https://japan-works.example.jp/jobs/3301"
    assert first.description == "<p>月給22万円〜。寮あり。</p>"
    assert first.date_posted == "2026-03-05T09:30:00+09:00"
    assert first.occupational_category == "介護"
    assert items["https://japan-works.example.jp/jobs/3302"].description == (
        "<p>Semi-automatic welding &amp; grinding.</p><p>JLPT N4.</p>")  # content:encoded over description
    assert result.links == ["https://japan-works.example.jp/jobs/3301", "https://japan-works.example.jp/jobs/3302"]
    assert reasons(result) == ["missing_id"]


def test_atom_entries_and_links():
    result = parse_feed(fixture("atom.xml"))
    items = by_id(result)
    first = items["tag:kyushu-agri.example.jp,2026:job-88"]
    assert first.title == "Greenhouse Farm Worker (Kumamoto)"
    assert first.description == "Tomato harvesting and packing. Hourly 1,050 yen."
    assert first.date_posted == "2026-03-02T09:00:00+09:00"  # published before updated
    second = items["tag:kyushu-agri.example.jp,2026:job-89"]
    assert second.description == "<p>Egg collection and cleaning.</p>"
    assert second.date_posted == "2026-03-03T09:00:00+09:00"
    assert result.links == ["https://kyushu-agri.example.jp/jobs/88", "https://kyushu-agri.example.jp/jobs/89"]


def test_rss_091_doctype_without_internal_subset_is_accepted():
    body = (b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel><title>t</title>'
            b"<item><title>Cook</title><link>https://a.example/jobs/1</link></item></channel></rss>")
    assert only(parse_feed(body)).url == "https://a.example/jobs/1"


@pytest.mark.parametrize("body, reason", [
    (fixture("error_503.html"), "not_a_feed"),
    (fixture("rss.xml")[:900], "truncated"),
    (fixture("atom.xml")[:-40], "truncated"),
    (BILLION_LAUGHS.replace(b"<source><job>", b"<rss><channel><item>").replace(b"</job></source>",
                                                                               b"</item></channel></rss>"),
     "unsafe_xml"),
    (b"", "empty"),
    (b"just some text", "not_a_feed"),
    (b'{"items": []}', "not_a_feed"),
])
def test_feed_errors(body, reason):
    with pytest.raises(ParseError) as caught:
        parse_feed(body)
    assert caught.value.reason == reason


def test_feed_bytes_are_never_taken_for_a_file_name(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(fixture("rss.xml"))
    with pytest.raises(ParseError):
        parse_feed(str(path).encode())


# --- 5. JSON API -------------------------------------------------------------------------------------


def test_json_api_with_mapping():
    mapping = dict(API_MAPPING, address_locality="locations[1].city")
    result = parse_json_api(fixture("api_jobs.json"), mapping)
    items = by_id(result)
    assert list(items) == ["5001", "5002"]  # numeric id stringified
    mechanic = items["5001"]
    assert mechanic.title == "Auto Mechanic (自動車整備)"
    assert mechanic.description == "<p>Vehicle inspection (車検) and repair.</p>"
    assert mechanic.url == "https://api.example.jp/v2/jobs/5001"
    assert mechanic.employer == "株式会社東海オート"
    assert (mechanic.address_region, mechanic.address) == ("静岡県", "静岡県浜松市中区1-2-3")
    assert mechanic.address_locality == "磐田市"  # list index in the path
    assert (mechanic.salary_min, mechanic.salary_max, mechanic.salary_unit) == (220000, 280000, "MONTH")
    assert mechanic.salary_text == "月給22万円〜"
    assert mechanic.employment_type == ["FULL_TIME", "正社員"]
    assert (mechanic.date_posted, mechanic.valid_through) == ("2026-03-01", "2026-05-31")
    assert mechanic.occupational_category == "7231"  # an object, stringified by its code
    assert mechanic.japanese_text == "N4"
    assert mechanic.apply_url == "https://example.jp/apply/5001"
    cleaner = items["5002"]
    assert (cleaner.salary_min, cleaner.salary_max) == (1200, None)
    assert cleaner.address_locality is None  # locations[1] missing → None
    assert (cleaner.valid_through, cleaner.apply_url, cleaner.japanese_text) == (None, None, None)
    assert reasons(result) == ["missing_id", "missing_title", "not_an_object"]


def test_json_api_values_are_stringified_sensibly():
    body = b"""[{"id": 1.0, "title": {"ja": "\\u6eb6\\u63a5\\u5de5", "en": "Welder"}, "flag": true,
                "tags": ["a", 2, null, {"name": "c"}], "pay": {"min": "25\\u4e07"}}]"""
    mapping = {"id": "id", "title": "title", "japanese_text": "flag", "requirements": "tags",
               "salary_min": "pay.min"}
    item = only(parse_json_api(body, mapping))
    assert item.external_id == "1"
    assert item.title == '{"en": "Welder", "ja": "溶接工"}'
    assert item.japanese_text == "true"
    assert item.requirements == "a\n2\nc"
    assert item.salary_min is None and item.salary_text == "25万"  # kept as text, not lost


def test_validate_mapping():
    assert validate_mapping(API_MAPPING) == []
    problems = validate_mapping({"items": "data.jobs", "id": "id", "title": 5, "colour": "c",
                                 "city": "a..b", "address_locality": "x", "description": "x[y]"})
    assert any("title" in p and "not a string" in p for p in problems)
    assert any("unknown key 'colour'" in p for p in problems)
    assert any("'city'" in p and "not a valid path" in p for p in problems)
    assert any("address_locality" in p and "both set" in p for p in problems)
    assert any("description" in p for p in problems)
    assert validate_mapping({"title": "t"}) == ["no path for the id ('id' or 'external_id')"]
    assert validate_mapping(["id"]) != []


@pytest.mark.parametrize("body, mapping, reason", [
    (b'{"data": {"jobs": {"id": 1}}}', API_MAPPING, "items_not_a_list"),
    (b'{"data": {}}', API_MAPPING, "items_not_a_list"),
    (b'{"data": {"jobs": [', API_MAPPING, "invalid_json"),
    (b"", API_MAPPING, "empty"),
    (fixture("error_503.html"), API_MAPPING, "invalid_json"),
    (b'{"data": "caf\xe9"}', API_MAPPING, "encoding"),
    (b"[]", {"id": "id", "title": "title", "bogus": "x"}, "invalid_mapping"),
])
def test_json_api_errors(body, mapping, reason):
    with pytest.raises(ParseError) as caught:
        parse_json_api(body, mapping)
    assert caught.value.reason == reason


def test_json_api_without_items_path_reads_a_top_level_list():
    item = only(parse_json_api(b'\xef\xbb\xbf[{"id": "a", "title": "T"}]', {"id": "id", "title": "title"}))
    assert item.external_id == "a"


# --- 6. CSV ------------------------------------------------------------------------------------------


def test_csv_columns_are_documented_in_the_module_docstring():
    assert list(CSV_COLUMNS)[:2] == ["id", "title"]
    assert len(CSV_COLUMNS) == 20
    for name, meaning in CSV_COLUMNS.items():
        assert f"- {name}: {meaning}" in parsers.__doc__


def test_utf8_csv():
    result = parse_csv(fixture("jobs.csv"))
    items = by_id(result)
    assert list(items) == ["KK-1", "KK-2", "KK-6", "KK-7"]
    first = items["KK-1"]
    assert first.title == "建設作業員（型枠大工）"
    assert first.description == "<p>型枠の組立作業。</p><p>寮あり, 食事補助あり</p>"
    assert first.employer == "株式会社関東建工"
    assert (first.address_region, first.address_locality, first.address, first.postal_code) == (
        "埼玉県", "川口市", "川口1-1-1", "332-0012")
    assert first.address_country == "JP"
    assert (first.salary_text, first.salary_min, first.salary_max, first.salary_unit) == (
        "月給25万円〜32万円", 250000, 320000, "MONTH")
    assert first.employment_type == ["正社員", "FULL_TIME"]
    assert (first.japanese_text, first.requirements) == ("N4", "特定技能1号")
    assert (first.date_posted, first.valid_through) == ("2026-03-05", "2026-06-30")
    assert (first.url, first.apply_url) == ("https://kanto-kenko.example.jp/jobs/1",
                                            "https://kanto-kenko.example.jp/apply/1")
    assert first.occupational_category == "7115"
    assert items["KK-2"].salary_min == 1400  # "1,400"
    assert items["KK-2"].date_posted == "2026-03-01"
    short = items["KK-6"]  # five fields only: mapped by header position
    assert (short.employer, short.address_region, short.salary_text) == ("Short Co.", "Osaka", None)
    assert items["KK-7"].salary_text == "25万円"  # extra fields ignored
    assert [(s.reason, s.detail) for s in result.skipped] == [
        ("missing_id", "row 4: id is empty"),
        ("missing_title", "row 5: title is empty"),
    ]


def test_csv_with_bom_and_crlf():
    body = b"\xef\xbb\xbf" + fixture("jobs.csv").replace(b"\n", b"\r\n")
    assert [i.external_id for i in parse_csv(body).items] == ["KK-1", "KK-2", "KK-6", "KK-7"]


def test_shift_jis_csv():
    result = parse_csv(cp932_csv_bytes())
    items = by_id(result)
    assert list(items) == ["SJ-1", "SJ-3"]
    cleaning = items["SJ-1"]
    assert cleaning.title == "ビルクリーニングスタッフ"
    assert cleaning.employer == "株式会社なにわクリーン"
    assert (cleaning.salary_text, cleaning.salary_min, cleaning.salary_max) == ("時給1,200円～", 1200, 1400)
    assert cleaning.date_posted == "2026-03-09"
    assert cleaning.requirements == "特定技能1号（ビルクリーニング）"
    welder = items["SJ-3"]
    assert welder.employer == "㈱中部溶接"  # a CP932-only character
    assert welder.description == "ＣＯ２溶接, 研削"
    assert welder.salary_min == 250000  # full-width digits
    assert [(s.reason, s.detail) for s in result.skipped] == [("missing_title", "row 3: title is empty")]


@pytest.mark.parametrize("body, reason", [
    (b"", "empty"),
    ("id,title\r\n1,溶接工\r\n".encode("utf-16"), "encoding"),
    (b"id,title\n1,caf\xe9 \xff\xff\n", "encoding"),
    (b"title,description\nWelder,x\n", "missing_columns"),
    (b'id,title\n1,"' + b"x" * 200_000 + b'"\n', "invalid_csv"),
])
def test_csv_errors(body, reason):
    with pytest.raises(ParseError) as caught:
        parse_csv(body)
    assert caught.value.reason == reason


# --- Nothing but ParseError, whatever comes in ------------------------------------------------------


def _random(seed: int) -> bytes:
    rng = random.Random(seed)
    return rng.randbytes(rng.randint(1, 4096))


def _deep_xml(depth: int) -> bytes:
    return b"<source>" + b"<job>" * depth + b"x" + b"</job>" * depth + b"</source>"


NASTY = {
    "empty": b"",
    "blank": b" \r\n\t ",
    "nul": b"\x00" * 100,
    **{f"random-{seed}": _random(seed) for seed in range(10)},
    "random-xmlish": b"<?xml version='1.0'?><source>" + _random(99) + b"</source>",
    "random-htmlish": b"<script type='application/ld+json'>" + _random(98) + b"</script>",
    "json-deep-list": b"[" * 1000 + b"]" * 1000,
    "json-deep-object": b'{"a":' * 1000 + b"1" + b"}" * 1000,
    "json-ld-deep": b'<script type="application/ld+json">' + b'{"@type":"JobPosting","title":' * 1000
                    + b'"x"' + b"}" * 1000 + b"</script>",
    "json-api-deep-values": b'{"data":{"jobs":[{"id":1,"title":' + b"[" * 990 + b"]" * 990 + b"}]}}",
    "json-huge-int": b"1" * 5000,
    "json-big-values": b'{"data":{"jobs":[{"id":' + b"9" * 4000 + b',"title":"big","pay":{"min":1'
                       + b"0" * 4000 + b',"max":1e999999}}]}}',
    "json-nan": b'{"data":{"jobs":[{"id":NaN,"title":Infinity,"pay":{"min":-Infinity}}]}}',
    "json-surrogates": b'{"data":{"jobs":[{"id":"\\ud800","title":"\\udfff x"}]}}',
    "json-ld-odd-shapes": b"""<script type="application/ld+json">{"@type": ["JobPosting", 5, null],
        "title": {"a": [1, 2, {"b": null}]}, "identifier": [[], {}, null], "datePosted": "9999-99-99",
        "baseSalary": {"value": {"minValue": "NaN", "maxValue": 1e309}}, "jobLocation": [[[]], 5, "x"],
        "hiringOrganization": [null], "employmentType": {"x": 1}, "directApply": "javascript:alert(1)",
        "potentialAction": {"@type": "ApplyAction", "target": {"urlTemplate": 7}}, "inLanguage": [{}]}</script>""",
    "xml-billion-laughs": BILLION_LAUGHS,
    "xml-xxe": XXE,
    "xml-deep-1000": _deep_xml(1000),
    "xml-deep-20000-unclosed": b"<source>" + b"<job>" * 20_000,
    "xml-odd-encoding": b'<?xml version="1.0" encoding="rot13"?><urlset><url><loc>https://a.example/</loc></url></urlset>',
    "xml-utf16-label": b'<?xml version="1.0" encoding="UTF-16"?><source/>',
    "utf16-bom": "<source><job><title>溶接</title></job></source>".encode("utf-16"),
    "invalid-utf8": b"\xff\xfe\xfd<urlset>\xc3\x28</urlset>",
    "html-503": fixture("error_503.html"),
    "truncated-xml": fixture("truncated.xml"),
    "many-script-tags": b'<div itemscope itemtype="https://schema.org/JobPosting"><b itemprop="title">'
                        + b"<script " * 5000 + b'<a x="' * 5000,
    "unterminated-json-ld": b'<script type="application/ld+json">{"@type": "JobPosting", "title":',
    "gzip-bomb": gzip.compress(b"\x00" * (60 * 1024 * 1024), compresslevel=1),
    "csv-unbalanced-quote": b'id,title\n1,"never closed\n2,x\n',
    "rss-entity-subset": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "&#38;#60;script&#62;">]>'
                         b"<rss version='2.0'><channel><item><title>&e;</title></item></channel></rss>",
    "xhtml-error-page": b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                        b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html><body>502</body></html>',
}
assert len(NASTY) == 40


def _all_parsers(body: bytes):
    yield lambda: parse_jsonld_page(body, PAGE)
    yield lambda: parse_jsonld_page(body, PAGE, encoding_hint="x-unknown-charset")
    yield lambda: parse_sitemap(body)
    yield lambda: parse_indeed_xml(body)
    yield lambda: parse_feed(body)
    yield lambda: parse_json_api(body, API_MAPPING)
    yield lambda: parse_json_api(body, {"id": "[0].id", "title": "[0].t[3].x"})
    yield lambda: parse_csv(body)


@pytest.mark.parametrize("body", NASTY.values(), ids=NASTY.keys())
def test_nasty_input_raises_nothing_but_parse_error(body):
    for call in _all_parsers(body):
        try:
            outcome = call()
        except ParseError as error:
            assert error.reason and isinstance(error.reason, str)
            continue
        result = outcome[0] if isinstance(outcome, tuple) else outcome
        assert isinstance(result, ParseResult)
        assert all(isinstance(item, RawItem) for item in result.items)
        assert all(isinstance(skip, Skip) for skip in result.skipped)


def test_nasty_xml_is_refused_for_the_right_reason():
    for body in (BILLION_LAUGHS, XXE):
        for parse in (parse_sitemap, parse_indeed_xml):
            with pytest.raises(ParseError) as caught:
                parse(body)
            assert caught.value.reason == "unsafe_xml"
    with pytest.raises(ParseError) as caught:
        parse_sitemap(NASTY["gzip-bomb"])
    assert caught.value.reason == "too_large"
    with pytest.raises(ParseError) as caught:
        parse_indeed_xml(NASTY["xml-deep-1000"])
    assert caught.value.reason == "too_deep"
