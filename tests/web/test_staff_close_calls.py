"""The staff page of imported postings: a close call names both fields; corrections show in the accuracy."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db as _db
from portal.feeds.models import ImportSource
from portal.matching.models import ClassificationCloseCall, ClassificationCorrection
from tests.web.test_staff_sources import _token


def test_close_call_shows_both_fields_and_a_correction_is_counted(client, login_as):
    staff = login_as("staff")
    from tests.services.test_search import make_posting

    source = ImportSource(name="s", url="https://example.com", kind="indeed-xml")
    _db.session.add(source)
    _db.session.commit()
    sure = make_posting(import_source_id=source.id, external_id="x0", sector_code="nursing_care",
                        title_en="Sure job", classification_confidence=0.1)
    posting = make_posting(import_source_id=source.id, external_id="x1", sector_code="aviation",
                           title_en="Airport cleaning", description_en="Clean the terminal.",
                           classification_confidence=0.4)
    _db.session.add(ClassificationCloseCall(posting_id=posting.id, sector="aviation", runner_up="building_cleaning"))
    _db.session.commit()

    page = client.get("/en/staff/imported").get_data(as_text=True)
    assert "Close call: Aviation or Building cleaning." in page
    assert page.index("Airport cleaning") < page.index("Sure job")  # close calls first, though more certain
    assert "Evaluation set (held-out part)" in page
    japanese = client.get("/ja/staff/imported").get_data(as_text=True)
    assert "航空" in japanese and "ビルクリーニング" in japanese

    response = client.post(f"/en/staff/postings/{posting.id}/classification", data={
        "csrf_token": _token(client, "/en/staff/imported"), "sector": "building_cleaning", "occupation": ""})
    assert response.status_code == 302
    correction = _db.session.scalars(select(ClassificationCorrection)).one()
    assert (correction.old_sector, correction.new_sector, correction.corrected_by_id) == (
        "aviation", "building_cleaning", staff.id)
    page = client.get("/en/staff/imported").get_data(as_text=True)
    assert "Close call:" not in page
    assert "1 of 1 (100.0%)" in page  # the corrected posting, now right with the corrections
    assert sure.id
