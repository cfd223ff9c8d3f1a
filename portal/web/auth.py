"""Log in, register, log out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.accounts import services
from portal.accounts.forms import LoginForm, RegisterForm
from portal.accounts.models import Role
from portal.extensions import limiter
from portal.i18n import current_language
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


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_IP"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(home_for(current_user.role))
    form = RegisterForm()
    next_url = _safe_next(request.args.get("next"))
    if request.method == "GET" and request.args.get("role") in ("seeker", "recruiter"):
        form.role.data = request.args["role"]
    elif request.method == "GET" and _role_for(next_url):
        form.role.data = _role_for(next_url)
    if form.validate_on_submit():
        try:
            user = services.register(form.email.data, form.password.data, form.role.data,
                                     display_name=form.display_name.data, locale=current_language())
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error.message))
        else:
            sign_in(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(next_url or home_for(user.role))
    return render_template("auth/register.html", form=form, next_url=next_url)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user.get_id())
        logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.home"))
