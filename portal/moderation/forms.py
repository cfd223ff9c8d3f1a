"""Forms of the moderation feature: comments, reasons, the recruiter dashboard's filter and bulk close."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.accounts.forms import REQUIRED
from portal.labels import POSTING_STATUS_NAMES


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[DataRequired(REQUIRED), Length(max=5000)],
                         render_kw={"rows": 4})
    submit = SubmitField(_l("Send message"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason, shown to the recruiter"), validators=[DataRequired(REQUIRED), Length(max=5000)],
                           render_kw={"rows": 3})
    submit = SubmitField(_l("Send"))


class BulkCloseForm(FlaskForm):
    submit = SubmitField(_l("Close the selected postings"))


class DashboardFilterForm(FlaskForm):
    """GET form: changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    state = SelectField(_l("State"), validators=[Optional()],
                        choices=[SelectChoice("", _l("All states"))]
                        + [SelectChoice(code, label) for code, label in POSTING_STATUS_NAMES.items()])
    q = StringField(_l("Title contains"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Filter"))
