"""The posting classifier: codes, word boundaries, context, and a measurement on the labelled set."""

from __future__ import annotations

import csv
import json
import re

import pytest

from portal.matching.classify import (
    DATA_DIR,
    MIN_CONFIDENCE,
    ONET_TO_ISCO,
    Classification,
    build_taxonomy,
    classify,
    load_taxonomy,
)

LABELLED = DATA_DIR / "classification" / "labelled_postings.jsonl"
SSW_FIELDS = [row["code"] for row in csv.DictReader((DATA_DIR / "ssw_fields.csv").open(encoding="utf-8"))]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(DATA_DIR)


def _labelled() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


# ------------------------------------------------------------------------------- table of cases

# (title, description, occupational_category, sector, occupation or ..., source)
ANY = ...
CASES = [
    # ISCO-08 codes, in the ways feeds write them
    ("Welder", None, "7212", "industrial_products", "7212", "code"),
    ("介護職員", None, "ISCO-08: 5321", "nursing_care", "5321", "code"),
    ("Mechanic", None, "7231 Motor vehicle mechanics and repairers", "automobile_repair", "7231", "code"),
    ("溶接工", None, "７２１２", "industrial_products", "7212", "code"),  # full-width digits
    ("Staff", None, "ISCO 8332", "automobile_transport", "8332", "code"),
    # O*NET-SOC through the crosswalk
    ("Welder", None, "51-4121.06", "industrial_products", "7212", "code"),
    ("Nursing Assistant", None, "31-1131", "nursing_care", "5321", "code"),
    ("Driver", None, "53-3032.00", "automobile_transport", "8332", "code"),
    ("Cook", None, "35-2014.00", "food_service", "5120", "code"),
    ("Ranch hand", None, "45-2093.00", "agriculture", "9212", "code"),
    ("整備スタッフ", None, "49-3023.00", "automobile_repair", "7231", "code"),
    ("Cleaner", None, "37-2011.00", "building_cleaning", "9112", "code"),
    ("作業員", None, "47-2061", "construction", "9313", "code"),
    ("Developer", None, "15-1252.00", "it_engineering", "2512", "code"),
    # registered nurses are not SSW nursing care, by code and by text
    ("看護師（病棟）", None, "2221", "other", "2221", "code"),
    ("Registered Nurse", None, "29-1141.00", "other", "2221", "code"),
    ("病棟看護師", "日本の看護師免許をお持ちの方。", None, "other", "2221", "text"),
    ("看護助手", "患者様の食事介助、シーツ交換をお願いします。", None, "nursing_care", "5321", "text"),
    # a code we do not know: the text decides
    ("介護職員（特養）", None, "9999", "nursing_care", "5321", "text"),
    ("Care worker", None, "99-9999.00", "nursing_care", ANY, "text"),
    # the code fixes the occupation; context may move the sector only where that occupation works
    ("Shipyard Welder", "Weld hull blocks at our shipyard.", "51-4121.06", "shipbuilding", "7212", "code"),
    ("造船所の清掃スタッフ", "造船所の事務所の清掃", "9112", "building_cleaning", "9112", "code"),
    # Latin terms are whole words; acronyms only in upper case
    ("Kitchen assistant", "Wash dishes in the kitchen.", None, "food_service", ANY, "text"),
    ("Cookie shop", None, None, "other", None, "none"),
    ("Make it happen", "It is what it is.", None, "other", None, "none"),
    ("IT Support Technician", "Help staff with PCs.", None, "it_engineering", ANY, "text"),
    ("Welders wanted", None, None, "industrial_products", "7212", "text"),  # plural
    ("Cooks", None, None, "food_service", "5120", "text"),
    # Japanese: context decides a shared trade
    ("建設現場の溶接工", None, None, "construction", "7212", "text"),
    ("造船所の溶接工", "大型船の船体ブロックの溶接", None, "shipbuilding", "7212", "text"),
    ("工場内の溶接作業", None, None, "industrial_products", "7212", "text"),
    ("自動車部品工場の製造スタッフ", "ブレーキ部品の機械加工と検査", None, "industrial_products", ANY, "text"),
    ("自動車整備士", "車検・点検整備", None, "automobile_repair", "7231", "text"),
    ("トラック整備士", "大型トラックの点検と修理", None, "automobile_repair", "7231", "text"),
    ("大型トラックドライバー", "長距離輸送", None, "automobile_transport", "8332", "text"),
    ("弁当・惣菜工場の製造スタッフ", "コンビニ向けお弁当の盛付け", None, "food_manufacturing", ANY, "text"),
    ("飲食店の調理スタッフ", "ラーメン店の厨房で調理", None, "food_service", "5120", "text"),
    ("ホテル内レストランの調理師", "和食レストランでの調理", None, "food_service", "5120", "text"),
    ("ホテルフロントスタッフ", "チェックイン・チェックアウト", None, "accommodation", "4224", "text"),
    ("鉄道車両の整備", None, None, "railway", ANY, "text"),  # 車両整備 hides 整備
    ("航空機整備士", None, None, "aviation", "7232", "text"),
    ("ＩＴエンジニア", None, None, "it_engineering", ANY, "text"),  # full-width Latin
    # katakana glued into a longer word does not match (バス|タオル, ユ|ニット)
    ("バスタオル", None, None, "other", None, "none"),
    ("ユニット", None, None, "other", None, "none"),
    ("ビジネスホテルの客室係", None, None, "accommodation", ANY, "text"),  # but ビジネス|ホテル does
    # nothing to go on
    ("", None, None, "other", None, "none"),
    (None, None, None, "other", None, "none"),
]


