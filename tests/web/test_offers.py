"""Offers through the real routes: the recruiter makes a structured offer with the move to "offered",
the site compares it with the ad, the worker reads every difference in their language with a
take-home estimate from the offer's figures and accepts or declines; staff see the offers that lower
take-home pay. Bad input is a form error that saves nothing; other organisations and other seekers
get 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.applications import services as applications
from portal.applications.models import Application, Offer
from portal.extensions import db as _db
from portal.guidance import pay
from portal.guidance.services import current_parameters
from portal.timeutil import today

from tests.conftest import make_organisation, make_user
from tests.web.test_applications import make_posting, post, sign_in

START = (today() + timedelta(days=90)).isoformat()
# Lower pay, a larger housing deduction and a utilities deduction the ad did not name, longer hours.
WORSE = {"offer_monthly_pay": "200000", "offer_housing": "45000", "offer_utilities": "8000", "offer_meals": "",
         "offer_other": "0", "offer_hours_per_week": "44", "offer_days_off_per_year": "105",
         "offer_start_date": START, "offer_contract_months": "12"}
SAME = {**WORSE, "offer_monthly_pay": "220000", "offer_housing": "30000", "offer_utilities": "0",
        "offer_hours_per_week": "40"}


@pytest.fixture
def world(app, db):
    organisation = make_organisation(name_en="Aichi Metal Co.", name_ja="愛知金属株式会社")
    recruiter = make_user("recruiter", organisation=organisation)
    posting = make_posting(organisation, hours_per_week=40, days_off_en="105 days off a year (Sundays, holidays)",
                           worker_costs=[{"item_en": "Dormitory", "item_ja": "寮費", "amount_jpy": 30_000,
                                          "per": "month"}])
    seeker = make_user("seeker", locale="en", display_name="Ali Khan")
    application = applications.apply(seeker, posting.id, "I weld.", include_cv=False)
    for state in ("shortlisted", "interview"):
        applications.move(recruiter, application, state, None)
    return {"organisation": organisation, "recruiter": recruiter, "posting": posting, "seeker": seeker,
            "application_id": application.id, "recruiter_client": sign_in(app, recruiter),
            "seeker_client": sign_in(app, seeker)}


def offer_page(world):
    return f"/en/recruiter/applications/{world['application_id']}"


def make_offer(world, values, lang="en"):
    page = f"/{lang}/recruiter/applications/{world['application_id']}"
    return post(world["recruiter_client"], f"{page}/status", {"state": "offered", **values}, page=page)


def the_application(world) -> Application:
    _db.session.expire_all()
    return _db.session.get(Application, world["application_id"])


def test_an_offer_worse_than_the_ad_is_compared_and_flagged(world):
    response = make_offer(world, WORSE)
    assert response.status_code == 302, response.get_data(as_text=True)
    application = the_application(world)
    assert application.state == "offered"
    offer = application.offer
    assert (offer.monthly_pay, offer.housing, offer.utilities, offer.meals) == (200_000, 45_000, 8_000, 0)
    assert [d["code"] for d in offer.differences] == ["pay_lower", "deduction_higher", "deduction_not_in_ad",
                                                      "hours_longer"]
    assert offer.lowers_take_home and offer.status == "pending"
    recruiter_page = world["recruiter_client"].get(offer_page(world)).get_data(as_text=True)
    assert "Your offer" in recruiter_page and "lower than the" in recruiter_page


def test_an_offer_that_keeps_the_ads_promises_raises_no_flag(world):
    assert make_offer(world, SAME).status_code == 302
    offer = the_application(world).offer
    assert offer.differences == [] and not offer.lowers_take_home
    page = world["seeker_client"].get(f"/en/seeker/applications/{world['application_id']}").get_data(as_text=True)
    assert "The offer matches the ad." in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("offer_monthly_pay", "", "This field is required."),
    ("offer_monthly_pay", "lots", "Enter a number."),
    ("offer_monthly_pay", "1000", "Enter a number from 50,000 to 2,000,000."),
    ("offer_housing", "-5", "Enter a number from 0 to 500,000."),
    ("offer_days_off_per_year", "100.5", "Enter a whole number."),
    ("offer_hours_per_week", "", "This field is required."),
    ("offer_start_date", "", "This field is required."),
    ("offer_start_date", (today() - timedelta(days=1)).isoformat(), "The start date cannot be in the past."),
    ("offer_other", "5000", "Say what the other cost is for."),
    ("offer_contract_months", "0", "Enter a number from 1 to 120."),
])
def test_bad_offer_input_is_a_form_error_on_its_field_and_saves_nothing(world, field, value, message):
    response = make_offer(world, {**WORSE, field: value})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    at_fault = "offer_other_label" if field == "offer_other" else field  # an amount without its purpose
    assert f'id="{at_fault}-error"' in html and message in html
    assert f'value="{WORSE["offer_monthly_pay"]}"' in html or field == "offer_monthly_pay"  # what was typed stays
    application = the_application(world)
    assert application.state == "interview" and application.offer is None
    assert _db.session.scalar(select(Offer)) is None


def test_an_offer_in_japanese_gets_japanese_errors(world):
    response = make_offer(world, {**WORSE, "offer_monthly_pay": "abc"}, lang="ja")
    assert response.status_code == 400 and "数字を入力してください。" in response.get_data(as_text=True)


def test_the_worker_reads_every_difference_and_the_take_home_from_the_offer(world):
    assert make_offer(world, WORSE).status_code == 302
    client = world["seeker_client"]
    page = client.get(f"/en/seeker/applications/{world['application_id']}").get_data(as_text=True)
    assert "This offer gives you less money than the ad promised." in page
    for sentence in ("lower than the", "Housing: ", "more than the", "Utilities: ", "The ad did not name this cost.",
                     "44 hours a week, longer than the 40 hours in the ad."):
        assert sentence in page, sentence
    expected = pay.estimate(200_000, current_parameters(), deductions=[pay.Deduction("Housing", 45_000),
                                                                       pay.Deduction("Utilities", 8_000)])
    from_the_ad = pay.estimate(220_000, current_parameters(), deductions=[pay.Deduction("Dormitory", 30_000)])
    assert expected.net != from_the_ad.net
    assert f"{expected.net:,}" in page
    ja = client.get(f"/ja/seeker/applications/{world['application_id']}").get_data(as_text=True)
    assert "この内定では、求人広告の約束よりあなたの受け取る額が少なくなります。" in ja
    assert "求人広告にはこの費用の記載がありませんでした。" in ja and "週44時間で、求人広告の40時間より長いです。" in ja


def test_the_worker_declines_and_the_recruiter_is_told(world):
    assert make_offer(world, WORSE).status_code == 302
    page = f"/en/seeker/applications/{world['application_id']}"
    response = post(world["seeker_client"], f"{page}/offer", {"decline": "y", "message": "The pay is lower."},
                    page=page)
    assert response.status_code == 302
    application = the_application(world)
    assert application.offer.status == "declined" and application.offer.answered_at is not None
    assert application.state == "withdrawn"
    assert [e.step for e in application.events][-2:] == ["offer_declined", None]
    recruiter_page = world["recruiter_client"].get(offer_page(world)).get_data(as_text=True)
    assert "The offer was declined." in recruiter_page and "The pay is lower." in recruiter_page
    # Answering again is refused.
    again = post(world["seeker_client"], f"{page}/offer", {"accept": "y"}, page=page)
    assert again.status_code == 400 and the_application(world).offer.status == "declined"


def test_the_worker_accepts_and_the_application_waits_for_the_hire(world):
    assert make_offer(world, SAME).status_code == 302
    page = f"/en/seeker/applications/{world['application_id']}"
    assert post(world["seeker_client"], f"{page}/offer", {"accept": "y"}, page=page).status_code == 302
    application = the_application(world)
    assert application.offer.status == "accepted" and application.state == "offered"
    from portal.applications.models import Notification

    notes = _db.session.scalars(select(Notification).where(Notification.user_id == world["recruiter"].id,
                                                           Notification.kind == "offer_accepted")).all()
    assert len(notes) == 1
    assert post(world["seeker_client"], f"{page}/offer", {"accept": "y"}, page=page).status_code == 400


def test_an_answer_needs_a_csrf_token_and_a_button(world):
    assert make_offer(world, SAME).status_code == 302
    page = f"/en/seeker/applications/{world['application_id']}"
    assert world["seeker_client"].post(f"{page}/offer", data={"accept": "y"}).status_code == 400
    assert post(world["seeker_client"], f"{page}/offer", {}, page=page).status_code == 400
    assert the_application(world).offer.status == "pending"


def test_another_seeker_cannot_see_or_answer_the_offer(app, world):
    assert make_offer(world, WORSE).status_code == 302
    other = sign_in(app, make_user("seeker"))
    page = f"/en/seeker/applications/{world['application_id']}"
    assert other.get(page).status_code == 404
    assert post(other, f"{page}/offer", {"decline": "y"}).status_code == 404
    assert the_application(world).offer.status == "pending"
    with pytest.raises(applications.ApplicationError):
        applications.answer_offer(_db.session.get(type(world["seeker"]), make_user("seeker").id),
                                  the_application(world), accept=False)
    assert the_application(world).state == "offered"


def test_another_organisations_recruiter_cannot_see_or_make_the_offer(app, world):
    stranger = sign_in(app, make_user("recruiter", organisation=make_organisation(name_en="Other Co.")))
    page = offer_page(world)
    assert stranger.get(page).status_code == 404
    response = post(stranger, f"{page}/status", {"state": "offered", **WORSE})
    assert response.status_code == 404
    assert the_application(world).state == "interview" and the_application(world).offer is None
    assert make_offer(world, WORSE).status_code == 302
    assert stranger.get(page).status_code == 404


def test_staff_see_offers_that_lower_take_home_pay(app, world):
    assert make_offer(world, WORSE).status_code == 302
    staff = sign_in(app, make_user("staff"))
    page = staff.get("/en/staff/departures/offers").get_data(as_text=True)
    assert "Red flag" in page and "Welder (SSW)" in page and "Ali Khan" in page and "lower than the" in page
    assert "Offers below the ad" in staff.get("/en/staff/").get_data(as_text=True)


def test_an_offer_that_matches_is_not_on_the_staff_list(app, world):
    assert make_offer(world, SAME).status_code == 302
    staff = sign_in(app, make_user("staff"))
    page = staff.get("/en/staff/departures/offers").get_data(as_text=True)
    assert "Welder (SSW)" not in page and "No offer differs from its ad" in page
