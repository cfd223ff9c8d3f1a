"""Log in, register (with a confirmation e-mail), log out, and a forgotten password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.accounts import recovery, services
from portal.accounts.forms import ConfirmEmailForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from portal.accounts.models import Role
from portal.accounts.passwords import hash_password
from portal.extensions import limiter
from portal.i18n import current_language, locale_for
from portal.security import client_network

bp = Blueprint("auth", __name__, url_prefix="/<lang:lang>")


def _account_network_key() -> str:
    """Failed logins are counted per account *and* network: someone guessing from elsewhere uses up
    their own allowance, not the owner's."""
    return f"login-failures:{services.normalise_email(request.form.get('email', ''))}|{client_network()}"


def _login_failed(response) -> bool:
    return response.status_code != 302  # a successful login redirects; it never counts


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: refuse absolute URLs, scheme-relative //host and backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def home_for(role: str) -> str:
    return {
        Role.SEEKER: url_for("seeker.dashboard"),
        Role.RECRUITER: url_for("recruiter.dashboard"),
        Role.STAFF: url_for("staff.dashboard"),
    }.get(role, url_for("public.home"))


def sign_in(user) -> None:
    """A fresh session at every sign-in: nothing from the anonymous session carries over."""
    session.clear()
    services.start_session(user, request.user_agent.string)
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT_NETWORK"], methods=["POST"],
               key_func=_account_network_key, deduct_when=_login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user.role))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The e-mail address or password is not correct."))
        else:
            sign_in(user)
            flash(_("You are logged in."), "success")
            return redirect(_safe_next(request.args.get("next")) or home_for(user.role))
    # Someone without an account (say, opening an invitation) registers and still lands where they were going.
    return render_template("auth/login.html", form=form, next_url=_safe_next(request.args.get("next")))


def _role_for(next_url: str | None) -> str | None:
    """The role a page asks for: an invitation link (/…/recruiter/…) means a recruiter account."""
    if next_url:
        area = next_url.split("/")[2:3]
        if area and area[0] in ("seeker", "recruiter"):
            return area[0]
    return None


def _address_key() -> str:
    return "address:" + services.normalise_email(request.form.get("email", ""))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["MAIL_LIMIT_PER_ADDRESS"], methods=["POST"], key_func=_address_key)
def register():
    """The answer is the same whether or not the address already has an account: a new account
    gets a confirmation link, an existing one a "you already have an account" e-mail."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user.role))
    form = RegisterForm()
    next_url = _safe_next(request.args.get("next"))
    if request.method == "GET" and request.args.get("role") in ("seeker", "recruiter"):
        form.role.data = request.args["role"]
    elif request.method == "GET" and _role_for(next_url):
        form.role.data = _role_for(next_url)
    if form.validate_on_submit():
        lang = current_language()
        try:
            # The password is judged first, so a weak one is refused alike for a new and a taken address.
            services.check_password_policy(form.password.data, form.email.data)
            if services.find_user(form.email.data) is not None:
                hash_password(form.password.data)  # as long as creating an account takes: time tells nothing
                recovery.send_already_registered(form.email.data, lang)
                return redirect(url_for(".check_email"))
            user = services.register(form.email.data, form.password.data, form.role.data,
                                     display_name=form.display_name.data,
                                     locale=locale_for(form.role.data, lang))
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error.message))
        else:
            recovery.send_confirmation(user, lang, next_url)
            return redirect(url_for(".check_email"))
    return render_template("auth/register.html", form=form, next_url=next_url)


@bp.get("/register/check-email")
def check_email():
    return render_template("auth/message.html", title=_("Check your e-mail"), message=_(
        "We have sent an e-mail to the address you gave. Open the link in it to finish creating your account. "
        "If nothing arrives within a few minutes, look in your spam folder."))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link from the confirmation e-mail. A button (POST) confirms, so mail scanners that open
    links do not; the person is then signed in and taken where they were going."""
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        user = recovery.confirm_email(token)
        if user is None:
            return _expired_link(), 404
        if not current_user.is_authenticated and user.is_active:
            sign_in(user)
        flash(_("Thank you. Your e-mail address is confirmed."), "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(_safe_next(request.args.get("next")) or home_for(user.role))
        return redirect(url_for(".login"))
    return render_template("auth/confirm.html", form=form)


def _expired_link():
    return render_template("auth/message.html", title=_("This link does not work"), message=_(
        "This link has expired or has already been used."), forgot_link=True)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["MAIL_LIMIT_PER_ADDRESS"], methods=["POST"], key_func=_address_key)
def forgot_password():
    """The same answer whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_password_reset(form.email.data, current_language())
        return render_template("auth/message.html", title=_("Check your e-mail"), message=_(
            "If an account uses this address, we have sent it a link to set a new password. The link works "
            "for one hour. If nothing arrives within a few minutes, look in your spam folder."))
    return render_template("auth/forgot.html", form=form), (400 if form.errors else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_IP"], methods=["POST"])
def reset_password(token: str):
    if not recovery.reset_link_is_valid(token):
        return _expired_link(), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(token, form.password.data)
        except services.AccountError as error:
            getattr(form, error.field or "password").errors.append(str(error.message))
        else:
            # Every session of the account has ended, this browser's too.
            logout_user()
            session.clear()
            flash(_("Your new password is set, and every device has been signed out. Log in with the new password."),
                  "success")
            return redirect(url_for(".login"))
    return render_template("auth/reset.html", form=form), (400 if form.errors else 200)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user.get_id())
        logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.home"))
