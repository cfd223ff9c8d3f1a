"""Page weight and the JavaScript-free path.

The search page (with results) and a job page each transfer at most 60 KB compressed: the HTML,
gzip level 6, plus every stylesheet and script it links. And in Chromium with JavaScript switched
off, a seeker goes from the home page to a search, filters, opens a job, signs in through the real
login form and saves the job.
"""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlsplit

import pytest

from portal.jobs import demo

from tests.browser.conftest import PHONE

BUDGET = 60 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def gzipped(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def transfer(client, url: str) -> dict[str, int]:
    """Compressed bytes of the page and of every stylesheet and script it links (same origin)."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data()
    sizes = {url: gzipped(html)}
    for asset in ASSET.findall(html.decode()):
        path = urlsplit(asset)
        if path.netloc:
            continue  # nothing is loaded from other origins (CSP); a third-party asset would fail here
        asset_response = client.get(path.path + (f"?{path.query}" if path.query else ""))
        assert asset_response.status_code == 200, asset
        sizes[path.path] = gzipped(asset_response.get_data())
        asset_response.close()
    return sizes


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_search_and_job_pages_weigh_at_most_60_kb_compressed(app, client, lang, capsys):
    demo.seed_world()
    search = f"/{lang}/jobs"
    html = client.get(search).get_data(as_text=True)
    assert re.search(r'class="results-count"[^>]*>\s*[1-9]', html), "the search page shows no results"
    job = re.search(rf'href="(/{lang}/jobs/\d+)"', html).group(1)
    for url in (search, job):
        sizes = transfer(client, url)
        total = sum(sizes.values())
        with capsys.disabled():
            print(f"\nweight {url}: " + ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sizes.items())
                  + f" = {total / 1024:.1f} KB gzip-6")
        assert total <= BUDGET, f"{url} transfers {total} bytes compressed: {sizes}"


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.browser
def test_search_filter_open_sign_in_and_save_without_javascript(live_server, no_js_page):
    page = no_js_page
    page.goto(f"{live_server}/en/")
    page.locator("header").get_by_role("link", name="Jobs", exact=True).first.click()
    page.wait_for_url("**/en/jobs")
    page.locator("#q").fill("welder")
    page.locator("#q").press("Enter")
    page.wait_for_url("**/en/jobs?q=*")
    assert not page.locator(".results-count").inner_text().startswith("0")
    page.locator("details.filters summary").click()
    select = page.get_by_label("Field", exact=True)
    label = next(text for text in select.locator("option").all_inner_texts()
                 if text.startswith("Industrial products manufacturing"))
    select.select_option(label=label)
    page.locator("details.filters button[type=submit]").click()
    page.wait_for_url("**sector=*")
    page.locator(".job-list a").first.click()
    page.wait_for_url("**/en/jobs/*")
    job_url = page.url
    title = page.locator("h1").inner_text()
    assert title

    # sign in through the real form, then come back to the job and save it
    page.locator("header").get_by_role("link", name="Log in").first.click()
    page.wait_for_url("**/en/login*")
    page.get_by_label("E-mail address").fill(f"seeker@{demo.DEMO_DOMAIN}")
    page.get_by_label("Password").fill("demo-seeker-password")
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/login" not in urlsplit(page.url).path, "signing in failed without JavaScript"
    page.goto(job_url)
    page.get_by_role("button", name="Save this job").click()
    page.wait_for_url(job_url)
    assert "The job has been saved." in page.locator("body").inner_text()
    page.goto(f"{live_server}/en/seeker/saved")
    assert title in page.locator("main").inner_text()
