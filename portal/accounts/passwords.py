"""Password hashing: Argon2id with parameters above the OWASP ASVS 5.0 (appendix C) minimum.

ASVS/OWASP accept Argon2id with at least 19 MiB memory, 2 iterations and 1 lane; the RFC 9106
"low memory" profile used here (64 MiB, 3 iterations, 4 lanes) exceeds it and takes tens of
milliseconds on a small server.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY

MIN_MEMORY_KIB = 19 * 1024
MIN_TIME_COST = 2

_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
assert _hasher.type is Type.ID and _hasher.memory_cost >= MIN_MEMORY_KIB and _hasher.time_cost >= MIN_TIME_COST

# Verified against when an e-mail address is unknown, so a miss costs as much time as a hit.
_DUMMY_HASH = _hasher.hash("kakehashi-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# ---- password quality ---------------------------------------------------------------------------

# zxcvbn (Dropbox's estimator) knows the common-password lists, names, keyboard patterns, dates and
# l33t spellings; its score 3 means "safely unguessable" for an online attack. Only the first 100
# characters are scored: its time grows with length.
MIN_ZXCVBN_SCORE = 3
_SCORED_CHARS = 100


def _email_names(email: str) -> list[str]:
    """The local part of the address and its pieces ("bilal.ahmed85" → bilal.ahmed85, bilal, ahmed)."""
    local = email.split("@", 1)[0].lower()
    pieces = [piece for piece in re.split(r"[^a-z]+", local) if len(piece) >= 4]  # "ali" is in "quality"
    return sorted({local, *pieces} if len(local) >= 3 else set(pieces))


def weakness(password: str, email: str | None = None) -> str | None:
    """"email" when the password contains the address's name, "common" when it is easy to guess,
    else None."""
    from zxcvbn import zxcvbn

    lowered = password.lower()
    names = _email_names(email) if email else []
    if any(name in lowered for name in names):
        return "email"
    if zxcvbn(password[:_SCORED_CHARS], user_inputs=[email or "", *names, "kakehashi"])["score"] < MIN_ZXCVBN_SCORE:
        return "common"
    return None
