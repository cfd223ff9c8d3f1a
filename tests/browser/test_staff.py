"""The staff dashboard (server-rendered SVG charts), the verification queue, the registers and the
audit log are accessible in Chromium (axe, WCAG 2.1 AA)."""

import pytest

from portal.jobs.demo import ACCOUNTS

from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


def test_staff_pages_are_accessible(live_server, page):
    staff = next(a for a in ACCOUNTS if a.role == "staff")
    page.goto(f"{live_server}/en/login")
    page.locator("#email").fill(staff.email)
    page.locator("#password").fill(staff.password)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/en/staff/")
    assert page.locator("svg.chart").count() >= 2
    check_accessibility(page, "staff-dashboard-en")
    for path, name in (("/en/staff/accounts/organisations", "staff-organisations-en"),
                       ("/en/staff/accounts/users", "staff-users-en"),
                       ("/en/staff/registers/minimum_wages", "staff-register-en"),
                       ("/ja/staff/audit/", "staff-audit-ja")):
        page.goto(f"{live_server}{path}")
        check_accessibility(page, name)
