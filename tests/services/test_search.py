"""Search behaves the same on SQLite (FTS5) and PostgreSQL (tsvector): one set of cases for both."""

from datetime import timedelta

import pytest

from portal.extensions import db as _db
from portal.jobs.models import Posting
from portal.jobs.search import SearchParamError, SearchParams, parse_params, search
from portal.timeutil import today, utcnow

from tests.conftest import make_organisation


def make_posting(**values) -> Posting:
    defaults = dict(
        title_en="General worker", description_en="Work in Japan.", sector_code="industrial_products",
        prefecture_code="23", employment_type="FULL_TIME", salary_min=200_000, salary_unit="MONTH",
        japanese_level="N4", visa_ssw1=True, status="published", published_at=utcnow(),
        valid_through=today() + timedelta(days=30),
    )
    defaults.update(values)
    if "organisation" not in defaults and "organisation_id" not in defaults:
        defaults["organisation"] = make_organisation()
    posting = Posting(**defaults)
    _db.session.add(posting)
    _db.session.commit()
    return posting


def ids(params: SearchParams) -> set[int]:
    return {p.id for p in search(params).items}


@pytest.fixture
def world(db):
    org = make_organisation()
    return {
        "welder_ja": make_posting(organisation=org, title_en=None, description_en=None, title_ja="溶接工（特定技能）",
                                  description_ja="自動車部品の溶接作業です。寮あり。", sector_code="industrial_products",
                                  prefecture_code="23", support_housing=True),
        "care_en": make_posting(organisation=org, title_en="Care worker at a nursing home",
                                description_en="Help elderly residents with daily life.", sector_code="nursing_care",
                                prefecture_code="27", japanese_level="N3", salary_min=230_000),
        "farm_ja": make_posting(organisation=org, title_en=None, description_en=None, title_ja="農業スタッフ",
                                description_ja="野菜の収穫と出荷の仕事です。", sector_code="agriculture", sub_area="crops",
                                prefecture_code="08", japanese_level="none", salary_min=1_100, salary_unit="HOUR"),
        "driver_both": make_posting(organisation=org, title_en="Truck driver", title_ja="トラック運転手",
                                    description_en="Deliver goods.", description_ja="配送業務です。",
                                    sector_code="automobile_transport", prefecture_code="11", japanese_level="N3",
                                    visa_ssw1=True, salary_min=280_000, employment_type="FULL_TIME"),
        "closed": make_posting(organisation=org, title_en="Welder (closed)", status="closed"),
        "expired": make_posting(organisation=org, title_en="Welder (expired)", valid_through=today() - timedelta(days=1)),
        "draft": make_posting(organisation=org, title_en="Welder draft", status="draft"),
    }


@pytest.mark.parametrize(("query", "expected"), [
    ("welder", {"welder_ja"}),  # English query finds the Japanese posting 溶接工
    ("welding", {"welder_ja"}),
    ("溶接", {"welder_ja"}),  # two characters
    ("介護", {"care_en"}),  # Japanese query finds the English "care worker" posting
    ("caregiver", {"care_en"}),
    ("care worker", {"care_en"}),
    ("農業", {"farm_ja"}),
    ("farm", {"farm_ja"}),
    ("ドライバー", {"driver_both"}),
    ("運転手", {"driver_both"}),
    ("driver", {"driver_both"}),
    ("ＴＲＵＣＫ", {"driver_both"}),  # full-width Latin
    ("Osaka", {"care_en"}),  # prefecture names are searchable in both languages
    ("大阪", {"care_en"}),
    ("寮", {"welder_ja"}),  # one kanji
    ("溶接 愛知", {"welder_ja"}),  # every word must match
    ("溶接 大阪", set()),
    ("jobs in japan", {"welder_ja", "care_en", "farm_ja", "driver_both"}),  # only stop words: everything
    ("xyzzy", set()),
    ('"); DROP TABLE postings; --', set()),  # punctuation is not syntax
])
def test_cross_language_keyword_search(world, query, expected):
    found = ids(SearchParams(q=query))
    assert found == {world[name].id for name in expected}, query


