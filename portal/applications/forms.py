"""Forms for applying, moving an application, messages and the road-to-departure checklist."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.accounts.forms import REQUIRED
from portal.accounts.profile_forms import MultiCheckboxField
from portal.applications import message_templates
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


def _amount(label, description=None):
    # Numbers are checked by applications.offers.clean(), which names the field at fault.
    return StringField(label, validators=[Optional()], description=description,
                       render_kw={"inputmode": "numeric", "autocomplete": "off"})


class MoveForm(FlaskForm):
    state = SelectField(_l("New status"), validators=[DataRequired(REQUIRED)])
    message = TextAreaField(_l("Message to the applicant (optional)"), validators=[Optional(), Length(max=MESSAGE_MAX)],
                            description=_l("The applicant reads it in their tracker and by e-mail."))
    # The offer: needed with "Make an offer", ignored with the other moves.
    offer_monthly_pay = _amount(_l("Monthly pay before deductions (yen)"))
    offer_housing = _amount(_l("Housing taken from pay each month (yen)"), _l("0 if the worker pays nothing."))
    offer_utilities = _amount(_l("Utilities taken from pay each month (yen)"), _l("0 if the worker pays nothing."))
    offer_meals = _amount(_l("Meals taken from pay each month (yen)"), _l("0 if the worker pays nothing."))
    offer_other = _amount(_l("Other costs taken from pay each month (yen)"), _l("0 if the worker pays nothing."))
    offer_other_label = StringField(_l("What the other costs are for"), validators=[Optional()])
    offer_hours_per_week = _amount(_l("Working hours a week"))
    offer_days_off_per_year = _amount(_l("Days off a year"))
    offer_start_date = DateField(_l("Start date"), validators=[Optional()])
    offer_contract_months = _amount(_l("Contract length (months)"))
    submit = SubmitField(_l("Change status"))

    def offer_values(self) -> dict:
        return {name.removeprefix("offer_"): field.data for name, field in self._fields.items()
                if name.startswith("offer_")}


class OfferAnswerForm(FlaskForm):
    message = TextAreaField(_l("Message to the employer (optional)"), validators=[Optional(), Length(max=MESSAGE_MAX)])
    accept = SubmitField(_l("Accept the offer"))
    decline = SubmitField(_l("Decline the offer"))


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


class TemplateMessageForm(FlaskForm):
    """A common message, sent as a template with values: the applicant reads it in their own language.
    Which fields count depends on the template; message_templates.values() checks them."""

    template = SelectField(_l("Message"), validators=[DataRequired(REQUIRED)])
    date = DateField(_l("Interview date"), validators=[Optional()])
    time = TimeField(_l("Interview time"), validators=[Optional()])
    zone = SelectField(_l("Time zone of that time"), validators=[Optional()])
    place = StringField(_l("Place (address)"), validators=[Optional(), Length(max=message_templates.MAX_PLACE)])
    video_url = StringField(_l("Video call link"), validators=[Optional(), Length(max=message_templates.MAX_URL)],
                            description=_l("Give a place or a video link (https://…)."))
    documents = MultiCheckboxField(_l("Documents needed"), validators=[Optional()])
    due = DateField(_l("Documents needed by"), validators=[Optional()])
    reply_by = DateField(_l("Reply to the offer by"), validators=[Optional()])
    outcome = SelectField(_l("Result"), validators=[Optional()])
    start = DateField(_l("First day of work"), validators=[Optional()])
    note = TextAreaField(_l("Note in your own words (optional)"), validators=[Optional(), Length(max=MESSAGE_MAX)],
                         description=_l("Shown as written, with the language it is in."))
    send = SubmitField(_l("Send this message"))

    def __init__(self, *args, **kwargs):
        from portal.applications import message_text

        super().__init__(*args, **kwargs)
        self.template.choices = [SelectChoice("", "—")] + [
            SelectChoice(code, name) for code, name in message_text.TEMPLATE_NAMES.items()]
        self.zone.choices = [SelectChoice(code, name) for code, name in message_text.ZONE_NAMES.items()]
        self.documents.choices = [SelectChoice(code, name) for code, name in message_text.DOCUMENT_NAMES.items()]
        self.outcome.choices = [SelectChoice("", "—")] + [
            SelectChoice(code, name) for code, name in message_text.OUTCOME_NAMES.items()]

    def raw_values(self) -> dict:
        return {"date": self.date.data, "time": self.time.data, "zone": self.zone.data, "place": self.place.data,
                "video_url": self.video_url.data, "documents": self.documents.data or [], "due": self.due.data,
                "reply_by": self.reply_by.data, "outcome": self.outcome.data, "start": self.start.data}
