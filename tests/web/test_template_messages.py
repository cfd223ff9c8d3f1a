"""Recruiters send the common messages as templates with values; each reader reads them in their own
language (English, Japanese, Urdu), with every time in its zone and the other zone beside it."""

from __future__ import annotations

from datetime import date, time

import pytest

from portal.applications import message_templates as templates
from portal.applications.message_text import plain_text
from portal.applications.models import ApplicationEvent, Notification

from tests.web.test_applications import apply, mails_to, post, sign_in, the_application, token, world  # noqa: F401

INTERVIEW = {"date": date(2026, 12, 10), "time": time(10, 0), "zone": templates.JAPAN, "place": None,
             "video_url": "https://meet.example.org/kakehashi-42"}


def rendered(app, lang: str, code: str, raw: dict) -> str:
    stored = templates.values(code, raw)
    with app.test_request_context(f"/{lang}/"):
        app.preprocess_request()
        return plain_text(code, stored)


def test_an_interview_reads_in_each_language_with_both_zones(app):
    assert rendered(app, "en", "interview", INTERVIEW) == (
        "You are invited to an interview on 10 Dec 2026, 10:00 JST (06:00 PKT).\n"
        "Video call: https://meet.example.org/kakehashi-42")
    assert rendered(app, "ja", "interview", INTERVIEW).startswith(
        "2026年12月10日 10:00 日本時間（06:00 パキスタン時間）の面接にご招待します。")
    urdu = rendered(app, "ur", "interview", INTERVIEW)
    assert urdu.startswith("آپ کو 10 دسمبر 2026، 10:00 جاپانی وقت (06:00 پاکستانی وقت) کو انٹرویو کی دعوت")
    assert "ویڈیو کال: https://meet.example.org/kakehashi-42" in urdu


def test_an_interview_given_in_pakistan_time_shows_japan_time_beside_it(app):
    pakistan = {**INTERVIEW, "zone": templates.PAKISTAN, "time": time(21, 30), "video_url": None,
                "place": "OEC office, Islamabad"}
    text = rendered(app, "en", "interview", pakistan)
    # 21:30 PKT is 01:30 the next day in Japan: the other zone then says its date too.
    assert "10 Dec 2026, 21:30 PKT (11 Dec 2026, 01:30 JST)" in text
    assert "Place: OEC office, Islamabad" in text


@pytest.mark.parametrize("code, raw, english, japanese, urdu", [
    ("documents", {"documents": ["passport", "medical_report"], "due": date(2026, 12, 20)},
     "Please send these documents: Passport, Medical report.\nSend them by 20 December 2026.",
     "次の書類を送ってください：パスポート、健康診断書。\n2026年12月20日までに送ってください。",
     "براہ کرم یہ دستاویزات بھیجیں: پاسپورٹ، میڈیکل رپورٹ۔\nانہیں 20 دسمبر 2026 تک بھیجیں۔"),
    ("offer_sent", {"reply_by": date(2027, 1, 5)},
     "We have sent you a job offer. Read the contract terms on your application page.\nPlease reply by 5 January 2027.",
     "内定をお送りしました。応募ページで契約条件をお読みください。\n2027年1月5日までにお返事ください。",
     "ہم نے آپ کو ملازمت کی پیشکش بھیجی ہے۔ اپنی درخواست کے صفحے پر معاہدے کی شرائط پڑھیں۔\nبراہ کرم 5 جنوری 2027 تک جواب دیں۔"),
    ("result", {"outcome": "not_selected"},
     "You were not selected this time. Thank you for applying.",
     "今回は残念ながら不採用となりました。ご応募ありがとうございました。",
     "اس بار آپ کا انتخاب نہیں ہوا۔ درخواست دینے کا شکریہ۔"),
    ("start_date", {"start": date(2027, 4, 1)},
     "Your first day of work is 1 April 2027.", "勤務開始日は2027年4月1日です。",
     "آپ کے کام کا پہلا دن 1 اپریل 2027 ہے۔"),
])
def test_every_template_reads_in_each_language(app, code, raw, english, japanese, urdu):
    assert rendered(app, "en", code, raw) == english
    assert rendered(app, "ja", code, raw) == japanese
    assert rendered(app, "ur", code, raw) == urdu


@pytest.mark.parametrize("code, raw, field, problem", [
    ("interview", {**INTERVIEW, "video_url": None}, "place", "required"),
    ("interview", {**INTERVIEW, "zone": "Europe/London"}, "zone", "invalid"),
    ("interview", {**INTERVIEW, "video_url": "javascript:alert(1)"}, "video_url", "invalid"),
    ("interview", {**INTERVIEW, "date": None}, "date", "required"),
    ("documents", {"documents": []}, "documents", "required"),
    ("documents", {"documents": ["kidney"]}, "documents", "invalid"),
    ("result", {"outcome": "maybe"}, "outcome", "invalid"),
    ("start_date", {}, "start", "required"),
    ("gossip", {}, "template", "invalid"),
])
def test_template_values_are_checked(code, raw, field, problem):
    with pytest.raises(templates.TemplateValueError) as caught:
        templates.values(code, raw)
    assert (caught.value.field, caught.value.code) == (field, problem)


