"""Staff forms for the registers, and the registers' translated names."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, FloatField, SelectField, StringField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.accounts.forms import REQUIRED

REGISTER_NAMES = {
    "oep_licences": _l("OEP licence register"),
    "minimum_wages": _l("Regional minimum wages"),
    "exchange_rates": _l("Exchange rates (JPY to PKR)"),
    "test_calendar": _l("Test calendar in Pakistan"),
}
REGISTER_DESCRIPTIONS = {
    "oep_licences": _l("Overseas Employment Promoters licensed by the Bureau of Emigration & Overseas Employment. "
                       "A posting by an OEP whose licence is not valid here gets a red flag."),
    "minimum_wages": _l("Minimum wage per prefecture and fiscal year, with the date each table takes effect. "
                        "Load next year's table as soon as it is decided: job pages switch on its date."),
    "exchange_rates": _l("The newest rate is used for the rupee figures on job pages."),
    "test_calendar": _l("JLPT and JFT-Basic sittings in Pakistan, with their venues and registration deadlines."),
}
LICENCE_STATUS_NAMES = {"valid": _l("Valid"), "suspended": _l("Suspended"), "cancelled": _l("Cancelled")}
EXAM_NAMES = {"jlpt": _l("JLPT (Japanese-Language Proficiency Test)"), "jft_basic": _l("JFT-Basic")}


class RegisterUploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(REQUIRED)],
                     description=_l("UTF-8 or Shift_JIS (CP932), with the column names in the first line."))
    submit = SubmitField(_l("Import"))


class ExchangeRateForm(FlaskForm):
    currency = SelectField(_l("Currency"), choices=[SelectChoice("PKR", _l("Pakistani rupee (PKR)"))],
                           validators=[DataRequired(REQUIRED)])
    per_jpy = FloatField(_l("Rupees for one yen"), validators=[DataRequired(REQUIRED), NumberRange(min=0.0001, max=1000)])
    as_of = DateField(_l("Date of the rate"), validators=[DataRequired(REQUIRED)])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=300)],
                         description=_l("For example: State Bank of Pakistan, with the date you read it."))
    submit = SubmitField(_l("Save the rate"))


class CheckNumberForm(FlaskForm):
    """The public look-up of a recruiter's number: read-only, sent by GET (no CSRF token needed)."""

    class Meta:
        csrf = False

    number = StringField(_l("Licence number or corporate number"), validators=[DataRequired(REQUIRED), Length(max=100)],
                         description=_l("An Overseas Employment Promoter's licence number (for example 1234/RWP), "
                                        "or a Japanese company's 13-digit corporate number (法人番号)."))
    submit = SubmitField(_l("Check"))
