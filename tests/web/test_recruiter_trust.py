"""Who stands behind a job (job page and API), the public recruiter check, and one organisation per
corporate number (form error, database constraint, staff queue, legacy duplicates)."""

from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.identifiers import corporate_number_check_digit
from portal.accounts.models import Organisation
from portal.extensions import db as _db
from portal.feeds.models import ImportSource
from portal.moderation.models import AuditEntry
from portal.registers.models import OepLicence
from portal.timeutil import today

from tests.conftest import make_organisation, make_user
from tests.web.test_applications import make_posting, post, sign_in

PREFIX = "/api/v1"


def corporate_number(base12: str) -> str:
    return f"{corporate_number_check_digit(base12)}{base12}"


NUMBER = corporate_number("180301018771")  # Sakura Foods in the demo data: 1180301018771
OTHER_NUMBER = corporate_number("010001008846")


def licence(number_display: str, status: str = "valid", valid_until=None) -> OepLicence:
    from portal.moderation.flags import normalise_licence

    row = OepLicence(number=normalise_licence(number_display), number_display=number_display,
                     holder_name="Indus Overseas Employment Promoters", city="Rawalpindi", status=status,
                     valid_until=valid_until)
    _db.session.add(row)
    _db.session.commit()
    return row


# ---- who stands behind the job --------------------------------------------------------------------


def test_an_employers_job_page_names_it_with_its_verification_and_corporate_number(client, db):
    organisation = make_organisation(kind="employer", corporate_number=NUMBER,
                                     verified_at=datetime(2026, 10, 3, 9, 0, tzinfo=UTC))
    posting = make_posting(organisation)
    page = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert "Who stands behind this job" in page and "Test Employer Co., Ltd." in page
    assert "Employer in Japan" in page and "Verified by staff on 3 October 2026" in page
    assert f"https://www.houjin-bangou.nta.go.jp/henkorireki-johoto.html?selHouzinNo={NUMBER}" in page
    assert "/en/recruiters/check" in page
    ja = client.get(f"/ja/jobs/{posting.id}").get_data(as_text=True)
    assert "この求人の掲載者" in ja and "2026年10月3日にスタッフが確認済み" in ja and "テスト株式会社" in ja
    body = client.get(f"{PREFIX}/jobs/{posting.id}").get_json()
    assert body["backed_by"] == {"kind": "organisation", "source": None, "organisation": {
        "name": "Test Employer Co., Ltd.", "kind": "employer", "kind_label": "Employer in Japan",
        "verified_on": "2026-10-03", "corporate_number": NUMBER,
        "corporate_number_url": f"https://www.houjin-bangou.nta.go.jp/henkorireki-johoto.html?selHouzinNo={NUMBER}",
        "oep_licence": None}}
    japanese = client.get(f"{PREFIX}/jobs/{posting.id}?lang=ja").get_json()["backed_by"]["organisation"]
    assert japanese["name"] == "テスト株式会社" and japanese["kind_label"] == "日本の雇用主"


@pytest.mark.parametrize(("register", "status", "shown"), [
    (("valid", 365), "valid", "Valid licence"),
    (("valid", -1), "expired", "Licence expired"),
    (("suspended", 365), "suspended", "Licence suspended"),
    (None, "unknown", "Not in our licence register"),
])
def test_a_promoters_licence_is_shown_with_its_status_from_the_register(client, db, register, status, shown):
    if register is not None:
        licence("OEP 2458/RWP", register[0], today() + timedelta(days=register[1]))
    organisation = make_organisation(kind="oep", oep_licence="OEP-2458/RWP",
                                     verified_at=datetime(2026, 9, 1, tzinfo=UTC))
    posting = make_posting(organisation)
    page = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert "Overseas Employment Promoter licensed in Pakistan" in page
    assert "OEP-2458/RWP" in page and shown in page
    item = client.get(f"{PREFIX}/jobs/{posting.id}").get_json()["backed_by"]["organisation"]
    assert item["kind"] == "oep" and item["oep_licence"]["status"] == status
    assert item["oep_licence"]["status_label"] == shown and item["oep_licence"]["number"] == "OEP-2458/RWP"


