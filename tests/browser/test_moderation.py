"""Moderation end to end in Chromium: a recruiter's flagged posting waits in the queue, staff read its
red flags and approve it with an override reason; someone reports it from the public job page and
staff dismiss the report. The queue, the review page and the report form are accessible (axe)."""

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db as _db
from portal.jobs import editing
from portal.jobs.demo import ACCOUNTS
from portal.jobs.models import Posting
from portal.moderation import services as moderation
from portal.moderation.models import JobReport

from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser

VALUES = {
    "title_en": "Caregiver (moderation browser test)", "title_ja": "介護職員（審査ブラウザテスト）",
    "description_en": "Care work in Osaka. A visa processing fee of Rs 300,000 is paid before departure.",
    "description_ja": "大阪での介護の仕事です。", "sector_code": "nursing_care", "prefecture_code": "27",
    "salary_min": 230_000, "salary_unit": "MONTH", "visa_ssw1": True,
}


def log_in(page, live_server, role: str) -> None:
    account = next(a for a in ACCOUNTS if a.role == role)
    page.goto(f"{live_server}/en/login")
    page.locator("#email").fill(account.email)
    page.locator("#password").fill(account.password)
    page.locator("#password").press("Enter")
    page.wait_for_load_state()


def test_staff_moderate_a_flagged_posting_and_a_report(live_server, page, browser):
    employer = next(a for a in ACCOUNTS if a.role == "recruiter" and a.organisation == "employer")
    recruiter = _db.session.scalar(select(User).where(User.email == employer.email))
    posting = editing.create_draft(recruiter, VALUES)
    moderation.submit(posting.id, recruiter)
    posting_id = posting.id
    _db.session.commit()

    log_in(page, live_server, "staff")
    page.goto(f"{live_server}/en/staff/moderation/")
    check_accessibility(page, "moderation-queue-en")
    first_row = page.locator("tbody tr").first
    assert "Caregiver (moderation browser test)" in first_row.inner_text()  # riskiest first
    assert "High risk" in first_row.inner_text()
    page.locator("#flag").select_option("fee_words")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**flag=fee_words**")
    assert page.locator("tbody tr").count() == 1

    page.get_by_role("link", name="Caregiver (moderation browser test)").click()
    page.wait_for_url(f"**/en/staff/review/postings/{posting_id}")
    assert "The text mentions a fee for the worker" in page.locator("#flags-title").locator("..").inner_text()
    check_accessibility(page, "moderation-review-en")
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state()
    assert "Write why you approve it anyway" in page.locator("body").inner_text()
    page.get_by_label("Why you approve it despite the red flags").fill("The employer pays the fee; wording fixed.")
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state()
    _db.session.commit()
    assert _db.session.get(Posting, posting_id).status == "published"

    # Anyone may report the job from its public page (a <details> element: no script needed).
    visitor = browser.new_context(viewport={"width": 390, "height": 844})
    public = visitor.new_page()
    public.goto(f"{live_server}/en/jobs/{posting_id}")
    public.locator("summary", has_text="Something wrong with this job?").click()
    check_accessibility(public, "job-report-form-en")
    public.get_by_label("It asks for money").check()
    public.get_by_label("Details (optional)").fill("They asked for money on WhatsApp.")
    public.get_by_role("button", name="Send the report").click()
    public.wait_for_url(f"**/en/jobs/{posting_id}")
    assert "Thank you" in public.locator("body").inner_text()
    visitor.close()
    _db.session.commit()
    assert _db.session.scalar(select(JobReport.reason)) == "asks_for_money"

    page.goto(f"{live_server}/ja/staff/moderation/")
    check_accessibility(page, "moderation-queue-ja")
    page.goto(f"{live_server}/en/staff/review/postings/{posting_id}")
    assert "They asked for money on WhatsApp." in page.locator("#reports-title").locator("..").inner_text()
    check_accessibility(page, "moderation-review-reports-en")
    page.get_by_role("button", name="Dismiss the reports").click()
    page.wait_for_load_state()
    _db.session.commit()
    assert _db.session.scalar(select(JobReport.status)) == "dismissed"
