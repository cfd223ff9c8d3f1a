"""Who may apply, dispatch and the business category on the way in: imports over real HTTP
(pytest-httpserver), staff corrections that re-imports keep, the red flag for a posting that
breaks the SSW visa's rules, the recruiter's editor, the profile form, the API's 400s and the demo."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db as _db
from portal.feeds.http import fetcher_from_config
from portal.feeds.services import add_source, run_source
from portal.jobs import demo
from portal.jobs.models import Posting
from portal.jobs.services import correct_classification
from portal.moderation import services as moderation
from tests.services.test_imports import allow_robots, indeed, postings, serve
from tests.web.test_recruiter_postings import posting_form


def test_an_import_reads_who_may_apply_dispatch_and_the_category(httpserver, app, db):
    allow_robots(httpserver)
    serve(httpserver, "/feed.xml", indeed([
        {"id": "A1", "title": "型枠大工（特定技能）", "description": "海外からの応募可。在留資格認定証明書は当社が申請します。"},
        {"id": "A2", "title": "ビル清掃スタッフ", "description": "国内在住の方が対象です。", "jobtype": "パート"},
        {"id": "A3", "title": "食品工場スタッフ（特定技能）", "description": "派遣社員として弁当工場で勤務。"},
        {"id": "A4", "title": "Care worker", "description": "Care for elderly residents.", "state": "Osaka"},
    ]))
    source = add_source("board", httpserver.url_for("/feed.xml"), "indeed-xml")
    run = run_source(source.id, fetcher_from_config(app.config))
    assert run.new == 4
    formwork, cleaning, factory, care = postings(source)
    assert (formwork.applicants_from, formwork.sector_code, formwork.sub_area) == ("abroad", "construction", "building")
    assert (cleaning.applicants_from, cleaning.employment_type) == ("in_japan_only", "PART_TIME")
    assert factory.dispatch and factory.applicants_from == "unknown"
    assert (care.applicants_from, care.sub_area) == ("unknown", "care")  # nursing care has one category
    # an SSW posting employed through an agency outside farming and fishing: red flag for staff
    assert "breaks_ssw_rules" in [flag.code for flag in moderation.stored_flags(factory.id)]
    assert "breaks_ssw_rules" not in [flag.code for flag in moderation.stored_flags(formwork.id)]

    # staff set who may apply; a re-import with changed text keeps it
    correct_classification(care.id, "nursing_care", None, sub_area="care", applicants_from="abroad")
    httpserver.clear()
    allow_robots(httpserver)
    serve(httpserver, "/feed.xml", indeed([
        {"id": "A4", "title": "Care worker", "description": "Care for elderly residents. Updated.", "state": "Osaka"},
    ]))
    run_source(source.id, fetcher_from_config(app.config))
    _db.session.expire_all()
    assert _db.session.get(Posting, care.id).applicants_from == "abroad"


def test_staff_see_the_flag_in_words(client, login_as, db):
    from tests.conftest import make_organisation
    from tests.web.test_applications import make_posting

    posting = make_posting(make_organisation(), sector_code="construction", sub_area="building",
                           salary_min=14_000, salary_unit="DAY", status="submitted", visa_ssw2=True)
    fine = make_posting(make_organisation(), sector_code="agriculture", sub_area="crops", dispatch=True,
                        salary_min=1_200, salary_unit="HOUR", status="submitted")
    moderation.refresh_flags([posting.id, fine.id])
    assert [f.code for f in moderation.stored_flags(posting.id) if f.code == "breaks_ssw_rules"] == ["breaks_ssw_rules"]
    assert "breaks_ssw_rules" not in [f.code for f in moderation.stored_flags(fine.id)]
    login_as("staff")
    for lang, words in (("en", "construction pay by the hour or day"), ("ja", "建設分野での時給・日給")):
        page = client.get(f"/{lang}/staff/review/postings/{posting.id}").get_data(as_text=True)
        assert words in page


def test_the_editor_asks_who_may_apply(client, login_as, db):
    login_as("recruiter")
    page = client.get("/en/recruiter/postings/new").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(page)
    without = posting_form()
    del without["applicants_from"]
    response = client.post("/en/recruiter/postings/new", data={**without, "csrf_token": token, "save": "1"})
    assert response.status_code == 400 and "Say whether you hire from abroad." in response.get_data(as_text=True)
    assert "Welder for car parts" in response.get_data(as_text=True)  # what was typed is shown again
    for bad in ({"applicants_from": "unknown"}, {"applicants_from": "mars"}):
        response = client.post("/en/recruiter/postings/new", data={**posting_form(**bad), "csrf_token": token})
        assert response.status_code == 400
    part_time = posting_form(employment_type="PART_TIME", applicants_from="abroad")
    response = client.post("/ja/recruiter/postings/new", data={**part_time, "csrf_token": token, "save": "1"})
    assert response.status_code == 400
    assert "パートタイム、日雇い、インターンシップには就労ビザが出ません" in response.get_data(as_text=True)
    assert _db.session.scalar(select(Posting).where(Posting.title_en == "Welder for car parts")) is None
    saved = client.post("/en/recruiter/postings/new",
                        data={**posting_form(applicants_from="in_japan_only", dispatch="y"), "csrf_token": token,
                              "save": "1"})
    assert saved.status_code == 302
    posting = _db.session.scalar(select(Posting).where(Posting.title_en == "Welder for car parts"))
    assert (posting.applicants_from, posting.dispatch) == ("in_japan_only", True)


def test_the_api_names_a_bad_skills_test(client, db):
    for body, param in (({"trades": ["welder"], "skills_tests": ["construction/sewing"]}, "skills_tests[0]"),
                        ({"trades": ["welder"], "skills_tests": ["construction/building:iii"]}, "skills_tests[0]"),
                        ({"trades": ["welder"], "skills_tests": ["food_service", 3]}, "skills_tests[1]")):
        response = client.post("/api/v1/match", json=body)
        assert response.status_code == 400 and response.json["error"]["param"] == param
    assert client.post("/api/v1/match", json={"trades": ["welder"],
                                              "skills_tests": ["construction/building:ii"]}).status_code == 200


def test_the_profile_records_the_category_of_each_test(client, login_as, db):
    from portal.accounts.models import SkillsTestPass
    from tests.conftest import csrf_token_from

    user = login_as("seeker")
    token = csrf_token_from(client.get("/en/seeker/profile").get_data(as_text=True))
    wrong = client.post("/en/seeker/profile", data={"csrf_token": token, "skills_tests-0-sector": "construction",
                                                    "skills_tests-0-sub_area": "agriculture/crops"})
    assert wrong.status_code == 400
    assert "This category does not belong to the chosen field." in wrong.get_data(as_text=True)
    saved = client.post("/en/seeker/profile", data={"csrf_token": token, "skills_tests-0-sector": "construction",
                                                    "skills_tests-0-sub_area": "construction/building",
                                                    "skills_tests-0-level": "i"})
    assert saved.status_code == 302
    tests = _db.session.scalars(select(SkillsTestPass).where(SkillsTestPass.user_id == user.id)).all()
    assert [(t.sector_code, t.sub_area) for t in tests] == [("construction", "building")]
    page = client.get("/en/seeker/profile").get_data(as_text=True)
    assert '<option selected value="construction/building">' in page


def test_no_demo_posting_leaves_who_may_apply_unknown(db):
    demo.seed_world()
    values = _db.session.scalars(select(Posting.applicants_from)).all()
    assert len(values) == len(demo.load_demo_items()) and "unknown" not in values
    assert all(item["applicants_from"] in ("abroad", "in_japan_only") for item in demo.load_demo_items())