@pytest.mark.parametrize("text, lang", [
    ("面接は来週です。", "ja"), ("انٹرویو اگلے ہفتے ہے", "ur"), ("The interview is next week.", "en"),
    ("Bring your 在留カード, please.", "en"), ("We would like to talk with you. / ぜひお話ししたいです。", None),
    ("2026-12-10 10:00", None), ("  ", None)])
def test_free_text_says_the_language_it_is_written_in(text, lang):
    assert templates.written_in(text) == lang


def test_a_japanese_recruiter_invites_an_urdu_reader(app, world):  # noqa: F811
    seeker_client, recruiter_client = world["seeker_client"], world["recruiter_client"]
    seeker = world["seeker"]
    seeker.locale = "ur"
    from portal.extensions import db

    db.session.commit()
    assert apply(seeker_client, world["posting"].id).status_code == 302
    application = the_application(world["posting"].id)
    page = f"/ja/recruiter/applications/{application.id}"
    response = post(recruiter_client, f"/ja/recruiter/applications/{application.id}/template-message", {
        "template": "interview", "date": "2026-12-10", "time": "10:00", "zone": templates.JAPAN,
        "place": "愛知金属 本社（名古屋市）", "note": "当日はパスポートを持ってきてください。"}, page=page)
    assert response.status_code == 302
    event = db.session.scalar(db.select(ApplicationEvent).where(ApplicationEvent.template == "interview"))
    assert event.template_values["at"] == "2026-12-10T01:00:00+00:00" and event.message_lang == "ja"

    # The seeker reads it in Urdu, with both zones; the Japanese place and note are marked as Japanese.
    html = seeker_client.get(f"/ur/seeker/applications/{application.id}").get_data(as_text=True)
    assert "10 دسمبر 2026، 10:00 جاپانی وقت (06:00 پاکستانی وقت)" in html
    assert '<span lang="ja">愛知金属 本社（名古屋市）</span>' in html
    assert "جاپانی میں لکھا گیا" in html and '<blockquote class="prose" lang="ja">' in html
    notifications = seeker_client.get("/ur/notifications/").get_data(as_text=True)
    assert "انٹرویو کی دعوت" in notifications and "06:00 پاکستانی وقت" in notifications
    # …and by e-mail in Urdu.
    mail = mails_to(seeker.email)[-1]
    body = mail.get_body(("plain",)).get_content()
    assert mail["Content-Language"] == "ur"
    assert "10:00 جاپانی وقت (06:00 پاکستانی وقت)" in body and "(جاپانی میں لکھا گیا)" in body

    # The recruiter reads the same message in Japanese.
    recruiter_page = recruiter_client.get(page).get_data(as_text=True)
    assert "2026年12月10日 10:00 日本時間（06:00 パキスタン時間）の面接にご招待します。" in recruiter_page
    assert "日本語で書かれています" not in recruiter_page  # written in the reader's own language


def test_the_same_message_reads_in_english_for_an_english_reader(app, world):  # noqa: F811
    seeker_client, recruiter_client = world["seeker_client"], world["recruiter_client"]
    assert apply(seeker_client, world["posting"].id).status_code == 302
    application = the_application(world["posting"].id)
    page = f"/ja/recruiter/applications/{application.id}"
    assert post(recruiter_client, f"/ja/recruiter/applications/{application.id}/template-message", {
        "template": "documents", "documents": ["passport", "police_certificate"], "due": "2026-12-20"},
        page=page).status_code == 302
    html = seeker_client.get(f"/en/seeker/applications/{application.id}").get_data(as_text=True)
    assert "Please send these documents: Passport, Police character certificate." in html
    assert "Send them by 20 December 2026." in html
    notification = Notification.query.filter_by(user_id=world["seeker"].id, kind="message").one()
    assert notification.params["template"] == "documents"


def test_a_template_missing_its_values_is_refused_and_keeps_what_was_typed(app, world):  # noqa: F811
    seeker_client, recruiter_client = world["seeker_client"], world["recruiter_client"]
    assert apply(seeker_client, world["posting"].id).status_code == 302
    application = the_application(world["posting"].id)
    page = f"/en/recruiter/applications/{application.id}"
    response = post(recruiter_client, f"/en/recruiter/applications/{application.id}/template-message", {
        "template": "interview", "date": "2026-12-10", "time": "10:00", "zone": templates.JAPAN,
        "note": "Bring your passport."}, page=page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Fill in this field." in html and "Bring your passport." in html
    assert ApplicationEvent.query.filter(ApplicationEvent.template.is_not(None)).count() == 0


def test_free_messages_say_which_language_they_are_in(app, world):  # noqa: F811
    seeker_client, recruiter_client = world["seeker_client"], world["recruiter_client"]
    assert apply(seeker_client, world["posting"].id).status_code == 302
    application = the_application(world["posting"].id)
    page = f"/ja/recruiter/applications/{application.id}"
    assert post(recruiter_client, f"/ja/recruiter/applications/{application.id}/message",
                {"text": "来週、面接をお願いします。"}, page=page).status_code == 302
    html = seeker_client.get(f"/en/seeker/applications/{application.id}").get_data(as_text=True)
    assert "Written in Japanese" in html and '<blockquote class="prose" lang="ja">来週、面接をお願いします。' in html
