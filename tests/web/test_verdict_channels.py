"""The verdict table (tests/verdict_table.py) through every channel a seeker uses: quick match
(/<lang>/match), the API (POST /api/v1/match, and the job items) and the job page of a signed-in
seeker, in English and Japanese. Each case is one published posting and one person."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from portal.accounts.models import SeekerProfile, SeekerTrade, SkillsTestPass
from portal.extensions import db as _db
from portal.jobs.models import Posting
from portal.timeutil import today, utcnow
from tests.conftest import make_organisation
from tests.verdict_table import CASES, Case

VERDICT_WORDS = {
    "en": {"eligible": "You can apply now", "needs_steps": "A few steps first", "not_eligible": "Not possible for you yet"},
    "ja": {"eligible": "今すぐ応募できます", "needs_steps": "準備が必要です", "not_eligible": "現時点では応募できません"},
}


def publish(case: Case) -> Posting:
    values = case.posting_values()
    visas = values.pop("visas")
    posting = Posting(organisation=make_organisation(), title_en=f"Job {case.id}", description_en="A job.",
                      status="published", published_at=utcnow(), valid_through=today() + timedelta(days=30),
                      source="recruiter", **values, **{f"visa_{code}": True for code in visas})
    posting.refresh_monthly_estimate()
    _db.session.add(posting)
    _db.session.commit()
    return posting


def quick_match_query(case: Case) -> dict:
    answers = case.answers
    query = {"trade": answers.trade, "years": str(answers.years), "japanese": answers.japanese}
    if answers.test:
        query["skills_test"] = answers.test
    if answers.titp:
        query["titp_field"] = answers.titp
    return query


def api_body(case: Case) -> dict:
    answers = case.answers
    japanese = ({"jft_basic": True} if answers.japanese == "JFT_BASIC"
                else {} if answers.japanese == "none" else {"jlpt": answers.japanese})
    body = {"trades": [answers.trade], "years_experience": answers.years, "japanese": japanese}
    if answers.test:
        body["skills_tests"] = [answers.test]
    if answers.titp:
        body["titp_completed"] = answers.titp
    return body


def save_profile(user, case: Case) -> None:
    answers = case.answers
    sector, _, sub_area = (answers.test or "").partition("/")
    profile = SeekerProfile(
        user_id=user.id, licences=[], pref_sectors=[], pref_regions=[],
        jlpt_level=answers.japanese if answers.japanese not in ("none", "JFT_BASIC") else None,
        jft_basic_score=215 if answers.japanese == "JFT_BASIC" else None, titp_field=answers.titp,
        trades=[SeekerTrade(trade_code=answers.trade, years=answers.years)],
        skills_tests=[SkillsTestPass(sector_code=sector, sub_area=sub_area or None, level="i")] if answers.test else [])
    _db.session.add(profile)
    _db.session.commit()


def text_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return html.unescape(response.get_data(as_text=True))


def expected(case: Case, lang: str) -> str:
    return case.en if lang == "en" else case.ja


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_quick_match_the_api_and_the_job_page_agree_with_the_table(client, login_as, case: Case):
    posting = publish(case)
    for lang in ("en", "ja"):
        # quick match: the posting is listed with the verdict and the reason
        page = text_of(client.get(f"/{lang}/match", query_string=quick_match_query(case)))
        assert f"/{lang}/jobs/{posting.id}" in page
        assert f"verdict-{case.verdict}" in page and VERDICT_WORDS[lang][case.verdict] in page
        assert expected(case, lang) in page

        # the API: the same verdict, the reason's code and words, who may apply
        response = client.post(f"/api/v1/match?lang={lang}", json=api_body(case))
        assert response.status_code == 200, response.json
        items = [item for item in response.json["items"] if item["job"]["id"] == posting.id]
        assert len(items) == 1
        item = items[0]
        assert item["eligibility"] == case.verdict
        assert {"code": case.code, "text": expected(case, lang)} in [
            {"code": r["code"], "text": r["text"]} for r in item["reasons"]]
        assert item["applicants_from"] == item["job"]["applicants_from"] == posting.applicants_from
        job = client.get(f"/api/v1/jobs/{posting.id}?lang={lang}").json
        assert job["applicants_from"] == posting.applicants_from and job["applicants_from_text"]

    # the job page of a seeker with the same answers in their profile
    user = login_as("seeker")
    save_profile(user, case)
    for lang in ("en", "ja"):
        page = text_of(client.get(f"/{lang}/jobs/{posting.id}"))
        match = page[page.index('id="match-title"'):]
        match = match[:match.index("</section>")]
        assert f"verdict-{case.verdict}" in match and VERDICT_WORDS[lang][case.verdict] in match
        assert expected(case, lang) in match