@pytest.mark.parametrize(("title", "description", "category", "sector", "occupation", "source"), CASES)
def test_cases(taxonomy, title, description, category, sector, occupation, source):
    result = classify(taxonomy, title=title, description=description, occupational_category=category)
    assert isinstance(result, Classification)
    assert (result.sector, result.source) == (sector, source), result.evidence
    if occupation is not ANY:
        assert result.occupation == occupation, result.evidence
    assert 0.0 <= result.confidence <= 1.0
    assert result.evidence


def test_code_confidences(taxonomy):
    assert classify(taxonomy, title="x", occupational_category="7212").confidence == 0.95
    assert classify(taxonomy, title="x", occupational_category="51-4121.06").confidence == 0.90
    moved = classify(taxonomy, title="Shipyard welder", description="at our shipyard",
                     occupational_category="7212")
    assert moved.sector == "shipbuilding" and moved.confidence == pytest.approx(0.85)
    assert any("shipyard" in line.lower() for line in moved.evidence)


def test_text_confidence_is_below_codes_and_grows_with_margin(taxonomy):
    clear = classify(taxonomy, title="介護職員", description="特別養護老人ホームで入浴・食事の介護")
    split = classify(taxonomy, title="溶接工")  # factory, site or shipyard: unclear
    assert clear.source == split.source == "text"
    assert clear.confidence <= 0.9
    assert clear.confidence > split.confidence >= MIN_CONFIDENCE


def test_title_weighs_more_than_description(taxonomy):
    result = classify(taxonomy, title="介護職員", description="居室の清掃もあります")
    assert result.sector == "nursing_care"
    assert result.evidence[0].startswith("title:")


def test_evidence_names_the_field_and_the_term(taxonomy):
    result = classify(taxonomy, title="造船所の溶接工")
    assert any(line.startswith('title: "造船所"') and "shipbuilding" in line for line in result.evidence)
    assert result.scores[0][0] == "shipbuilding"


def test_bilingual_fields(taxonomy):
    result = classify(taxonomy, title_en="Care worker", title_ja="介護職員", description_ja="特養での介護")
    assert result.sector == "nursing_care" and result.occupation == "5321"


def test_pure_taxonomy_from_plain_data():
    taxonomy = build_taxonomy(
        occupations={"7212": ("Welders and flamecutters", "溶接工", "industrial_products")},
        synonyms={"welding": [("welder", "en"), ("溶接", "ja")], "shipbuilding": [("shipyard", "en"), ("造船", "ja")]},
        sectors={"industrial_products": ("Industrial products", "工業製品製造業"),
                 "shipbuilding": ("Shipbuilding", "造船・舶用工業"), "other": ("Other", "その他")},
        weights=[
            {"key": "welding", "sector": "industrial_products", "weight": "0.6", "isco": "7212"},
            {"key": "welding", "sector": "shipbuilding", "weight": "0.4", "isco": "7212"},
            {"key": "shipbuilding", "sector": "shipbuilding", "weight": "1.0", "isco": ""},
        ],
    )
    assert classify(taxonomy, title="Welder").sector == "industrial_products"
    result = classify(taxonomy, title="造船の溶接")
    assert (result.sector, result.occupation) == ("shipbuilding", "7212")


