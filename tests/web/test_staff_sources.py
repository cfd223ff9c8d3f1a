"""Staff manage import sources, upload CSV files, read runs and correct classifications."""

from sqlalchemy import select

from portal.extensions import db as _db
from portal.feeds.models import ImportSource
from portal.jobs.models import Posting

from tests.conftest import csrf_token_from


def _token(client, url="/en/staff/sources"):
    return csrf_token_from(client.get(url).get_data(as_text=True))


def test_add_source_with_errors_keeps_what_was_typed(client, login_as):
    login_as("staff")
    response = client.post("/ja/staff/sources", data={
        "csrf_token": _token(client), "name": "hello-work-like", "url": "ftp://example.com/feed", "kind": "indeed-xml",
        "every_hours": "12", "max_concurrency": "2", "delay_seconds": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "http:// または https://" in html and 'value="hello-work-like"' in html
    assert _db.session.scalar(select(ImportSource)) is None


def test_add_source_and_see_it_listed(client, login_as):
    login_as("staff")
    response = client.post("/en/staff/sources", data={
        "csrf_token": _token(client), "name": "partner-feed", "url": "https://jobs.example.com/feed.xml",
        "kind": "indeed-xml", "trusted": "y", "every_hours": "6", "max_concurrency": "2", "delay_seconds": "1"})
    assert response.status_code == 302
    source = _db.session.scalar(select(ImportSource))
    assert (source.name, source.trusted, source.every_hours) == ("partner-feed", True, 6)
    html = client.get("/en/staff/sources").get_data(as_text=True)
    assert "partner-feed" in html and "Not imported yet" in html


def test_invalid_mapping_json_is_explained(client, login_as):
    login_as("staff")
    response = client.post("/en/staff/sources", data={
        "csrf_token": _token(client), "name": "api", "url": "https://api.example.com/jobs", "kind": "json",
        "every_hours": "24", "max_concurrency": "2", "delay_seconds": "1", "mapping": "{not json"})
    assert response.status_code == 400 and "This is not valid JSON." in response.get_data(as_text=True)


def test_csv_upload_imports_and_shows_the_run(client, login_as):
    login_as("staff")
    client.post("/en/staff/sources", data={
        "csrf_token": _token(client), "name": "csv", "url": "", "kind": "csv", "every_hours": "24",
        "max_concurrency": "1", "delay_seconds": "0"})
    source = _db.session.scalar(select(ImportSource))
    content = "id,title,description,employer,prefecture\nC1,介護職員,介護の仕事です,社会福祉法人テスト,大阪府\nC2,,x,y,z\n"
    import io

    response = client.post(f"/en/staff/sources/{source.id}/upload", data={
        "csrf_token": _token(client, f"/en/staff/sources/{source.id}"),
        "file": (io.BytesIO(content.encode("cp932")), "jobs.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    run_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No title" in run_page  # the skipped row and its reason
    posting = _db.session.scalar(select(Posting))
    assert posting.title_ja == "介護職員" and posting.status == "submitted"


def test_staff_correct_a_classification(client, login_as):
    login_as("staff")
    from tests.services.test_search import make_posting

    source = ImportSource(name="s", url="https://example.com", kind="indeed-xml")
    _db.session.add(source)
    _db.session.commit()
    posting = make_posting(import_source_id=source.id, external_id="x1", sector_code="other",
                           title_en="Imported job to check", classification_confidence=0.2)
    assert "Imported job to check" in client.get("/en/staff/imported").get_data(as_text=True)
    response = client.post(f"/en/staff/postings/{posting.id}/classification", data={
        "csrf_token": _token(client, "/en/staff/imported"), "sector": "construction", "occupation": ""})
    assert response.status_code == 302
    _db.session.expire_all()
    saved = _db.session.get(Posting, posting.id)
    assert (saved.sector_code, saved.classification_locked) == ("construction", True)


def test_add_a_source_of_job_pages_with_a_css_mapping(client, login_as):
    login_as("staff")
    form = {"csrf_token": _token(client), "name": "careers", "url": "https://careers.example.co.jp/jobs",
            "kind": "html", "every_hours": "24", "max_concurrency": "1", "delay_seconds": "2"}
    bad = client.post("/en/staff/sources", data={**form, "mapping": '{"links": "a.job"}'})
    assert bad.status_code == 400 and "no selector for &#39;title&#39;" in bad.get_data(as_text=True)
    assert _db.session.scalar(select(ImportSource)) is None
    response = client.post("/en/staff/sources", data={**form, "mapping": '{"links": "a.job", "title": "h1"}'})
    assert response.status_code == 302
    source = _db.session.scalar(select(ImportSource))
    assert (source.kind, source.mapping) == ("html", {"links": "a.job", "title": "h1"})