def test_an_imported_job_says_where_it_came_from(client, db):
    source = ImportSource(name="Hello Work Aichi", url="https://example.org/feed.xml", kind="indeed-xml")
    _db.session.add(source)
    _db.session.commit()
    posting = make_posting(None, source="import", import_source_id=source.id, employer_name_en="Chubu Foods",
                           source_url="https://example.org/jobs/42", apply_url="https://example.org/jobs/42/apply")
    page = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    assert "This job was copied from another site." in page and "Hello Work Aichi" in page
    assert 'href="https://example.org/jobs/42"' in page and "Chubu Foods" in page
    assert client.get(f"{PREFIX}/jobs/{posting.id}").get_json()["backed_by"] == {
        "kind": "import", "organisation": None, "source": {"name": "Hello Work Aichi",
                                                           "url": "https://example.org/jobs/42"}}


# ---- the public check ------------------------------------------------------------------------------


def check(client, number, lang="en"):
    return client.get(f"/{lang}/recruiters/check", query_string={"number": number})


def test_the_check_page_is_linked_from_the_safety_guide(client, db):
    from portal.guidance.services import load_shipped_guides

    load_shipped_guides()
    assert "/en/recruiters/check" in client.get("/en/guide/staying-safe").get_data(as_text=True)
    page = client.get("/en/recruiters/check")
    assert page.status_code == 200 and 'for="number"' in page.get_data(as_text=True)


@pytest.mark.parametrize(("register", "typed", "says"), [
    (("valid", 365), "oep 2458 / rwp", "This promoter may recruit workers."),
    (("valid", -10), "OEP-2458/RWP", "This promoter may not recruit workers now."),
    (("cancelled", None), "2458RWP", "Licence cancelled"),
    (None, "OEP-9999/KHI", "This licence is not in our register."),
])
def test_a_licence_number_is_looked_up_in_the_register(client, db, register, typed, says):
    if register is not None:
        licence("OEP-2458/RWP", register[0], today() + timedelta(days=register[1]) if register[1] else None)
    response = check(client, typed)
    assert response.status_code == 200 and says in response.get_data(as_text=True)


def test_a_licence_check_names_the_promoter_on_the_site_and_speaks_japanese(client, db):
    licence("OEP-2458/RWP", "valid", today() + timedelta(days=30))
    make_organisation(kind="oep", name_en="Indus Promoters", name_ja="インダス", oep_licence="OEP 2458/RWP")
    html = check(client, "OEP-2458/RWP", "ja").get_data(as_text=True)
    assert "有効な許可" in html and "インダス" in html and "このプロモーターは労働者を募集できます。" in html


def test_a_corporate_number_is_looked_up_in_the_organisations(client, db):
    make_organisation(corporate_number=NUMBER, verified_at=datetime(2026, 10, 3, tzinfo=UTC))
    found = check(client, NUMBER).get_data(as_text=True)
    assert "Test Employer Co., Ltd." in found and "verified by our staff on 3 October 2026" in found
    assert f"selHouzinNo={NUMBER}" in found
    typed_with_spaces = check(client, " ".join([NUMBER[:4], NUMBER[4:8], NUMBER[8:]])).get_data(as_text=True)
    assert "Test Employer Co., Ltd." in typed_with_spaces
    missing = check(client, OTHER_NUMBER).get_data(as_text=True)
    assert "No organisation on Kakehashi has this corporate number." in missing and f"selHouzinNo={OTHER_NUMBER}" in missing


@pytest.mark.parametrize(("typed", "error"), [
    ("", "This field is required."),
    (NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10), "This is not a valid 13-digit corporate number."),
    ("---", "Enter a licence number or a corporate number."),
    ("x" * 101, "Field cannot be longer than 100 characters."),
])
def test_a_check_of_something_that_is_no_number_is_a_form_error(client, db, typed, error):
    response = check(client, typed)
    assert response.status_code == 400 and error in response.get_data(as_text=True)


