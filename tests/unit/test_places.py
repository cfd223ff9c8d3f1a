"""Where a job is (portal/feeds/places.py, a pure core) and how the parsers pass it on."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from portal.feeds import places
from portal.feeds.normalize import normalise
from portal.feeds.parsers import parse_jsonld_page
from portal.feeds.types import NormalisedPosting, RawItem, Skip


def located(**values) -> NormalisedPosting:
    result = normalise(RawItem(external_id="x", title=values.pop("title", "スタッフ"), employer="株式会社テスト",
                               **values))
    assert not isinstance(result, Skip)
    return result


# (RawItem fields, kind, primary prefecture, [(prefecture, city)] of several places)
CASES = [
    # One place, as before.
    ({"address_region": "大阪府", "address_locality": "堺市"}, "place", "27", []),
    ({"description": "【勤務地】神奈川県横浜市鶴見区\n【給与】月給22万円"}, "place", "14", []),
    ({"description": "在宅介護のヘルパー。勤務地：北海道札幌市"}, "place", "01", []),  # 在宅介護 is care, not remote
    ({"description": "勤務地：東京都千代田区（リモート可）"}, "place", "13", []),  # a remote perk
    ({"description": "Location: Tokyo\nRemote OK two days a week"}, "place", "13", []),
    # Several workplaces: in the 勤務地 line, one address field, or several jobLocations.
    ({"description": "【勤務地】東京都新宿区、大阪府大阪市北区、愛知県名古屋市\n【給与】月給25万円"}, "places", "13",
     [("13", "新宿区"), ("27", "大阪市"), ("23", "名古屋市")]),
    ({"address": "東京都・大阪府"}, "places", "13", [("13", None), ("27", None)]),
    ({"address_region": "東京都", "more_locations": [{"address_region": "福岡県", "address_locality": "福岡市"}]},
     "places", "13", [("13", None), ("40", "福岡市")]),
    ({"description": "Locations: Nagoya, Aichi / Hamamatsu, Shizuoka\nSalary: ¥1,400 an hour"}, "places", "23",
     [("23", None), ("22", None)]),
    ({"address_region": "東京都", "more_locations": [{"address_region": "Ohio", "address_country": "US"}]},
     "place", "13", []),  # a workplace abroad is not one of the places in Japan
    # Anywhere in Japan.
    ({"description": "勤務地：全国各地の現場\n給与：月給30万円"}, "nationwide", None, []),
    ({"address": "全国"}, "nationwide", None, []),
    ({"description": "We hire drivers anywhere in Japan."}, "nationwide", None, []),
    ({"address_region": "東京都", "description": "【勤務地】全国（本社：東京都港区）"}, "nationwide", "13", [("13", "港区")]),
    ({"nationwide": True}, "nationwide", None, []),
    # Remote.
    ({"description": "フルリモート勤務。給与：年収600万円"}, "remote", None, []),
    ({"address_region": "Tokyo", "description": "Fully remote."}, "remote", "13", [("13", None)]),
    ({"address": "在宅勤務（日本国内）"}, "remote", None, []),
    ({"remote": True}, "remote", None, []),
    # Nothing named.
    ({"description": "Good job, good pay."}, "unstated", None, []),
]


@pytest.mark.parametrize("fields, kind, primary, several", CASES)
def test_places_as_ads_state_them(fields, kind, primary, several):
    posting = located(**fields)
    assert (posting.location_kind, posting.prefecture_code) == (kind, primary)
    assert posting.places == several


def test_a_title_without_place_text_or_employer_is_not_an_ad():
    posting = normalise(RawItem(external_id="x", title="Staff"))
    assert posting.location_kind == "unstated"  # the import service skips it: nothing to act on


def test_jsonld_job_locations_telecommute_and_applicant_country():
    page = {
        "@context": "https://schema.org", "@type": "JobPosting", "title": "Engineer", "identifier": "E1",
        "jobLocation": [
            {"@type": "Place", "address": {"@type": "PostalAddress", "addressRegion": "Ohio", "addressCountry": "US"}},
            {"@type": "Place", "address": {"@type": "PostalAddress", "addressRegion": "Kyoto", "addressCountry": "JP"}},
            {"@type": "Place", "address": {"@type": "PostalAddress", "addressRegion": "Hyogo", "addressCountry": "JP"}},
        ],
    }
    html = f'<script type="application/ld+json">{json.dumps(page)}</script>'
    [item] = parse_jsonld_page(html.encode(), "https://jobs.example.com/e1").items
    assert item.address_region == "Kyoto" and [m["address_region"] for m in item.more_locations] == ["Ohio", "Hyogo"]
    posting = normalise(item)
    assert (posting.location_kind, posting.places) == ("places", [("26", None), ("28", None)])

    remote = {**page, "jobLocationType": "TELECOMMUTE", "jobLocation": None,
              "applicantLocationRequirements": {"@type": "Country", "name": "Japan"}}
    html = f'<script type="application/ld+json">{json.dumps(remote)}</script>'
    [item] = parse_jsonld_page(html.encode(), "https://jobs.example.com/e1").items
    assert item.remote and item.nationwide
    assert normalise(item).location_kind == "remote"


WAGES = {"13": 1163, "27": 1114, "40": 992, "47": 952}


@pytest.mark.parametrize("kind, codes, expected", [
    ("place", ["40"], (992, "40")),
    ("places", ["40", "27"], (1114, "27")),  # the highest of the places named
    ("nationwide", [], (1163, "13")),  # the highest in Japan
    ("remote", ["47"], (1163, "13")),
    ("unstated", [], (1163, "13")),
    ("place", ["99"], (None, None)),
])
def test_the_minimum_wage_a_job_must_meet(kind, codes, expected):
    assert places.minimum_wage_for(kind, codes, WAGES) == expected


def test_places_module_is_pure():
    tree = ast.parse(Path(places.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"flask", "sqlalchemy", "requests", "flask_sqlalchemy"}
