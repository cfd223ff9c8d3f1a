"""A worker declines an offer that takes more from their pay than the ad said, after reading the
differences; staff then see the offer's red flag. In Chromium, in English and in Japanese, driven by
the visible labels; every page visited is checked with axe (WCAG 2.1 AA)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.applications import services as applications
from portal.applications.models import Application
from portal.extensions import db as _db
from portal.jobs.demo import ACCOUNTS
from portal.jobs.models import Posting
from portal.timeutil import today

from tests.browser.conftest import labels_in, visited

pytestmark = pytest.mark.browser

JA = {
    "E-mail address": "メールアドレス",
    "Password": "パスワード",
    "Log in": "ログイン",
    "The employer's offer": "雇用主からの内定",
    "This offer gives you less money than the ad promised.": "この内定では、求人広告の約束よりあなたの受け取る額が少なくなります。",
    "The ad did not name this cost.": "求人広告にはこの費用の記載がありませんでした。",
    "more than the": "求人広告の",
    "Take-home pay with this offer: an estimate": "この内定での手取り額（概算）",
    "Message to the employer (optional)": "雇用主へのメッセージ（任意）",
    "Decline the offer": "内定を辞退する",
    "You declined the offer. The employer has been told.": "内定を辞退しました。雇用主に伝えました。",
    "Withdrawn": "取り下げ済み",
    "Staff area": "職員用ページ",
    "Offers below the ad": "求人広告より不利な内定",
    "Red flag": "警告",
    "Declined": "辞退済み",
}
t = labels_in(JA)


def offer_worse_than_the_ad() -> tuple[int, str, dict]:
    """The demo seeker applied to a demo employer's job whose ad names a dormitory at 20,000 yen a
    month; the employer offers with 35,000 yen for housing and 10,000 yen of utilities."""
    seeker = _db.session.scalar(select(User).where(User.email == next(a for a in ACCOUNTS if a.role == "seeker").email))
    recruiter = _db.session.scalar(select(User).where(
        User.email == next(a for a in ACCOUNTS if a.role == "recruiter" and a.organisation == "employer").email))
    posting = _db.session.scalars(select(Posting).where(
        Posting.organisation_id == recruiter.organisation_id, Posting.status == "published",
        Posting.apply_url.is_(None), Posting.salary_unit == "MONTH", Posting.title_ja.is_not(None),
        Posting.title_en.is_not(None)).order_by(Posting.id)).first()
    posting.worker_costs = [{"item_en": "Dormitory", "item_ja": "寮費", "amount_jpy": 20_000, "per": "month"}]
    _db.session.commit()
    application = applications.find_for_posting(seeker, posting.id) or applications.apply(
        seeker, posting.id, "I would like this job.", include_cv=False)
    for state in ("shortlisted", "interview"):
        applications.move(recruiter, application, state, None)
    applications.move(recruiter, application, "offered", "Welcome aboard.", offer={
        "monthly_pay": posting.monthly_jpy, "housing": 35_000, "utilities": 10_000, "meals": 0, "other": 0,
        "hours_per_week": 40, "days_off_per_year": 110, "start_date": today() + timedelta(days=120),
        "contract_months": 12})
    titles = {"en": posting.title_en, "ja": posting.title_ja}
    return application.id, seeker.email, titles


def log_in(page, live_server, lang, account) -> None:
    page.goto(f"{live_server}/{lang}/login")
    page.get_by_label(t(lang, "E-mail address"), exact=True).fill(account.email)
    page.get_by_label(t(lang, "Password"), exact=True).fill(account.password)
    with page.expect_navigation():
        page.get_by_role("button", name=t(lang, "Log in")).click()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_seeker_declines_an_offer_that_differs_from_the_ad_and_staff_see_the_flag(live_server, page, browser,
                                                                                     lang):
    application_id, _email, titles = offer_worse_than_the_ad()
    seeker_account = next(a for a in ACCOUNTS if a.role == "seeker")
    staff_account = next(a for a in ACCOUNTS if a.role == "staff")

    # ---- the seeker reads the offer and every difference from the ad ------------------------------
    log_in(page, live_server, lang, seeker_account)
    page.goto(f"{live_server}/{lang}/seeker/applications/{application_id}")
    offer = page.get_by_role("region", name=t(lang, "The employer's offer"))
    expect(offer).to_contain_text(t(lang, "This offer gives you less money than the ad promised."))
    differences = offer.locator("ul.offer-differences li.warning-text")  # the ones that cost money
    expect(differences).to_have_count(2)
    expect(differences.nth(0)).to_contain_text(t(lang, "more than the"))
    expect(differences.nth(1)).to_contain_text(t(lang, "The ad did not name this cost."))
    expect(offer.get_by_role("heading", name=t(lang, "Take-home pay with this offer: an estimate"))).to_be_visible()
    visited(page, f"offer-seeker-reads-{lang}", lang)

    # ---- … and declines it ---------------------------------------------------------------------------
    offer.get_by_label(t(lang, "Message to the employer (optional)"), exact=True).fill(
        "The deductions are higher than in the ad." if lang == "en" else "控除が広告より多いためです。")
    with page.expect_navigation():
        offer.get_by_role("button", name=t(lang, "Decline the offer")).click()
    expect(page.get_by_role("status")).to_contain_text(t(lang, "You declined the offer. The employer has been told."))
    expect(page.locator("dl.facts .badge").first).to_have_text(t(lang, "Withdrawn"))
    expect(page.get_by_role("button", name=t(lang, "Decline the offer"))).to_have_count(0)
    visited(page, f"offer-seeker-declined-{lang}", lang)
    _db.session.commit()
    application = _db.session.get(Application, application_id)
    assert application.offer.status == "declined" and application.state == "withdrawn"

    # ---- staff see the offer's red flag ---------------------------------------------------------------
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = context.new_page()
    try:
        log_in(staff, live_server, lang, staff_account)
        staff.get_by_role("navigation", name=t(lang, "Staff area")).get_by_role(
            "link", name=t(lang, "Offers below the ad"), exact=True).click()
        staff.wait_for_url(f"**/{lang}/staff/departures/offers")
        card = staff.locator("li.card").filter(has_text=titles[lang])
        expect(card).to_contain_text(t(lang, "Red flag"))
        expect(card).to_contain_text(t(lang, "Declined"))
        expect(card.locator("li.warning-text")).to_have_count(2)
        visited(staff, f"offer-staff-flag-{lang}", lang)
    finally:
        context.close()


JA_CHECK = {
    "Check a recruiter's licence or corporate number": "採用担当者の許可番号や法人番号を確認する",
    "Who stands behind this job": "この求人の掲載者",
    "Check a recruiter": "採用担当者を確認する",
    "Licence number or corporate number": "許可番号または法人番号",
    "Check": "確認する",
    "Not in our licence register": "当サイトの許可登録簿にありません",
}
t_check = labels_in(JA_CHECK)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_worker_checks_a_promoters_licence_from_a_job_page(live_server, page, lang):
    posting = _db.session.scalars(select(Posting).where(Posting.status == "published", Posting.organisation_id.is_not(None))
                                  .order_by(Posting.id)).first()
    posting_id = posting.id
    _db.session.commit()
    page.goto(f"{live_server}/{lang}/jobs/{posting_id}")
    backer = page.get_by_role("region", name=t_check(lang, "Who stands behind this job"))
    expect(backer).to_be_visible()
    visited(page, f"trust-job-page-{lang}", lang)
    with page.expect_navigation():
        backer.get_by_role("link", name=t_check(lang, "Check a recruiter's licence or corporate number")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t_check(lang, "Check a recruiter"))
    page.get_by_label(t_check(lang, "Licence number or corporate number"), exact=True).fill("OEP-0000/XYZ")
    with page.expect_navigation():
        page.get_by_role("button", name=t_check(lang, "Check"), exact=True).click()
    expect(page.locator("#result")).to_contain_text(t_check(lang, "Not in our licence register"))
    visited(page, f"trust-check-{lang}", lang)
