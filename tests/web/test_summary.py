"""A posting not written in the reader's language is summed up from its fields in that language:
on the job page (before the original text), in the API and in job alert e-mails."""

import re

import pytest

from portal.guidance.services import ESTIMATE_UNITS
from portal.jobs import demo
from portal.jobs.days_off import days_off_facts
from portal.jobs.models import Posting
from portal.jobs.summary import needs_summary, summary

from tests.web.test_translations import english_words

LANGS = ("en", "ja", "ur")
LABELS = {"en": {"job": "Job", "field": "Field", "place": "Place", "pay": "Pay", "housing": "Housing",
                 "japanese": "Japanese", "tests": "Tests"},
          "ja": {"field": "分野", "place": "勤務地", "housing": "住居", "tests": "試験"},
          "ur": {"job": "ملازمت", "field": "شعبہ", "place": "جگہ", "pay": "تنخواہ", "housing": "رہائش",
                 "japanese": "جاپانی زبان", "tests": "امتحانات"}}


@pytest.fixture
def demo_postings(db):
    demo.seed_world()
    postings = db.session.scalars(db.select(Posting).order_by(Posting.id)).all()
    assert len(postings) == 66
    return postings


def test_every_demo_posting_is_summed_up_in_all_three_languages(app, demo_postings):
    with app.test_request_context("/en/"):
        app.preprocess_request()
        for posting in demo_postings:
            for lang in LANGS:
                lines = {line.key: line for line in summary(posting, lang)}
                # Every posting has these fields, so every summary has these lines.
                for key in ("job", "field", "place", "pay", "housing", "japanese", "tests"):
                    assert key in lines, (posting.id, lang, key)
                for key, label in LABELS[lang].items():
                    assert lines[key].label == label, (posting.id, lang, key)
                text = " ".join(f"{line.label} {line.value}" for line in lines.values())
                if lang != "en":
                    assert english_words(f'<html lang="{lang}"><p>{text}</p>') == [], (posting.id, lang, text)
                if posting.salary_min and posting.salary_unit in ESTIMATE_UNITS:  # yearly pay is not estimated
                    assert "take_home" in lines, (posting.id, lang)
                    assert "¥" in lines["take_home"].value or "￥" in lines["take_home"].value
            ur = {line.key: line.value for line in summary(posting, "ur")}
            assert posting.prefecture.name_ur in ur["place"]
            assert posting.sector.name_ur in ur["field"]


def test_the_summary_reads_numbers_the_readers_way(app, demo_postings):
    posting = next(p for p in demo_postings if p.title_en is None and p.days_off_ja and "週休2日" in p.days_off_ja)
    with app.test_request_context("/en/"):
        app.preprocess_request()
        en = {line.key: line.value for line in summary(posting, "en")}
        ja = {line.key: line.value for line in summary(posting, "ja")}
        ur = {line.key: line.value for line in summary(posting, "ur")}
    assert "2 days off a week" in en["days_off"] and "週2日休み" in ja["days_off"]
    assert "ہفتے میں 2 دن چھٹی" in ur["days_off"]
    assert "Rs\u00a0" in en["take_home"] and "Rs\u00a0" in ur["take_home"]


def test_a_japanese_only_posting_shows_the_summary_first_then_the_original(client, demo_postings):
    posting = next(p for p in demo_postings if p.title_en is None and p.description_ja)
    for lang, heading in (("en", "Summary in your language"), ("ur", "آپ کی زبان میں خلاصہ")):
        html = client.get(f"/{lang}/jobs/{posting.id}").get_data(as_text=True)
        summary_at = html.index(heading)
        original_at = html.index('id="description-title"')
        assert summary_at < original_at
        section = re.search(r'<section class="panel summary".*?</section>', html, re.S).group(0)
        assert "Kakehashi made this summary" in section or "کاکے ہاشی نے" in section  # marked as a summary
        assert 'lang="ja"' in html[original_at:]  # the original, marked as Japanese, with the glossary after
    japanese = client.get(f"/ja/jobs/{posting.id}").get_data(as_text=True)
    assert 'class="panel summary"' not in japanese  # written in the reader's language: no summary


def test_a_posting_in_the_readers_language_has_no_summary(app, demo_postings):
    bilingual = next(p for p in demo_postings if p.title_en and p.title_ja and p.description_en)
    assert not needs_summary(bilingual, "en") and not needs_summary(bilingual, "ja")
    assert needs_summary(bilingual, "ur")  # no posting is written in Urdu


def test_the_api_gives_the_summary_per_language(client, demo_postings):
    posting = next(p for p in demo_postings if p.title_en is None)
    body = client.get(f"/api/v1/jobs/{posting.id}").get_json()
    assert set(body["summary"]) == set(LANGS)
    labels = {lang: [line["label"] for line in body["summary"][lang]] for lang in LANGS}
    assert "Housing" in labels["en"] and "住居" in labels["ja"] and "رہائش" in labels["ur"]
    assert {line["key"] for line in body["summary"]["ur"]} >= {"job", "field", "place", "pay", "tests"}


def test_job_alert_emails_carry_the_summary(app, db, demo_postings, tmp_path):
    from datetime import timedelta

    from portal.jobs import alerts
    from portal.jobs.models import SavedSearch
    from portal.timeutil import utcnow

    from tests.conftest import make_user

    app.config["MAIL_OUTBOX"] = str(tmp_path)
    japanese_only = next(p for p in demo_postings if p.title_en is None)
    seeker = make_user("seeker", locale="ur")
    db.session.add(SavedSearch(user_id=seeker.id, params={"sector": japanese_only.sector_code},
                               created_at=utcnow() - timedelta(days=30)))
    db.session.commit()
    alerts.send_digests()
    sent = "\n".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("*.eml"))
    import email

    message = email.message_from_string(sent)
    parts = [part.get_payload(decode=True).decode("utf-8") for part in message.walk()
             if part.get_content_type() == "text/plain"]
    assert parts and "آپ کی زبان میں خلاصہ" in parts[0]
    assert "رہائش" in parts[0]


@pytest.mark.parametrize("text, facts", [
    ("週休2日制（シフト制）、年間休日105日", [("per_week", (2,)), ("per_year", (105,)), ("shift", ())]),
    ("月8～9日休み（シフト制）", [("per_month_range", (8, 9)), ("shift", ())]),
    ("土日祝休み（会社カレンダーによる）", [("sat_sun_holidays", ())]),
    ("4週8休（シフト制）、年間休日107日", [("per_four_weeks", (8,)), ("per_year", (107,)), ("shift", ())]),
    ("2 days off a week (shift system), 110 days off per year", [("per_week", (2,)), ("per_year", (110,)),
                                                                 ("shift", ())]),
    ("応相談", []),
    (None, []),
])
def test_days_off_are_read_into_facts(text, facts):
    assert days_off_facts(text) == facts
