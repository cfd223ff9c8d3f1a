"""The application pipeline and the road-to-departure rules (pure, no database)."""

from datetime import date

import pytest

from portal.applications import pipeline
from portal.applications.pipeline import Actor, State, StepError, TransitionError


@pytest.mark.parametrize(("current", "target"), [
    ("received", "shortlisted"), ("shortlisted", "interview"), ("interview", "offered"), ("offered", "hired"),
    ("received", "rejected"), ("shortlisted", "rejected"), ("interview", "rejected"), ("offered", "rejected"),
])
def test_the_recruiter_moves_an_application_forward_or_rejects_it(current, target):
    assert pipeline.check(current, target, Actor.RECRUITER) == State(target)


@pytest.mark.parametrize("current", ["received", "shortlisted", "interview", "offered", "applied_elsewhere"])
def test_the_seeker_can_withdraw_while_it_is_open(current):
    assert pipeline.check(current, "withdrawn", Actor.SEEKER) == State.WITHDRAWN


@pytest.mark.parametrize(("current", "target", "actor", "code"), [
    ("received", "interview", Actor.RECRUITER, "not_allowed"),  # no skipping the shortlist
    ("received", "offered", Actor.RECRUITER, "not_allowed"),
    ("received", "hired", Actor.RECRUITER, "not_allowed"),
    ("interview", "shortlisted", Actor.RECRUITER, "not_allowed"),  # no going back
    ("received", "withdrawn", Actor.RECRUITER, "not_yours"),  # only the seeker withdraws
    ("received", "shortlisted", Actor.SEEKER, "not_yours"),  # only the recruiter shortlists
    ("applied_elsewhere", "shortlisted", Actor.RECRUITER, "not_allowed"),
    ("hired", "rejected", Actor.RECRUITER, "final"),
    ("rejected", "shortlisted", Actor.RECRUITER, "final"),
    ("withdrawn", "received", Actor.SEEKER, "final"),
    ("received", "received", Actor.RECRUITER, "same_state"),
    ("received", "archived", Actor.RECRUITER, "unknown_state"),
    ("limbo", "received", Actor.RECRUITER, "unknown_state"),
])
def test_forbidden_moves_say_why(current, target, actor, code):
    with pytest.raises(TransitionError) as raised:
        pipeline.check(current, target, actor)
    assert raised.value.code == code


def test_every_transition_starts_from_an_open_state_and_each_state_has_a_way_out_or_is_final():
    for (frm, _to), _who in pipeline.TRANSITIONS.items():
        assert frm not in pipeline.FINAL
    for state in State:
        assert state in pipeline.FINAL or pipeline.next_states(state, Actor.SEEKER) or \
            pipeline.next_states(state, Actor.RECRUITER)


def test_next_states_lists_forward_moves_first():
    assert pipeline.next_states("received", Actor.RECRUITER) == [State.SHORTLISTED, State.REJECTED]
    assert pipeline.next_states("offered", Actor.RECRUITER) == [State.HIRED, State.REJECTED]
    assert pipeline.next_states("offered", Actor.SEEKER) == [State.WITHDRAWN]
    assert pipeline.next_states("hired", Actor.RECRUITER) == []


def test_only_offers_and_hires_have_a_checklist():
    assert {s for s in State if pipeline.has_checklist(s)} == {State.OFFERED, State.HIRED}


def test_a_step_with_a_date_is_accepted():
    pipeline.check_step("skills_test", date(2026, 5, 1), None, {})


def test_visa_steps_need_the_embassy_or_the_consulate():
    done = {"coe_applied": date(2026, 1, 1), "coe_issued": date(2026, 3, 1)}
    with pytest.raises(StepError) as raised:
        pipeline.check_step("visa_applied", date(2026, 3, 5), None, done)
    assert raised.value.code == "post_needed"
    with pytest.raises(StepError) as raised:
        pipeline.check_step("visa_applied", date(2026, 3, 5), "lahore", done)
    assert raised.value.code == "unknown_post"
    pipeline.check_step("visa_applied", date(2026, 3, 5), "karachi", done)
    pipeline.check_step("visa_applied", date(2026, 3, 5), "islamabad", done)


def test_a_step_needs_the_one_before_it_and_cannot_be_dated_earlier():
    with pytest.raises(StepError) as raised:
        pipeline.check_step("coe_issued", date(2026, 3, 1), None, {})
    assert (raised.value.code, raised.value.other) == ("needs_previous", "coe_applied")
    with pytest.raises(StepError) as raised:
        pipeline.check_step("coe_issued", date(2026, 1, 1), None, {"coe_applied": date(2026, 2, 1)})
    assert (raised.value.code, raised.value.other) == ("before_previous", "coe_applied")
    with pytest.raises(StepError) as raised:  # no visa application without a Certificate of Eligibility
        pipeline.check_step("visa_applied", date(2026, 3, 1), "islamabad", {"coe_applied": date(2026, 1, 1)})
    assert (raised.value.code, raised.value.other) == ("needs_previous", "coe_issued")
    pipeline.check_step("coe_issued", date(2026, 2, 1), None, {"coe_applied": date(2026, 2, 1)})  # same day is fine


def test_a_step_cannot_be_moved_after_the_one_that_follows_it():
    done = {"coe_applied": date(2026, 1, 1), "coe_issued": date(2026, 2, 1)}
    with pytest.raises(StepError) as raised:
        pipeline.check_step("coe_applied", date(2026, 3, 1), None, done)
    assert (raised.value.code, raised.value.other) == ("after_next", "coe_issued")
    pipeline.check_step("coe_applied", date(2026, 1, 15), None, done)


def test_a_step_cannot_be_cleared_while_a_later_one_depends_on_it():
    done = {"coe_applied": date(2026, 1, 1), "coe_issued": date(2026, 2, 1)}
    with pytest.raises(StepError) as raised:
        pipeline.check_step("coe_applied", None, None, done)
    assert (raised.value.code, raised.value.other) == ("needed_by_next", "coe_issued")
    pipeline.check_step("coe_issued", None, None, done)


def test_unknown_steps_are_refused():
    with pytest.raises(StepError) as raised:
        pipeline.check_step("bribe_paid", date(2026, 1, 1), None, {})
    assert raised.value.code == "unknown_step"


def test_the_steps_are_the_road_from_offer_to_arrival():
    assert pipeline.STEPS[0] == "skills_test" and pipeline.STEPS[-1] == "arrived"
    assert {"coe_applied", "coe_issued", "visa_applied", "visa_issued", "protector", "briefing",
            "flight_booked", "contract_signed", "japanese_test"} <= set(pipeline.STEPS)
