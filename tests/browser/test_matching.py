"""The seeker's profile, matches and quick match in Chromium: accessible, in both languages."""

import pytest

from portal.jobs.demo import ACCOUNTS

from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_quick_match_without_an_account(live_server, page, lang):
    page.goto(f"{live_server}/{lang}/match")
    check_accessibility(page, f"quick-match-{lang}")
    page.locator("#trade").select_option("welder")
    page.locator("#years").fill("3")
    page.locator("#japanese").select_option("N4")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/match?*")
    assert page.locator(".job-list > li").count() > 0
    assert page.locator(".verdict").first.is_visible()
    check_accessibility(page, f"quick-match-results-{lang}")


def test_seeker_fills_the_profile_and_reads_matches(live_server, page):
    seeker = next(a for a in ACCOUNTS if a.role == "seeker")
    page.goto(f"{live_server}/en/login")
    page.locator("#email").fill(seeker.email)
    page.locator("#password").fill(seeker.password)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/en/seeker/")
    page.goto(f"{live_server}/en/seeker/profile")
    check_accessibility(page, "profile-en")
    page.locator("#trades-0-trade").select_option("caregiver")
    page.locator("#trades-0-years").fill("2")
    page.locator("#jlpt_level").select_option("N4")
    page.get_by_label("I passed the Nursing Care Japanese Language Evaluation Test").check()
    page.locator("#skills_tests-0-sector").select_option("nursing_care")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url("**/en/seeker/profile")
    assert page.get_by_role("status").inner_text().strip().startswith("Your profile has been saved")
    page.goto(f"{live_server}/en/seeker/matches")
    check_accessibility(page, "matches-en")
    first = page.locator(".job-list > li").first
    assert "Nursing care" in first.inner_text()
    first.locator("h3 a").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="How you match").is_visible()
    check_accessibility(page, "job-with-match-en")
