"""Browser fixtures: the app served on 127.0.0.1 in a thread, the system Chromium through Playwright."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal.jobs import demo

ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:  # never a silent skip: `make test` installs it
        pytest.fail("Chromium is not installed: run `make test` (it installs the system chromium package).")
    return path


@pytest.fixture
def live_server(app, db):
    demo.seed_world()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def check_accessibility(page, name: str) -> None:
    """axe (WCAG 2.1 AA rules) finds nothing; a screenshot is kept for people to look at."""
    from axe_playwright_python.sync_playwright import Axe

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"


def visited(page, name: str, lang: str) -> None:
    """After each navigation in a journey: the page is in the run's language, and axe finds nothing."""
    from playwright.sync_api import expect

    expect(page.locator("html")).to_have_attribute("lang", lang)
    check_accessibility(page, name)


def labels_in(ja: dict[str, str]):
    """t(lang, text, **values): the label as the page shows it in `lang` (English text, or its entry in `ja`)."""
    def t(lang: str, text: str, **values) -> str:
        label = text if lang == "en" else ja[text]
        return label % values if values else label
    return t


def link_from_outbox(address: str, path_pattern: str) -> str:
    """The path of the link (matching `path_pattern`) in the newest e-mail to `address`; the link
    itself is on SITE_URL, so the caller opens the path on the live server."""
    import email
    import re
    from email import policy

    from flask import current_app  # the test holds the app context (the db fixture)

    outbox = Path(current_app.config["MAIL_OUTBOX"])
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns, reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            return re.search(rf"https?://[^/\s]+({path_pattern}\S*)", message.get_content()).group(1)
    raise AssertionError(f"no e-mail to {address} in the outbox")


def confirm_address(page, live_server: str, address: str, button: str) -> None:
    """Open the confirmation link from the e-mail in this browser and press the button."""
    page.goto(live_server + link_from_outbox(address, r"/\w+/confirm/"))
    page.get_by_role("button", name=button).click()
