"""A job seeker's journey in Urdu on a phone (390×844), right to left: search, a Japanese-only job
read through its Urdu summary, quick match, register, profile, apply, and an interview invitation
read in Urdu with Japan and Pakistan time. Every page: <html lang="ur" dir="rtl">, the layout really
mirrored (computed direction, the brand at the right edge, the language switch at the left), axe
finds nothing, and a screenshot is kept in tests/browser/artifacts/.

The buttons and labels are found by their words in the Urdu catalog (gettext under `ur`), as a reader
sees them. That no English interface text is left on these pages is shown for the same pages by
tests/web/test_translations.py (test_urdu_pages_have_no_english_interface_text and
test_urdu_job_pages_have_no_english_interface_text)."""

from __future__ import annotations

import re
import uuid
from datetime import date, time

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.applications import message_templates
from portal.applications import services as applications_service
from portal.applications.models import Application
from portal.extensions import db as _db
from portal.jobs.models import Posting

from tests.browser.conftest import PHONE, check_accessibility, confirm_address

pytestmark = pytest.mark.browser

PASSWORD = "a long journey to a job in Japan"
URDU_SCRIPT = re.compile(r"[\u0600-\u06ff]")


def ur(app, text: str, **values) -> str:
    """The words the Urdu page shows for an interface string."""
    with app.test_request_context("/ur/"), force_locale("ur"):
        return gettext(text, **values)