def test_closed_expired_and_draft_postings_are_not_public(world):
    found = ids(SearchParams())
    assert {world["closed"].id, world["expired"].id, world["draft"].id}.isdisjoint(found)
    assert len(found) == 4


def test_closing_a_posting_removes_it_from_search(world):
    posting = world["care_en"]
    assert posting.id in ids(SearchParams(q="care"))
    posting.status = "closed"
    _db.session.commit()
    assert posting.id not in ids(SearchParams(q="care"))


def test_edited_text_is_searchable_at_once(world):
    posting = world["farm_ja"]
    posting.title_ja = "酪農スタッフ"
    _db.session.commit()
    assert posting.id in ids(SearchParams(q="dairy"))


@pytest.mark.parametrize(("params", "expected"), [
    (dict(sector="nursing_care"), {"care_en"}),
    (dict(prefecture="23"), {"welder_ja"}),
    (dict(region="kanto"), {"farm_ja", "driver_both"}),  # Ibaraki and Saitama
    (dict(japanese="N4"), {"welder_ja", "farm_ja"}),  # N4, N5 and none — not N3
    (dict(japanese="none"), {"farm_ja"}),
    (dict(japanese="JFT_BASIC"), {"welder_ja", "farm_ja"}),
    (dict(japanese="N1"), {"welder_ja", "care_en", "farm_ja", "driver_both"}),
    (dict(min_pay=220_000), {"care_en", "driver_both"}),
    (dict(housing=True), {"welder_ja"}),
    (dict(visa="ssw1", sector="automobile_transport"), {"driver_both"}),
    (dict(visa="esd"), set()),
    (dict(employment_type="PART_TIME"), set()),
    (dict(q="worker", japanese="N3"), {"care_en"}),
])
def test_filters(world, params, expected):
    assert ids(SearchParams(**params)) == {world[name].id for name in expected}


def test_sorting_and_pagination(db):
    org = make_organisation()
    postings = [make_posting(organisation=org, title_en=f"Job {i}", salary_min=180_000 + i * 10_000,
                             published_at=utcnow() - timedelta(days=i), valid_through=today() + timedelta(days=50 - i))
                for i in range(25)]
    newest = search(SearchParams(per_page=10))
    assert [p.id for p in newest.items] == [p.id for p in postings[:10]]
    assert newest.total == 25 and newest.pages == 3
    pay = search(SearchParams(sort="pay", per_page=5)).items
    assert [p.salary_min for p in pay] == sorted((p.salary_min for p in postings), reverse=True)[:5]
    closing = search(SearchParams(sort="closing", per_page=5, page=2)).items
    assert [p.id for p in closing] == [p.id for p in reversed(postings)][5:10]
    beyond = search(SearchParams(page=9))
    assert beyond.items == [] and beyond.total == 25


def test_facet_counts_leave_out_their_own_filter(world):
    result = search(SearchParams(sector="nursing_care"))
    assert result.total == 1
    assert result.facets.sector["agriculture"] == 1  # other fields still counted, to switch to
    assert result.facets.prefecture == {"27": 1}  # other facets count within this field
    assert result.facets.region == {"kansai": 1}
    everything = search(SearchParams()).facets
    assert everything.japanese["N4"] == 2 and everything.japanese["N1"] == 4
    assert everything.housing == 1 and everything.visa["ssw1"] == 4


@pytest.mark.parametrize(("args", "param"), [
    ({"page": "0"}, "page"), ({"page": "abc"}, "page"), ({"per_page": "1000"}, "per_page"),
    ({"sector": "astronaut"}, "sector"), ({"prefecture": "48"}, "prefecture"), ({"japanese": "N6"}, "japanese"),
    ({"visa": "tourist"}, "visa"), ({"sort": "random"}, "sort"), ({"min_pay": "-5"}, "min_pay"),
    ({"housing": "maybe"}, "housing"), ({"q": "x" * 201}, "q"),
])
def test_bad_parameters_name_the_parameter(db, args, param):
    with pytest.raises(SearchParamError) as raised:
        parse_params(args)
    assert raised.value.param == param
    params, errors = parse_params(args, strict=False)
    assert [e.param for e in errors] == [param]


