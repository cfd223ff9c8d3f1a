"""Forgot password → the e-mail in the outbox → a new password → every old session is gone."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, link_from_outbox, visited
from tests.conftest import TEST_PASSWORD, make_user

NEW_PASSWORD = "seven brown herons at dusk"


def log_in(page, live_server: str, email: str, password: str) -> None:
    page.goto(f"{live_server}/en/login")
    page.get_by_label("E-mail address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_forgot_password_resets_it_and_signs_out_every_old_session(live_server, browser, page):
    user = make_user("seeker", email="forgetful@example.com", display_name="Forgetful Farid")
    # A second browser (a phone left somewhere) is signed in with the old password.
    other = browser.new_context(viewport=PHONE)
    old_phone = other.new_page()
    log_in(old_phone, live_server, user.email, TEST_PASSWORD)
    old_phone.wait_for_url("**/en/seeker/")

    page.goto(f"{live_server}/en/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url("**/en/password/forgot")
    visited(page, "reset-forgot-en", "en")
    page.get_by_label("E-mail address", exact=True).fill("Forgetful@example.com")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    visited(page, "reset-sent-en", "en")

    page.goto(live_server + link_from_outbox(user.email, r"/en/password/reset/"))
    visited(page, "reset-form-en", "en")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    page.wait_for_url("**/en/login")
    expect(page.get_by_role("status")).to_contain_text("every device has been signed out")

    # The old phone's session is gone: the account page sends it to the login page.
    old_phone.goto(f"{live_server}/en/account/")
    old_phone.wait_for_url(lambda url: "/en/login?next=" in url)
    other.close()

    # The old password no longer works; the new one does.
    log_in(page, live_server, user.email, TEST_PASSWORD)
    expect(page.get_by_text("The e-mail address or password is not correct.")).to_be_visible()
    log_in(page, live_server, user.email, NEW_PASSWORD)
    page.wait_for_url("**/en/seeker/")