# -------------------------------------------------------------------------------- data checks


def test_crosswalk_targets_exist(taxonomy):
    assert len(ONET_TO_ISCO) >= 25
    for onet, isco in ONET_TO_ISCO.items():
        assert re.fullmatch(r"\d{2}-\d{4}", onet)
        assert isco in taxonomy.occupations, (onet, isco)


def test_sector_weights_refer_to_known_data(taxonomy):
    with (DATA_DIR / "classification" / "sector_weights.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if line.strip() and not line.startswith("#")))
    assert rows
    for row in rows:
        key = row["key"]
        if key.startswith("term:"):
            assert 0 < float(row["weight"]) <= 1
            continue
        if key.startswith("vote:"):
            assert key[5:] in taxonomy.synonyms and 0 < float(row["weight"]) <= 1, row
            continue
        assert row["sector"] in taxonomy.sectors, row
        if key.startswith("isco:"):
            assert key[5:] in taxonomy.occupations, row
        else:
            assert key in taxonomy.synonyms, row
        if row["isco"]:
            assert row["isco"] in taxonomy.occupations, row
    assert set(taxonomy.sectors) == set(SSW_FIELDS) | {"it_engineering", "other"}


# ------------------------------------------------------------------------ the labelled set


def test_labelled_set_is_well_formed(taxonomy):
    items = _labelled()
    assert len(items) >= 160
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        assert set(item) == {"id", "lang", "title", "description", "occupational_category", "sector", "occupation"}
        assert item["sector"] in taxonomy.sectors, item["id"]
        assert item["occupation"] is None or item["occupation"] in taxonomy.occupations, item["id"]
        assert item["lang"] in {"en", "ja"}
        assert bool(JAPANESE.search(item["title"] + item["description"])) == (item["lang"] == "ja"), item["id"]


def test_labelled_set_covers_every_sector_and_is_half_japanese(taxonomy):
    items = _labelled()
    per_sector = {code: sum(1 for item in items if item["sector"] == code) for code in taxonomy.sectors}
    assert all(count > 0 for count in per_sector.values()), per_sector
    assert all(per_sector[code] >= 6 for code in SSW_FIELDS), per_sector
    assert per_sector["it_engineering"] >= 4 and per_sector["other"] >= 4
    japanese = sum(1 for item in items if JAPANESE.search(item["title"]))
    assert japanese >= 80 and japanese * 2 >= len(items)
    with_category = sum(1 for item in items if item["occupational_category"])
    assert 0.15 <= with_category / len(items) <= 0.35


def test_sector_accuracy_on_labelled_set(taxonomy):
    items = _labelled()
    results = [
        classify(taxonomy, title=item["title"], description=item["description"],
                 occupational_category=item["occupational_category"])
        for item in items
    ]
    correct = [result.sector == item["sector"] for item, result in zip(items, results)]
    accuracy = sum(correct) / len(items)
    misses = [item["id"] for item, ok in zip(items, correct) if not ok]
    assert accuracy >= 0.90, (accuracy, misses)
    for lang in ("en", "ja"):
        subset = [ok for item, ok in zip(items, correct) if item["lang"] == lang]
        assert sum(subset) / len(subset) >= 0.85, lang


# ------------------------------------------------------------------------ close calls


def test_close_call_names_the_runner_up(taxonomy):
    """Both fields are named when their scores are close; a clear posting or a code is no close call."""
    close = classify(taxonomy, title="Airport cleaning", description="Clean the terminal.")
    assert {close.sector, close.runner_up} == {"aviation", "building_cleaning"}, close.scores
    clear = classify(taxonomy, title="介護職員（特養）", description="入浴介助、食事介助。")
    assert clear.runner_up is None
    coded = classify(taxonomy, title="Airport cleaning", occupational_category="9112")
    assert coded.runner_up is None
