"""A recruiter writes and submits a posting through the real editor in Chromium; the editor, its
preview and the dashboard are accessible (axe, WCAG 2.1 AA)."""

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.jobs.demo import ACCOUNTS
from portal.jobs.models import Posting

from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


def test_recruiter_writes_previews_and_submits_a_posting(live_server, page):
    recruiter = next(a for a in ACCOUNTS if a.role == "recruiter")
    page.goto(f"{live_server}/en/login")
    page.locator("#email").fill(recruiter.email)
    page.locator("#password").fill(recruiter.password)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/en/recruiter/")
    check_accessibility(page, "recruiter-dashboard-en")

    page.get_by_role("link", name="Write a new posting").click()
    page.wait_for_url("**/en/recruiter/postings/new")
    check_accessibility(page, "posting-editor-en")
    page.locator("#title_en").fill("Machine operator (browser test)")
    page.locator("#description_en").fill("Operating CNC machines in Aichi.\n\nDormitory provided.")
    page.locator("#title_ja").fill("機械オペレーター（ブラウザテスト）")
    page.locator("#description_ja").fill("愛知県でCNC機械を操作します。寮あり。")
    page.locator("#sector_code").select_option("industrial_products")
    page.locator("#prefecture_code").select_option("23")
    page.locator("input[name=applicants_from][value=abroad]").check()
    page.locator("#salary_min").fill("230000")
    page.locator("#salary_unit").select_option("MONTH")
    page.get_by_label("Specified Skilled Worker (i)").check()
    page.get_by_label("Housing provided").check()
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert page.locator("#posting-preview").is_visible()
    assert "機械オペレーター（ブラウザテスト）" in page.locator("#posting-preview").inner_text()
    check_accessibility(page, "posting-preview-en")

    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/en/recruiter/postings/*")
    assert "Sent for review" in page.get_by_role("status").inner_text()
    check_accessibility(page, "recruiter-posting-en")
    _db.session.commit()  # see the server's writes
    posting = _db.session.scalar(select(Posting).where(Posting.title_en == "Machine operator (browser test)"))
    assert posting.status == "submitted" and posting.visa_ssw1 and posting.support_housing

    page.goto(f"{live_server}/ja/recruiter/")
    check_accessibility(page, "recruiter-dashboard-ja")
    page.goto(f"{live_server}/ja/recruiter/postings/{posting.id}")
    check_accessibility(page, "recruiter-posting-ja")
