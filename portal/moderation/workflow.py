"""The posting state machine. Pure: no Flask, no SQLAlchemy.

A table says, for every action, from which states it may start, which state it ends in and who may
take it. `check()` applies the table and the guards (a published posting needs a verified
organisation; a closed posting reopens only before its closing date) and raises TransitionError
with a code the service layer turns into a translated message.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class PostingState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    CLOSED = "closed"
    EXPIRED = "expired"
    REMOVED = "removed"  # taken down by staff (reported, fraudulent, spam); never shown again


class Actor(enum.StrEnum):
    RECRUITER = "recruiter"
    STAFF = "staff"
    SYSTEM = "system"


class Action(enum.StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"  # publish
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    CLOSE = "close"
    REOPEN = "reopen"
    EXPIRE = "expire"
    REMOVE = "remove"  # staff take down a published (or closed) posting, with a reason
    MARK_SPAM = "mark_spam"  # staff discard a submitted posting as spam (the recruiter is not told why)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[PostingState]
    target: PostingState
    actors: frozenset[Actor]


S = PostingState
TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED, frozenset({Actor.RECRUITER})),
    Action.WITHDRAW: Transition(frozenset({S.SUBMITTED}), S.DRAFT, frozenset({Actor.RECRUITER})),
    Action.APPROVE: Transition(frozenset({S.SUBMITTED}), S.PUBLISHED, frozenset({Actor.STAFF})),
    Action.REQUEST_CHANGES: Transition(frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED, frozenset({Actor.STAFF})),
    Action.REJECT: Transition(frozenset({S.SUBMITTED, S.PUBLISHED}), S.REJECTED, frozenset({Actor.STAFF})),
    Action.CLOSE: Transition(frozenset({S.PUBLISHED}), S.CLOSED, frozenset({Actor.RECRUITER, Actor.STAFF})),
    Action.REOPEN: Transition(frozenset({S.CLOSED}), S.PUBLISHED, frozenset({Actor.RECRUITER, Actor.STAFF})),
    Action.EXPIRE: Transition(frozenset({S.PUBLISHED, S.CLOSED}), S.EXPIRED, frozenset({Actor.SYSTEM})),
    Action.REMOVE: Transition(frozenset({S.PUBLISHED, S.CLOSED}), S.REMOVED, frozenset({Actor.STAFF})),
    Action.MARK_SPAM: Transition(frozenset({S.SUBMITTED}), S.REMOVED, frozenset({Actor.STAFF})),
}

# Actions that need a written reason (shown to the recruiter).
NEEDS_REASON = frozenset({Action.REQUEST_CHANGES, Action.REJECT, Action.REMOVE})
# States in which the recruiter edits the posting itself; a published one is edited as a pending revision.
EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
EDITABLE_AS_REVISION = frozenset({S.PUBLISHED})


class TransitionError(Exception):
    """A refused transition. `code` is one of: not_allowed_from_state, not_allowed_for_actor,
    organisation_not_verified, past_closing_date, reason_required, incomplete,
    override_reason_required."""

    def __init__(self, code: str, action: Action, state: str):
        super().__init__(f"{action} from {state}: {code}")
        self.code = code
        self.action = action
        self.state = state


@dataclass(frozen=True)
class Context:
    """What the guards need to know besides the state."""

    organisation_verified: bool = True  # imported postings without an organisation count as verified
    valid_through: date | None = None
    today: date | None = None
    reason: str | None = None
    complete: bool = True  # at least one language has a title and a description
    # The posting's red flags are high-risk (moderation.flags.needs_override_reason): staff may
    # approve it only with a written override reason, kept in the audit row.
    needs_override: bool = False


def allowed_actions(state: str, actor: Actor) -> list[Action]:
    """The actions the table lets this actor start from this state (guards not applied)."""
    return [action for action, t in TRANSITIONS.items() if state in t.sources and actor in t.actors]


def check(state: str, action: Action, actor: Actor, context: Context = Context()) -> PostingState:
    """The state the posting moves to, or TransitionError."""
    transition = TRANSITIONS[Action(action)]
    if actor not in transition.actors:
        raise TransitionError("not_allowed_for_actor", action, state)
    if state not in transition.sources:
        raise TransitionError("not_allowed_from_state", action, state)
    if action in NEEDS_REASON and not (context.reason or "").strip():
        raise TransitionError("reason_required", action, state)
    if action == Action.APPROVE and context.needs_override and not (context.reason or "").strip():
        raise TransitionError("override_reason_required", action, state)
    if action == Action.SUBMIT and not context.complete:
        raise TransitionError("incomplete", action, state)
    if transition.target == S.PUBLISHED:
        if not context.organisation_verified:
            raise TransitionError("organisation_not_verified", action, state)
        if action == Action.REOPEN and _past(context.valid_through, context.today):
            raise TransitionError("past_closing_date", action, state)
    return transition.target


def is_complete(title: str | None, description: str | None) -> bool:
    return bool((title or "").strip() and (description or "").strip())


def is_due_to_expire(state: str, valid_through: date | None, today: date) -> bool:
    return state in TRANSITIONS[Action.EXPIRE].sources and _past(valid_through, today)


def _past(valid_through: date | None, today: date | None) -> bool:
    return valid_through is not None and today is not None and valid_through < today
