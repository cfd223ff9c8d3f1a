"""Guides, the readiness check and a job page with the checklist in Chromium: accessible (axe,
WCAG 2.1 AA), and the check works as a plain form without JavaScript."""

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.jobs.demo import ACCOUNTS
from portal.jobs.models import Posting

from tests.browser.conftest import PHONE, check_accessibility

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_guide_pages_are_accessible(live_server, page, lang):
    page.goto(f"{live_server}/{lang}/guide/")
    check_accessibility(page, f"guide-index-{lang}")
    page.goto(f"{live_server}/{lang}/guide/routes")
    assert page.locator("#sources-title").is_visible()
    check_accessibility(page, f"guide-routes-{lang}")
    page.goto(f"{live_server}/{lang}/guide/sectors/nursing_care")
    check_accessibility(page, f"guide-sector-{lang}")
    page.goto(f"{live_server}/{lang}/guide/glossary")
    check_accessibility(page, f"guide-glossary-{lang}")


def test_readiness_check_without_javascript(live_server, no_js_page):
    page = no_js_page
    page.goto(f"{live_server}/en/guide/check")
    page.get_by_label("Your trade").select_option("caregiver")
    page.get_by_label("Your Japanese").select_option("N4")
    page.get_by_label("Your age").fill("24")
    page.get_by_role("button", name="Check my routes").click()
    page.wait_for_url("**/en/guide/check?*")
    assert "Pass the Nursing Care Japanese Language Evaluation Test." in page.locator("main").inner_text()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_readiness_result_is_accessible(live_server, page, lang):
    page.goto(f"{live_server}/{lang}/guide/check?trade=caregiver&years=3&japanese=N4&passport=no&age=24")
    assert page.locator("#steps-title").is_visible()
    check_accessibility(page, f"guide-check-{lang}")


def test_job_page_with_checklist_and_pay_estimate_is_accessible(live_server, page):
    seeker = next(a for a in ACCOUNTS if a.role == "seeker")
    _db.session.commit()
    posting = _db.session.scalar(select(Posting).where(Posting.sector_code == "nursing_care",
                                                       Posting.status == "published").order_by(Posting.id))
    page.goto(f"{live_server}/ja/jobs/{posting.id}")
    assert page.locator("#checklist-title").is_visible() and page.locator("#take-home-title").is_visible()
    assert page.locator("a.term").count() > 0
    check_accessibility(page, "job-guidance-ja")
    page.goto(f"{live_server}/en/login")
    page.locator("#email").fill(seeker.email)
    page.locator("#password").fill(seeker.password)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/en/seeker/**")
    page.goto(f"{live_server}/en/jobs/{posting.id}")
    assert page.locator("#checklist-title").is_visible()
    check_accessibility(page, "job-guidance-seeker-en")
