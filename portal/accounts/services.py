"""Account use cases. They take plain values, commit their own transaction, raise AccountError."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from portal.accounts.models import Role, User, UserSession
from portal.accounts.passwords import hash_password, needs_rehash, verify_password, weakness
from portal.extensions import db
from portal.timeutil import as_utc, utcnow

MIN_PASSWORD_LENGTH = 10
SELF_SERVICE_ROLES = (Role.SEEKER, Role.RECRUITER)


class AccountError(Exception):
    """A translated, user-facing reason why an account action failed."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password_policy(password: str, email: str | None = None, field: str = "password",
                          quality: bool = True) -> None:
    """Long enough, not common, not guessable from the e-mail address (see passwords.weakness)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH), field=field
        )
    if len(password) > 128:
        raise AccountError(_l("Use at most 128 characters."), field=field)
    problem = weakness(password, normalise_email(email) if email else None) if quality else None
    if problem == "email":
        raise AccountError(_l("Do not use your e-mail address or its name in your password."), field=field)
    if problem == "common":
        raise AccountError(_l("This password is too common or too easy to guess. A few unusual words "
                              "together make a strong password that is easy to remember."), field=field)


def create_user(email: str, password: str, role: str, *, display_name: str | None = None,
                locale: str | None = None, confirmed: bool = False, demo: bool = False) -> User:
    """`confirmed`: the address needs no confirmation link (accounts made by an operator). `demo`:
    the published demo passwords, which name their accounts, are let through."""
    email = normalise_email(email)
    check_password_policy(password, email, quality=not demo)
    if role not in {r.value for r in Role}:
        raise AccountError(_l("Unknown role."), field="role")
    if find_user(email) is not None:
        raise AccountError(_l("An account with this e-mail address already exists."), field="email")
    user = User(email=email, password_hash=hash_password(password), role=role,
                display_name=(display_name or "").strip() or None, locale=locale,
                email_confirmed_at=utcnow() if confirmed else None)
    db.session.add(user)
    db.session.commit()
    return user


def register(email: str, password: str, role: str, *, display_name: str | None, locale: str) -> User:
    """Self-service registration: job seekers and recruiters only; staff are created by CLI."""
    if role not in {r.value for r in SELF_SERVICE_ROLES}:
        raise AccountError(_l("Choose job seeker or recruiter."), field="role")
    return create_user(email, password, role, display_name=display_name, locale=locale)


def authenticate(email: str, password: str) -> User | None:
    """The user when the password is right and the account is active, else None (same time either way)."""
    user = find_user(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def start_session(user: User, user_agent: str | None = None) -> str:
    """A new server-side session; the returned token is what the browser's cookie carries."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=UserSession.hash_token(token),
                               user_agent=(user_agent or "")[:200] or None))
    db.session.commit()
    user.session_token = token
    return token


SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often per session


def load_session_user(token: str, max_age: timedelta, idle: dict[str, timedelta] | None = None) -> User | None:
    """The user of a live session: younger than `max_age`, and used within its role's idle timeout
    (`idle[role]`, or `idle["others"]`). A session past either is deleted."""
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == UserSession.hash_token(token)))
    if row is None:
        return None
    now = utcnow()
    user = row.user
    last_seen = as_utc(row.last_seen_at or row.created_at)
    idle_limit = (idle or {}).get(user.role) or (idle or {}).get("others")
    if as_utc(row.created_at) < now - max_age or (idle_limit is not None and last_seen < now - idle_limit):
        db.session.delete(row)
        _commit_bookkeeping()
        return None
    if not user.is_active:
        return None
    if last_seen < now - SEEN_EVERY:
        row.last_seen_at = now
        _commit_bookkeeping()
    user.session_token = token
    return user


def _commit_bookkeeping() -> None:
    """Session bookkeeping must not cost a read: on a full or read-only database the request goes
    on without it (the write is tried again on a later request)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()


def list_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                   .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).all())


def end_session_of(user: User, session_id: int) -> None:
    """End one of the user's own sessions (another browser); others' sessions are out of reach."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.id == session_id))
    db.session.commit()


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == UserSession.hash_token(token)))
        db.session.commit()


def end_all_sessions(user: User) -> None:
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str, user_agent: str | None) -> str:
    """Change the password, sign out every other browser, and return a fresh session token."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_l("Your current password is not correct."), field="current_password")
    check_password_policy(new_password, user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.commit()
    return start_session(user, user_agent)


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.commit()


def delete_account(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise AccountError(_l("Your password is not correct."), field="password")
    if user.role == Role.STAFF and _count_staff() <= 1:
        raise AccountError(_l("The last staff account cannot be deleted."))
    from portal.accounts.profiles import delete_files

    delete_files(user)  # the CV file; rows go with the user (cascade)
    if user.role == Role.SEEKER:
        from portal.applications.services import anonymise_seeker

        anonymise_seeker(user)  # applications already sent stay with the recruiter, anonymous
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.delete(user)
    db.session.commit()


def _count_staff() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.STAFF)) or 0


# ---- staff: accounts -------------------------------------------------------------------------------

def search_users(q: str | None = None, role: str | None = None, organisation_id: int | None = None,
                 suspended: bool | None = None, *, page: int = 1, per_page: int = 50) -> tuple[list[User], int]:
    """Staff: accounts by e-mail (or name) fragment, role, organisation; and the total count."""
    from portal.accounts.models import Organisation

    query = select(User)
    if q and q.strip():
        pattern = f"%{q.strip().lower()}%"
        query = query.outerjoin(Organisation, Organisation.id == User.organisation_id).where(
            func.lower(User.email).like(pattern) | func.lower(func.coalesce(User.display_name, "")).like(pattern)
            | func.lower(func.coalesce(Organisation.name_en, "")).like(pattern)
            | func.coalesce(Organisation.name_ja, "").like(f"%{q.strip()}%"))
    if role:
        query = query.where(User.role == role)
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    if suspended is True:
        query = query.where(User.suspended_at.is_not(None))
    elif suspended is False:
        query = query.where(User.suspended_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = db.session.scalars(query.order_by(User.email).offset((max(page, 1) - 1) * per_page).limit(per_page)).all()
    return list(users), total


def suspend_user(user_id: int, actor: User, reason: str) -> User:
    """Staff: the account can no longer sign in; every browser it is signed in on is signed out."""
    from portal.moderation.services import audit

    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError(_l("No such account."))
    if user.id == actor.id:
        raise AccountError(_l("You cannot suspend your own account."))
    if not (reason or "").strip():
        raise AccountError(_l("Please write a reason."), field="reason")
    if user.suspended_at is not None:
        raise AccountError(_l("This account is already suspended."))
    user.suspended_at = utcnow()
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    audit(actor, "suspend_user", "user", user.id, before="active", after="suspended", reason=reason)
    db.session.commit()
    return user


def restore_user(user_id: int, actor: User) -> User:
    """Staff: lift an account's suspension (it signs in again with its own password)."""
    from portal.moderation.services import audit

    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError(_l("No such account."))
    if user.suspended_at is None:
        raise AccountError(_l("This account is not suspended."))
    user.suspended_at = None
    audit(actor, "restore_user", "user", user.id, before="suspended", after="active")
    db.session.commit()
    return user
