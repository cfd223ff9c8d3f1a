"""Forms for applying, moving an application, messages and the road-to-departure checklist."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.accounts.forms import REQUIRED
from portal.applications.labels import POST_NAMES

MESSAGE_MAX = 3000
TERMS_MAX = 20_000


class ApplyForm(FlaskForm):
    cover_note = TextAreaField(_l("A note to the employer (optional)"), validators=[Optional(), Length(max=MESSAGE_MAX)],
                               description=_l("Why you want this job, and when you could start."))
    include_cv = BooleanField(_l("Send my CV with the application"), default=True)
    submit = SubmitField(_l("Apply with my profile"))


class AppliedElsewhereForm(FlaskForm):
    submit = SubmitField(_l("I applied on the employer's site: add it to my applications"))


class MessageForm(FlaskForm):
    text = TextAreaField(_l("Message"), validators=[DataRequired(REQUIRED), Length(max=MESSAGE_MAX)])
    submit = SubmitField(_l("Send message"))


class MoveForm(FlaskForm):
    state = SelectField(_l("New status"), validators=[DataRequired(REQUIRED)])
    message = TextAreaField(_l("Message to the applicant (optional)"), validators=[Optional(), Length(max=MESSAGE_MAX)],
                            description=_l("The applicant reads it in their tracker and by e-mail."))
    submit = SubmitField(_l("Change status"))


class WithdrawForm(FlaskForm):
    message = TextAreaField(_l("Message to the employer (optional)"), validators=[Optional(), Length(max=MESSAGE_MAX)])
    submit = SubmitField(_l("Withdraw my application"))


class StepForm(FlaskForm):
    """One checklist step; used with prefix=<step code> so every row has its own ids."""

    done_on = DateField(_l("Date"), validators=[Optional()])
    post = SelectField(_l("Where"), validators=[Optional()],
                       choices=[SelectChoice("", "—")] + [SelectChoice(code, name) for code, name in POST_NAMES.items()])
    save = SubmitField(_l("Save"))
    clear = SubmitField(_l("Mark as not done"))


class ContractForm(FlaskForm):
    terms_en = TextAreaField(_l("Contract terms in English"), validators=[Optional(), Length(max=TERMS_MAX)])
    terms_ja = TextAreaField(_l("Contract terms in Japanese"), validators=[Optional(), Length(max=TERMS_MAX)],
                             description=_l("Pay, hours, days off, housing, who pays the flight, contract length."))
    submit = SubmitField(_l("Save contract terms"))
