"""Password reset and e-mail address confirmation, by single-use links sent to the address.

Every link is built on SITE_URL (portal.mail.site_url). A reset link works for an hour and once; using
it ends every session of the account. Nothing here tells the caller whether an address has an account.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from portal import mail
from portal.accounts import tokens
from portal.accounts.models import TokenPurpose, User, UserSession
from portal.accounts.passwords import hash_password
from portal.accounts.services import AccountError, check_password_policy, find_user
from portal.extensions import db
from portal.timeutil import utcnow

RESET_LINK_LIFETIME = timedelta(hours=1)
CONFIRM_LINK_LIFETIME = timedelta(days=3)
CONFIRMATIONS_PER_DAY = 3  # the first e-mail and two resends


def _language(user: User | None, lang: str) -> str:
    languages = current_app.config["LANGUAGES"]
    return lang if lang in languages else (user.locale if user and user.locale in languages
                                           else current_app.config["BABEL_DEFAULT_LOCALE"])


def _send(to: str, lang: str, subject, template: str, **context) -> None:
    with force_locale(lang):
        text = render_template(template, lang=lang, **context)
        subject_text = str(subject)
    mail.send(to, subject_text, text, headers={"Content-Language": lang})


# ---- password reset ---------------------------------------------------------------------------------

def request_password_reset(email: str, lang: str) -> None:
    """E-mail a reset link when the address has an active account; otherwise do nothing. The caller
    answers the same either way. An earlier link stops working when a new one is sent."""
    user = find_user(email)
    if user is None or not user.is_active:
        return
    tokens.use_all(user, TokenPurpose.PASSWORD_RESET)
    token = tokens.issue(user, TokenPurpose.PASSWORD_RESET, RESET_LINK_LIFETIME)
    lang = _language(user, lang)
    _send(user.email, lang, _l("Reset your Kakehashi password"), "email/password_reset.txt",
          link=mail.site_url("auth.reset_password", lang=lang, token=token),
          minutes=int(RESET_LINK_LIFETIME.total_seconds() // 60))


def reset_link_is_valid(token: str) -> bool:
    return tokens.find(token, TokenPurpose.PASSWORD_RESET) is not None


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link. The link is used up, every session of the account
    ends (a thief signed in elsewhere is thrown out), and the address counts as confirmed."""
    row = tokens.find(token, TokenPurpose.PASSWORD_RESET)
    if row is None:
        raise AccountError(_l("This link has expired or has already been used. Ask for a new one."))
    user = row.user
    check_password_policy(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    tokens.use_all(user, TokenPurpose.PASSWORD_RESET)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.commit()
    return user


# ---- e-mail confirmation -----------------------------------------------------------------------------

def send_confirmation(user: User, lang: str, next_url: str | None = None) -> None:
    """E-mail a link that confirms the address; at most CONFIRMATIONS_PER_DAY a day. `next_url` (a
    same-site path, checked by the caller) is where the link leads once confirmed."""
    if user.email_confirmed_at is not None:
        return
    if tokens.issued_since(user, TokenPurpose.CONFIRM_EMAIL, utcnow() - timedelta(days=1)) >= CONFIRMATIONS_PER_DAY:
        raise AccountError(_l("We have already sent you %(count)d e-mails today. Please look in your spam folder, "
                              "or try again tomorrow.", count=CONFIRMATIONS_PER_DAY))
    token = tokens.issue(user, TokenPurpose.CONFIRM_EMAIL, CONFIRM_LINK_LIFETIME)
    lang = _language(user, lang)
    _send(user.email, lang, _l("Confirm your e-mail address for Kakehashi"), "email/confirm_email.txt",
          link=mail.site_url("auth.confirm_email", lang=lang, token=token, **({"next": next_url} if next_url else {})),
          days=CONFIRM_LINK_LIFETIME.days)


def confirm_email(token: str) -> User | None:
    row = tokens.find(token, TokenPurpose.CONFIRM_EMAIL)
    if row is None:
        return None
    user = row.user
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    tokens.use_all(user, TokenPurpose.CONFIRM_EMAIL)
    db.session.commit()
    return user


def send_already_registered(email: str, lang: str) -> None:
    """Someone tried to register an address that has an account: tell its owner, not the visitor."""
    user = find_user(email)
    if user is None:
        return
    lang = _language(user, lang)
    _send(user.email, lang, _l("You already have a Kakehashi account"), "email/already_registered.txt",
          login_link=mail.site_url("auth.login", lang=lang),
          reset_link=mail.site_url("auth.forgot_password", lang=lang))


