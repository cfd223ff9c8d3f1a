"""A day of the consulate staff in Chromium, once in English and once in Japanese, driven by the
visible labels of that language: a new organisation's posting waits in the moderation queue and
cannot be published yet → staff verify the organisation from the verification queue → approve the
posting → someone reports a published job from its public page (second browser) → staff uphold the
report and the job disappears → the audit log shows the three decisions. Every page visited is
checked with axe (WCAG 2.1 AA) and screenshotted."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts import organisations
from portal.accounts.identifiers import corporate_number_check_digit
from portal.accounts.models import Organisation
from portal.accounts.services import create_user
from portal.extensions import db as _db
from portal.jobs import editing
from portal.jobs.demo import ACCOUNTS
from portal.jobs.models import Posting
from portal.moderation import services as moderation
from portal.moderation.models import JobReport

from tests.browser.conftest import PHONE, check_accessibility, labels_in, visited

pytestmark = pytest.mark.browser

# The labels the ja run clicks and reads, as translations/ja/LC_MESSAGES/messages.po has them.
JA = {
    "E-mail address": "メールアドレス",
    "Password": "パスワード",
    "Log in": "ログイン",
    "Staff area": "職員用ページ",
    "Moderation queue": "審査待ち一覧",
    "Organisations": "組織",
    "Audit log": "監査ログ",
    "Unverified organisation": "未確認の組織",
    "Medium risk": "中リスク",
    "No red flags": "警告なし",
    "Review alone": "個別に審査",
    "Select “%(title)s” for approval": "「%(title)s」を承認の対象に選ぶ",
    "The organisation has not been verified yet.": "この組織はまだ確認されていません。",
    "Approve and publish": "承認して公開する",
    "Only postings of verified organisations can be published.": "公開できるのは確認済みの組織の求人だけです。",
    "Waiting for verification, oldest first": "確認待ち（古い順）",
    "Waiting for verification": "確認待ち",
    "Verify": "確認済みにする",
    "The organisation is verified.": "組織を確認済みにしました。",
    "Verified": "確認済み",
    "No red flags found.": "警告は見つかりませんでした。",
    "The posting is published.": "求人を公開しました。",
    "Published": "公開中",
    "Waiting for review": "審査待ち",
    "Something wrong with this job? Tell the portal's staff.":
        "この求人に問題がありますか？ポータルのスタッフに知らせてください。",
    "The job looks fake": "偽の求人のように見える",
    "Details (optional)": "詳細（任意）",
    "Send the report": "通報を送る",
    "Thank you. The portal's staff will look at this job.": "ありがとうございます。ポータルのスタッフがこの求人を確認します。",
    "Reported postings": "通報された求人",
    "%(num)s open report": "未対応の通報：%(num)s件",
    "Uphold the reports and remove the posting": "通報を認めて求人を削除する",
    "Reason, sent to the recruiter in their language": "理由（採用担当者の言語で送られます）",
    "The posting is misleading or its information is wrong.": "この求人は誤解を招く内容か、情報が誤っています。",
    "Note for the recruiter (optional)": "採用担当者へのメモ（任意）",
    "Uphold and remove": "認めて削除する",
    "The reports have been upheld and the posting removed. The recruiter has been told why.":
        "通報を認め、求人を削除しました。採用担当者に理由を伝えました。",
    "Removed": "削除済み",
    "Page not found": "ページが見つかりません",
    "Who (e-mail address, or system)": "実行者（メールアドレス、または system）",
    "Search": "検索",
    "%(num)s entry.": "%(num)s件です。",
    "%(num)s entries.": "%(num)s件です。",
    "Reports upheld: removed": "通報を認めて削除しました",
    "Approved and published": "承認して公開",
    "Organisation verified": "組織を確認済みにした",
    "Posting": "求人",
    "Organisation": "組織",
    "Consulate staff": "領事館職員",
}

ORGANISATION = {"en": "Hikari Care Co., Ltd.", "ja": "ひかりケア株式会社"}
TITLE = {"en": "Care worker, night shifts (staff journey)", "ja": "介護職員・夜勤あり（職員ジャーニー）"}
VALUES = {
    "title_en": TITLE["en"], "title_ja": TITLE["ja"],
    "description_en": "Care work in a nursing home in Sakai, Osaka. Training in Japanese care terms is provided.",
    "description_ja": "大阪府堺市の特別養護老人ホームでの介護の仕事です。介護の日本語研修があります。",
    "sector_code": "nursing_care", "prefecture_code": "27", "salary_min": 235_000, "salary_unit": "MONTH",
    "visa_ssw1": True,
}


t = labels_in(JA)


def staff_link(page, lang: str, label: str):
    return page.get_by_role("navigation", name=t(lang, "Staff area")).get_by_role(
        "link", name=t(lang, label), exact=True)


def submit(page, button) -> None:
    """Click a submit button and wait for the page the server answers with (POST → redirect → GET)."""
    with page.expect_navigation():
        button.click()


def valid_corporate_number() -> str:
    base = f"{uuid.uuid4().int % 10**12:012d}"
    return f"{corporate_number_check_digit(base)}{base}"


def new_organisation_with_a_submitted_posting() -> tuple[int, int]:
    """A recruiter who has just registered their organisation (unverified) and sent a posting."""
    recruiter = create_user(f"yui-{uuid.uuid4().hex[:8]}@example.com", "hikari care password", "recruiter",
                            display_name="Yui Nakamura", locale="ja", confirmed=True)
    organisation = organisations.create(recruiter, {
        "kind": "employer", "name_en": ORGANISATION["en"], "name_ja": ORGANISATION["ja"],
        "corporate_number": valid_corporate_number(), "address": "大阪府堺市堺区",
        "contact_email": recruiter.email})
    posting = editing.create_draft(recruiter, VALUES)
    moderation.submit(posting.id, recruiter)
    return organisation.id, posting.id


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_staff_moderate_verify_answer_a_report_and_read_the_audit_log(live_server, page, browser, lang):
    staff_account = next(a for a in ACCOUNTS if a.role == "staff")
    organisation_id, posting_id = new_organisation_with_a_submitted_posting()
    reported = _db.session.scalars(select(Posting).where(Posting.status == "published",
                                                         Posting.title_en.is_not(None), Posting.title_ja.is_not(None))
                                   .order_by(Posting.id)).first()
    reported_id, reported_title = reported.id, reported.title(lang)
    _db.session.commit()

    # ---- staff log in ---------------------------------------------------------------------------------
    page.goto(f"{live_server}/{lang}/login")
    visited(page, f"journey-staff-login-{lang}", lang)
    page.get_by_label(t(lang, "E-mail address"), exact=True).fill(staff_account.email)
    page.get_by_label(t(lang, "Password"), exact=True).fill(staff_account.password)
    page.get_by_role("button", name=t(lang, "Log in")).click()
    page.wait_for_url(f"**/{lang}/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Staff area"))
    visited(page, f"journey-staff-dashboard-{lang}", lang)

    # ---- the new organisation's posting waits in the queue and cannot be published yet ---------------
    staff_link(page, lang, "Moderation queue").click()
    page.wait_for_url(f"**/{lang}/staff/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Moderation queue"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE[lang], exact=True))
    expect(row).to_contain_text(t(lang, "Unverified organisation"))
    expect(row).to_contain_text(t(lang, "Medium risk"))
    expect(row).to_contain_text(t(lang, "Review alone"))
    visited(page, f"journey-staff-queue-{lang}", lang)
    row.get_by_role("link", name=TITLE[lang], exact=True).click()
    page.wait_for_url(f"**/{lang}/staff/review/postings/{posting_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE[lang])
    flags = page.locator("#flags-title").locator("..")
    expect(flags).to_contain_text(t(lang, "The organisation has not been verified yet."))
    visited(page, f"journey-staff-review-unverified-{lang}", lang)
    submit(page, page.get_by_role("button", name=t(lang, "Approve and publish")))
    expect(page.get_by_role("status")).to_contain_text(
        t(lang, "Only postings of verified organisations can be published."))
    visited(page, f"journey-staff-review-refused-{lang}", lang)
    _db.session.commit()
    assert _db.session.get(Posting, posting_id).status == "submitted"

    # ---- verify the organisation from the verification queue ------------------------------------------
    staff_link(page, lang, "Organisations").click()
    page.wait_for_url(f"**/{lang}/staff/accounts/organisations")
    expect(page.get_by_role("heading", level=2)).to_have_text(t(lang, "Waiting for verification, oldest first"))
    visited(page, f"journey-staff-verification-queue-{lang}", lang)
    page.get_by_role("link", name=ORGANISATION[lang], exact=True).click()
    page.wait_for_url(f"**/{lang}/staff/accounts/organisations/{organisation_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION[lang])
    expect(page.locator(".badge-unverified")).to_have_text(t(lang, "Waiting for verification"))
    visited(page, f"journey-staff-organisation-{lang}", lang)
    submit(page, page.get_by_role("button", name=t(lang, "Verify")))
    expect(page.get_by_role("status")).to_contain_text(t(lang, "The organisation is verified."))
    expect(page.locator(".badge-verified")).to_have_text(t(lang, "Verified"))
    visited(page, f"journey-staff-organisation-verified-{lang}", lang)
    _db.session.commit()
    assert _db.session.get(Organisation, organisation_id).status == "verified"

    # ---- back in the queue, the posting has no red flag left: approve it -----------------------------------
    staff_link(page, lang, "Moderation queue").click()
    page.wait_for_url(f"**/{lang}/staff/moderation/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE[lang], exact=True))
    expect(row).to_contain_text(t(lang, "No red flags"))
    expect(row.get_by_label(t(lang, "Select “%(title)s” for approval", title=TITLE[lang]))).to_be_visible()
    visited(page, f"journey-staff-queue-verified-{lang}", lang)
    row.get_by_role("link", name=TITLE[lang], exact=True).click()
    page.wait_for_url(f"**/{lang}/staff/review/postings/{posting_id}")
    expect(flags).to_contain_text(t(lang, "No red flags found."))
    visited(page, f"journey-staff-review-{lang}", lang)
    submit(page, page.get_by_role("button", name=t(lang, "Approve and publish")))
    expect(page.get_by_role("status")).to_contain_text(t(lang, "The posting is published."))
    expect(page.locator("dl.facts dd").first).to_have_text(t(lang, "Published"))
    visited(page, f"journey-staff-review-published-{lang}", lang)
    _db.session.commit()
    assert _db.session.get(Posting, posting_id).status == "published"

    # ---- someone reports a published job from its public page, in their own browser --------------------
    visitor_context = browser.new_context(viewport=PHONE)
    try:
        visitor = visitor_context.new_page()
        visitor.goto(f"{live_server}/{lang}/jobs/{reported_id}")
        expect(visitor.get_by_role("heading", level=1)).to_have_text(reported_title)
        visited(visitor, f"journey-staff-public-job-{lang}", lang)
        visitor.locator("summary", has_text=t(lang, "Something wrong with this job? Tell the portal's staff.")).click()
        visitor.get_by_label(t(lang, "The job looks fake"), exact=True).check()
        visitor.get_by_label(t(lang, "Details (optional)"), exact=True).fill(
            "The phone number is in Dubai and they want a WhatsApp call first.")
        check_accessibility(visitor, f"journey-staff-report-form-{lang}")  # same page, the form opened
        submit(visitor, visitor.get_by_role("button", name=t(lang, "Send the report")))
        expect(visitor.get_by_role("status")).to_contain_text(
            t(lang, "Thank you. The portal's staff will look at this job."))
        visited(visitor, f"journey-staff-public-job-reported-{lang}", lang)
        _db.session.commit()
        assert _db.session.scalar(select(JobReport.reason).where(JobReport.posting_id == reported_id)) == "fake_job"

        # ---- staff answer the report: uphold it, the job is removed -----------------------------------
        staff_link(page, lang, "Moderation queue").click()
        page.wait_for_url(f"**/{lang}/staff/moderation/")
        reports = page.locator("#reported-title").locator("..")
        expect(reports).to_contain_text(t(lang, "%(num)s open report", num=1))
        visited(page, f"journey-staff-queue-reported-{lang}", lang)
        reports.get_by_role("link", name=reported_title, exact=True).click()
        page.wait_for_url(f"**/{lang}/staff/review/postings/{reported_id}#reports-title")
        expect(page.locator("#reports-title").locator("..")).to_contain_text("WhatsApp call first")
        visited(page, f"journey-staff-review-report-{lang}", lang)
        uphold = page.get_by_role("group", name=t(lang, "Uphold the reports and remove the posting"), exact=True)
        uphold.get_by_label(t(lang, "Reason, sent to the recruiter in their language"), exact=True).select_option(
            label=t(lang, "The posting is misleading or its information is wrong."))
        uphold.get_by_label(t(lang, "Note for the recruiter (optional)"), exact=True).fill(
            "Applications must come through the portal, not by WhatsApp.")
        submit(page, uphold.get_by_role("button", name=t(lang, "Uphold and remove")))
        expect(page.get_by_role("status")).to_contain_text(
            t(lang, "The reports have been upheld and the posting removed. The recruiter has been told why."))
        expect(page.locator("dl.facts dd").first).to_have_text(t(lang, "Removed"))
        visited(page, f"journey-staff-review-upheld-{lang}", lang)
        _db.session.commit()
        assert _db.session.get(Posting, reported_id).status == "removed"
        assert _db.session.scalar(select(JobReport.status).where(JobReport.posting_id == reported_id)) == "upheld"

        response = visitor.reload()
        assert response.status == 404
        expect(visitor.get_by_role("heading", level=1)).to_have_text(t(lang, "Page not found"))
        visited(visitor, f"journey-staff-public-job-removed-{lang}", lang)
    finally:
        visitor_context.close()

    # ---- the audit log shows the three decisions, newest first ------------------------------------------
    staff_link(page, lang, "Audit log").click()
    page.wait_for_url(f"**/{lang}/staff/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(lang, "Audit log"))
    visited(page, f"journey-staff-audit-{lang}", lang)
    page.get_by_label(t(lang, "Who (e-mail address, or system)"), exact=True).fill(staff_account.email)
    page.get_by_role("button", name=t(lang, "Search")).click()
    page.wait_for_url(re.compile(r"/staff/audit/\?actor="))
    expect(page.get_by_text(t(lang, "%(num)s entries.", num=3), exact=True)).to_be_visible()
    visited(page, f"journey-staff-audit-search-{lang}", lang)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expected = [("Reports upheld: removed", "Posting", reported_id, "Published", "Removed"),
                ("Approved and published", "Posting", posting_id, "Waiting for review", "Published"),
                ("Organisation verified", "Organisation", organisation_id, "Waiting for verification", "Verified")]
    for index, (action, target, target_id, before, after) in enumerate(expected):
        cells = rows.nth(index).locator("td")
        expect(cells.nth(1)).to_contain_text(staff_account.email)
        expect(cells.nth(1)).to_contain_text(t(lang, "Consulate staff"))
        expect(cells.nth(2)).to_have_text(t(lang, action))
        expect(cells.nth(3)).to_have_text(f"{t(lang, target)} {target_id}")
        expect(cells.nth(4)).to_have_text(t(lang, before))  # the state's name, not its stored code
        expect(cells.nth(5)).to_have_text(t(lang, after))
    expect(rows.nth(0)).to_contain_text("misleading: Applications must come through the portal, not by WhatsApp.")
