"""Guides, the readiness check, the glossary, the job-page checklist and pay estimate, and staff
editing of guides and pay parameters (issue 8)."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from portal.extensions import db as _db
from portal.guidance import content, glossary, pay
from portal.guidance import services as guidance
from portal.jobs import demo
from portal.jobs.models import Posting
from portal.moderation.models import AuditEntry
from portal.taxonomy.models import ExchangeRate, Sector
from portal.timeutil import today

from tests.conftest import csrf_token_from, make_user
from tests.services.test_search import make_posting

VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "base", "col", "embed", "param",
        "track"}


class TagChecker(HTMLParser):
    """Every element closed in order (what broken marking would upset)."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append((tag, list(self.stack[-3:])))
        else:
            self.stack.pop()


def balanced(fragment: str) -> bool:
    checker = TagChecker()
    checker.feed(fragment)
    checker.close()
    return not checker.errors and not checker.stack


def internal_links(html: str, prefix: str) -> set[str]:
    found = set()
    for href in re.findall(r'href="([^"]+)"', html):
        href = href.replace("&amp;", "&")
        parts = urlsplit(href)
        if not parts.scheme and parts.path.startswith(prefix):
            found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def resolve(base: str, href: str) -> str:
    """A guide's relative link (visa, ../jobs, ./#sectors) as the browser resolves it."""
    from urllib.parse import urljoin

    return urlsplit(urljoin(f"http://localhost{base}", href)).path


@pytest.fixture
def staff_rate(db):
    rate = ExchangeRate(currency="PKR", per_jpy=2.0, as_of=today() + timedelta(days=1), source="test")
    _db.session.add(rate)
    _db.session.commit()
    yield rate
    _db.session.delete(rate)
    _db.session.commit()


