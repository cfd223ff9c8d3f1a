"""Search and job pages in Chromium: works without JavaScript, accessible, in both languages."""

import pytest

from tests.browser.conftest import PHONE, check_accessibility

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize(("lang", "query", "filter_label", "option"), [
    ("en", "welder", "Field", "Industrial products manufacturing"),
    ("ja", "介護", "分野", "介護"),
])
def test_search_and_open_a_job_without_javascript(live_server, no_js_page, lang, query, filter_label, option):
    page = no_js_page
    page.goto(f"{live_server}/{lang}/jobs")
    check_accessibility_without_js = page.locator("main h1").inner_text()
    assert check_accessibility_without_js
    page.locator("#q").fill(query)
    page.locator("#q").press("Enter")
    page.wait_for_url(f"**/{lang}/jobs?q=*")
    count_text = page.locator(".results-count").inner_text()
    assert count_text[0].isdigit() and not count_text.startswith("0")
    page.locator("details.filters summary").click()
    select = page.get_by_label(filter_label, exact=True)
    label = next(text for text in select.locator("option").all_inner_texts() if text.startswith(option))
    select.select_option(label=label)
    page.locator("details.filters button[type=submit]").click()
    page.wait_for_url("**sector=*")
    first = page.locator(".job-list a").first
    first.click()
    page.wait_for_url(f"**/{lang}/jobs/*")
    assert page.locator("h1").inner_text()
    assert page.locator("#apply-title").count() == 1


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_search_and_job_pages_are_accessible(live_server, page, lang):
    page.goto(f"{live_server}/{lang}/jobs?q={'driver' if lang == 'en' else '溶接'}")
    page.locator("details.filters summary").click()
    check_accessibility(page, f"jobs-{lang}")
    page.locator(".job-list a").first.click()
    page.wait_for_load_state()
    check_accessibility(page, f"job-{lang}")
