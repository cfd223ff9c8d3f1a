"""From the home page: search in each language (best match first), then follow a field link."""

import pytest

from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "query", "first_title", "field", "field_heading"), [
    ("en", "welder", "Welder", "Nursing care", "Nursing care"),
    ("ja", "介護", "介護", "農業", "農業"),
])
def test_search_from_the_home_page_and_follow_a_field_link(live_server, page, lang, query, first_title, field,
                                                           field_heading):
    page.goto(f"{live_server}/{lang}/")
    check_accessibility(page, f"home-{lang}")
    page.locator("#home-q").fill(query)
    page.locator("#home-q").press("Enter")
    page.wait_for_url(f"**/{lang}/jobs?q=*")
    count = page.locator(".results-count").inner_text()
    assert count[0].isdigit() and not count.startswith("0")
    assert first_title in page.locator(".job-list h3").first.inner_text()  # best match first
    assert page.locator("#sort").input_value() == "relevance"
    check_accessibility(page, f"home-search-{lang}")

    page.goto(f"{live_server}/{lang}/")
    link = page.locator(".sector-list a", has_text=field).first
    expected = link.locator(".count").inner_text()
    link.click()
    page.wait_for_url(f"**/{lang}/jobs?sector=*")
    assert page.locator("#sector option:checked").inner_text().startswith(field_heading)
    shown = page.locator(".results-count").inner_text()
    assert "".join(ch for ch in expected if ch.isdigit()) == "".join(ch for ch in shown if ch.isdigit())
