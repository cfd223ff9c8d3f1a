"""Staff forms for organisations and accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.accounts.forms import REQUIRED
from portal.labels import ROLE_NAMES


class DocumentsForm(FlaskForm):
    message = TextAreaField(_l("Which documents, and why"), validators=[DataRequired(REQUIRED), Length(max=5000)],
                            description=_l("Sent to every member of the organisation."), render_kw={"rows": 4})
    submit = SubmitField(_l("Ask for documents"))


class StaffReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[DataRequired(REQUIRED), Length(max=5000)],
                           render_kw={"rows": 3})
    submit = SubmitField(_l("Suspend"))


class UserSearchForm(FlaskForm):
    """GET form: changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("E-mail address, name or organisation"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), validators=[Optional()],
                       choices=[SelectChoice("", _l("All roles"))]
                       + [SelectChoice(code, label) for code, label in ROLE_NAMES.items()])
    state = SelectField(_l("State"), validators=[Optional()],
                        choices=[SelectChoice("", _l("All accounts")), SelectChoice("active", _l("Active")),
                                 SelectChoice("suspended", _l("Suspended"))])
    submit = SubmitField(_l("Search"))
