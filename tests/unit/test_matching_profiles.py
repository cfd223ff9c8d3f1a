"""Realistic seekers against one shared board of realistic postings: the best match is in their field.

The trades come from portal/data/taxonomy/trades.csv (read with the csv module, as the lead's
loader will), so a change to the trade → ISCO → field mapping shows up here.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from portal.matching import engine
from portal.matching.engine import (
    SSW_FIELDS,
    Eligibility,
    Job,
    Preferences,
    Profile,
    TradeInfo,
    TradeSkill,
    candidate_sectors,
    rank,
)

TAXONOMY = Path(engine.__file__).resolve().parents[1] / "data" / "taxonomy"
TODAY = date(2026, 11, 30)


def load_trades() -> dict[str, TradeInfo]:
    with (TAXONOMY / "trades.csv").open(encoding="utf-8", newline="") as f:
        return {row["code"]: TradeInfo(frozenset(row["isco_codes"].split(";")), frozenset(row["sectors"].split(";")))
                for row in csv.DictReader(f)}


TRADES = load_trades()
REGION = {"01": "hokkaido", "04": "tohoku", "08": "kanto", "11": "kanto", "12": "kanto", "13": "kanto",
          "14": "kanto", "20": "chubu", "21": "chubu", "22": "chubu", "23": "chubu", "26": "kansai",
          "27": "kansai", "28": "kansai", "34": "chugoku", "38": "shikoku", "40": "kyushu_okinawa",
          "42": "kyushu_okinawa", "45": "kyushu_okinawa", "46": "kyushu_okinawa", "47": "kyushu_okinawa"}


def job(id, sector, occupation, prefecture, japanese, visas, pay, housing=False, sub_area=None) -> Job:
    return Job(id=id, sector=sector, occupation=occupation, prefecture=prefecture, region=REGION[prefecture],
               japanese_level=japanese, visas=frozenset(visas.split()), monthly_jpy=pay, housing=housing,
               sub_area=sub_area)


# One board for every profile: 42 postings across all 18 sectors.
JOBS = [
    job(1, "nursing_care", "5321", "27", "N4", "ssw1", 230_000, True),  # care home, Osaka
    job(2, "nursing_care", "5321", "01", "N4", "ssw1 esd", 210_000),  # care home, Hokkaido
    job(3, "building_cleaning", "9112", "13", "JFT_BASIC", "ssw1 ssw2", 200_000),  # office cleaning, Tokyo
    job(4, "building_cleaning", "9129", "23", "none", "esd", 190_000, True),  # hospital cleaning, Aichi
    job(5, "industrial_products", "7212", "23", "N4", "ssw1 ssw2", 260_000, True),  # welding, car parts
    job(6, "industrial_products", "7223", "22", "N4", "ssw1", 250_000),  # CNC lathe, Shizuoka
    job(7, "industrial_products", "7533", "21", "N5", "esd", 180_000, True),  # sewing plant, Gifu
    job(8, "industrial_products", "7412", "28", "N4", "ssw1", 240_000),  # electrical assembly, Hyogo
    job(9, "construction", "7411", "13", "N4", "ssw1 ssw2", 280_000),  # electrical works, Tokyo
    job(10, "construction", "7112", "11", "N4", "ssw1", 270_000),  # block laying, Saitama
    job(11, "construction", "7126", "14", "N4", "ssw1", 270_000),  # plumbing, Kanagawa
    job(12, "construction", "7115", "12", "N4", "ssw1 ssw2", 280_000),  # carpentry, Chiba
    job(13, "construction", "7131", "27", "JFT_BASIC", "ssw1", 260_000),  # building painting, Osaka
    job(14, "construction", "8342", "40", "N4", "ssw1", 300_000),  # excavator, Fukuoka
    job(15, "shipbuilding", "7212", "34", "N4", "ssw1 ssw2", 270_000, True),  # hull welding, Hiroshima
    job(16, "shipbuilding", "7214", "42", "N4", "ssw1", 250_000, True),  # steel erection, Nagasaki
    job(17, "automobile_repair", "7231", "23", "N4", "ssw1 ssw2", 250_000),  # dealer workshop, Aichi
    job(18, "automobile_repair", "7231", "01", "N5", "esd", 200_000, True),  # truck workshop, Hokkaido
    job(19, "aviation", "7232", "12", "N4", "ssw1", 260_000),  # aircraft maintenance, Narita
    job(20, "aviation", "9333", "27", "N4", "ssw1", 230_000),  # ground handling, Kansai airport
    job(21, "accommodation", "9112", "26", "N4", "ssw1", 210_000, True),  # ryokan housekeeping, Kyoto
    job(22, "accommodation", "4224", "47", "N3", "ssw1", 220_000, True),  # resort front desk, Okinawa
    job(23, "automobile_transport", "8332", "11", "N4", "ssw1", 320_000, sub_area="truck"),  # trucking, Saitama
    job(24, "automobile_transport", "8322", "13", "N3", "ssw1", 280_000, sub_area="taxi"),  # taxi, Tokyo
    job(25, "railway", "8312", "27", "N4", "ssw1", 250_000),  # track and signal, Osaka
    job(26, "railway", "7233", "23", "N4", "ssw1", 240_000),  # rolling stock, Aichi
    job(27, "agriculture", "9211", "08", "N5", "ssw1 esd", 190_000, True),  # vegetables, Ibaraki
    job(28, "agriculture", "9212", "01", "N4", "ssw1", 210_000, True),  # dairy farm, Hokkaido
    job(29, "agriculture", "6122", "46", "N4", "ssw1", 200_000, True),  # poultry farm, Kagoshima
    job(30, "fishery", "6222", "04", "N4", "ssw1", 230_000, True),  # coastal fishing, Miyagi
    job(31, "fishery", "6221", "38", "N5", "esd", 190_000, True),  # fish farm, Ehime
    job(32, "food_manufacturing", "7512", "11", "N4", "ssw1 ssw2", 210_000),  # bakery plant, Saitama
    job(33, "food_manufacturing", "8160", "12", "N5", "esd", 190_000),  # bento factory, Chiba
    job(34, "food_manufacturing", "7511", "04", "N4", "ssw1", 200_000, True),  # fish processing, Miyagi
    job(35, "food_service", "5120", "13", "N4", "ssw1 ssw2", 230_000),  # restaurant cook, Tokyo
    job(36, "food_service", "9412", "27", "N5", "esd", 190_000),  # kitchen helper, Osaka
    job(37, "forestry", "6210", "20", "N4", "ssw1", 220_000, True),  # logging, Nagano
    job(38, "wood_industry", "8172", "45", "N4", "ssw1", 210_000, True),  # sawmill, Miyazaki
    job(39, "wood_industry", "7523", "21", "N4", "ssw1", 220_000),  # woodworking plant, Gifu
    job(40, "it_engineering", "2512", "13", "N3", "engineer", 350_000),  # software developer, Tokyo
    job(41, "it_engineering", "2523", "27", "N2", "engineer", 330_000),  # network engineer, Osaka
    job(42, "other", "8344", "11", "N4", "other", 230_000),  # forklift, warehouse, Saitama
]


def test_the_board_covers_every_sector():
    assert {j.sector for j in JOBS} == SSW_FIELDS | {"it_engineering", "other"}
    assert len({j.id for j in JOBS}) == len(JOBS) >= 40


def T(code: str, years: float = 0, level: int | None = None) -> TradeSkill:
    assert code in TRADES, code
    return TradeSkill(code, years, level)


def passed(*codes: str) -> frozenset[str]:
    return frozenset(codes)


# (name, profile, expected sector of the best match, expected occupation or None)
PROFILES = [
    ("welder, NAVTTC level 3, N5", Profile(trades=(T("welder", 4, 3),), jlpt="N5"),
     {"industrial_products", "shipbuilding"}, "7212"),
    ("welder who wants Hiroshima", Profile(trades=(T("welder", 4, 3),), jlpt="N5",
                                           preferences=Preferences(prefectures=frozenset({"34"}))),
     {"shipbuilding"}, "7212"),
    ("caregiver with N4 and both care tests", Profile(trades=(T("caregiver", 3),), jlpt="N4",
                                                      skills_tests=passed("nursing_care"), nursing_japanese=True),
     {"nursing_care"}, "5321"),
    ("nursing assistant after TITP in care", Profile(trades=(T("nursing_assistant", 3),), jlpt="N5",
                                                     titp_completed="nursing_care"),
     {"nursing_care"}, "5321"),
    ("cook with JFT-Basic and the food service test", Profile(trades=(T("cook", 6),), jft_basic=True,
                                                              skills_tests=passed("food_service")),
     {"food_service"}, "5120"),
    ("kitchen helper without Japanese", Profile(trades=(T("kitchen_helper", 2),)), {"food_service"}, "9412"),
    ("HTV driver with a Pakistani licence", Profile(trades=(T("htv_driver", 8),), jlpt="N4",
                                                    skills_tests=passed("automobile_transport/truck"),
                                                    licences=frozenset({"pk_htv"})),
     {"automobile_transport"}, "8332"),
    ("taxi driver with N3", Profile(trades=(T("ltv_driver", 5),), jlpt="N3", licences=frozenset({"pk_ltv"}),
                                    skills_tests=passed("automobile_transport/taxi")),
     {"automobile_transport"}, "8322"),
    ("dairy worker with N5", Profile(trades=(T("dairy_worker", 5),), jlpt="N5"), {"agriculture"}, "9212"),
    ("poultry worker with N4", Profile(trades=(T("poultry_worker", 3),), jlpt="N4", skills_tests=passed("agriculture")),
     {"agriculture"}, None),  # poultry_worker also has 9212 (livestock labourers): the dairy farm ties
    ("poultry worker who wants Kyushu", Profile(trades=(T("poultry_worker", 3),), jlpt="N4",
                                                skills_tests=passed("agriculture"),
                                                preferences=Preferences(regions=frozenset({"kyushu_okinawa"}))),
     {"agriculture"}, "6122"),
    ("farm worker without Japanese", Profile(trades=(T("farm_worker", 10),)), {"agriculture"}, "9211"),
    ("IT graduate with a bachelor's", Profile(trades=(T("it_software", 2),), jlpt="N3", education="bachelor"),
     {"it_engineering"}, "2512"),
    ("network technician with a master's and N2", Profile(trades=(T("network_technician", 4),), jlpt="N2",
                                                          education="master"),
     {"it_engineering"}, "2523"),
    ("tailor, 10 years, N5", Profile(trades=(T("tailor", 10),), jlpt="N5"), {"industrial_products"}, "7533"),
    ("sewing machine operator", Profile(trades=(T("sewing_machine_operator", 3, 2),), jlpt="N5"),
     {"industrial_products"}, "7533"),
    ("auto mechanic, NAVTTC 2, test passed", Profile(trades=(T("auto_mechanic", 5, 2),), jlpt="N4",
                                                     skills_tests=passed("automobile_repair")),
     {"automobile_repair"}, "7231"),
    ("electrician, construction test", Profile(trades=(T("electrician", 6, 3),), jlpt="N4",
                                               skills_tests=passed("construction")),
     {"construction"}, "7411"),
    ("industrial electrician", Profile(trades=(T("industrial_electrician", 4),), jlpt="N4",
                                       skills_tests=passed("industrial_products")),
     {"industrial_products"}, "7412"),
    ("mason", Profile(trades=(T("mason", 8),), jlpt="N5"), {"construction"}, "7112"),
    ("plumber", Profile(trades=(T("plumber", 5, 2),), jlpt="N4"), {"construction"}, "7126"),
    ("carpenter", Profile(trades=(T("carpenter", 7),), jlpt="N4", skills_tests=passed("construction")),
     {"construction"}, "7115"),
    ("painter", Profile(trades=(T("painter", 4),), jft_basic=True), {"construction"}, "7131"),
    ("excavator operator with a Japanese licence", Profile(trades=(T("heavy_equipment_operator", 9),), jlpt="N4",
                                                           licences=frozenset({"jp"})),
     {"construction"}, "8342"),
    ("fisherman", Profile(trades=(T("fisherman", 12),), jlpt="N5"), {"fishery"}, "6222"),
    ("fish farm worker without Japanese", Profile(trades=(T("aquaculture_worker", 3),)), {"fishery"}, "6221"),
    ("hotel housekeeping, accommodation test", Profile(trades=(T("hotel_housekeeping", 3),), jlpt="N4",
                                                       skills_tests=passed("accommodation")),
     {"accommodation"}, "9112"),
    ("front desk with N3", Profile(trades=(T("front_desk", 2),), jlpt="N3", skills_tests=passed("accommodation")),
     {"accommodation"}, "4224"),
    ("cleaner, building cleaning test", Profile(trades=(T("cleaner", 4),), jlpt="N4",
                                                skills_tests=passed("building_cleaning")),
     {"building_cleaning"}, None),
    ("CNC machinist", Profile(trades=(T("cnc_machinist", 5, 3),), jlpt="N4",
                              skills_tests=passed("industrial_products")),
     {"industrial_products"}, "7223"),
    ("baker", Profile(trades=(T("baker", 6),), jlpt="N4", skills_tests=passed("food_manufacturing")),
     {"food_manufacturing"}, "7512"),
    ("fish processing worker", Profile(trades=(T("fish_processing", 3),), jlpt="N4"),
     {"food_manufacturing"}, None),  # 7511 and 8160 both fit; the ESD posting is open without a test
    ("fish processing worker with the test", Profile(trades=(T("fish_processing", 3),), jlpt="N4",
                                                     skills_tests=passed("food_manufacturing")),
     {"food_manufacturing"}, None),
    ("food factory worker without Japanese", Profile(trades=(T("food_factory_worker", 2),)),
     {"food_manufacturing"}, "8160"),
    ("forklift operator with a Pakistani licence", Profile(trades=(T("forklift_operator", 4),), jlpt="N4",
                                                           licences=frozenset({"pk_ltv"})),
     {"other"}, "8344"),
    ("aircraft technician", Profile(trades=(T("aircraft_technician", 6),), jlpt="N4", skills_tests=passed("aviation")),
     {"aviation"}, "7232"),
    ("airport ground staff", Profile(trades=(T("airport_ground_staff", 2),), jlpt="N4"), {"aviation"}, "9333"),
    ("ship welder", Profile(trades=(T("ship_welder", 5),), jlpt="N4", skills_tests=passed("shipbuilding")),
     {"shipbuilding"}, "7212"),
    ("steel fabricator for a shipyard", Profile(trades=(T("steel_fabricator", 6),), jlpt="N4",
                                                skills_tests=passed("shipbuilding")),
     {"shipbuilding"}, None),  # 7214 and 7212 both fit
    ("woodworker", Profile(trades=(T("woodworker", 5),), jlpt="N4"), {"wood_industry"}, None),
    ("forestry worker", Profile(trades=(T("forestry_worker", 4),), jlpt="N4", skills_tests=passed("forestry")),
     {"forestry"}, "6210"),
    ("railway worker", Profile(trades=(T("railway_worker", 6),), jlpt="N4", skills_tests=passed("railway")),
     {"railway"}, None),
    ("maintenance fitter with the railway test", Profile(trades=(T("maintenance_fitter", 5),), jlpt="N4",
                                                         skills_tests=passed("railway")),
     {"railway"}, "7233"),
    ("auto mechanic without Japanese (ESD)", Profile(trades=(T("auto_mechanic", 2),), jlpt="N5"),
     {"automobile_repair"}, "7231"),
]


def test_enough_profiles():
    assert len(PROFILES) >= 25


@pytest.mark.parametrize(("profile", "sectors", "occupation"), [p[1:] for p in PROFILES],
                         ids=[p[0] for p in PROFILES])
def test_best_match_is_in_the_expected_field(profile, sectors, occupation):
    ranked = rank(profile, JOBS, TRADES, limit=5, today=TODAY)
    by_id = {j.id: j for j in JOBS}
    best = by_id[ranked[0].job_id]
    assert best.sector in sectors, [(r.job_id, by_id[r.job_id].sector, r.score, r.eligibility) for r in ranked]
    if occupation is not None:
        assert best.occupation == occupation
    assert ranked[0].eligibility is not Eligibility.NOT_ELIGIBLE
    assert any(r.code in ("trade_fits_occupation", "trade_fits_sector") for r in ranked[0].reasons)
    # the lead pre-filters the query by candidate sectors: the best match must survive it
    assert best.sector in candidate_sectors(profile, TRADES)
    assert rank(profile, [j for j in JOBS if j.sector in candidate_sectors(profile, TRADES)], TRADES,
                limit=1, today=TODAY)[0] == ranked[0]


VERDICTS = [
    ("caregiver with N4 and both care tests", Eligibility.ELIGIBLE, "ssw1"),
    ("nursing assistant after TITP in care", Eligibility.NEEDS_STEPS, "ssw1"),  # tests exempt, N4 posting
    ("HTV driver with a Pakistani licence", Eligibility.NEEDS_STEPS, "ssw1"),
    ("IT graduate with a bachelor's", Eligibility.ELIGIBLE, "engineer"),
    ("farm worker without Japanese", Eligibility.NEEDS_STEPS, "esd"),
    ("welder, NAVTTC level 3, N5", Eligibility.NEEDS_STEPS, "ssw1"),
    ("forklift operator with a Pakistani licence", Eligibility.NEEDS_STEPS, "other"),
]


@pytest.mark.parametrize(("name", "verdict", "route"), VERDICTS, ids=[v[0] for v in VERDICTS])
def test_verdict_of_the_best_match(name, verdict, route):
    profile = next(p[1] for p in PROFILES if p[0] == name)
    best = rank(profile, JOBS, TRADES, limit=1, today=TODAY)[0]
    assert (best.eligibility, best.route) == (verdict, route)


@pytest.mark.parametrize(("name", "gaps"), [
    ("HTV driver with a Pakistani licence", [("convert_licence", {"have": "pk_htv"})]),
    ("nursing assistant after TITP in care", [("needs_japanese_level", {"needed": "N4", "have": "N5"})]),
    ("welder who wants Hiroshima", [("pass_skills_test", {"sector": "shipbuilding"}),
                                    ("pass_jft_or_n4", {"have": "N5"})]),
])
def test_what_the_best_match_still_needs(name, gaps):
    profile = next(p[1] for p in PROFILES if p[0] == name)
    best = rank(profile, JOBS, TRADES, limit=1, today=TODAY)[0]
    assert [(r.code, dict(r.params)) for r in best.reasons if r.kind == "gap"] == gaps
