"""A job seeker's whole journey in Chromium, once in English and once in Japanese, driven only through
the UI in that language: register, build a profile and upload a CV, search in Japanese and in
English, open a job (match, checklist, take-home pay), apply, and follow the application until the
employer moves it and the seeker reads the new status and the notification. Every page visited is
checked with axe (WCAG 2.1 AA) and kept as a screenshot in tests/browser/artifacts/."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import SeekerProfile, User
from portal.applications import services as applications_service
from portal.applications.models import Application, Notification
from portal.extensions import db as _db
from portal.jobs.models import Posting

from tests.browser.conftest import check_accessibility, confirm_address

pytestmark = pytest.mark.browser

PASSWORD = "a long journey to a job in Japan"
CV_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EMPLOYER_MESSAGE = "We would like to talk with you. / ぜひお話ししたいです。"

# The visible words of each language, as the person reads them (templates + translations/ja).
TEXT = {
    "en": {
        "main_nav": "Main", "register": "Register", "create_account": "Create account",
        "seeker_role": "A job seeker looking for work in Japan", "name": "Your name", "email": "E-mail address",
        "password": "Password", "password_again": "Password again", "welcome": "Thank you. Your e-mail address is confirmed.",
        "confirm": "Confirm my e-mail address",
        "profile_link": "Tell us your trade, your experience and your Japanese level.", "profile_h1": "My profile",
        "education": "Education", "jlpt": "JLPT level", "jlpt_year": "Year you passed the JLPT",
        "jft_score": "JFT-Basic score (pass is 200 of 250)", "jft_date": "JFT-Basic date",
        "nursing_japanese": "I passed the Nursing Care Japanese Language Evaluation Test",
        "languages": "Languages you speak", "city": "City in Pakistan", "province": "Province", "punjab": "Punjab",
        "housing": "I need housing from the employer", "save_profile": "Save profile",
        "profile_saved": "Your profile has been saved.", "cv_field": "CV (PDF or Word, at most 5 MB)",
        "upload_cv": "Upload CV", "cv_uploaded": "Your CV has been uploaded.",
        "jobs": "Jobs", "jobs_h1": "Find a job in Japan", "query": "Job, skill or place", "search": "Search",
        "match": "How you match", "checklist": "How to apply: your checklist",
        "take_home": "Take-home pay: an estimate",
        "how_to_apply": "How to apply", "cover_note": "A note to the employer (optional)",
        "send_cv": "Send my CV with the application", "apply": "Apply with my profile",
        "applied": "Your application has been sent. We will tell you when the employer answers.",
        "my_applications": "My applications", "received": "Received", "shortlisted": "Shortlisted",
        "history": "Messages and history", "notifications": "Notifications", "mark_read": "Mark all as read",
        "all_read": "All notifications are marked as read.", "see_job": "See the job",
        "applied_notice": "Status: Shortlisted.", "see_application": "See your application",
        "now_state": "the application is now “Shortlisted”",
    },
    "ja": {
        "main_nav": "メインメニュー", "register": "新規登録", "create_account": "アカウントを作成",
        "seeker_role": "日本での仕事を探している求職者", "name": "お名前", "email": "メールアドレス",
        "password": "パスワード", "password_again": "パスワード（確認用）",
        "welcome": "ありがとうございます。メールアドレスが確認されました。", "confirm": "メールアドレスを確認する",
        "profile_link": "あなたの職種、経験、日本語レベルを教えてください。", "profile_h1": "マイプロフィール",
        "education": "学歴", "jlpt": "日本語能力試験のレベル", "jlpt_year": "日本語能力試験に合格した年",
        "jft_score": "JFT-Basicの得点（250点中200点で合格）", "jft_date": "JFT-Basicの受験日",
        "nursing_japanese": "介護日本語評価試験に合格しました",
        "languages": "話せる言語", "city": "パキスタンでの居住都市", "province": "州", "punjab": "パンジャーブ州",
        "housing": "雇用主による住居の提供が必要です", "save_profile": "プロフィールを保存",
        "profile_saved": "プロフィールを保存しました。", "cv_field": "履歴書（PDFまたはWord、5MBまで）",
        "upload_cv": "履歴書をアップロード", "cv_uploaded": "履歴書をアップロードしました。",
        "jobs": "求人", "jobs_h1": "日本の仕事を探す", "query": "職種・技能・地名", "search": "検索",
        "match": "あなたとのマッチ", "checklist": "応募のしかた：チェックリスト", "take_home": "手取りの目安",
        "how_to_apply": "応募方法", "cover_note": "雇用主へのメッセージ（任意）",
        "send_cv": "応募と一緒に履歴書を送る", "apply": "プロフィールで応募する",
        "applied": "応募を送りました。雇用主から返事があればお知らせします。",
        "my_applications": "応募一覧", "received": "受付済み", "shortlisted": "書類選考通過",
        "history": "メッセージと履歴", "notifications": "通知", "mark_read": "すべて既読にする",
        "all_read": "すべての通知を既読にしました。", "see_job": "求人を見る",
        "applied_notice": "状態：書類選考通過", "see_application": "応募を見る",
        "now_state": "応募の状態が「書類選考通過」になりました",
    },
}

# Who registers in each run: a welder on the English run, a caregiver on the Japanese one. Each run
# searches once in Japanese and once in English, and opens a job from the search for its own trade.
PERSON = {
    "en": {"name": "Imran Khan", "trade": "welder", "years": "4", "jlpt": "N4", "jft": "215",
           "test_sector": "industrial_products", "test_sub_area": "machining", "searches": ("介護", "welder"),
           "sector": "industrial_products",
           "note": "I have welded car parts for four years in Lahore and can start in April."},
    "ja": {"name": "Ayesha Malik", "trade": "caregiver", "years": "3", "jlpt": "N4", "jft": "220",
           "test_sector": "nursing_care", "searches": ("welder", "介護"), "sector": "nursing_care",
           "note": "介護施設で3年間働いた経験があります。4月から働けます。"},
}

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


def assert_page_language(page, lang: str) -> None:
    """<html lang> is the run's language; on the Japanese run, the page's own words are Japanese:
    the title, every heading, label, legend and button (text of the data itself, marked with another
    `lang`, is left out)."""
    assert page.locator("html").get_attribute("lang") == lang
    if lang != "ja":
        return
    assert JAPANESE.search(page.title()), f"title not in Japanese: {page.title()!r}"
    untranslated = page.evaluate(r"""() => {
        const ownText = el => {  // the element's words without the parts marked as another language
            const copy = el.cloneNode(true);
            copy.querySelectorAll('[lang]').forEach(part => part.remove());
            return copy.textContent.replace(/\s+/g, ' ').trim();
        };
        return [...document.querySelectorAll(
            'main h1, main h2, main h3, label, legend, button, summary, th, .main-nav a, .flash')]
            .filter(el => !el.closest('[lang]:not(html)') && el.offsetParent !== null)
            .map(ownText).filter(text => /[A-Za-z]{3,}/.test(text));
    }""")
    leaks = [text for text in untranslated if not JAPANESE.search(text)]
    assert not leaks, f"English on a Japanese page {page.url}: {leaks}"


def visit(page, name: str, lang: str) -> None:
    """After every navigation: the page is in the right language and passes axe; a screenshot is kept."""
    page.wait_for_load_state()
    assert_page_language(page, lang)
    check_accessibility(page, f"seeker-{name}-{lang}")


def expect_flash(page, text: str) -> None:
    """The message after a form: retried, so a page that has not arrived yet is never read by mistake."""
    expect(page.locator(".flashes")).to_have_text(text)


def searched_for(query: str):
    return lambda url: parse_qs(urlsplit(url).query).get("q") == [query]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_seeker_journey_from_registration_to_a_moved_application(live_server, page, lang):
    t, person = TEXT[lang], PERSON[lang]
    email = f"walker-{lang}-{uuid.uuid4().hex[:8]}@example.org"  # no word of the password in it
    main_nav = page.get_by_role("navigation", name=t["main_nav"])

    # 1. Register as a job seeker from the home page; the account is ready and logged in.
    page.goto(f"{live_server}/{lang}/")
    visit(page, "home", lang)
    main_nav.get_by_role("link", name=t["register"], exact=True).click()
    page.wait_for_url(f"**/{lang}/register")
    visit(page, "register", lang)
    page.get_by_label(t["seeker_role"]).check()
    page.get_by_label(t["name"], exact=True).fill(person["name"])
    page.get_by_label(t["email"], exact=True).fill(email)
    page.get_by_label(t["password"], exact=True).fill(PASSWORD)
    page.get_by_label(t["password_again"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t["create_account"]).click()
    page.wait_for_url(f"**/{lang}/register/check-email")
    confirm_address(page, live_server, email, t["confirm"])
    page.wait_for_url(f"**/{lang}/seeker/")
    expect_flash(page, t["welcome"])
    assert person["name"] in page.locator("h1").inner_text()
    visit(page, "dashboard", lang)
    _db.session.commit()
    user = _db.session.scalar(select(User).where(User.email == email))
    assert user is not None and user.role == "seeker" and user.locale == lang
    assert user.display_name == person["name"]

    # 2. Build the profile: trade and years, Japanese (JLPT and JFT-Basic), a skills test passed.
    page.get_by_role("link", name=t["profile_link"]).click()
    page.wait_for_url(f"**/{lang}/seeker/profile")
    assert page.locator("h1").inner_text() == t["profile_h1"]
    visit(page, "profile", lang)
    page.locator("#trades-0-trade").select_option(person["trade"])
    page.locator("#trades-0-years").fill(person["years"])
    page.get_by_label(t["education"], exact=True).select_option("secondary")
    page.get_by_label(t["jlpt"], exact=True).select_option(person["jlpt"])
    page.get_by_label(t["jlpt_year"], exact=True).fill("2024")
    page.get_by_label(t["jft_score"], exact=True).fill(person["jft"])
    page.get_by_label(t["jft_date"], exact=True).fill("2024-11-20")
    if person["test_sector"] == "nursing_care":
        page.get_by_label(t["nursing_japanese"]).check()
    page.locator("#skills_tests-0-sector").select_option(person["test_sector"])
    if person.get("test_sub_area"):  # a field with business categories: the test's own
        page.locator("#skills_tests-0-sub_area").select_option(f"{person['test_sector']}/{person['test_sub_area']}")
    page.locator("#skills_tests-0-level").select_option("i")
    page.locator("#skills_tests-0-passed_on").fill("2025-02-14")
    page.get_by_label(t["languages"], exact=True).fill("Urdu, Punjabi, English")
    page.get_by_label(t["city"], exact=True).fill("Lahore")
    page.get_by_label(t["province"], exact=True).select_option(label=t["punjab"])
    page.get_by_label(t["housing"]).check()
    page.get_by_role("button", name=t["save_profile"]).click()
    page.wait_for_url(f"**/{lang}/seeker/profile")
    expect_flash(page, t["profile_saved"])
    assert page.locator("#trades-0-trade").input_value() == person["trade"]
    visit(page, "profile-saved", lang)
    _db.session.commit()
    profile = _db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == user.id))
    assert [(trade.trade_code, trade.years) for trade in profile.trades] == [(person["trade"], float(person["years"]))]
    assert (profile.jlpt_level, profile.jlpt_year) == (person["jlpt"], 2024)
    assert profile.jft_basic_score == int(person["jft"])
    assert [(test.sector_code, test.sub_area, test.level) for test in profile.skills_tests] == [
        (person["test_sector"], person.get("test_sub_area"), "i")]
    assert profile.nursing_japanese_passed is (person["test_sector"] == "nursing_care")
    assert (profile.province, profile.pref_housing_needed, profile.education) == ("punjab", True, "secondary")

    # ... and a CV, so that the application can carry it.
    page.get_by_label(t["cv_field"]).set_input_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": CV_BYTES})
    page.get_by_role("button", name=t["upload_cv"]).click()
    page.wait_for_url(f"**/{lang}/seeker/profile")
    expect_flash(page, t["cv_uploaded"])
    visit(page, "profile-cv", lang)

    # 3. Search from the jobs page: once in Japanese, once in English; both find jobs.
    main_nav.get_by_role("link", name=t["jobs"], exact=True).click()
    page.wait_for_url(f"**/{lang}/jobs")
    assert page.locator("h1").inner_text() == t["jobs_h1"]
    visit(page, "jobs", lang)
    for number, query in enumerate(person["searches"], start=1):
        page.get_by_label(t["query"], exact=True).fill(query)
        page.get_by_role("button", name=t["search"], exact=True).click()
        page.wait_for_url(searched_for(query))
        assert page.get_by_label(t["query"], exact=True).input_value() == query
        count = int(re.sub(r"\D", "", page.locator(".results-count").inner_text()))
        assert count > 0 and page.locator(".job-list > li").count() > 0, f"no results for {query!r}"
        visit(page, f"search-{number}", lang)

    # 4. The last search is for the person's own trade: open the first job in the field of their
    # skills test that is written in the reader's language. It shows the match, checklist and pay.
    sector_name = {"industrial_products": {"en": "Industrial products manufacturing", "ja": "工業製品製造業"},
                   "nursing_care": {"en": "Nursing care", "ja": "介護"}}[person["sector"]][lang]
    card = page.locator(".job-list > li").filter(has_text=sector_name).filter(
        has=page.locator("h3 a:not([lang])")).first
    link = card.locator("h3 a")
    title = link.inner_text().strip()
    link.click()
    page.wait_for_url(re.compile(rf"/{lang}/jobs/\d+$"))
    posting_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("h1").inner_text().strip() == title
    match = page.locator("section[aria-labelledby=match-title]")
    assert match.get_by_role("heading", name=t["match"]).is_visible()
    assert match.locator(".verdict").is_visible() and match.locator(".reasons li").count() > 0
    checklist = page.locator("section[aria-labelledby=checklist-title]")
    assert checklist.get_by_role("heading", name=t["checklist"]).is_visible()
    assert checklist.locator(".guide-checklist li").count() > 0
    estimate = page.locator("section[aria-labelledby=take-home-title]")
    assert estimate.get_by_role("heading", name=t["take_home"]).is_visible()
    take_home = estimate.locator("table.pay-estimate tr.total strong").first.inner_text()
    assert re.fullmatch(r"[¥￥][\d,]+", take_home), take_home  # Japanese writes the full-width ￥
    assert page.get_by_role("heading", name=t["how_to_apply"], exact=True).is_visible()
    visit(page, "job", lang)
    _db.session.commit()
    posting = _db.session.get(Posting, posting_id)
    assert posting.sector_code == person["sector"] and posting.status == "published"

    # 5. Apply through the form, with a note and the CV.
    page.get_by_label(t["cover_note"]).fill(person["note"])
    assert page.get_by_label(t["send_cv"]).is_checked()
    page.get_by_role("button", name=t["apply"]).click()
    page.wait_for_url(re.compile(rf"/{lang}/seeker/applications/\d+$"))
    application_id = int(page.url.rsplit("/", 1)[1])
    expect_flash(page, t["applied"])
    assert title in page.locator("h1").inner_text()
    facts = page.locator("dl.facts")
    assert t["received"] in facts.inner_text() and "cv.pdf" in facts.inner_text()
    history = page.locator("section[aria-labelledby=history-title]")
    assert history.get_by_role("heading", name=t["history"]).is_visible()
    assert person["note"] in history.inner_text()
    visit(page, "application", lang)
    _db.session.commit()
    application = _db.session.get(Application, application_id)
    assert (application.seeker_id, application.posting_id, application.state) == (user.id, posting_id, "received")
    assert application.kind == "portal" and application.cover_note == person["note"]
    assert application.cv_original_name == "cv.pdf" and application.cv_stored_name
    assert application.profile_snapshot["profile"]["trades"][0]["trade"] == person["trade"]

    # 6. Follow it: the list shows it as received ...
    main_nav.get_by_role("link", name=t["my_applications"], exact=True).click()
    page.wait_for_url(f"**/{lang}/seeker/applications")
    row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=title, exact=True))
    assert row.count() == 1 and t["received"] in row.inner_text()
    visit(page, "applications", lang)

    # ... the employer shortlists it (the recruiter's own pages are tested in test_recruiter.py) ...
    recruiter = _db.session.scalar(select(User).where(User.organisation_id == posting.organisation_id,
                                                      User.role == "recruiter"))
    applications_service.move(recruiter, application, "shortlisted", EMPLOYER_MESSAGE)
    _db.session.commit()

    # ... and the seeker reads it: a new notification, the new status and the employer's message.
    main_nav.get_by_role("link", name=t["notifications"], exact=True).click()
    page.wait_for_url(f"**/{lang}/notifications/")
    unread = page.locator("ol.notifications li.unread")
    assert unread.count() == 1
    assert t["now_state"] in unread.inner_text() and title in unread.inner_text()
    assert EMPLOYER_MESSAGE in unread.inner_text()
    visit(page, "notifications", lang)
    page.get_by_role("button", name=t["mark_read"]).click()
    page.wait_for_url(f"**/{lang}/notifications/")
    expect_flash(page, t["all_read"])
    assert page.locator("ol.notifications li.unread").count() == 0
    visit(page, "notifications-read", lang)
    _db.session.commit()
    notices = _db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
    assert [(n.kind, n.application_id, n.read_at is not None) for n in notices] == [
        ("state_changed", application_id, True)]

    page.locator("ol.notifications a").first.click()
    page.wait_for_url(f"**/{lang}/seeker/applications/{application_id}")
    assert t["shortlisted"] in page.locator("dl.facts").inner_text()
    history = page.locator("section[aria-labelledby=history-title]")
    assert EMPLOYER_MESSAGE in history.inner_text() and t["shortlisted"] in history.inner_text()
    visit(page, "application-shortlisted", lang)

    # The job page now shows the application instead of the form ...
    page.get_by_role("link", name=t["see_job"]).click()
    page.wait_for_url(f"**/{lang}/jobs/{posting_id}")
    apply_box = page.locator(".apply-box")
    assert t["applied_notice"] in apply_box.inner_text()
    assert apply_box.get_by_role("link", name=t["see_application"]).is_visible()
    assert page.get_by_role("button", name=t["apply"]).count() == 0
    visit(page, "job-applied", lang)

    # ... and the list of applications shows the new status.
    main_nav.get_by_role("link", name=t["my_applications"], exact=True).click()
    page.wait_for_url(f"**/{lang}/seeker/applications")
    row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=title, exact=True))
    assert t["shortlisted"] in row.inner_text()
    visit(page, "applications-shortlisted", lang)
    _db.session.commit()
    assert _db.session.get(Application, application_id).state == "shortlisted"
