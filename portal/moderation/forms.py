"""Forms of the moderation feature: comments, reasons, the recruiter dashboard's filter and bulk close."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.accounts.forms import REQUIRED
from portal.labels import POSTING_STATUS_NAMES
from portal.moderation.labels import FLAG_NAMES, REJECTION_REASONS, REPORT_REASONS


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


# ---- the moderation queue (staff) -----------------------------------------------------------------

class ApproveForm(FlaskForm):
    override_reason = TextAreaField(
        _l("Why you approve it despite the red flags"), validators=[Optional(), Length(max=5000)],
        description=_l("Required when the posting has high-risk red flags. Kept in the audit log."),
        render_kw={"rows": 3})
    submit = SubmitField(_l("Approve and publish"))


class DecisionForm(FlaskForm):
    """Reject a submitted posting or remove a published one: a reason from the list, and a note."""

    reason_code = SelectField(_l("Reason, sent to the recruiter in their language"),
                              choices=[SelectChoice("", _l("Choose a reason"))]
                              + [SelectChoice(code, label) for code, label in REJECTION_REASONS.items()],
                              validators=[Optional()])
    note = TextAreaField(_l("Note for the recruiter (optional)"), validators=[Optional(), Length(max=5000)],
                         render_kw={"rows": 3})
    submit = SubmitField(_l("Send"))


class NoteForm(FlaskForm):
    dismiss_note = TextAreaField(_l("Note (optional, for staff)"), validators=[Optional(), Length(max=5000)],
                                 render_kw={"rows": 2})
    submit = SubmitField(_l("Dismiss the reports"))


class QueueFilterForm(FlaskForm):
    """GET form: changes nothing, so no CSRF token. Choices are set by the view."""

    class Meta:
        csrf = False

    source = SelectField(_l("Source"), validators=[Optional()])
    organisation = SelectField(_l("Organisation"), validators=[Optional()])
    sector = SelectField(_l("Field"), validators=[Optional()])
    flag = SelectField(_l("Red flag"), validators=[Optional()],
                       choices=[SelectChoice("", _l("Any"))]
                       + [SelectChoice(code, label) for code, label in FLAG_NAMES.items()])
    submit = SubmitField(_l("Filter"))


# ---- "Report this job" (anyone) -------------------------------------------------------------------

class ReportForm(FlaskForm):
    """Shown on every job page: the ids are prefixed so they cannot clash with the page's other forms."""

    reason = RadioField(_l("What is wrong with this job?"), id="report-reason",
                        choices=[SelectChoice(code, label) for code, label in REPORT_REASONS.items()],
                        validators=[DataRequired(_l("Choose a reason."))])
    details = TextAreaField(_l("Details (optional)"), id="report-details", validators=[Optional(), Length(max=2000)],
                            render_kw={"rows": 3})
    contact = StringField(_l("Your e-mail or phone (optional)"), id="report-contact",
                          validators=[Optional(), Length(max=254)],
                          description=_l("Only the portal's staff see it, to ask you more. The employer never sees "
                                         "who reported the job."))
    submit = SubmitField(_l("Send the report"))
