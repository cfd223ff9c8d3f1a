"""A new recruiter's whole journey in Chromium, once in English and once in Japanese, driven by the
visible labels of that language: registration → organisation → staff verify it (second browser) →
a bilingual posting sent for review → staff approve it → a job seeker applies → the recruiter moves
the applicant to "offered". Every page visited is checked with axe (WCAG 2.1 AA) and screenshotted."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.identifiers import corporate_number_check_digit
from portal.accounts.models import Organisation, User
from portal.applications import services as applications
from portal.applications.models import Application
from portal.extensions import db as _db
from portal.jobs.demo import ACCOUNTS
from portal.jobs.models import Posting
from portal.timeutil import today

from tests.browser.conftest import PHONE, confirm_address, labels_in, visited

pytestmark = pytest.mark.browser

# The labels the ja run clicks and reads, as translations/ja/LC_MESSAGES/messages.po has them.
JA = {
    "Main": "メインメニュー",
    "Register": "新規登録",
    "Create an account": "アカウントを作成",
    "A recruiter or employer with jobs in Japan": "日本の求人がある採用担当者・雇用主",
    "Your name": "お名前",
    "E-mail address": "メールアドレス",
    "Password": "パスワード",
    "Password again": "パスワード（確認用）",
    "Create account": "アカウントを作成",
    "Thank you. Your e-mail address is confirmed.": "ありがとうございます。メールアドレスが確認されました。",
    "Confirm my e-mail address": "メールアドレスを確認する",
    "Recruiter dashboard": "採用担当者ダッシュボード",
    "Register your organisation": "組織を登録する",
    "Kind of organisation": "組織の種類",
    "Employer in Japan": "日本の雇用主",
    "Name in English": "英語の名称",
    "Name in Japanese": "日本語の名称",
    "Corporate number (13 digits)": "法人番号（13桁）",
    "Address": "所在地",
    "Contact e-mail address": "連絡先メールアドレス",
    "Save organisation": "組織を保存",
    "Your organisation has been created. Staff will check it; you can write postings now.":
        "組織を登録しました。職員が確認します。今すぐ求人を作成できます。",
    "Waiting for verification": "確認待ち",
    "Verified": "確認済み",
    "Log in": "ログイン",
    "Staff area": "職員用ページ",
    "Organisations": "組織",
    "Waiting for verification, oldest first": "確認待ち（古い順）",
    "Verify": "確認済みにする",
    "The organisation is verified.": "組織を確認済みにしました。",
    "Write a new posting": "新しい求人を作成",
    "New posting": "新しい求人",
    "In %(language)s": "%(language)s",
    "English": "英語",
    "Japanese": "日本語",
    "Job title": "職種名",
    "Description": "仕事内容",
    "Field of work": "分野",
    "Prefecture": "都道府県",
    "Pay from (yen)": "給与の下限（円）",
    "Pay is": "給与の単位",
    "Per month": "月給",
    "Specified Skilled Worker (i)": "特定技能1号",
    "Housing provided": "住居あり",
    "Submit for review": "審査に提出",
    "Sent for review. Staff usually answer within two working days.":
        "審査に提出しました。通常、職員は2営業日以内に回答します。",
    "Waiting for review": "審査待ち",
    "Moderation queue": "審査待ち一覧",
    "No red flags found.": "警告は見つかりませんでした。",
    "Approve and publish": "承認して公開する",
    "The posting is published.": "求人を公開しました。",
    "Published": "公開中",
    "Applicants": "応募者",
    "Applicants for %(title)s": "%(title)sへの応募者",
    "Applicant: %(name)s": "応募者：%(name)s",
    "New status": "新しい状態",
    "Message to the applicant (optional)": "応募者へのメッセージ（任意）",
    "Monthly pay before deductions (yen)": "控除前の月給（円）",
    "Working hours a week": "週の労働時間",
    "Days off a year": "年間休日",
    "Start date": "開始日",
    "Contract length (months)": "契約期間（か月）",
    "Change status": "状態を変更する",
    "The application has been updated. The applicant has been told.": "応募を更新しました。応募者に知らせました。",
    "Shortlist": "書類選考を通過にする",
    "Invite to interview": "面接に招待する",
    "Make an offer": "内定を出す",
    "Received": "受付済み",
    "Shortlisted": "書類選考通過",
    "Interview": "面接",
    "Offered": "内定",
}

TITLE = {"en": "Food factory worker (journey test)", "ja": "食品工場スタッフ（ジャーニーテスト）"}
DESCRIPTION = {"en": "Packing and checking bento boxes in Nagoya.\n\nDormitory next to the factory.",
               "ja": "名古屋で弁当の盛り付けと検品をします。\n\n工場の隣に寮があります。"}


t = labels_in(JA)


def nav_link(page, lang: str, area: str, label: str):
    return page.get_by_role("navigation", name=t(lang, area)).get_by_role("link", name=t(lang, label), exact=True)


def submit(page, button) -> None:
    """Click a submit button and wait for the page the server answers with (POST → redirect → GET)."""
    with page.expect_navigation():
        button.click()


def log_in(page, live_server: str, lang: str, email: str, password: str) -> None:
    page.goto(f"{live_server}/{lang}/login")
    visited(page, f"journey-recruiter-staff-login-{lang}", lang)
    page.get_by_label(t(lang, "E-mail address"), exact=True).fill(email)
    page.get_by_label(t(lang, "Password"), exact=True).fill(password)
    submit(page, page.get_by_role("button", name=t(lang, "Log in")))


def valid_corporate_number() -> str:
    base = f"{uuid.uuid4().int % 10**12:012d}"
    return f"{corporate_number_check_digit(base)}{base}"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_new_recruiter_from_registration_to_an_offer(live_server, page, browser, lang):
    email = f"recruiter-{uuid.uuid4().hex[:10]}@example.com"
    org_en, org_ja = "Nagoya Bento Works Co., Ltd.", "名古屋弁当工業株式会社"
    name = "Haruka Mori" if lang == "en" else "森 はるか"
    staff_account = next(a for a in ACCOUNTS if a.role == "staff")
    seeker_account = next(a for a in ACCOUNTS if a.role == "seeker")

    # ---- the recruiter registers --------------------------------------------------------------
    page.goto(f"{live_server}/{lang}/")
    visited(page, f"journey-recruiter-home-{lang}", lang)
    nav_link(page, lang, "Main", "Register").click()
    page.wait_for_url(f"**/{lang}/register")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Create an account"))
    visited(page, f"journey-recruiter-register-{lang}", lang)
    page.get_by_label(t(lang, "A recruiter or employer with jobs in Japan"), exact=True).check()
    page.get_by_label(t(lang, "Your name"), exact=True).fill(name)
    page.get_by_label(t(lang, "E-mail address"), exact=True).fill(email)
    page.get_by_label(t(lang, "Password"), exact=True).fill("a long journey password")
    page.get_by_label(t(lang, "Password again"), exact=True).fill("a long journey password")
    page.get_by_role("button", name=t(lang, "Create account")).click()
    page.wait_for_url(f"**/{lang}/register/check-email")
    confirm_address(page, live_server, email, t(lang, "Confirm my e-mail address"))
    page.wait_for_url(f"**/{lang}/recruiter/")
    expect(page.get_by_role("status")).to_contain_text(t(lang, "Thank you. Your e-mail address is confirmed."))
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Recruiter dashboard"))
    visited(page, f"journey-recruiter-dashboard-new-{lang}", lang)
    _db.session.commit()
    recruiter = _db.session.scalar(select(User).where(User.email == email))
    assert recruiter.role == "recruiter" and recruiter.locale == lang and recruiter.organisation_id is None

    # ---- creates the organisation -------------------------------------------------------------
    page.get_by_role("link", name=t(lang, "Register your organisation")).click()
    page.wait_for_url(f"**/{lang}/recruiter/organisation/new")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Register your organisation"))
    visited(page, f"journey-recruiter-organisation-form-{lang}", lang)
    page.get_by_label(t(lang, "Kind of organisation"), exact=True).select_option(label=t(lang, "Employer in Japan"))
    page.get_by_label(t(lang, "Name in English"), exact=True).fill(org_en)
    page.get_by_label(t(lang, "Name in Japanese"), exact=True).fill(org_ja)
    page.get_by_label(t(lang, "Corporate number (13 digits)"), exact=True).fill(valid_corporate_number())
    page.get_by_label(t(lang, "Address"), exact=True).fill("愛知県名古屋市中村区")
    page.get_by_label(t(lang, "Contact e-mail address"), exact=True).fill(email)
    page.get_by_role("button", name=t(lang, "Save organisation")).click()
    page.wait_for_url(f"**/{lang}/recruiter/")
    expect(page.get_by_role("status")).to_contain_text(
        t(lang, "Your organisation has been created. Staff will check it; you can write postings now."))
    expect(page.locator(".badge-unverified")).to_have_text(t(lang, "Waiting for verification"))
    expect(page.get_by_text(org_en if lang == "en" else org_ja)).to_be_visible()
    visited(page, f"journey-recruiter-dashboard-unverified-{lang}", lang)
    _db.session.commit()
    organisation = _db.session.scalar(select(Organisation).where(Organisation.contact_email == email))
    assert organisation.status == "unverified" and organisation.name_ja == org_ja

    # ---- staff verify it, in their own browser ------------------------------------------------
    staff_context = browser.new_context(viewport=PHONE)
    try:
        staff = staff_context.new_page()
        log_in(staff, live_server, lang, staff_account.email, staff_account.password)
        staff.wait_for_url(f"**/{lang}/staff/")
        expect(staff.get_by_role("heading", level=1)).to_have_text(t(lang, "Staff area"))
        visited(staff, f"journey-recruiter-staff-dashboard-{lang}", lang)
        nav_link(staff, lang, "Staff area", "Organisations").click()
        staff.wait_for_url(f"**/{lang}/staff/accounts/organisations")
        expect(staff.get_by_role("heading", level=2)).to_have_text(t(lang, "Waiting for verification, oldest first"))
        visited(staff, f"journey-recruiter-staff-verification-queue-{lang}", lang)
        staff.get_by_role("link", name=org_en if lang == "en" else org_ja).click()
        staff.wait_for_url(f"**/{lang}/staff/accounts/organisations/{organisation.id}")
        visited(staff, f"journey-recruiter-staff-organisation-{lang}", lang)
        submit(staff, staff.get_by_role("button", name=t(lang, "Verify")))
        expect(staff.get_by_role("status")).to_contain_text(t(lang, "The organisation is verified."))
        expect(staff.locator(".badge-verified")).to_have_text(t(lang, "Verified"))
        visited(staff, f"journey-recruiter-staff-organisation-verified-{lang}", lang)
        _db.session.commit()
        assert _db.session.get(Organisation, organisation.id).status == "verified"

        # ---- the recruiter writes a bilingual posting and sends it for review -------------------
        nav_link(page, lang, "Main", "Recruiter dashboard").click()
        page.wait_for_url(f"**/{lang}/recruiter/")
        expect(page.locator(".badge-verified")).to_have_text(t(lang, "Verified"))
        visited(page, f"journey-recruiter-dashboard-verified-{lang}", lang)
        page.get_by_role("link", name=t(lang, "Write a new posting")).click()
        page.wait_for_url(f"**/{lang}/recruiter/postings/new")
        expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "New posting"))
        visited(page, f"journey-recruiter-editor-{lang}", lang)
        for code in ("en", "ja"):
            language = t(lang, "English" if code == "en" else "Japanese")
            column = page.get_by_role("group", name=t(lang, "In %(language)s", language=language), exact=True)
            column.get_by_label(t(lang, "Job title"), exact=True).fill(TITLE[code])
            column.get_by_label(t(lang, "Description"), exact=True).fill(DESCRIPTION[code])
        page.get_by_label(t(lang, "Field of work"), exact=True).select_option("food_manufacturing")
        page.get_by_label(t(lang, "Prefecture"), exact=True).select_option("23")
        page.locator("input[name=applicants_from][value=abroad]").check()
        page.get_by_label(t(lang, "Pay from (yen)"), exact=True).fill("240000")
        page.get_by_label(t(lang, "Pay is"), exact=True).select_option(label=t(lang, "Per month"))
        page.get_by_label(t(lang, "Specified Skilled Worker (i)"), exact=True).check()
        page.get_by_label(t(lang, "Housing provided"), exact=True).check()
        page.get_by_role("button", name=t(lang, "Submit for review")).click()
        page.wait_for_url(f"**/{lang}/recruiter/postings/*")
        expect(page.get_by_role("status")).to_contain_text(
            t(lang, "Sent for review. Staff usually answer within two working days."))
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE[lang])
        visited(page, f"journey-recruiter-posting-submitted-{lang}", lang)
        _db.session.commit()
        posting = _db.session.scalar(select(Posting).where(Posting.organisation_id == organisation.id))
        assert posting.status == "submitted"
        assert (posting.title_en, posting.title_ja) == (TITLE["en"], TITLE["ja"])
        assert posting.description_ja == DESCRIPTION["ja"] and posting.visa_ssw1 and posting.support_housing

        # ---- staff approve it from the moderation queue -------------------------------------------
        nav_link(staff, lang, "Staff area", "Moderation queue").click()
        staff.wait_for_url(f"**/{lang}/staff/moderation/")
        visited(staff, f"journey-recruiter-staff-queue-{lang}", lang)
        staff.get_by_role("link", name=TITLE[lang], exact=True).click()
        staff.wait_for_url(f"**/{lang}/staff/review/postings/{posting.id}")
        expect(staff.get_by_role("heading", level=1)).to_have_text(TITLE[lang])
        expect(staff.locator("#flags-title").locator("..")).to_contain_text(t(lang, "No red flags found."))
        visited(staff, f"journey-recruiter-staff-review-{lang}", lang)
        submit(staff, staff.get_by_role("button", name=t(lang, "Approve and publish")))
        expect(staff.get_by_role("status")).to_contain_text(t(lang, "The posting is published."))
        visited(staff, f"journey-recruiter-staff-review-published-{lang}", lang)
        _db.session.commit()
        assert _db.session.get(Posting, posting.id).status == "published"
    finally:
        staff_context.close()

    # ---- a job seeker applies (service layer: the seeker's own journey is tested elsewhere) --------
    seeker = _db.session.scalar(select(User).where(User.email == seeker_account.email))
    application = applications.apply(seeker, posting.id, "I packed food for three years in Lahore.",
                                     include_cv=False)
    application_id = application.id

    # ---- the recruiter moves the applicant through the pipeline to "offered" ----------------------
    nav_link(page, lang, "Main", "Applicants").click()
    page.wait_for_url(f"**/{lang}/recruiter/applicants")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Applicants"))
    visited(page, f"journey-recruiter-applicants-overview-{lang}", lang)
    page.get_by_role("link", name=TITLE[lang], exact=True).click()
    page.wait_for_url(f"**/{lang}/recruiter/postings/{posting.id}/applicants")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Applicants for %(title)s", title=TITLE[lang]))
    visited(page, f"journey-recruiter-applicants-{lang}", lang)
    page.get_by_role("link", name=seeker_account.name).click()
    page.wait_for_url(f"**/{lang}/recruiter/applications/{application_id}")
    heading = t(lang, "Applicant: %(name)s", name=seeker_account.name)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    status = page.locator("dl.facts .badge").first
    expect(status).to_have_text(t(lang, "Received"))
    visited(page, f"journey-recruiter-applicant-received-{lang}", lang)
    for move, state, shown in (("Shortlist", "shortlisted", "Shortlisted"),
                               ("Invite to interview", "interview", "Interview"),
                               ("Make an offer", "offered", "Offered")):
        page.get_by_label(t(lang, "New status"), exact=True).select_option(label=t(lang, move))
        if state == "offered":
            page.get_by_label(t(lang, "Message to the applicant (optional)"), exact=True).fill(
                "We would like to offer you the job." if lang == "en" else "内定をお知らせします。")
            for label, value in (("Monthly pay before deductions (yen)", "300000"),
                                 ("Working hours a week", "40"), ("Days off a year", "105"),
                                 ("Start date", (today() + timedelta(days=90)).isoformat()),
                                 ("Contract length (months)", "12")):
                page.get_by_label(t(lang, label), exact=True).fill(value)
        submit(page, page.get_by_role("button", name=t(lang, "Change status")))
        expect(page.get_by_role("status")).to_contain_text(
            t(lang, "The application has been updated. The applicant has been told."))
        expect(status).to_have_text(t(lang, shown))
        visited(page, f"journey-recruiter-applicant-{state}-{lang}", lang)
        _db.session.commit()
        assert _db.session.get(Application, application_id).state == state
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    _db.session.commit()
    application = _db.session.get(Application, application_id)
    assert application.state == "offered"
    assert [event.to_state for event in application.events] == ["received", "shortlisted", "interview", "offered"]
