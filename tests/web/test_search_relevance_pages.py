"""Best match on the search page and the API, the home page's search box and links, "Did you
mean", the nearest searches when nothing is found, and how old a posting is."""

import re
from datetime import timedelta

from portal.jobs.search import SearchParams, search
from portal.timeutil import utcnow

from tests.services.test_search import make_posting


def _order(html: str, *postings) -> list[int]:
    found = [int(i) for i in re.findall(r'href="/\w\w/jobs/(\d+)"', html)]
    return [found.index(p.id) for p in postings]


def test_title_above_description_phrase_above_scattered_language_then_newest(client, db):
    now = utcnow()
    in_text = make_posting(title_en="Factory worker", description_en="You will help the welder.", published_at=now)
    in_title = make_posting(title_en="Welder", description_en="Car parts.", published_at=now - timedelta(days=5))
    japanese = make_posting(title_en=None, description_en=None, title_ja="溶接工", description_ja="溶接",
                            published_at=now - timedelta(days=3))
    assert [p.id for p in search(SearchParams(q="welder"), lang="en").items] == [in_title.id, japanese.id, in_text.id]
    # Found through a synonym in both titles: the searcher's language decides.
    assert [p.id for p in search(SearchParams(q="welding"), lang="en").items] == [in_title.id, japanese.id, in_text.id]
    assert [p.id for p in search(SearchParams(q="welding"), lang="ja").items] == [japanese.id, in_title.id, in_text.id]
    assert [p.id for p in search(SearchParams(q="welder", sort="newest")).items] == [in_text.id, japanese.id, in_title.id]

    scattered = make_posting(title_en="Forest worker (cedar trees)", published_at=now)
    phrase = make_posting(title_en="Cedar forest worker", published_at=now - timedelta(days=9))
    assert [p.id for p in search(SearchParams(q="cedar forest"), lang="en").items] == [phrase.id, scattered.id]


def test_api_sorts_by_relevance_and_gives_a_score_only_when_asked(client, db):
    plain = make_posting(title_en="Factory worker", description_en="Work next to the welder.")
    best = make_posting(title_en="Welder", published_at=utcnow() - timedelta(days=2))
    body = client.get("/api/v1/jobs?q=welder").get_json()
    assert [item["id"] for item in body["items"]] == [best.id, plain.id]
    assert all("score" not in item for item in body["items"])
    scored = client.get("/api/v1/jobs?q=welder&sort=relevance&score=1").get_json()["items"]
    assert scored[0]["score"] > scored[1]["score"] >= 0
    newest = client.get("/api/v1/jobs?q=welder&sort=newest&score=true").get_json()["items"]
    assert [item["id"] for item in newest] == [plain.id, best.id] and newest[0]["score"] is None
    error = client.get("/api/v1/jobs?score=maybe")
    assert error.status_code == 400 and error.get_json()["error"]["param"] == "score"


def test_home_page_searches_and_links_fields_and_prefectures(client, db):
    make_posting(title_en="Care worker", sector_code="nursing_care", prefecture_code="22", city_en="Hamamatsu-shi",
                 city_ja="浜松市")
    for lang in ("en", "ja"):
        html = client.get(f"/{lang}/").get_data(as_text=True)
        assert f'action="/{lang}/jobs"' in html and 'name="q"' in html and 'for="home-q"' in html
        assert f'href="/{lang}/jobs?sector=nursing_care"' in html
        assert f'href="/{lang}/jobs?prefecture=22"' in html
        assert f'href="/{lang}/jobs?prefecture=13"' not in html  # no jobs in Tokyo: not listed
    assert "Shizuoka" in client.get("/en/").get_data(as_text=True)
    listing = client.get("/en/jobs?prefecture=22").get_data(as_text=True)
    assert "1 job found" in listing and "Hamamatsu, Shizuoka" in listing
    assert "静岡県浜松市" in client.get("/ja/jobs?prefecture=22").get_data(as_text=True)


def test_results_say_when_the_job_was_posted(client, db):
    make_posting(title_en="Welder", published_at=utcnow() - timedelta(days=3, hours=1))
    assert "Posted 3 days ago" in client.get("/en/jobs?q=welder").get_data(as_text=True)
    assert "3日前に掲載" in client.get("/ja/jobs?q=welder").get_data(as_text=True)


def test_did_you_mean_a_dictionary_word_one_edit_away(client, db):
    welder = make_posting(title_en="Welder")
    html = client.get("/en/jobs?q=weldr").get_data(as_text=True)
    assert 'Did you mean <a href="/en/jobs?q=welder">welder</a>?' in html
    assert f"/en/jobs/{welder.id}" not in html  # nothing found for the typo itself
    assert "Did you mean" not in client.get("/en/jobs?q=welder").get_data(as_text=True)


def test_no_results_page_offers_the_nearest_searches_that_find_jobs(client, db):
    make_posting(title_en="Formwork carpenter", sector_code="construction", prefecture_code="23")
    make_posting(title_en="Welder", sector_code="industrial_products", prefecture_code="13")
    html = client.get("/en/jobs?q=mason").get_data(as_text=True)
    assert "0 jobs found" in html
    assert 'href="/en/jobs?sector=construction">All jobs in Construction</a> (1 job)' in html
    html = client.get("/en/jobs?q=welder+carpenter&prefecture=23").get_data(as_text=True)
    assert "0 jobs found" in html
    assert "Without the word “welder”" in html and 'href="/en/jobs?q=carpenter&amp;prefecture=23"' in html
    assert "Without the filter “Aichi”" not in html  # welder carpenter finds nothing anywhere
    ja = client.get("/ja/jobs?q=welder&prefecture=23").get_data(as_text=True)
    assert "「愛知県」の絞り込みを外す" in ja