# ---- guides ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_guide_page_shows_its_sources_and_date(client, lang):
    for slug in content.GUIDE_SLUGS:
        response = client.get(f"/{lang}/guide/{slug}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, slug
        document = content.read_shipped(slug, lang)
        assert document.title in html
        for source in document.sources:
            assert str(__import__("markupsafe").escape(source.title)) in html
        assert 'id="sources-title"' in html
        assert ("2026年11月27日" if lang == "ja" else "27 November 2026") in html


def test_guide_links_resolve(client):
    for lang in ("en", "ja"):
        for slug in content.GUIDE_SLUGS:
            base = f"/{lang}/guide/{slug}"
            html = client.get(base).get_data(as_text=True)
            body = html.split('<div class="prose">', 1)[1].split('id="sources-title"', 1)[0]
            for href in re.findall(r'href="([^"]+)"', body):
                if href.startswith("http"):
                    continue
                path = resolve(base, href.replace("&amp;", "&"))
                assert client.get(path).status_code == 200, (base, href)


def test_japanese_tests_guide_shows_the_staff_test_calendar(client, db):
    from portal.registers.models import TestSitting

    html = client.get("/en/guide/japanese-tests").get_data(as_text=True)
    assert 'id="sittings-title"' in html and "No upcoming dates are listed yet." in html
    _db.session.add_all([
        TestSitting(exam="jlpt", exam_date=today() + timedelta(days=40), city="Islamabad", venue="Test venue",
                    registration_deadline=today() + timedelta(days=10)),
        TestSitting(exam="jft_basic", exam_date=today() - timedelta(days=5), city="Karachi"),
    ])
    _db.session.commit()
    html = client.get("/en/guide/japanese-tests").get_data(as_text=True)
    assert "Islamabad, Test venue" in html and "JLPT (Japanese-Language Proficiency Test)" in html
    assert "Karachi" not in html.split('id="sittings-title"', 1)[1].split("</section>", 1)[0]  # past sitting


def test_index_lists_guides_and_the_16_fields(client):
    html = client.get("/en/guide/").get_data(as_text=True)
    for slug in content.GUIDE_SLUGS:
        assert f'href="/en/guide/{slug}"' in html
    assert html.count('href="/en/guide/sectors/') == 16
    assert 'id="sectors"' in html


def test_a_page_for_every_field(client, db):
    for sector in _db.session.scalars(select(Sector).where(Sector.is_ssw_field)):
        html = client.get(f"/en/guide/sectors/{sector.code}").get_data(as_text=True)
        assert sector.skills_test_ja in html
        assert ("this field has Specified Skilled Worker (ii)" in html) == sector.ssw_ii
        assert 'id="sources-title"' in html and "27 November 2026" in html
    assert client.get("/en/guide/sectors/it_engineering").status_code == 404
    assert client.get("/en/guide/sectors/nope").status_code == 404
    assert client.get("/en/guide/nope").status_code == 404


def test_glossary_page_lists_every_term(client):
    html = client.get("/ja/guide/glossary").get_data(as_text=True)
    assert html.count('class="glossary-entry"') == len(glossary.terms()) >= 80
    assert 'id="term-社会保険完備"' in html


# ---- the readiness check ------------------------------------------------------------------------

def test_check_works_as_a_plain_get_form(client):
    html = client.get("/en/guide/check").get_data(as_text=True)
    assert '<form method="get"' in html and "Your next steps" not in html


def test_check_caregiver_with_n4(client):
    response = client.get("/en/guide/check?trade=caregiver&years=3&japanese=N4&passport=yes&age=25")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your next steps" in html
    assert "Pass the Nursing Care Japanese Language Evaluation Test." in html
    assert "Pass the Nursing care skills test." in html or "skills test" in html


def test_check_it_graduate(client):
    html = client.get("/en/guide/check?trade=it_software&education=bachelor&japanese=N3").get_data(as_text=True)
    assert "Engineer / Specialist in Humanities / International Services" in html
    assert "You can take this route now" in html


def test_check_rejects_bad_answers(client):
    assert client.get("/en/guide/check?age=abc&trade=cook").status_code == 400
    assert client.get("/en/guide/check?trade=astronaut").status_code == 400


def test_every_link_from_the_check_resolves(client):
    queries = ["trade=caregiver&japanese=N4", "trade=welder&japanese=N5&skills_test=construction",
               "trade=htv_driver&japanese=N4&licence=pk_htv", "trade=it_software&education=master",
               "passport=no&age=16", "trade=cook"]
    for query in queries:
        for lang in ("en", "ja"):
            html = client.get(f"/{lang}/guide/check?{query}").get_data(as_text=True)
            links = {link for link in internal_links(html, f"/{lang}/") if "/guide/" in link or "/jobs" in link}
            assert links
            for link in links:
                assert client.get(link).status_code == 200, (query, link)


# ---- job pages ----------------------------------------------------------------------------------

def test_job_page_checklist_links_resolve_for_visitors_and_seekers(client, db, login_as):
    care = make_posting(sector_code="nursing_care", occupation_code="5321", visa_ssw1=True)
    driver = make_posting(sector_code="automobile_transport", visa_ssw1=True, japanese_level="N3")
    imported = make_posting(source="import", apply_url="https://example.com/apply", organisation=None,
                            organisation_id=None, employer_name_en="Example KK")
    pages = [f"/{lang}/jobs/{p.id}" for p in (care, driver, imported) for lang in ("en", "ja")]
    checked = set()

    def check_links():
        for page in pages:
            html = client.get(page).get_data(as_text=True)
            assert 'id="checklist-title"' in html
            for link in internal_links(html, "/") - checked:
                if "/guide" in link:
                    checked.add(link)
                    assert client.get(link).status_code == 200, (page, link)

    check_links()
    html = client.get(f"/en/jobs/{care.id}").get_data(as_text=True)
    assert "The Nursing Care Japanese Language Evaluation Test" in html
    assert 'class="have"' not in html  # no personal checklist for visitors
    imported_html = client.get(f"/en/jobs/{imported.id}").get_data(as_text=True)
    assert "Check that the recruiter is licensed by BE&OE." in imported_html.replace("&amp;", "&")
    assert "Before you apply elsewhere" in imported_html
    assert "A Japanese driving licence" in client.get(f"/en/jobs/{driver.id}").get_data(as_text=True)

    seeker = login_as("seeker")
    from portal.accounts.models import SeekerProfile

    _db.session.add(SeekerProfile(user_id=seeker.id, jlpt_level="N4", licences=[], pref_sectors=[], pref_regions=[]))
    _db.session.commit()
    html = client.get(f"/en/jobs/{care.id}").get_data(as_text=True)
    assert '<li class="have">' in html and '<li class="missing">' in html
    assert "Pass the Nursing Care Japanese Language Evaluation Test." in html
    checked.clear()
    check_links()


def test_pay_estimate_for_a_monthly_job(client, db, staff_rate):
    posting = make_posting(salary_min=220_000, salary_unit="MONTH", worker_costs=[
        {"item_en": "Dormitory", "item_ja": "寮費", "amount_jpy": 20_000, "per": "month"}])
    estimate = guidance.estimate_for_posting(posting, "en")
    first = estimate.first_year
    assert first.gross == 220_000
    assert first.net == 220_000 - sum(line.amount for line in first.lines)
    assert any(line.code == "posting_cost" and line.amount == 20_000 for line in first.lines)
    assert first.net_pkr == round(first.net * 2.0)  # the staff rate
    html = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert 'id="take-home-title"' in html and "an estimate" in html
    assert f"¥{first.net:,}" in html and "Paid to the employer: Dormitory" in html
    assert f"Rs{first.net_pkr:,}".replace("Rs", "") in html
    assert f"¥{estimate.second_year.net:,}" in html


def test_pay_estimate_for_an_hourly_job(client, db, staff_rate):
    posting = make_posting(salary_min=1_200, salary_max=None, salary_unit="HOUR", hours_per_week=40)
    estimate = guidance.estimate_for_posting(posting, "en")
    assert estimate.first_year.gross == 208_000
    assert estimate.second_year.net < estimate.first_year.net  # resident tax from year two
    html = client.get(f"/ja/jobs/{posting.id}").get_data(as_text=True)
    assert f"¥{estimate.first_year.net:,}" in html or f"{estimate.first_year.net:,}" in html


def test_no_estimate_without_a_usable_wage(client, db):
    posting = make_posting(salary_min=None, salary_unit=None)
    assert guidance.estimate_for_posting(posting, "en") is None
    assert 'id="take-home-title"' not in client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)


