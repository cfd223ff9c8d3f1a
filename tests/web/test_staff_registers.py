"""Staff registers: CSV imports (UTF-8 and CP932), their history, one audit row per action, and
changes that show on job pages at once. A failed import changes nothing."""

import io
from datetime import timedelta

from sqlalchemy import delete, func, select

from portal.extensions import db as _db
from portal.moderation.models import AuditEntry
from portal.registers import services as registers
from portal.registers.models import OepLicence, RegisterChange, RegisterUpdate, TestSitting
from portal.taxonomy.models import ExchangeRate, MinimumWage
from portal.timeutil import today

from tests.conftest import csrf_token_from
from tests.services.test_search import make_posting


def _token(client, url="/en/staff/registers/oep_licences"):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def _upload(client, register, content: bytes, name="register.csv", lang="en"):
    return client.post(f"/{lang}/staff/registers/{register}/import", data={
        "csrf_token": _token(client, f"/en/staff/registers/{register}"),
        "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def _audits():
    return list(_db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


LICENCES = ("licence_number,holder_name,city,status,valid_until\n"
            "EXAMPLE-0001/ISB,Example Promoters,Islamabad,valid,2099-12-31\n"
            "EXAMPLE-0002/KHI,サンプル人材,Karachi,suspended,2099-12-31\n"
            "EXAMPLE-0003/LHR,Old Example,Lahore,valid,2000-01-01\n")


def test_licence_register_import_in_cp932_with_history_and_one_audit_row(client, login_as):
    staff = login_as("staff")
    response = _upload(client, "oep_licences", LICENCES.encode("cp932"), "licences.csv")
    assert response.status_code == 302
    assert {row.number for row in _db.session.scalars(select(OepLicence))} == {
        "EXAMPLE0001ISB", "EXAMPLE0002KHI", "EXAMPLE0003LHR"}
    # Only valid licences that have not run out count.
    assert registers.licence_numbers() == frozenset({"EXAMPLE0001ISB"})
    [entry] = _audits()
    assert (entry.action, entry.actor_id, entry.actor_role, entry.target_type) == (
        "import_oep_licences", staff.id, "staff", "register")
    assert entry.reason == "licences.csv" and entry.after == "3"

    # A second import changes one row: the history says who, when, old → new.
    changed = LICENCES.replace("Karachi,suspended", "Karachi,valid")
    assert _upload(client, "oep_licences", changed.encode("utf-8-sig")).status_code == 302
    assert registers.licence_numbers() == frozenset({"EXAMPLE0001ISB", "EXAMPLE0002KHI"})
    latest = registers.history("oep_licences")[0]
    [change] = latest.changes
    assert change.key == "EXAMPLE0002KHI" and "status=suspended" in change.before and "status=valid" in change.after
    html = client.get("/en/staff/registers/oep_licences").get_data(as_text=True)
    assert "サンプル人材" in html and staff.email in html and "status=suspended" in html
    assert len(_audits()) == 2


def test_a_failed_import_changes_nothing_and_explains_each_line(client, login_as):
    login_as("staff")
    assert _upload(client, "oep_licences", LICENCES.encode()).status_code == 302
    before = [(r.number, r.status, r.holder_name) for r in _db.session.scalars(select(OepLicence).order_by(OepLicence.id))]
    audits, updates = len(_audits()), _db.session.scalar(select(func.count()).select_from(RegisterUpdate))
    bad = ("licence_number,holder_name,city,status,valid_until\n"
           "EXAMPLE-0001/ISB,Renamed,Islamabad,valid,2099-12-31\n"  # fine on its own
           "EXAMPLE-0009/ISB,,Islamabad,valid,2099-12-31\n"  # no holder
           "EXAMPLE-0010/ISB,X,Islamabad,expired,31/12/2099\n")  # bad status and date
    response = _upload(client, "oep_licences", bad.encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 3: holder_name is required." in html
    assert "Line 4: status must be one of: valid, suspended, cancelled." in html
    assert "Line 4: valid_until must be a date like 2026-10-01." in html
    _db.session.expire_all()
    assert [(r.number, r.status, r.holder_name) for r in
            _db.session.scalars(select(OepLicence).order_by(OepLicence.id))] == before
    assert len(_audits()) == audits
    assert _db.session.scalar(select(func.count()).select_from(RegisterUpdate)) == updates


def test_files_that_are_not_csv_text_or_lack_columns_are_refused(client, login_as):
    login_as("staff")
    response = _upload(client, "test_calendar", b"\xff\xfe\x00\x81\x00")
    assert response.status_code == 400 and "neither UTF-8 nor CP932" in response.get_data(as_text=True)
    response = _upload(client, "test_calendar", b"exam,city\njlpt,Karachi\n")
    assert "Columns missing from the first line: exam_date" in response.get_data(as_text=True)
    response = _upload(client, "test_calendar", b"exam,exam_date,city\njlpt,2099-12-06,Karachi\njlpt,2099-12-06,Karachi\n")
    assert "Line 3 repeats line 2." in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(TestSitting)) == 0
    assert _audits() == []


def test_test_calendar_import(client, login_as):
    login_as("staff")
    content = ("exam,exam_date,city,venue,registration_deadline,source_url\n"
               "jlpt,2099-12-06,Karachi,Example venue,2099-09-15,https://www.jlpt.jp/e/\n"
               "jft_basic,2099-11-20,Islamabad,,,\n")
    assert _upload(client, "test_calendar", content.encode()).status_code == 302
    rows = registers.test_sittings(upcoming_only=True)
    assert [(r.exam, r.city) for r in rows] == [("jft_basic", "Islamabad"), ("jlpt", "Karachi")]
    html = client.get("/en/staff/registers/test_calendar").get_data(as_text=True)
    assert "Example venue" in html and "https://www.jlpt.jp/e/" in html
    assert [e.action for e in _audits()] == ["import_test_calendar"]


def test_example_files_import_cleanly(client, login_as):
    login_as("staff")
    for register in ("oep_licences", "test_calendar"):
        example = client.get(f"/en/staff/registers/{register}/example.csv")
        assert example.status_code == 200
        assert _upload(client, register, example.data).status_code == 302
    assert all(number.startswith("EXAMPLE") for number in registers.licence_numbers())


def test_next_years_minimum_wage_shows_on_the_job_page_from_its_date(client, login_as):
    login_as("staff")
    posting = make_posting(prefecture_code="13", salary_min=1250, salary_unit="HOUR", hours_per_week=40)
    assert "above the minimum wage in Tokyo (¥1,226 an hour)" in client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
    year = today().year + 1
    try:
        content = (f"prefecture_code,fiscal_year,yen_per_hour,effective_from\n"
                   f"13,{year},1300,{today().isoformat()}\n"
                   f"27,{year},1250,{(today() + timedelta(days=30)).isoformat()}\n")
        assert _upload(client, "minimum_wages", content.encode()).status_code == 302
        html = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
        assert "below the minimum wage in Tokyo (¥1,300 an hour)" in html
        # Osaka's new table is not in force yet.
        assert registers.minimum_wages()[0].fiscal_year == year
        from portal.taxonomy.services import minimum_wage_on

        assert minimum_wage_on("27", today()).fiscal_year < year
        assert minimum_wage_on("27", today() + timedelta(days=30)).yen_per_hour == 1250
        assert [e.action for e in _audits()] == ["import_minimum_wages"]
        # A prefecture that does not exist: refused, nothing changed.
        response = _upload(client, "minimum_wages",
                           f"prefecture_code,fiscal_year,yen_per_hour,effective_from\n99,{year},1,2099-01-01\n".encode())
        assert "there is no prefecture with code 99" in response.get_data(as_text=True)
    finally:
        _db.session.rollback()
        _db.session.execute(delete(RegisterChange))
        _db.session.execute(delete(MinimumWage).where(MinimumWage.fiscal_year == year))
        _db.session.commit()


def test_a_new_rupee_rate_shows_on_the_job_page(client, login_as):
    staff = login_as("staff")
    posting = make_posting(prefecture_code="13", salary_min=1300, salary_unit="HOUR", hours_per_week=40)
    try:
        response = client.post("/en/staff/registers/exchange_rates/rate", data={
            "csrf_token": _token(client, "/en/staff/registers/exchange_rates"), "currency": "PKR",
            "per_jpy": "3.0", "as_of": (today() + timedelta(days=2)).isoformat(), "source": "SBP"})
        assert response.status_code == 302
        html = client.get(f"/en/jobs/{posting.id}").get_data(as_text=True)
        import re

        assert re.search(r"Rs\u00a0675,99\d|Rs\u00a0676,000", html), re.findall(r"Rs\u00a0[\d,]+", html)  # ¥225,333 × 3.0
        [entry] = _audits()
        assert (entry.action, entry.actor_id, entry.target_type) == ("set_exchange_rate", staff.id, "register")
        # A rate that is not above zero is refused.
        response = client.post("/en/staff/registers/exchange_rates/rate", data={
            "csrf_token": _token(client, "/en/staff/registers/exchange_rates"), "currency": "PKR",
            "per_jpy": "0", "as_of": today().isoformat()})
        assert response.status_code == 400 and len(_audits()) == 1
    finally:
        _db.session.rollback()
        _db.session.execute(delete(ExchangeRate).where(ExchangeRate.as_of == today() + timedelta(days=2)))
        _db.session.commit()


def test_register_errors_are_translated(client, login_as):
    login_as("staff")
    response = _upload(client, "test_calendar", b"exam,exam_date,city\nquiz,2099-12-06,Karachi\n", lang="ja")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'lang="ja"' in html
    # The message goes through gettext with its values (English until the catalogue has it).
    assert "exam" in html and "jlpt, jft_basic" in html


def test_unknown_register_is_not_found(client, login_as):
    login_as("staff")
    assert client.get("/en/staff/registers/passwords").status_code == 404


def test_licence_register_changes_move_the_red_flags(client, login_as):
    from portal.accounts.models import OrganisationKind
    from portal.moderation.models import PostingFlags

    from tests.conftest import make_organisation

    login_as("staff")
    oep = make_organisation(kind=OrganisationKind.OEP, oep_licence="OEP Licence No. EXAMPLE-0001/ISB")
    posting = make_posting(organisation=oep)

    def codes():
        _db.session.expire_all()
        row = _db.session.get(PostingFlags, posting.id)
        return row.codes if row else ""

    registers._refresh_flags("oep_licences")
    assert ",unlicensed_oep," in codes()
    assert _upload(client, "oep_licences", LICENCES.encode()).status_code == 302
    assert "unlicensed_oep" not in codes()
    cancelled = LICENCES.replace("Islamabad,valid", "Islamabad,cancelled")
    assert _upload(client, "oep_licences", cancelled.encode()).status_code == 302
    assert ",unlicensed_oep," in codes()