# ---- one organisation per corporate number ---------------------------------------------------------

ORGANISATION_FORM = {"kind": "employer", "name_en": "Impostor Foods", "name_ja": "", "corporate_number": NUMBER,
                     "support_org_number": "", "oep_licence": "", "address": "Nagoya", "contact_email": "jobs@example.com",
                     "phone": "", "website": ""}


def test_a_second_organisation_with_the_same_number_cannot_be_created(app, db):
    holder = make_organisation(name_en="Sakura Foods", corporate_number=NUMBER)
    recruiter = make_user("recruiter", organisation=None)
    client = sign_in(app, recruiter)
    full_width = NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    page = "/en/recruiter/organisation/new"
    response = post(client, page, {**ORGANISATION_FORM, "corporate_number": full_width}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="corporate_number-error"' in html
    assert "Another organisation on Kakehashi already has this corporate number." in html
    assert "Impostor Foods" in html  # what was typed stays
    assert _db.session.scalar(select(Organisation).where(Organisation.name_en == "Impostor Foods")) is None
    # Staff see the attempt on the holder, in the verification queue.
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.target_id == holder.id))
    assert entry.action == "corporate_number_clash" and "Impostor Foods" in entry.reason
    staff = sign_in(app, make_user("staff"))
    queue = staff.get("/en/staff/accounts/organisations").get_data(as_text=True)
    assert "Sakura Foods" in queue and "Same corporate number" in queue and "Someone tried to use this number" in queue


def test_an_edit_to_another_organisations_number_is_refused(app, db):
    make_organisation(name_en="Sakura Foods", corporate_number=NUMBER)
    own = make_organisation(name_en="Mine", corporate_number=OTHER_NUMBER)
    owner = make_user("recruiter", organisation=own, is_organisation_owner=True)
    client = sign_in(app, owner)
    page = "/en/recruiter/organisation"
    response = post(client, page, {**ORGANISATION_FORM, "name_en": "Mine"}, page=page)
    assert response.status_code == 400 and 'id="corporate_number-error"' in response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(Organisation, own.id).corporate_number == OTHER_NUMBER


def test_the_database_refuses_a_duplicate_number(db):
    make_organisation(corporate_number=NUMBER)
    _db.session.add(Organisation(kind="employer", name_en="Twin", corporate_number=NUMBER))
    with pytest.raises(IntegrityError):
        _db.session.commit()
    _db.session.rollback()
    # Organisations without a number are many.
    make_organisation(name_en="No number 1")
    make_organisation(name_en="No number 2")


def test_legacy_duplicates_are_set_aside_by_the_migration_and_shown_to_staff(app, db):
    """Downgrade to the schema before numbers were unique, store duplicates as older data had them,
    upgrade again: the verified one keeps the number, the other shows the clash in the queue."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    downgrade(revision="0019")  # the schema before corporate numbers were unique
    try:
        with _db.engine.begin() as connection:
            full_width = NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))  # as typed then
            for name, status, number in (("Old Unverified", "unverified", full_width),
                                         ("Old Verified", "verified", NUMBER)):
                connection.execute(text("INSERT INTO organisations (kind, name_en, status, corporate_number, created_at) "
                                        "VALUES ('employer', :name, :status, :number, CURRENT_TIMESTAMP)"),
                                   {"name": name, "status": status, "number": number})
    finally:
        upgrade()
    _db.session.expire_all()
    verified = _db.session.scalar(select(Organisation).where(Organisation.name_en == "Old Verified"))
    other = _db.session.scalar(select(Organisation).where(Organisation.name_en == "Old Unverified"))
    assert verified.corporate_number == NUMBER and verified.corporate_number_clash is None
    assert other.corporate_number is None and other.corporate_number_clash == NUMBER
    staff = sign_in(app, make_user("staff"))
    queue = staff.get("/en/staff/accounts/organisations").get_data(as_text=True)
    assert "Old Verified" in queue and "Also given by:" in queue  # the verified holder is listed too
    assert f"It gave {NUMBER}, which belongs to:" in queue
