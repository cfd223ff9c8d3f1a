"""Forms of the guidance pages: the readiness check (GET, nothing stored), staff editing of a guide,
and a new value for a pay-estimate parameter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FloatField, IntegerField, RadioField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.accounts.forms import REQUIRED

PASSPORT_CHOICES = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("Not yet"))]


class ReadinessForm(FlaskForm):
    """"Am I ready?": sent by GET, works without JavaScript, nothing is stored."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    trade = SelectField(_l("Your trade"), validators=[Optional()],
                        description=_l("Choose the work you know best. Leave it empty if none fits."))
    years = FloatField(_l("Years of experience in this trade"), validators=[Optional(), NumberRange(min=0, max=50)])
    education = SelectField(_l("Your education"), validators=[Optional()])
    japanese = SelectField(_l("Your Japanese"), validators=[Optional()])
    skills_test = SelectField(_l("SSW skills test passed in"), validators=[Optional()])
    nursing_japanese = BooleanField(_l("I passed the Nursing Care Japanese Language Evaluation Test"))
    titp_field = SelectField(_l("Technical Intern Training (ii) completed in"), validators=[Optional()])
    licence = SelectField(_l("Your driving licence"), validators=[Optional()])
    passport = RadioField(_l("Do you have a passport?"), choices=PASSPORT_CHOICES, default="yes",
                          validators=[Optional()])
    age = IntegerField(_l("Your age"), validators=[Optional(), NumberRange(min=14, max=80)])
    submit = SubmitField(_l("Check my routes"))


class GuideForm(FlaskForm):
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(REQUIRED), Length(max=200)])
    title_ja = StringField(_l("Title (Japanese)"), validators=[DataRequired(REQUIRED), Length(max=200)])
    body_en = TextAreaField(_l("Text in English (Markdown)"), validators=[DataRequired(REQUIRED)])
    body_ja = TextAreaField(_l("Text in Japanese (Markdown)"), validators=[DataRequired(REQUIRED)])
    sources_en = TextAreaField(_l("Sources (English), one a line: title | address"),
                               validators=[DataRequired(REQUIRED)])
    sources_ja = TextAreaField(_l("Sources (Japanese), one a line: title | address"),
                               validators=[DataRequired(REQUIRED)])
    last_checked = DateField(_l("Last checked"), validators=[DataRequired(REQUIRED)])
    note = StringField(_l("What changed"), validators=[Optional(), Length(max=300)])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save as draft"))


class ParameterForm(FlaskForm):
    key = SelectField(_l("Parameter"), validators=[DataRequired(REQUIRED)])
    value = FloatField(_l("Value"), validators=[InputRequired(REQUIRED)],
                       description=_l("Rates as a fraction (0.05 means 5 percent); amounts in yen."))
    as_of = DateField(_l("In force from"), validators=[DataRequired(REQUIRED)])
    source = TextAreaField(_l("Source"), validators=[DataRequired(REQUIRED), Length(max=2000)])
    approximate = BooleanField(_l("This value is an approximation"), default=True)
    submit = SubmitField(_l("Save the new value"))