def assert_right_to_left(page) -> None:
    """Mirrored for real: the document runs right to left, the brand sits at the right edge of the
    header and the language switch at its left, and nothing overflows sideways."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ur")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    width = page.viewport_size["width"]
    brand = page.locator(".brand").bounding_box()
    switch = page.locator("nav.languages").bounding_box()
    assert brand["x"] + brand["width"] > width - 40, brand  # flush with the right-hand padding
    assert brand["x"] > switch["x"], (brand, switch)  # the brand comes first, on the right
    first_nav_link = page.locator(".main-nav li").first.bounding_box()
    assert first_nav_link["x"] + first_nav_link["width"] > width / 2  # the menu starts on the right
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    font = page.evaluate("getComputedStyle(document.documentElement).fontFamily")
    assert "Noto Nastaliq Urdu" in font and "Tahoma" in font


def visit(page, name: str) -> None:
    page.wait_for_load_state()
    assert_right_to_left(page)
    check_accessibility(page, f"urdu-{name}")


def test_urdu_seeker_journey_on_a_phone_right_to_left(app, live_server, page):
    assert page.viewport_size == PHONE
    t = lambda text, **values: ur(app, text, **values)  # noqa: E731
    main_nav = page.get_by_role("navigation", name=t("Main"))

    # 1. The home page in Urdu, from the language switch of the English one.
    page.goto(f"{live_server}/en/")
    page.locator("nav.languages").get_by_role("link", name="اردو").click()
    page.wait_for_url("**/ur/")
    visit(page, "home")

    # 2. Search in Urdu: "ویلڈر" (welder) finds welding jobs through the synonyms.
    main_nav.get_by_role("link", name=t("Jobs"), exact=True).click()
    page.wait_for_url("**/ur/jobs")
    visit(page, "jobs")
    page.locator("#q").fill("ویلڈر")
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"/ur/jobs\?.*q="))
    assert page.locator(".job-list > li").count() > 0
    visit(page, "search")

    # 3. A job written only in Japanese: first the Urdu summary (marked as one), then the original.
    _db.session.commit()
    japanese_only = _db.session.scalars(select(Posting).where(Posting.title_en.is_(None), Posting.status == "published")
                                        .order_by(Posting.id)).first()
    page.goto(f"{live_server}/ur/jobs/{japanese_only.id}")
    summary = page.locator("section.summary")
    expect(summary.get_by_role("heading", name=t("Summary in your language"))).to_be_visible()
    summary_text = summary.inner_text()
    assert japanese_only.prefecture.name_ur in summary_text and japanese_only.sector.name_ur in summary_text
    assert URDU_SCRIPT.search(summary.locator("dt").first.inner_text())
    assert page.locator("h1").get_attribute("lang") == "ja"
    summary_box, original_box = summary.bounding_box(), page.locator("#description-title").bounding_box()
    assert summary_box["y"] < original_box["y"]  # the summary comes first
    assert page.locator(".prose[lang=ja]").count() >= 1  # the original, marked as Japanese
    visit(page, "job-japanese-only")

    # 4. Quick match, without an account.
    main_nav.get_by_role("link", name=t("Quick match"), exact=True).click()
    page.wait_for_url("**/ur/match")
    visit(page, "quick-match")
    page.locator("#trade").select_option("welder")
    page.locator("#years").fill("4")
    page.locator("#japanese").select_option("N4")
    page.get_by_role("button", name=t("Show my matches")).click()
    page.wait_for_url(re.compile(r"/ur/match\?"))
    expect(page.locator("#results-title")).to_be_visible()
    assert page.locator(".job-list > li").count() > 0
    visit(page, "quick-match-results")

    # 5. Register as a job seeker.
    main_nav.get_by_role("link", name=t("Register"), exact=True).click()
    page.wait_for_url("**/ur/register")
    visit(page, "register")
    email = f"urdu-{uuid.uuid4().hex[:8]}@example.org"
    page.locator("input[name=role][value=seeker]").check()
    page.locator("#display_name").fill("عمران خان")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url("**/ur/register/check-email")
    visit(page, "check-email")
    confirm_address(page, live_server, email, t("Confirm my e-mail address"))  # the link in the Urdu e-mail
    page.wait_for_url("**/ur/seeker/")
    visit(page, "dashboard")
    _db.session.commit()
    user = _db.session.scalar(select(User).where(User.email == email))
    assert user.locale == "ur" and user.display_name == "عمران خان"

    # 6. The profile: trade, years, Japanese.
    page.goto(f"{live_server}/ur/seeker/profile")
    visit(page, "profile")
    page.locator("#trades-0-trade").select_option("welder")
    page.locator("#trades-0-years").fill("4")
    page.locator("#jlpt_level").select_option("N4")
    page.locator("#skills_tests-0-sector").select_option("industrial_products")
    page.locator("#skills_tests-0-level").select_option("i")
    page.locator("#skills_tests-0-passed_on").fill("2025-02-14")
    page.get_by_role("button", name=t("Save profile")).click()
    page.wait_for_url("**/ur/seeker/profile")
    expect(page.locator(".flashes")).to_have_text(t("Your profile has been saved."))
    visit(page, "profile-saved")

    # 7. Apply to a job that takes applications on the portal.
    _db.session.commit()
    posting = _db.session.scalars(select(Posting).where(Posting.status == "published", Posting.apply_url.is_(None),
                                                        Posting.organisation_id.is_not(None),
                                                        Posting.sector_code == "industrial_products")
                                  .order_by(Posting.id)).first()
    page.goto(f"{live_server}/ur/jobs/{posting.id}")
    visit(page, "job")
    page.locator("#cover_note").fill("میں نے چار سال لاہور میں ویلڈنگ کی ہے۔")
    page.get_by_role("button", name=t("Apply with my profile")).click()
    page.wait_for_url(re.compile(r"/ur/seeker/applications/\d+$"))
    application_id = int(page.url.rsplit("/", 1)[1])
    visit(page, "application")

    # 8. The employer (in Japanese) invites to an interview; the seeker reads it in Urdu, with both zones.
    _db.session.commit()
    application = _db.session.get(Application, application_id)
    recruiter = _db.session.scalar(select(User).where(User.organisation_id == posting.organisation_id,
                                                      User.role == "recruiter"))
    applications_service.send_template_message(recruiter, application, "interview", {
        "date": date(2026, 12, 10), "time": time(10, 0), "zone": message_templates.JAPAN,
        "video_url": "https://meet.example.org/kakehashi"}, "パスポートを用意してください。")
    main_nav.get_by_role("link", name=t("Notifications"), exact=True).click()
    page.wait_for_url("**/ur/notifications/")
    unread = page.locator("ol.notifications li.unread")
    expect(unread).to_have_count(1)
    text = unread.inner_text()
    assert t("Interview invitation") in text
    assert "10:00 " + t("JST") in text and "06:00 " + t("PKT") in text  # 10:00 JST is 06:00 in Pakistan
    assert unread.locator("blockquote[lang=ja]").inner_text() == "パスポートを用意してください。"
    visit(page, "notification")
