"""Every language for real: the catalogs are complete, and /ja/ and /ur/ pages show no English interface text."""

import re
from html.parser import HTMLParser

import pytest

from portal import translations

# Words that are the same in Japanese text: test names, codes, format and product names (JSON, RSS,
# Indeed, schema.org JobPosting are written in Latin letters on Japanese sites too).
ALLOWED_LATIN = {"JLPT", "JFT", "Basic", "JFT-Basic", "Atom", "N1", "N2", "N3", "N4", "N5", "OEP", "CV", "PDF", "DOCX", "SSW", "English",
                 "ISCO", "NAVTTC", "CNIC", "FIA", "ILO", "BE", "OE", "CoE", "PKR", "JPY", "Rs", "IT", "name", "example", "com",
                 "API", "CSV", "Indeed", "JSON", "JSON-LD", "JobPosting", "RSS", "URL", "XML", "schema", "org", "UTF",
                 "Shift", "JIS", "http", "https", "CAD", "CNC", "DAE", "HTV", "LTV", "MB", "NVQF", "Word",
                 "CSS", "items", "links"}  # CSS selectors, and the keys staff type in an import mapping


class VisibleText(HTMLParser):
    """Collects text a person sees or hears: text nodes and labelling attributes, minus other-language parts."""

    SKIP = {"script", "style"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []
        self.page_lang = "ja"

    def _foreign(self) -> bool:
        return any(flag for _, flag in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html" and attrs.get("lang"):
            self.page_lang = attrs["lang"]
        foreign = tag in self.SKIP or (attrs.get("lang") not in (None, self.page_lang) and tag != "html")
        if not foreign and not self._foreign():
            for name in ("alt", "title", "placeholder", "aria-label"):
                if attrs.get(name):
                    self.chunks.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.chunks.append(attrs["value"])
            if tag == "meta" and attrs.get("name") == "description":
                self.chunks.append(attrs.get("content", ""))
        if tag not in self.VOID:
            self.stack.append((tag, foreign))

    def handle_endtag(self, tag):
        while self.stack:
            name, _ = self.stack.pop()
            if name == tag:
                break

    def handle_data(self, data):
        if not self._foreign():
            self.chunks.append(data)


def english_words(html: str, data: tuple[str, ...] = ()) -> list[str]:
    """English words a person meets on the page, leaving out `data` (a posting's own text, which the
    page marks with lang where HTML allows; <title> cannot carry it)."""
    parser = VisibleText()
    parser.feed(html)
    text = re.sub(r"\S+@\S+", " ", " ".join(parser.chunks))  # e-mail addresses are data, not interface
    for value in data:
        text = text.replace(value, " ")
    return [word for word in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if word not in ALLOWED_LATIN]


def test_catalogs_are_complete_and_pot_is_fresh(app):
    assert translations.check(app.config["LANGUAGES"]) == []


def test_the_detector_finds_english(client):
    """Guard against a test that cannot fail: the English page is full of English words."""
    assert len(english_words(client.get("/en/").get_data(as_text=True))) > 50


PAGES = {
    None: ["/ja/", "/ja/login", "/ja/register", "/ja/register?role=recruiter", "/ja/no-such-page", "/ja/match",
           "/ja/match?trade=welder&years=2&japanese=N5", "/ja/match?trade="],
    "seeker": ["/ja/", "/ja/seeker/", "/ja/account/", "/ja/staff/", "/ja/seeker/profile", "/ja/seeker/matches",
               "/ja/seeker/saved", "/ja/alerts/unsubscribe/some-token"],
    "recruiter": ["/ja/recruiter/", "/ja/account/"],
    "staff": ["/ja/staff/", "/ja/account/", "/ja/staff/sources", "/ja/staff/imported"],
}


@pytest.mark.parametrize("role", list(PAGES))
def test_japanese_pages_have_no_english_interface_text(client, login_as, role):
    login_as(role)
    for url in PAGES[role]:
        html = client.get(url).get_data(as_text=True)
        assert english_words(html) == [], url


def test_japanese_form_errors_are_japanese(client):
    from tests.conftest import form_token

    token = form_token(client, "/ja/register")
    html = client.post("/ja/register", data={"csrf_token": token, "role": "seeker", "email": "not-an-email",
                                             "password": "x", "confirm": "y"}).get_data(as_text=True)
    assert english_words(html) == []


def test_japanese_job_pages_have_no_english_interface_text(client, db):
    from portal.jobs import demo

    demo.seed_world()
    from portal.jobs.models import Posting

    english_only = db.session.scalars(db.select(Posting).where(Posting.title_ja.is_(None))).first()
    bilingual = db.session.scalars(db.select(Posting).where(Posting.title_ja.is_not(None),
                                                            Posting.title_en.is_not(None))).first()
    for url in ["/ja/jobs", "/ja/jobs?q=溶接&housing=1", "/ja/jobs?sector=nursing_care&page=2",
                "/ja/jobs?page=abc", f"/ja/jobs/{english_only.id}", f"/ja/jobs/{bilingual.id}"]:
        html = client.get(url).get_data(as_text=True)
        assert english_words(html, data=(english_only.title_en,)) == [], url


# Urdu: everything a job seeker or a visitor sees (recruiter and staff areas are English/Japanese;
# tests/web/test_locale.py shows their /ur/ addresses redirect to English).
URDU_PAGES = {
    None: ["/ur/", "/ur/login", "/ur/register", "/ur/no-such-page", "/ur/match",
           "/ur/match?trade=welder&years=2&japanese=N5", "/ur/guide/", "/ur/guide/staying-safe",
           "/ur/guide/visa", "/ur/guide/check", "/ur/guide/sectors/construction", "/ur/guide/glossary"],
    "seeker": ["/ur/", "/ur/seeker/", "/ur/account/", "/ur/seeker/profile", "/ur/seeker/matches",
               "/ur/seeker/saved", "/ur/seeker/applications", "/ur/notifications/", "/ur/alerts/unsubscribe/some-token"],
}


@pytest.mark.parametrize("role", list(URDU_PAGES))
def test_urdu_pages_have_no_english_interface_text(client, login_as, role):
    login_as(role)
    for url in URDU_PAGES[role]:
        html = client.get(url).get_data(as_text=True)
        assert '<html lang="ur" dir="rtl">' in html, url
        assert english_words(html) == [], url


def test_urdu_job_pages_have_no_english_interface_text(client, db):
    from portal.jobs import demo

    demo.seed_world()
    from portal.jobs.models import Posting

    japanese_only = db.session.scalars(db.select(Posting).where(Posting.title_en.is_(None))).first()
    bilingual = db.session.scalars(db.select(Posting).where(Posting.title_ja.is_not(None),
                                                            Posting.title_en.is_not(None))).first()
    # A posting's own title, its employer's name and the organisation that posted it are data.
    data = tuple(value for posting in (japanese_only, bilingual)
                 for value in (posting.title_en, posting.employer("ur"),
                               posting.organisation.name_en if posting.organisation else None) if value)
    for url in ["/ur/jobs", "/ur/jobs?q=ویلڈر&housing=1", "/ur/jobs?sector=nursing_care&page=2",
                f"/ur/jobs/{japanese_only.id}", f"/ur/jobs/{bilingual.id}"]:
        html = client.get(url).get_data(as_text=True)
        assert english_words(html, data=data) == [], url
