"""Account forms. Labels and messages are lazy so they translate at render time."""

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields import SelectChoice
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from portal.accounts.services import MIN_PASSWORD_LENGTH

REQUIRED = _l("This field is required.")
EMAIL_INVALID = _l("Enter a valid e-mail address, like name@example.com.")
CONTROL_CHARACTERS = _l("Write this on one line, without tabs or other control characters.")


def has_control_characters(text: str | None) -> bool:
    """Line breaks, tabs and other control characters, and the Unicode line and paragraph
    separators. (Format characters such as the zero-width non-joiner that Urdu uses are kept.)"""
    return any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text or "")


class SingleLineForm(FlaskForm):
    """Every one-line text field of the form refuses control characters: a name with a CR/LF in it
    would later break the headers and lines of e-mails that quote it."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if field.type in ("StringField", "EmailField", "SearchField", "TelField") \
                    and isinstance(field.data, str) and has_control_characters(field.data):
                field.errors = [*field.errors, CONTROL_CHARACTERS]
                valid = False
        return valid


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(REQUIRED), Email(EMAIL_INVALID)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class RegisterForm(SingleLineForm):
    role = RadioField(
        _l("I am"),
        choices=[SelectChoice("seeker", _l("A job seeker looking for work in Japan")),
                 SelectChoice("recruiter", _l("A recruiter or employer with jobs in Japan"))],
        default="seeker",
        validators=[DataRequired(REQUIRED)],
    )
    display_name = StringField(_l("Your name"), validators=[Optional(), Length(max=120)],
                               render_kw={"autocomplete": "name"})
    email = EmailField(_l("E-mail address"), validators=[DataRequired(REQUIRED), Email(EMAIL_INVALID), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(count)d characters. A short sentence is easy to remember.", count=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(_l("Password again"),
                            validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords are not the same."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Create account"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(REQUIRED), EqualTo("new_password", _l("The two passwords are not the same."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Preferred language"), validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Save language"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Delete my account"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(REQUIRED), Email(EMAIL_INVALID), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least %(count)d characters. A short sentence is easy to remember.", count=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(REQUIRED), EqualTo("password", _l("The two passwords are not the same."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Set new password"))


class ConfirmEmailForm(FlaskForm):
    submit = SubmitField(_l("Confirm my e-mail address"))


class ResendConfirmationForm(FlaskForm):
    submit = SubmitField(_l("Send the link again"))
