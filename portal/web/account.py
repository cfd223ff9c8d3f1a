"""The signed-in person's own account: password, address confirmation, sessions, language, deletion. Any role."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from wtforms.fields import SelectChoice

from portal.accounts import services
from portal.accounts.forms import ChangePasswordForm, DeleteAccountForm, LanguageForm
from portal.accounts.models import UserSession
from portal.extensions import limiter
from portal.i18n import current_language, languages_for, native_name
from portal.security import require_login

bp = Blueprint("account", __name__, url_prefix="/<lang:lang>/account")
require_login(bp)


def _language_form() -> LanguageForm:
    form = LanguageForm(locale=current_user.locale or "")
    form.locale.choices = [SelectChoice(code, native_name(code)) for code in languages_for(current_user.role)]
    return form


def _render(password_form=None, language_form=None, delete_form=None, status=200):
    return render_template(
        "account/index.html",
        password_form=password_form or ChangePasswordForm(formdata=None),
        language_form=language_form or _language_form(),
        delete_form=delete_form or DeleteAccountForm(formdata=None),
    ), status


@bp.get("/")
def index():
    return _render()


def _password_check_key() -> str:
    return f"password-check:{getattr(current_user, 'id', 'anonymous')}"


def _password_check_limit() -> str:
    return current_app.config["PASSWORD_CHECK_LIMIT_PER_ACCOUNT"]


def _refused(response) -> bool:
    return response.status_code == 400  # a wrong current password (or another error) re-shows the form


# One allowance for both forms that ask for the current password, so guesses cannot alternate.
_password_checks = limiter.shared_limit(_password_check_limit, scope="password-check",
                                        key_func=_password_check_key, deduct_when=_refused)


@bp.post("/password")
@_password_checks
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data,
                                     request.user_agent.string)
        except services.AccountError as error:
            getattr(form, error.field or "current_password").errors.append(str(error.message))
        else:
            # The old session row is gone; keep this browser signed in on its new token.
            session.clear()
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for(".index"))
    return _render(password_form=form, status=400)


@bp.post("/confirmation")
def resend_confirmation():
    from portal.accounts import recovery
    from portal.accounts.forms import ResendConfirmationForm

    if ResendConfirmationForm().validate_on_submit():
        try:
            recovery.send_confirmation(current_user, current_language())
        except services.AccountError as error:
            flash(str(error.message), "error")
        else:
            flash(_("We have sent the link again to %(email)s.", email=current_user.email), "success")
    return redirect(request.referrer if _same_site(request.referrer) else url_for(".index"))


def _same_site(url: str | None) -> bool:
    from portal.web.auth import _safe_next

    if not url:
        return False
    parts = urlsplit(url)
    return parts.netloc == request.host and _safe_next(parts.path) is not None


@bp.get("/sessions")
def sessions():
    from portal.feeds.forms import ActionForm

    return render_template("account/sessions.html", sessions=services.list_sessions(current_user),
                           current_hash=UserSession.hash_token(current_user.get_id()),
                           form=ActionForm(formdata=None))


@bp.post("/sessions/<int:session_id>/end")
def end_session(session_id: int):
    from portal.feeds.forms import ActionForm

    if ActionForm().validate_on_submit():
        services.end_session_of(current_user, session_id)
        flash(_("That device has been signed out."), "success")
    return redirect(url_for(".sessions"))


@bp.post("/sessions/end-all")
def end_all_sessions():
    from portal.feeds.forms import ActionForm

    if ActionForm().validate_on_submit():
        services.end_all_sessions(current_user)
        logout_user()
        session.clear()
        flash(_("You have been signed out on every device, this one too."), "success")
        return redirect(url_for("auth.login"))
    return redirect(url_for(".sessions"))


@bp.post("/language")
def set_language():
    form = _language_form()
    if form.validate_on_submit():
        services.set_locale(current_user, form.locale.data)
        flash(_("Your language has been saved.", ), "success")
        return redirect(url_for(".index", lang=form.locale.data))
    return _render(language_form=form, status=400)


@bp.post("/delete")
@_password_checks
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error.message))
        else:
            logout_user()
            session.clear()
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("public.home"))
    return _render(delete_form=form, status=400)
