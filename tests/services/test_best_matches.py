"""best_matches groups postings in the search snapshot and ranks only the best groups exactly; its
answer must be the same as ranking every public posting one by one."""

import random
from datetime import timedelta

import pytest

from portal.extensions import db as _db
from portal.jobs.models import Posting, VISA_CODES
from portal.matching import engine
from portal.matching.services import best_matches, job_from_posting, trade_infos
from portal.timeutil import today, utcnow

from tests.conftest import make_organisation

# Fields with an occupation of theirs (ISCO-08), as classified postings carry them.
FIELDS = [("industrial_products", "7212"), ("nursing_care", "5322"), ("automobile_transport", "8332"),
          ("agriculture", "6121"), ("food_service", "5120"), ("construction", "7115"), ("it_engineering", "2512"),
          ("construction", None), ("nursing_care", None)]
PREFECTURES = ["13", "23", "27", "01", "40", "47"]
LEVELS = ["none", "N5", "N4", "JFT_BASIC", "N3", "N2"]


@pytest.fixture
def postings(db):
    rng = random.Random(7)
    organisation = make_organisation()
    made = []
    for n in range(160):
        sector, occupation = rng.choice(FIELDS)
        visas = {code: rng.random() < 0.4 for code in VISA_CODES}
        made.append(Posting(
            organisation=organisation, title_en=f"Job {n}", description_en="Work in Japan.",
            sector_code=sector, occupation_code=occupation,
            prefecture_code=rng.choice(PREFECTURES), japanese_level=rng.choice(LEVELS),
            salary_min=rng.choice([None, 160_000, 190_000, 230_000, 280_000]), salary_unit="MONTH",
            support_housing=rng.random() < 0.5, status=rng.choice(["published"] * 5 + ["closed"]),
            published_at=utcnow(), valid_through=today() + timedelta(days=rng.choice([-3, 10, 60])),
            **{f"visa_{code}": flag for code, flag in visas.items()},
        ))
    _db.session.add_all(made)
    _db.session.commit()
    return made


def exhaustive(profile: engine.Profile, postings, limit: int) -> list[tuple[int, int, str]]:
    """Every public posting ranked one by one, in the fields the profile points to (all fields when
    it points nowhere yet): matching shows jobs of the worker's trades, tests and preferred fields."""
    fields = engine.candidate_sectors(profile, trade_infos())
    public = [p for p in postings if p.status == "published" and p.valid_through >= today()
              and (not fields or p.sector_code in fields)]
    ranked = engine.rank(profile, [job_from_posting(p) for p in public], trade_infos(), limit=limit)
    return [(r.job_id, r.score, r.eligibility) for r in ranked]


PROFILES = {
    "welder N5": engine.Profile(trades=(engine.TradeSkill("welder", 4),), jlpt="N5"),
    "caregiver N4 with tests": engine.Profile(trades=(engine.TradeSkill("caregiver", 2),), jlpt="N4",
                                              nursing_japanese=True, skills_tests=frozenset({"nursing_care"})),
    "driver with preferences": engine.Profile(
        trades=(engine.TradeSkill("htv_driver", 6),), jft_basic=True, licences=frozenset({"pk_htv"}),
        preferences=engine.Preferences(prefectures=frozenset({"23"}), min_monthly_pay=200_000, housing_needed=True)),
    "strict region and pay": engine.Profile(
        trades=(engine.TradeSkill("cook", 3),), jlpt="N4",
        preferences=engine.Preferences(regions=frozenset({"kanto"}), min_monthly_pay=190_000, strict=True)),
    "no trade yet": engine.Profile(),
}


@pytest.mark.parametrize("name", PROFILES)
@pytest.mark.parametrize("limit", [1, 5, 20])
def test_best_matches_equal_ranking_every_posting(postings, name, limit):
    profile = PROFILES[name]
    found = [(m.result.job_id, m.result.score, m.result.eligibility) for m in best_matches(profile, limit=limit)]
    assert found == exhaustive(profile, postings, limit)


def test_filtered_by_eligibility_and_sector(postings):
    profile = PROFILES["caregiver N4 with tests"]
    for eligibility in ("eligible", "needs_steps", "not_eligible"):
        found = [m.result for m in best_matches(profile, limit=10, eligibility=eligibility)]
        assert all(r.eligibility == eligibility for r in found)
        expected = [r for r in exhaustive(profile, postings, 1000) if r[2] == eligibility][:10]
        assert [(r.job_id, r.score, r.eligibility) for r in found] == expected
    in_sector = best_matches(profile, limit=50, sector="construction")
    assert in_sector and all(m.posting.sector_code == "construction" for m in in_sector)


def test_matches_follow_a_posting_that_closes(postings):
    profile = PROFILES["welder N5"]
    best = best_matches(profile, limit=1)[0].posting
    best.status = "closed"
    _db.session.commit()
    assert best.id not in [m.posting.id for m in best_matches(profile, limit=20)]
    assert [(m.result.job_id, m.result.score, m.result.eligibility) for m in best_matches(profile, limit=5)] == \
        exhaustive(profile, postings, 5)


def test_groups_keep_apart_what_changes_a_score(db):
    """Postings alike but for pay must not be scored as one group: the well-paid ones come first
    even when the badly paid ones were stored first and a group of other postings scores in between."""
    organisation = make_organisation()
    profile = engine.Profile(trades=(engine.TradeSkill("welder", 4),), jlpt="N4",
                             preferences=engine.Preferences(min_monthly_pay=200_000))

    def add(count, **values):
        values = {"occupation_code": "7212", **values}
        made = [Posting(organisation=organisation, title_en="Welder", description_en="Welding.",
                        sector_code="industrial_products", prefecture_code="23",
                        salary_unit="MONTH", visa_ssw1=True, status="published", published_at=utcnow(),
                        valid_through=today() + timedelta(days=30), **values) for _ in range(count)]
        _db.session.add_all(made)
        _db.session.commit()
        return made

    low = add(10, japanese_level="N4", salary_min=150_000)
    high = add(10, japanese_level="N4", salary_min=250_000)
    between = add(10, japanese_level="N3", salary_min=250_000)
    scores = {name: engine.rank(profile, [job_from_posting(group[0])], trade_infos(), limit=1)[0].score
              for name, group in (("low", low), ("high", high), ("between", between))}
    assert scores["low"] < scores["between"] < scores["high"], scores  # the case this test is about
    found = {m.posting.id for m in best_matches(profile, limit=5)}
    assert found <= {p.id for p in high} and len(found) == 5
