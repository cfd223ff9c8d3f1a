"""The seeker profile, CV upload, data export, and matching agreeing across every page and the API."""

import io
import json
import re

import pytest

from portal.accounts.models import SeekerProfile, User
from portal.accounts.profiles import cv_directory
from portal.extensions import db as _db
from portal.jobs import demo

from tests.conftest import TEST_PASSWORD, csrf_token_from
from tests.unit.test_cv import PDF, docx

PROFILE = {"trades-0-trade": "welder", "trades-0-years": "4", "trades-0-navttc_level": "3",
           "jlpt_level": "N4", "skills_tests-0-sector": "industrial_products", "skills_tests-0-level": "i",
           "skills_tests-0-passed_on": "2026-05-01", "licences": ["pk_ltv"], "pref_sectors": ["industrial_products"],
           "education": "secondary"}


def _token(client, url="/en/seeker/profile"):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def _save(client, data, lang="en"):
    return client.post(f"/{lang}/seeker/profile", data={**data, "csrf_token": _token(client, f"/{lang}/seeker/profile")})


def test_profile_is_saved_and_shown_again(client, login_as):
    user = login_as("seeker")
    assert _save(client, PROFILE).status_code == 302
    profile = _db.session.get(SeekerProfile, user.id)
    assert [(t.trade_code, t.years, t.navttc_level) for t in profile.trades] == [("welder", 4, 3)]
    assert [(t.sector_code, t.level) for t in profile.skills_tests] == [("industrial_products", "i")]
    assert profile.licences == ["pk_ltv"] and profile.jlpt_level == "N4"
    html = client.get("/en/seeker/profile").get_data(as_text=True)
    assert '<option selected value="welder">' in html and 'value="4.0"' in html


def test_profile_errors_are_translated_and_keep_what_was_typed(client, login_as):
    login_as("seeker")
    response = _save(client, {**PROFILE, "jlpt_year": "1900", "jft_basic_score": "999", "city": "Faisalabad"}, lang="ja")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Faisalabad"' in html and 'value="1900"' in html
    assert "aria-invalid=\"true\"" in html


def test_cv_upload_download_and_removal(client, login_as, app):
    login_as("seeker")
    response = client.post("/en/seeker/profile/cv", data={"csrf_token": _token(client),
                                                          "file": (io.BytesIO(PDF), "my cv.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    download = client.get("/en/seeker/profile/cv")
    assert download.data == PDF and download.mimetype == "application/pdf"
    stored = list(cv_directory().iterdir())
    assert stored and all("my cv" not in path.name for path in stored)
    client.post("/en/seeker/profile/cv/delete", data={"csrf_token": _token(client)})
    assert client.get("/en/seeker/profile/cv").status_code == 404


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"<html><script>alert(1)</script></html>", "cv.pdf", "Only PDF and Word"),  # renamed HTML
    (b"%PDF-" + b"x" * (5 * 1024 * 1024 + 10), "big.pdf", "larger than 5 MB"),
    (docx(document=b"<w:document>" + b"A" * (60 * 1024 * 1024) + b"</w:document>"), "bomb.docx", "not a normal document"),
])
def test_bad_cv_files_are_refused(client, login_as, content, name, message):
    login_as("seeker")
    response = client.post("/en/seeker/profile/cv", data={"csrf_token": _token(client), "file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client.get("/en/seeker/profile/cv").status_code == 404


def test_another_user_cannot_download_a_cv(app, login_as, client):
    login_as("seeker")
    client.post("/en/seeker/profile/cv", data={"csrf_token": _token(client), "file": (io.BytesIO(PDF), "a.pdf")},
                content_type="multipart/form-data")
    other = app.test_client()
    assert other.get("/en/seeker/profile/cv").status_code == 302  # anonymous: log in first
    from portal.accounts.services import start_session
    from tests.conftest import make_user

    token = start_session(make_user("seeker"))
    with other.session_transaction() as session:
        session["_user_id"] = token
    assert other.get("/en/seeker/profile/cv").status_code == 404  # their own: none; no way to name another's
    recruiter_token = start_session(make_user("recruiter"))
    with other.session_transaction() as session:
        session["_user_id"] = recruiter_token
    assert other.get("/en/seeker/profile/cv").status_code == 403


def test_export_and_account_deletion_remove_everything(client, login_as):
    user = login_as("seeker")
    user_id = user.id
    _save(client, PROFILE)
    client.post("/en/seeker/profile/cv", data={"csrf_token": _token(client), "file": (io.BytesIO(PDF), "a.pdf")},
                content_type="multipart/form-data")
    data = json.loads(client.get("/en/seeker/my-data.json").data)
    assert data["account"]["email"] == user.email and data["profile"]["trades"][0]["trade"] == "welder"
    assert data["profile"]["cv"]["file_name"] == "a.pdf"
    stored = cv_directory() / _db.session.get(SeekerProfile, user_id).cv_stored_name
    assert stored.exists()
    token = csrf_token_from(client.get("/en/account/").get_data(as_text=True))
    client.post("/en/account/delete", data={"csrf_token": token, "password": TEST_PASSWORD})
    _db.session.expire_all()
    assert _db.session.get(User, user_id) is None and _db.session.get(SeekerProfile, user_id) is None
    assert not stored.exists()


def test_quick_match_my_matches_api_and_job_page_agree(client, login_as):
    demo.seed_world()
    login_as("seeker")
    _save(client, {"trades-0-trade": "welder", "trades-0-years": "4", "jlpt_level": "N4",
                   "skills_tests-0-sector": "industrial_products", "skills_tests-0-level": "i",
                   "skills_tests-0-sub_area": "industrial_products/machining"})

    def ranked(html):
        return [(int(job), verdict) for job, verdict in
                re.findall(r'href="/en/jobs/(\d+)".*?class="verdict verdict-(\w+)"', html, re.S)]

    mine = ranked(client.get("/en/seeker/matches").get_data(as_text=True))
    quick = ranked(client.get("/en/match?trade=welder&years=4&japanese=N4&skills_test=industrial_products/machining")
                   .get_data(as_text=True))
    api = client.post("/api/v1/match", json={"trades": ["welder"], "years_experience": 4, "japanese": {"jlpt": "N4"},
                                             "skills_tests": ["industrial_products/machining"]}).json["items"]
    assert mine and mine == quick
    assert [(item["job"]["id"], item["eligibility"]) for item in api] == mine
    top_id, top_verdict = mine[0]
    page = client.get(f"/en/jobs/{top_id}").get_data(as_text=True)
    assert f"verdict-{top_verdict}" in page
    assert api[0]["reasons"][0]["text"] in page.replace("&#39;", "'")