def test_params_round_trip_through_the_url(db):
    params, _ = parse_params({"q": "溶接", "sector": "construction", "housing": "1", "page": "2", "sort": "pay"})
    assert params.to_args() == {"q": "溶接", "sector": "construction", "housing": "1", "page": "2", "sort": "pay"}
    assert parse_params(params.to_args())[0] == params


def _facets_counted_by_the_database(params: SearchParams):
    """The facet counts from plain GROUP BY queries: an oracle for the in-memory counting."""
    from sqlalchemy import func, select

    from portal.jobs.search import LEVEL_RANK, Facets, keyword_ids, public_condition
    from portal.taxonomy.lookup import reference

    ref = reference()
    base = [public_condition()]
    if params.q and keyword_ids(params.q) is not None:
        base.append(Posting.id.in_(keyword_ids(params.q).tolist()))
    if params.min_pay:
        base.append(Posting.monthly_jpy >= params.min_pay)
    filters = {}
    if params.sector:
        filters["sector"] = Posting.sector_code == params.sector
    if params.prefecture:
        filters["location"] = Posting.prefecture_code == params.prefecture
    elif params.region:
        filters["location"] = Posting.prefecture_code.in_(
            [c for c, p in ref.prefectures.items() if p.region == params.region])
    if params.japanese:
        filters["japanese"] = Posting.japanese_level.in_(
            [lvl for lvl, r in LEVEL_RANK.items() if r <= LEVEL_RANK[params.japanese]])
    if params.visa:
        filters["visa"] = getattr(Posting, f"visa_{params.visa}").is_(True)
    if params.employment_type:
        filters["employment_type"] = Posting.employment_type == params.employment_type
    if params.housing:
        filters["housing"] = Posting.support_housing.is_(True)

    def where(group):
        return [*base, *(c for name, c in filters.items() if name != group)]

    def grouped(column, group):
        return dict(_db.session.execute(select(column, func.count()).where(*where(group)).group_by(column)).all())

    facets = Facets(sector=grouped(Posting.sector_code, "sector"),
                    prefecture=grouped(Posting.prefecture_code, "location"),
                    employment_type=grouped(Posting.employment_type, "employment_type"))
    for code, count in facets.prefecture.items():
        region = ref.prefectures[code].region
        facets.region[region] = facets.region.get(region, 0) + count
    by_level = grouped(Posting.japanese_level, "japanese")
    facets.japanese = {level: sum(n for lvl, n in by_level.items() if LEVEL_RANK[lvl] <= rank)
                       for level, rank in LEVEL_RANK.items()}
    for code in ("ssw1", "ssw2", "esd", "engineer", "other"):
        facets.visa[code] = _db.session.scalar(select(func.count()).select_from(Posting).where(
            *where("visa"), getattr(Posting, f"visa_{code}").is_(True)))
    facets.housing = _db.session.scalar(select(func.count()).select_from(Posting).where(
        *where("housing"), Posting.support_housing.is_(True)))
    return facets


@pytest.mark.parametrize("params", [
    dict(), dict(sector="nursing_care"), dict(region="kanto", japanese="N4"), dict(q="溶接", housing=True),
    dict(visa="ssw1", min_pay=210_000), dict(employment_type="FULL_TIME", prefecture="27"),
    dict(q="jobs in japan", sector="agriculture", japanese="N5"),
])
def test_facets_agree_with_counting_in_the_database(world, params):
    params = SearchParams(**params)
    result = search(params)
    assert result.facets == _facets_counted_by_the_database(params)
    assert result.total == sum(1 for _ in search(SearchParams(**{**params.__dict__, "per_page": 100})).items)


def test_search_follows_changes_made_after_the_first_search(world):
    """The in-memory snapshot reads rows changed since it was built: no stale result or count."""
    assert ids(SearchParams(q="welder")) == {world["welder_ja"].id}
    world["welder_ja"].status = "closed"
    newcomer = make_posting(title_en="Welder for shipyard", sector_code="shipbuilding")
    _db.session.commit()
    result = search(SearchParams(q="welder"))
    assert {p.id for p in result.items} == {newcomer.id}
    assert result.total == 1 and result.facets.sector == {"shipbuilding": 1}
    newcomer.sector_code = "construction"
    _db.session.commit()
    assert search(SearchParams(q="welder", sector="construction")).total == 1


