"""Saved searches and the e-mail digest: in the seeker's language, at most daily, never twice."""

from datetime import timedelta
from email import policy
from email.parser import BytesParser

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db as _db
from portal.jobs import alerts
from portal.mail import outbox
from portal.timeutil import utcnow

from tests.conftest import make_user
from tests.services.test_search import make_posting


def _mails():
    return sorted(outbox().glob("*.eml"), key=lambda p: p.stat().st_mtime)


def _read(path):
    return BytesParser(policy=policy.default).parse(path.open("rb"))


def _clear_outbox():
    for path in outbox().glob("*.eml"):
        path.unlink()


def test_digest_in_the_seekers_language_once_and_never_twice(app, db):
    _clear_outbox()
    seeker = make_user("seeker", locale="ja")
    alerts.save_search(seeker, {"q": "溶接"})
    welder = make_posting(title_en="Welder", title_ja="溶接工", published_at=utcnow())
    make_posting(title_en="Cook", title_ja="調理師", published_at=utcnow())

    first = alerts.send_digests()
    assert (first["sent"], first["postings"]) == (1, 1)
    [path] = _mails()
    message = _read(path)
    assert message["To"] == seeker.email and message["Subject"] == "あなたに合う日本の新着求人が1件あります"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "溶接工" in body and f"/ja/jobs/{welder.id}" in body and "手数料" in body
    assert "/ja/alerts/unsubscribe/" in message["List-Unsubscribe"]

    second = alerts.send_digests()  # straight after: nothing new, and not twice a day anyway
    assert second["sent"] == 0 and len(_mails()) == 1

    # A day later with one more matching posting: only the new one is sent.
    _db.session.get(User, seeker.id).last_digest_at = utcnow() - timedelta(days=1)
    _db.session.commit()
    newer = make_posting(title_ja="溶接スタッフ（夜勤）", title_en=None, published_at=utcnow())
    third = alerts.send_digests()
    assert (third["sent"], third["postings"]) == (1, 1)
    body = _read(_mails()[-1]).get_body(preferencelist=("plain",)).get_content()
    assert f"/jobs/{newer.id}" in body and f"/jobs/{welder.id}\n" not in body


def test_english_seeker_gets_english(app, db):
    _clear_outbox()
    seeker = make_user("seeker", locale="en")
    alerts.save_search(seeker, {"q": "welder"})
    make_posting(title_en="Welder", published_at=utcnow())
    alerts.send_digests()
    message = _read(_mails()[-1])
    assert "new job for you in Japan" in message["Subject"]


def test_unsubscribe_link_works_without_logging_in(app, client, db):
    seeker = make_user("seeker")
    token = alerts.unsubscribe_token(seeker)
    page = client.get(f"/en/alerts/unsubscribe/{token}").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    response = client.post(f"/en/alerts/unsubscribe/{token}", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 200 and "will not get job e-mails" in response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(User, seeker.id).alerts_enabled is False
    forged = client.post("/en/alerts/unsubscribe/forged-token", data={"csrf_token": csrf_token_from(page)})
    assert forged.status_code == 404


def test_cli_sends_digests(app, db):
    seeker = make_user("seeker")
    alerts.save_search(seeker, {"q": "welder"})
    make_posting(title_en="Welder", published_at=utcnow())
    result = app.test_cli_runner().invoke(args=["alerts", "send"])
    assert result.exit_code == 0 and result.output.startswith("1 digests sent")
    assert _db.session.scalar(select(User.last_digest_at).where(User.id == seeker.id)) is not None
