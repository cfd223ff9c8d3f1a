"""The audit log: one row for each staff action on import sources, a searchable, paginated,
read-only page, and no way to change or delete an entry (neither a route nor the ORM)."""

import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.feeds.models import ImportSource
from portal.moderation.models import AuditEntry
from portal.moderation.services import audit

from tests.conftest import csrf_token_from, make_user
from tests.services.test_search import make_posting


def _token(client, url="/en/staff/sources"):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def _audits():
    return list(_db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_each_import_source_action_writes_exactly_one_audit_row(client, login_as):
    staff = login_as("staff")
    client.post("/en/staff/sources", data={
        "csrf_token": _token(client), "name": "csv", "url": "", "kind": "csv", "every_hours": "24",
        "max_concurrency": "1", "delay_seconds": "0"})
    source = _db.session.scalar(select(ImportSource))
    assert [(e.action, e.target_type, e.target_id) for e in _audits()] == [("add_source", "import_source", source.id)]

    page = f"/en/staff/sources/{source.id}"
    client.post(page + "/enabled", data={"csrf_token": _token(client, page)})
    assert [(e.action, e.before, e.after) for e in _audits()][1:] == [("disable_source", "enabled", "disabled")]

    client.post(page + "/run", data={"csrf_token": _token(client, page)})
    assert _audits()[-1].action == "run_source_soon" and len(_audits()) == 3

    content = "id,title,description,employer,prefecture\nC1,介護職員,介護の仕事です,社会福祉法人テスト,大阪府\n"
    client.post(page + "/upload", data={"csrf_token": _token(client, page),
                                        "file": (io.BytesIO(content.encode("cp932")), "jobs.csv")},
                content_type="multipart/form-data")
    assert _audits()[-1].action == "upload_csv" and _audits()[-1].reason == "jobs.csv" and len(_audits()) == 4

    posting = make_posting(import_source_id=source.id, external_id="x1", sector_code="other", classification_confidence=0.2)
    client.post(f"/en/staff/postings/{posting.id}/classification", data={
        "csrf_token": _token(client, "/en/staff/imported"), "sector": "construction", "occupation": ""})
    last = _audits()[-1]
    assert (last.action, last.target_type, last.target_id, last.before, last.after) == (
        "correct_classification", "posting", posting.id, "other", "construction")
    assert len(_audits()) == 5
    assert {e.actor_id for e in _audits()} == {staff.id} and {e.actor_role for e in _audits()} == {"staff"}


def test_audit_page_searches_and_pages(client, login_as):
    staff = login_as("staff")
    other = make_user("staff", email="other-staff@example.com")
    for number in range(60):
        audit(staff, "verify_organisation", "organisation", number + 1, before="unverified", after="verified")
    audit(other, "suspend_user", "user", 7, before="active", after="suspended", reason="Spam account")
    _db.session.commit()

    html = client.get("/en/staff/audit/").get_data(as_text=True)
    assert "61 entries." in html and "Page 1 of 2" in html and "Spam account" in html
    assert 'rel="next"' in html
    html = client.get("/en/staff/audit/?actor=other-staff").get_data(as_text=True)
    assert "1 entry." in html and "Account suspended" in html
    html = client.get("/en/staff/audit/?target_type=organisation&target_id=5").get_data(as_text=True)
    assert "1 entry." in html
    html = client.get("/en/staff/audit/?action=suspend_user").get_data(as_text=True)
    assert "1 entry." in html
    html = client.get("/en/staff/audit/?date_from=2000-01-01&date_to=2000-01-31").get_data(as_text=True)
    assert "0 entries." in html
    response = client.get("/en/staff/audit/?date_from=yesterday")
    assert response.status_code == 400  # explained, and the list is shown unfiltered
    assert "<form" in response.get_data(as_text=True)
    # Read-only: no form on the page posts anywhere.
    main = client.get("/en/staff/audit/").get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0]
    assert not re.search(r'<form[^>]*method="post"', main)


def test_no_route_edits_or_deletes_audit_entries(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff_audit."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
        assert "audit" not in rule.rule or rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
        assert not re.search(r"audit.*(edit|delete|update|remove)", rule.endpoint), rule


def test_the_orm_refuses_to_change_or_delete_an_entry(db):
    staff = make_user("staff")
    entry = audit(staff, "suspend_user", "user", 1, before="active", after="suspended", reason="x")
    _db.session.commit()
    entry.reason = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        _db.session.commit()
    _db.session.rollback()
    _db.session.delete(_db.session.get(AuditEntry, entry.id))
    with pytest.raises(RuntimeError, match="append-only"):
        _db.session.commit()
    _db.session.rollback()
    assert _db.session.get(AuditEntry, entry.id).reason == "x"


def test_dashboard_draws_accessible_svg_without_script(client, login_as):
    login_as("staff")
    make_posting(sector_code="nursing_care", prefecture_code="13")
    make_posting(sector_code="nursing_care", prefecture_code="27")
    make_posting(sector_code="construction", prefecture_code="13")
    make_posting(sector_code="construction", prefecture_code="13", status="submitted")
    html = client.get("/en/staff/").get_data(as_text=True)
    assert html.count('<svg class="chart') >= 2
    assert '<title id="sector-svg-title">Published postings by field</title>' in html
    assert "<desc id=\"map-svg-desc\">" in html
    assert "<title>Tokyo: 2</title>" in html and "<title>Osaka: 1</title>" in html
    assert "<title>Nursing care: 2</title>" in html
    assert "<script" not in html.split("<main", 1)[-1]
    assert "Postings waiting for review" in html
