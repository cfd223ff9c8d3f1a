"""The one locale rule: URL prefix first; `/` by user setting → cookie → Accept-Language → en."""

import re

import pytest

from portal import create_app
from portal.i18n import format_date, format_jpy, format_number, format_pkr

from tests.conftest import make_user


def test_root_uses_english_when_nothing_else_is_known(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"


def test_root_follows_accept_language(client):
    response = client.get("/", headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"})
    assert response.headers["Location"] == "/ja/"


def test_cookie_beats_accept_language(client):
    client.set_cookie("lang", "ja")
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.headers["Location"] == "/ja/"


def test_user_setting_beats_cookie_and_header(client, login_as):
    login_as("seeker", locale="ja")
    client.set_cookie("lang", "en")
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.headers["Location"] == "/ja/"


def test_visiting_a_language_remembers_it(client):
    client.get("/ja/")
    assert client.get("/").headers["Location"] == "/ja/"


def test_unknown_language_prefix_is_not_found(client):
    assert client.get("/fr/").status_code == 404
    assert client.get("/EN/").status_code == 404


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_html_lang_dir_and_hreflang_alternates(client, lang):
    html = client.get(f"/{lang}/register?role=recruiter").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="ltr">' in html
    assert 'hreflang="en" href="http://localhost/en/register?role=recruiter"' in html
    assert 'hreflang="ja" href="http://localhost/ja/register?role=recruiter"' in html
    assert 'hreflang="x-default"' in html


def test_language_switch_keeps_page_and_query(client):
    html = client.get("/en/register?role=recruiter").get_data(as_text=True)
    switch = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    assert 'href="/ja/register?role=recruiter"' in switch
    assert 'aria-current="true" lang="en"' in switch


def test_page_text_follows_the_prefix(client):
    assert "Log in" in client.get("/en/login").get_data(as_text=True)
    assert "ログイン" in client.get("/ja/login").get_data(as_text=True)


def test_formatting_goes_through_babel(app):
    with app.test_request_context("/en/"):
        app.preprocess_request()
        assert format_jpy(250000) == "¥250,000"
        assert format_pkr(120000) == "Rs\u00a0120,000"
        assert format_number(1234567) == "1,234,567"
    with app.test_request_context("/ja/"):
        app.preprocess_request()
        from datetime import date

        assert format_date(date(2026, 4, 1), "long") == "2026年4月1日"
        assert format_jpy(250000) == "￥250,000"


def test_a_third_locale_is_one_config_line(database_url):
    """Urdu (right to left) needs only a catalog and one entry in LANGUAGES."""
    url, options = database_url
    urdu = create_app({"ENV_NAME": "test", "LANGUAGES": ("en", "ja", "ur"), "SQLALCHEMY_DATABASE_URI": url,
                       "SQLALCHEMY_ENGINE_OPTIONS": options})
    with urdu.app_context():
        client = urdu.test_client()
        html = client.get("/ur/login").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html
    assert 'hreflang="ur"' in html
    assert "اردو" in html  # the switch names the language in its own script


# ---- Urdu (right to left) ---------------------------------------------------------------------


def test_urdu_pages_are_right_to_left_and_offered_in_the_switch(client):
    html = client.get("/ur/register?role=seeker").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html
    assert 'hreflang="ur" href="http://localhost/ur/register?role=seeker"' in html
    switch = re.search(r'<nav class="languages".*?</nav>', client.get("/en/jobs").get_data(as_text=True), re.S).group(0)
    assert 'href="/ur/jobs" hreflang="ur" lang="ur">اردو</a>' in switch


def test_root_follows_an_urdu_browser(client):
    assert client.get("/", headers={"Accept-Language": "ur-PK,ur;q=0.9"}).headers["Location"] == "/ur/"


def test_recruiter_and_staff_areas_are_english_or_japanese(client, login_as):
    """Decided: recruiters and staff work in English or Japanese; an Urdu address of their pages
    redirects to the English one, and their language switch does not offer Urdu."""
    login_as("recruiter")
    response = client.get("/ur/recruiter/")
    assert response.status_code == 302 and response.headers["Location"] == "/en/recruiter/"
    html = client.get("/en/recruiter/").get_data(as_text=True)
    assert 'hreflang="ur"' not in html and 'hreflang="ja"' in html


def test_dates_as_people_write_them(app):
    from datetime import date

    day = date(2026, 12, 5)
    expected = {"en": ("5 December 2026", "5 Dec 2026"), "ja": ("2026年12月5日", "2026年12月5日"),
                "ur": ("5 دسمبر 2026", "5 دسمبر 2026")}
    for lang, (long, medium) in expected.items():
        with app.test_request_context(f"/{lang}/"):
            app.preprocess_request()
            assert format_date(day, "long") == long
            assert format_date(day) == medium


def test_urdu_money_and_numbers_use_pakistani_conventions(app):
    with app.test_request_context("/ur/"):
        app.preprocess_request()
        assert format_jpy(250000) == "¥250,000"
        assert format_pkr(120000) == "Rs\u00a0120,000"
        assert format_number(1234567) == "1,234,567"  # Latin digits, as Pakistani forms and banks write them


def test_every_moment_says_its_zone(app):
    from datetime import UTC, datetime

    from portal.i18n import format_datetime

    moment = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    for lang, zone in (("en", "PKT"), ("ja", "パキスタン時間"), ("ur", "پاکستانی وقت")):
        with app.test_request_context(f"/{lang}/"):
            app.preprocess_request()
            assert format_datetime(moment).endswith(f"15:00 {zone}")


def test_the_stylesheet_mirrors_through_logical_properties_only():
    """Right to left comes from dir="rtl" and logical properties: no physical side in the CSS."""
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "portal" / "static" / "style.css").read_text()
    physical = re.findall(r"(?:margin|padding|border)-(?:left|right)|(?<![-\w])(?:left|right)\s*:|"
                          r"text-align\s*:\s*(?:left|right)|float\s*:\s*(?:left|right)", css)
    assert physical == []
    assert '"Noto Nastaliq Urdu"' in css and '"Noto Naskh Arabic"' in css and "Tahoma" in css
    assert "@font-face" not in css and "url(" not in css  # no web fonts


def test_translate_check_covers_urdu(app, tmp_path, monkeypatch):
    """`flask translate check` reads every catalog of LANGUAGES: an empty Urdu entry is reported."""
    import shutil

    from babel.messages.pofile import read_po, write_po

    from portal import translations

    assert "ur" in app.config["LANGUAGES"]
    copy = tmp_path / "translations"
    shutil.copytree(translations.TRANSLATIONS, copy)
    po = copy / "ur" / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as handle:
        catalog = read_po(handle)
    catalog["Summary in your language"].string = ""
    with open(po, "wb") as handle:
        write_po(handle, catalog)
    monkeypatch.setattr(translations, "TRANSLATIONS", copy)
    monkeypatch.setattr(translations, "POT", copy / "messages.pot")
    result = app.test_cli_runner().invoke(args=["translate", "check"])
    assert result.exit_code == 1
    assert "ur: untranslated entry 'Summary in your language'." in result.output


def test_recruiters_work_in_english_or_japanese_even_from_an_urdu_page(client, db):
    from tests.conftest import form_token
    from portal.accounts.models import User

    token = form_token(client, "/ur/register?role=recruiter")
    response = client.post("/ur/register?role=recruiter", data={
        "csrf_token": token, "role": "recruiter", "email": "urdu-recruiter@example.org",
        "password": "a long enough password here", "confirm": "a long enough password here"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "urdu-recruiter@example.org"))
    assert user.locale == "en"  # their pages are English or Japanese
    # Registering signs nobody in (it must not reveal whether the address was taken): sign in.
    signed_in = client.post("/en/login", data={"csrf_token": form_token(client, "/en/login"),
                                               "email": "urdu-recruiter@example.org",
                                               "password": "a long enough password here"})
    assert signed_in.status_code == 302
    choices = client.get("/en/account/").get_data(as_text=True)
    assert 'value="ja"' in choices and 'value="ur"' not in choices


def test_every_trade_field_prefecture_and_occupation_has_an_urdu_name(db):
    from portal.taxonomy.models import Occupation, Prefecture, Region, Sector, SubArea, Trade

    for model in (Region, Prefecture, Sector, SubArea, Occupation, Trade):
        rows = db.session.scalars(db.select(model)).all()
        assert rows, model
        missing = [row.name_en for row in rows if not re.search(r"[\u0600-\u06ff]", row.name_ur or "")]
        assert missing == [], model.__tablename__
        assert all(row.name("ur") == row.name_ur for row in rows)
