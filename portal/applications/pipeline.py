"""The application pipeline as a pure state machine: which move each side may make.

No Flask, no SQLAlchemy: the services ask `check()` before they change an application.

    received → shortlisted → interview → offered → hired
        any open state → rejected (recruiter) or withdrawn (seeker)

An application recorded by the seeker for a posting that takes applications elsewhere
(`applied_elsewhere`) is only the seeker's note: they may withdraw it, no one else moves it.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    RECEIVED = "received"
    SHORTLISTED = "shortlisted"
    INTERVIEW = "interview"
    OFFERED = "offered"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    APPLIED_ELSEWHERE = "applied_elsewhere"


class Actor(StrEnum):
    SEEKER = "seeker"
    RECRUITER = "recruiter"


#: (from, to) → who may make that move.
TRANSITIONS: dict[tuple[State, State], Actor] = {
    (State.RECEIVED, State.SHORTLISTED): Actor.RECRUITER,
    (State.SHORTLISTED, State.INTERVIEW): Actor.RECRUITER,
    (State.INTERVIEW, State.OFFERED): Actor.RECRUITER,
    (State.OFFERED, State.HIRED): Actor.RECRUITER,
    (State.RECEIVED, State.REJECTED): Actor.RECRUITER,
    (State.SHORTLISTED, State.REJECTED): Actor.RECRUITER,
    (State.INTERVIEW, State.REJECTED): Actor.RECRUITER,
    (State.OFFERED, State.REJECTED): Actor.RECRUITER,
    (State.RECEIVED, State.WITHDRAWN): Actor.SEEKER,
    (State.SHORTLISTED, State.WITHDRAWN): Actor.SEEKER,
    (State.INTERVIEW, State.WITHDRAWN): Actor.SEEKER,
    (State.OFFERED, State.WITHDRAWN): Actor.SEEKER,
    (State.APPLIED_ELSEWHERE, State.WITHDRAWN): Actor.SEEKER,
}

FINAL = frozenset({State.HIRED, State.REJECTED, State.WITHDRAWN})
#: States in which the road-to-departure checklist exists and can be updated.
CHECKLIST_STATES = frozenset({State.OFFERED, State.HIRED})
#: The order a list shows them in (open first, most advanced first).
ORDER = (State.OFFERED, State.INTERVIEW, State.SHORTLISTED, State.RECEIVED, State.HIRED,
         State.APPLIED_ELSEWHERE, State.REJECTED, State.WITHDRAWN)


class TransitionError(ValueError):
    """`code` says why: "unknown_state", "same_state", "final", "not_allowed", "not_yours"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _state(value: str) -> State:
    try:
        return State(value)
    except ValueError:
        raise TransitionError("unknown_state") from None


def check(current: str, target: str, actor: str) -> State:
    """The target state when `actor` may move an application from `current` to it; else raises."""
    now, then = _state(current), _state(target)
    if now == then:
        raise TransitionError("same_state")
    if now in FINAL:
        raise TransitionError("final")
    who = TRANSITIONS.get((now, then))
    if who is None:
        raise TransitionError("not_allowed")
    if who != actor:
        raise TransitionError("not_yours")
    return then


def next_states(current: str, actor: str) -> list[State]:
    """The moves `actor` may make from `current`, forward moves first."""
    now = _state(current)
    return [to for (frm, to), who in TRANSITIONS.items() if frm == now and who == actor]


def has_checklist(state: str) -> bool:
    return state in CHECKLIST_STATES


def is_open(state: str) -> bool:
    return state not in FINAL


# ---- road to departure ---------------------------------------------------------------------------

#: The checklist of an offer, in the order things happen.
STEPS = ("skills_test", "japanese_test", "contract_signed", "coe_applied", "coe_issued", "visa_applied",
         "visa_issued", "protector", "briefing", "flight_booked", "arrived")
#: Where a Pakistani applies for a Japanese visa.
VISA_POSTS = ("islamabad", "karachi")
#: A step that needs another one done first, on the same day or earlier.
REQUIRES = {
    "coe_issued": "coe_applied",
    "visa_applied": "coe_issued",  # the visa application needs the Certificate of Eligibility
    "visa_issued": "visa_applied",
    "arrived": "flight_booked",
}


class StepError(ValueError):
    """`code`: "unknown_step", "post_needed", "unknown_post", "needs_previous", "before_previous",
    "after_next", "needed_by_next"; `other` names the step it conflicts with."""

    def __init__(self, code: str, other: str | None = None):
        super().__init__(code)
        self.code = code
        self.other = other


def check_step(code: str, done_on, post: str | None, done: dict) -> None:
    """Whether step `code` may be marked done on `done_on` (a date, or None to clear it).

    `done` maps the steps already done to their dates. `post` is the embassy or consulate, needed
    for the visa steps and meaningless for the others.
    """
    if code not in STEPS:
        raise StepError("unknown_step")
    if done_on is None:
        for later, needed in REQUIRES.items():
            if needed == code and later in done:
                raise StepError("needed_by_next", later)
        return
    if code in ("visa_applied", "visa_issued"):
        if not post:
            raise StepError("post_needed")
        if post not in VISA_POSTS:
            raise StepError("unknown_post")
    needed = REQUIRES.get(code)
    if needed is not None:
        if needed not in done:
            raise StepError("needs_previous", needed)
        if done_on < done[needed]:
            raise StepError("before_previous", needed)
    for later, needed in REQUIRES.items():
        if needed == code and later in done and done[later] < done_on:
            raise StepError("after_next", later)
