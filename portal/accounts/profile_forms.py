"""The job seeker's profile form. Choices come from the taxonomy at request time."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts.forms import REQUIRED

TRADE_ROWS = 3
TEST_ROWS = 3

EDUCATION_NAMES = {
    "none": _l("No school certificate"),
    "primary": _l("Primary (grade 5)"),
    "secondary": _l("Matric (grade 10)"),
    "intermediate": _l("Intermediate (grade 12)"),
    "diploma": _l("Diploma (DAE or NVQF level 5)"),
    "bachelor": _l("Bachelor's degree"),
    "master": _l("Master's degree or higher"),
}
PROVINCE_NAMES = {
    "punjab": _l("Punjab"),
    "sindh": _l("Sindh"),
    "kp": _l("Khyber Pakhtunkhwa"),
    "balochistan": _l("Balochistan"),
    "ict": _l("Islamabad Capital Territory"),
    "gb": _l("Gilgit-Baltistan"),
    "ajk": _l("Azad Jammu and Kashmir"),
}
LICENCE_NAMES = {
    "pk_ltv": _l("Pakistani LTV licence (car, van)"),
    "pk_htv": _l("Pakistani HTV licence (truck, bus)"),
    "jp": _l("Japanese driving licence"),
    "international": _l("International driving permit"),
}
JLPT_LEVELS = ("N5", "N4", "N3", "N2", "N1")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(pairs, empty_label=None):
    choices = [SelectChoice("", empty_label)] if empty_label is not None else []
    return choices + [SelectChoice(code, label) for code, label in pairs]


class TradeForm(Form):
    trade = SelectField(_l("Trade"), validators=[Optional()])
    years = FloatField(_l("Years of experience"), validators=[Optional(), NumberRange(min=0, max=50)])
    navttc_level = SelectField(_l("NAVTTC level (NVQF)"), validators=[Optional()],
                               choices=_choices([(str(n), str(n)) for n in range(1, 9)], "—"))
    certificate = StringField(_l("Other certificate"), validators=[Optional(), Length(max=200)])


def skills_test_choices(ref, lang: str, empty_label) -> list[SelectChoice]:
    """A skills test as one choice: "<field>" where the field has one business category, else
    "<field>/<category>" (a test counts only for its own category: matching.engine.SUB_AREAS)."""
    from portal.matching.engine import SUB_AREAS

    choices = [SelectChoice("", empty_label)]
    for code in ref.sector_order:
        if code in ("it_engineering", "other"):
            continue
        name = ref.sectors[code].name(lang)
        if code in SUB_AREAS:
            choices += [SelectChoice(f"{code}/{sub}", f"{name} · {label.name(lang)}")
                        for (sector, sub), label in sorted(ref.sub_areas.items()) if sector == code]
        else:
            choices.append(SelectChoice(code, name))
    return choices


class SkillsTestForm(Form):
    sector = SelectField(_l("Field of the skills test"), validators=[Optional()])
    sub_area = SelectField(_l("Business category of the test"), validators=[Optional()],
                           description=_l("A skills test counts only for jobs of its own category."))
    level = SelectField(_l("Level"), validators=[Optional()],
                        choices=_choices([("i", _l("SSW (i)")), ("ii", _l("SSW (ii)"))]))
    passed_on = DateField(_l("Date passed"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.sub_area.data and not self.sub_area.data.startswith(f"{self.sector.data}/"):
            self.sub_area.errors = [*self.sub_area.errors, _l("This category does not belong to the chosen field.")]
            valid = False
        return valid


class ProfileForm(FlaskForm):
    trades = FieldList(FormField(TradeForm), min_entries=TRADE_ROWS, max_entries=TRADE_ROWS)
    education = SelectField(_l("Education"), validators=[Optional()])
    jlpt_level = SelectField(_l("JLPT level"), validators=[Optional()])
    jlpt_year = IntegerField(_l("Year you passed the JLPT"), validators=[Optional(), NumberRange(min=1984, max=2100)])
    jft_basic_score = IntegerField(_l("JFT-Basic score (pass is 200 of 250)"),
                                   validators=[Optional(), NumberRange(min=10, max=250)])
    jft_basic_date = DateField(_l("JFT-Basic date"), validators=[Optional()])
    nursing_japanese_passed = BooleanField(_l("I passed the Nursing Care Japanese Language Evaluation Test"))
    skills_tests = FieldList(FormField(SkillsTestForm), min_entries=TEST_ROWS, max_entries=TEST_ROWS)
    titp_field = SelectField(_l("Technical Intern Training (ii) completed in"), validators=[Optional()])
    licences = MultiCheckboxField(_l("Driving licences"), validators=[Optional()])
    languages = StringField(_l("Languages you speak"), validators=[Optional(), Length(max=200)],
                            description=_l("For example Urdu, Punjabi, English"))
    city = StringField(_l("City in Pakistan"), validators=[Optional(), Length(max=120)])
    province = SelectField(_l("Province"), validators=[Optional()])
    pref_sectors = MultiCheckboxField(_l("Fields you want to work in"), validators=[Optional()])
    pref_regions = MultiCheckboxField(_l("Regions of Japan you prefer"), validators=[Optional()])
    pref_min_monthly_pay = IntegerField(_l("Lowest monthly pay you accept (yen)"),
                                        validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    pref_housing_needed = BooleanField(_l("I need housing from the employer"))
    pref_strict = BooleanField(_l("Only show jobs that meet all my preferences"))
    earliest_start = DateField(_l("Earliest start date"), validators=[Optional()])
    submit = SubmitField(_l("Save profile"))

    def set_choices(self, ref, lang: str) -> None:
        trades = sorted(ref.trades.values(), key=lambda t: t.name(lang))
        sectors = [(code, ref.sectors[code].name(lang)) for code in ref.sector_order]
        ssw = [(code, name) for code, name in sectors if code not in ("it_engineering", "other")]
        for row in self.trades:
            row.form.trade.choices = _choices([(t.code, t.name(lang)) for t in trades], "—")
        sub_areas = [(f"{sector}/{code}", f"{ref.sectors[sector].name(lang)} · {label.name(lang)}")
                     for (sector, code), label in sorted(ref.sub_areas.items())
                     if sector in ref.sectors and sector not in ("it_engineering", "other")]
        for row in self.skills_tests:
            row.form.sector.choices = _choices(ssw, "—")
            row.form.sub_area.choices = _choices(sub_areas, _l("Not said"))
        self.education.choices = _choices(EDUCATION_NAMES.items(), "—")
        self.jlpt_level.choices = _choices([(level, level) for level in JLPT_LEVELS], _l("None"))
        self.titp_field.choices = _choices(ssw, _l("None"))
        self.licences.choices = _choices(LICENCE_NAMES.items())
        self.province.choices = _choices(PROVINCE_NAMES.items(), "—")
        self.pref_sectors.choices = _choices(sectors)
        self.pref_regions.choices = _choices([(code, r.name(lang)) for code, r in ref.regions.items()])


class CVForm(FlaskForm):
    file = FileField(_l("CV (PDF or Word, at most 5 MB)"), validators=[FileRequired(REQUIRED)])
    submit = SubmitField(_l("Upload CV"))


class QuickMatchForm(FlaskForm):
    """Anyone, no account: a few answers → matching jobs. Sent by GET, nothing is stored."""

    class Meta:
        csrf = False  # a GET search form changes nothing

    trade = SelectField(_l("Your trade"), validators=[DataRequired(REQUIRED)])
    years = FloatField(_l("Years of experience"), validators=[Optional(), NumberRange(min=0, max=50)])
    japanese = SelectField(_l("Your Japanese"), validators=[Optional()])
    skills_test = SelectField(_l("SSW skills test passed in"), validators=[Optional()])
    titp_field = SelectField(_l("Technical Intern Training (ii) completed in"), validators=[Optional()])
    submit = SubmitField(_l("Show my matches"))