def test_glossary_marks_terms_in_demo_japanese_postings_without_breaking_html(client, db):
    demo.seed_world()
    postings = _db.session.scalars(select(Posting)).all()
    with_terms = marked = 0
    for posting in postings:
        text = "\n\n".join(filter(None, (posting.description_ja, posting.requirements_ja)))
        if not glossary.find_terms(text):
            continue
        with_terms += 1
        html = client.get(f"/ja/jobs/{posting.id}").get_data(as_text=True)
        prose = re.findall(r'<div class="prose"[^>]*>(.*?)</div>', html, re.S)
        assert prose and all(balanced(part) for part in prose), posting.id
        if 'class="term"' in "".join(prose) and 'id="terms-title"' in html:
            marked += 1
    assert with_terms >= 30
    assert marked / with_terms >= 0.9


# ---- staff ----------------------------------------------------------------------------------------

def audit_count(target_type: str) -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.target_type == target_type))


def test_staff_preview_save_publish_and_revert_a_guide(client, db, login_as):
    login_as("staff")
    page = client.get("/en/staff/guides/visa")
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    shipped = content.read_shipped("visa", "en")
    form = {"csrf_token": token, "title_en": "Visa (new)", "title_ja": "ビザ（新）", "body_en": "New **text**.",
            "body_ja": "新しい本文です。", "sources_en": "Embassy | https://www.pk.emb-japan.go.jp/",
            "sources_ja": "大使館 | https://www.pk.emb-japan.go.jp/", "last_checked": "2026-12-01", "note": "test"}
    preview = client.post("/en/staff/guides/visa", data={**form, "preview": "Preview"})
    assert preview.status_code == 200 and "New <strong>text</strong>." in preview.get_data(as_text=True)
    assert audit_count("guide") == 0  # a preview changes nothing
    assert client.post("/en/staff/guides/visa", data={**form, "save": "Save"}).status_code == 302
    assert audit_count("guide") == 1
    assert shipped.title in client.get("/en/guide/visa").get_data(as_text=True)  # a draft is not public

    article = guidance.get_article("visa")
    _db.session.refresh(article)
    first, draft = article.revisions[0], article.revisions[-1]
    assert client.post(f"/en/staff/guides/visa/publish/{draft.id}", data={"csrf_token": token}).status_code == 302
    assert audit_count("guide") == 2
    public = client.get("/en/guide/visa").get_data(as_text=True)
    assert "Visa (new)" in public and "1 December 2026" in public
    assert "ビザ（新）" in client.get("/ja/guide/visa").get_data(as_text=True)

    assert client.post(f"/en/staff/guides/visa/revert/{first.id}", data={"csrf_token": token}).status_code == 302
    assert audit_count("guide") == 3
    assert shipped.title in client.get("/en/guide/visa").get_data(as_text=True)
    actions = [e.action for e in guidance.history("visa")]
    assert actions == ["save_guide", "publish_guide", "revert_guide"]


