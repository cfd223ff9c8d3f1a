"""Password hashing: Argon2id with parameters above the OWASP ASVS 5.0 (appendix C) minimum.

ASVS/OWASP accept Argon2id with at least 19 MiB memory, 2 iterations and 1 lane; the RFC 9106
"low memory" profile used here (64 MiB, 3 iterations, 4 lanes) exceeds it and takes tens of
milliseconds on a small server.
"""

from __future__ import annotations

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
