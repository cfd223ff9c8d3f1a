"""The posting state machine: every allowed transition, and refusals (pure, no database)."""

from datetime import date

import pytest

from portal.jobs.models import PostingStatus
from portal.moderation import workflow
from portal.moderation.workflow import Action, Actor, Context, PostingState as S, TransitionError, check

TODAY = date(2026, 11, 27)

ALLOWED = [
    (S.DRAFT, Action.SUBMIT, Actor.RECRUITER, S.SUBMITTED),
    (S.CHANGES_REQUESTED, Action.SUBMIT, Actor.RECRUITER, S.SUBMITTED),
    (S.SUBMITTED, Action.WITHDRAW, Actor.RECRUITER, S.DRAFT),
    (S.SUBMITTED, Action.APPROVE, Actor.STAFF, S.PUBLISHED),
    (S.SUBMITTED, Action.REQUEST_CHANGES, Actor.STAFF, S.CHANGES_REQUESTED),
    (S.SUBMITTED, Action.REJECT, Actor.STAFF, S.REJECTED),
    (S.PUBLISHED, Action.REJECT, Actor.STAFF, S.REJECTED),
    (S.PUBLISHED, Action.CLOSE, Actor.RECRUITER, S.CLOSED),
    (S.PUBLISHED, Action.CLOSE, Actor.STAFF, S.CLOSED),
    (S.CLOSED, Action.REOPEN, Actor.RECRUITER, S.PUBLISHED),
    (S.CLOSED, Action.REOPEN, Actor.STAFF, S.PUBLISHED),
    (S.PUBLISHED, Action.EXPIRE, Actor.SYSTEM, S.EXPIRED),
    (S.CLOSED, Action.EXPIRE, Actor.SYSTEM, S.EXPIRED),
    (S.PUBLISHED, Action.REMOVE, Actor.STAFF, S.REMOVED),
    (S.CLOSED, Action.REMOVE, Actor.STAFF, S.REMOVED),
    (S.SUBMITTED, Action.MARK_SPAM, Actor.STAFF, S.REMOVED),
]


def test_states_are_the_posting_statuses():
    assert PostingStatus is S
    assert {s.value for s in S} == {"draft", "submitted", "published", "changes_requested", "rejected", "closed",
                                     "expired", "removed"}


@pytest.mark.parametrize(("state", "action", "actor", "target"), ALLOWED)
def test_allowed_transitions(state, action, actor, target):
    context = Context(reason="Please add the monthly pay.", today=TODAY)
    assert check(state, action, actor, context) == target


def test_every_combination_outside_the_table_is_refused():
    allowed = {(state, action, actor) for state, action, actor, _ in ALLOWED}
    for state in S:
        for action in Action:
            for actor in Actor:
                if (state, action, actor) in allowed:
                    continue
                with pytest.raises(TransitionError) as error:
                    check(state, action, actor, Context(reason="x", today=TODAY))
                assert error.value.code in ("not_allowed_for_actor", "not_allowed_from_state")


@pytest.mark.parametrize(("state", "action", "actor", "code"), [
    (S.DRAFT, Action.APPROVE, Actor.STAFF, "not_allowed_from_state"),  # staff never publish an unsent draft
    (S.SUBMITTED, Action.APPROVE, Actor.RECRUITER, "not_allowed_for_actor"),  # recruiters never publish
    (S.PUBLISHED, Action.SUBMIT, Actor.RECRUITER, "not_allowed_from_state"),
    (S.REJECTED, Action.REOPEN, Actor.RECRUITER, "not_allowed_from_state"),
    (S.EXPIRED, Action.REOPEN, Actor.RECRUITER, "not_allowed_from_state"),
    (S.PUBLISHED, Action.EXPIRE, Actor.RECRUITER, "not_allowed_for_actor"),
])
def test_refused_transitions(state, action, actor, code):
    with pytest.raises(TransitionError) as error:
        check(state, action, actor, Context(today=TODAY))
    assert error.value.code == code


def test_only_verified_organisations_are_published():
    with pytest.raises(TransitionError) as error:
        check(S.SUBMITTED, Action.APPROVE, Actor.STAFF, Context(organisation_verified=False))
    assert error.value.code == "organisation_not_verified"
    with pytest.raises(TransitionError):
        check(S.CLOSED, Action.REOPEN, Actor.RECRUITER, Context(organisation_verified=False, today=TODAY))


def test_reopen_only_before_the_closing_date():
    assert check(S.CLOSED, Action.REOPEN, Actor.RECRUITER, Context(valid_through=TODAY, today=TODAY)) == S.PUBLISHED
    assert check(S.CLOSED, Action.REOPEN, Actor.RECRUITER, Context(valid_through=None, today=TODAY)) == S.PUBLISHED
    with pytest.raises(TransitionError) as error:
        check(S.CLOSED, Action.REOPEN, Actor.RECRUITER, Context(valid_through=date(2026, 11, 26), today=TODAY))
    assert error.value.code == "past_closing_date"


@pytest.mark.parametrize("action", [Action.REQUEST_CHANGES, Action.REJECT])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_staff_must_give_a_reason(action, reason):
    with pytest.raises(TransitionError) as error:
        check(S.SUBMITTED, action, Actor.STAFF, Context(reason=reason))
    assert error.value.code == "reason_required"


def test_an_incomplete_posting_cannot_be_submitted():
    with pytest.raises(TransitionError) as error:
        check(S.DRAFT, Action.SUBMIT, Actor.RECRUITER, Context(complete=False))
    assert error.value.code == "incomplete"
    assert workflow.is_complete("Welder", "Welding car parts.")
    assert not workflow.is_complete("Welder", "  ")
    assert not workflow.is_complete(None, "text")


def test_allowed_actions_and_expiry():
    assert workflow.allowed_actions(S.PUBLISHED, Actor.RECRUITER) == [Action.CLOSE]
    assert set(workflow.allowed_actions(S.SUBMITTED, Actor.STAFF)) == {Action.APPROVE, Action.REQUEST_CHANGES,
                                                                       Action.REJECT, Action.MARK_SPAM}
    assert set(workflow.allowed_actions(S.PUBLISHED, Actor.STAFF)) == {Action.REJECT, Action.CLOSE, Action.REMOVE}
    assert workflow.is_due_to_expire(S.PUBLISHED, date(2026, 11, 26), TODAY)
    assert not workflow.is_due_to_expire(S.PUBLISHED, TODAY, TODAY)
    assert not workflow.is_due_to_expire(S.DRAFT, date(2020, 1, 1), TODAY)


def test_the_core_is_pure():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(workflow))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"flask", "sqlalchemy", "flask_babel", "portal"}


def test_high_risk_approval_needs_an_override_reason():
    with pytest.raises(TransitionError) as error:
        check(S.SUBMITTED, Action.APPROVE, Actor.STAFF, Context(needs_override=True, today=TODAY))
    assert error.value.code == "override_reason_required"
    assert check(S.SUBMITTED, Action.APPROVE, Actor.STAFF,
                 Context(needs_override=True, reason="Fee is the dormitory rent.", today=TODAY)) == S.PUBLISHED


def test_removing_needs_a_reason():
    with pytest.raises(TransitionError) as error:
        check(S.PUBLISHED, Action.REMOVE, Actor.STAFF, Context(today=TODAY))
    assert error.value.code == "reason_required"