def test_staff_guide_needs_sources(client, db, login_as):
    login_as("staff")
    token = csrf_token_from(client.get("/en/staff/guides/routes").get_data(as_text=True))
    response = client.post("/en/staff/guides/routes", data={
        "csrf_token": token, "title_en": "x", "title_ja": "x", "body_en": "x", "body_ja": "x", "sources_en": "",
        "sources_ja": "", "last_checked": "2026-12-01", "save": "Save"})
    assert response.status_code == 400
    assert audit_count("guide") == 0


def test_staff_sets_a_pay_parameter(client, db, login_as):
    login_as("staff")
    page = client.get("/en/staff/pay-parameters")
    assert page.status_code == 200 and "approximation" in page.get_data(as_text=True)
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/en/staff/pay-parameters", data={
        "csrf_token": token, "key": "health_insurance_rate", "value": "0.06", "as_of": today().isoformat(),
        "source": "協会けんぽ FY2026 (test)", "approximate": "y"})
    assert response.status_code == 302
    assert audit_count("pay_parameter") == 1
    assert guidance.current_parameters()["health_insurance_rate"].value == 0.06
    bad = client.post("/en/staff/pay-parameters", data={
        "csrf_token": token, "key": "pension_rate", "value": "9.15", "as_of": today().isoformat(), "source": "x"})
    assert bad.status_code == 200 and "A rate is a fraction" in bad.get_data(as_text=True)
    assert audit_count("pay_parameter") == 1


def test_future_parameter_values_wait_for_their_date(db):
    staff = make_user("staff")
    guidance.set_parameter("pension_rate", 0.1, today() + timedelta(days=10), "future", False, staff)
    assert guidance.current_parameters()["pension_rate"].value == pay.DEFAULT_PARAMETERS["pension_rate"].value
    assert guidance.current_parameters(today() + timedelta(days=10))["pension_rate"].value == 0.1


def test_loading_shipped_guides_and_parameters_is_idempotent(db):
    assert guidance.load_shipped_guides() == len(content.GUIDE_SLUGS)
    assert guidance.load_shipped_guides() == 0
    assert guidance.load_default_parameters() == len(pay.DEFAULT_PARAMETERS)
    assert guidance.load_default_parameters() == 0


def test_staff_see_an_edit_link_on_guides(client, db, login_as):
    assert "/staff/guides/routes" not in client.get("/en/guide/routes").get_data(as_text=True)
    login_as("staff")
    assert 'href="/en/staff/guides/routes"' in client.get("/en/guide/routes").get_data(as_text=True)