def test_a_deleted_posting_is_never_shown_even_before_the_snapshot_reloads(world):
    search(SearchParams())
    _db.session.delete(world["care_en"])
    _db.session.commit()
    assert world["care_en"].id not in ids(SearchParams(per_page=100))


def test_searching_while_another_process_writes(app, world, monkeypatch):
    """A search (a GET request) reads while a writer holds the database's write lock."""
    from sqlalchemy import text

    from portal.db import writing

    with _db.engine.connect() as writer:
        with writing():  # the writer's transaction takes the write lock at BEGIN
            writer.execute(text("UPDATE postings SET openings = openings + 1"))
        with app.test_request_context("/en/jobs", method="GET"):
            found = {p.id for p in search(SearchParams(q="welder")).items}
            _db.session.rollback()
        writer.rollback()
    assert found == {world["welder_ja"].id}


def test_the_snapshot_reads_dates_as_python_counts_them(db):
    """Day numbers and microseconds are computed by the database (SQL differs per database)."""
    from datetime import datetime, timezone

    from portal.jobs import posting_index

    published = datetime(2026, 3, 9, 23, 59, 58, 123456, tzinfo=timezone.utc)
    posting = make_posting(published_at=published, valid_through=today() + timedelta(days=400), monthly_jpy=None,
                           salary_min=None, visa_ssw1=True, visa_engineer=True, support_housing=True)
    open_ended = make_posting(valid_through=None)
    snapshot = posting_index.current()
    row = snapshot.rows_for([posting.id])[0]
    assert snapshot.valid_through[row] == (today() + timedelta(days=400)).toordinal()
    assert snapshot.published[row] == int(published.timestamp()) * 1_000_000 + 123456
    assert snapshot.monthly[row] == -1 and snapshot.housing[row] and snapshot.listed[row]
    assert snapshot.visa[row] == (1 << 0) | (1 << 3)  # ssw1 and engineer, in VISA_CODES order
    assert snapshot.valid_through[snapshot.rows_for([open_ended.id])[0]] == posting_index.NO_DATE


def test_a_synonym_phrase_matches_as_a_phrase_not_as_scattered_words(db):
    """介護 → "care worker": the forestry job that asks you to "care for the forests" is no match."""
    org = make_organisation()
    forestry = make_posting(organisation=org, title_en="Forestry worker", sector_code="forestry",
                            description_en="You will care for the forests: cutting branches, thinning trees.")
    carer = make_posting(organisation=org, title_en="Care-worker for a day service", sector_code="nursing_care",
                         description_en="Support elderly guests.")
    for query in ("介護", "care worker", "care workers"):
        assert ids(SearchParams(q=query)) == {carer.id}, query
    assert ids(SearchParams(q="forests care")) == {forestry.id}  # words typed apart still match apart


def test_reindex_recomputes_tokens_and_leaves_updated_at(app, db):
    from sqlalchemy import text

    from portal.jobs.search import clear_facet_cache

    posting = make_posting(title_en="Care worker")
    updated = posting.updated_at
    _db.session.execute(text("UPDATE postings SET search_tokens = 'care worker' WHERE id = :id"), {"id": posting.id})
    _db.session.commit()
    assert posting.id not in ids(SearchParams(q="介護"))  # tokens from before the word pairs
    result = app.test_cli_runner().invoke(args=["postings", "reindex"])
    assert result.exit_code == 0 and "postings reindexed" in result.output
    _db.session.expire_all()
    refreshed = _db.session.get(Posting, posting.id)
    assert "0careworker" in refreshed.search_tokens.split()
    assert refreshed.updated_at == updated
    clear_facet_cache()  # what every web process does within 10 minutes (its full snapshot reload)
    assert posting.id in ids(SearchParams(q="介護"))
