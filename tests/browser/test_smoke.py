"""The home page in both languages, the language switch and logging in, in a real Chromium."""

import pytest

from portal.jobs.demo import ACCOUNTS

from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_home_page_is_accessible(live_server, page, lang):
    page.goto(f"{live_server}/{lang}/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1
    check_accessibility(page, f"home-{lang}")


def test_language_switch_keeps_the_page(live_server, page):
    page.goto(f"{live_server}/en/register?role=recruiter")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="日本語").click()
    page.wait_for_url(f"{live_server}/ja/register?role=recruiter")
    assert page.get_by_role("heading", level=1).inner_text() == "アカウントを作成"
    assert page.get_by_label("採用担当者", exact=False).first.is_checked()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_log_in_and_out_with_the_keyboard(live_server, page, lang):
    seeker = next(a for a in ACCOUNTS if a.role == "seeker")
    page.goto(f"{live_server}/{lang}/login")
    check_accessibility(page, f"login-{lang}")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.locator("#email").fill(seeker.email)
    page.locator("#password").fill(seeker.password)
    page.locator("#password").press("Enter")
    page.wait_for_url(f"{live_server}/{lang}/seeker/")
    check_accessibility(page, f"seeker-home-{lang}")
    page.locator("form.inline-form button").click()
    page.wait_for_url(f"{live_server}/{lang}/")
    assert page.locator("form.inline-form").count() == 0


def test_wrong_password_is_announced(live_server, page):
    page.goto(f"{live_server}/ja/login")
    page.locator("#email").fill("nobody@example.com")
    page.locator("#password").fill("wrong password")
    page.get_by_role("button", name="ログイン").click()
    assert page.get_by_role("alert").count() == 1
    assert page.locator("#email").input_value() == "nobody@example.com"
    check_accessibility(page, "login-error-ja")
