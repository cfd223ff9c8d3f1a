"""Links sent by e-mail that act for an account without a login: password reset, address
confirmation, unsubscribing from digests. The link carries a random token; only its SHA-256 is
stored, with the address it was sent to (a changed address voids it), an expiry and, for single-use
purposes, when it was used. Nothing in the link names the account."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from portal.accounts.models import AccountToken, User
from portal.extensions import db
from portal.timeutil import as_utc, utcnow

UNSUBSCRIBE = "unsubscribe"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, purpose: str, lifetime: timedelta) -> str:
    """A new token for this purpose; expired ones of the same user and purpose are cleared. Commits."""
    now = utcnow()
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
                                                  AccountToken.expires_at < now))
    token = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=_hash(token), email=user.email,
                                created_at=now, expires_at=now + lifetime))
    db.session.commit()
    return token


def find(token: str | None, purpose: str) -> AccountToken | None:
    """The live token row: right purpose, not expired, not used, still for the account's address."""
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(select(AccountToken).where(AccountToken.token_hash == _hash(token),
                                                       AccountToken.purpose == purpose))
    if row is None or row.used_at is not None or as_utc(row.expires_at) < utcnow() or row.user.email != row.email:
        return None
    return row


def use_all(user: User, purpose: str) -> None:
    """Mark every live token of this purpose used (a reset link used, or a newer one sent). No commit."""
    now = utcnow()
    for row in db.session.scalars(select(AccountToken).where(
            AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None))):
        row.used_at = now


def issued_since(user: User, purpose: str, since) -> int:
    return len(db.session.scalars(select(AccountToken.id).where(
        AccountToken.user_id == user.id, AccountToken.purpose == purpose, AccountToken.created_at >= since)).all())
