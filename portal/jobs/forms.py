"""The posting editor: one form, English and Japanese side by side. Choices come from the taxonomy at
request time. The form knows only the posting's content: it has no status, organisation or
verification field, and `values()` returns only content columns."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.accounts.forms import REQUIRED
from portal.accounts.profile_forms import MultiCheckboxField
from portal.jobs.models import SUPPORT_CODES, VISA_CODES, EmploymentType, JapaneseLevel
from portal.labels import EMPLOYMENT_TYPE_NAMES, JAPANESE_LEVEL_NAMES, SUPPORT_NAMES, VISA_NAMES
from portal.feeds.applicants import RESIDENTS_ONLY_TYPES
from portal.timeutil import today

COST_ROWS = 3
SALARY_UNIT_NAMES = {
    "HOUR": _l("Per hour"),
    "DAY": _l("Per day"),
    "MONTH": _l("Per month"),
    "YEAR": _l("Per year"),
}
COST_PER_NAMES = {
    "once": _l("Once"),
    "month": _l("Every month"),
    "year": _l("Every year"),
}
#: Who the posting takes. "Unknown" is not offered: a recruiter knows, and a posting saved without
#: an answer before the question existed must get one at its next edit.
APPLICANTS_FROM_CHOICES = {
    "abroad": _l("From abroad: we hire workers from Pakistan and apply for their Certificate of Eligibility"),
    "in_japan_only": _l("Only people already living in Japan (for example part-time or student jobs, or a change of status)"),
}
APPLY_NAMES = {
    "portal": _l("On Kakehashi (applicants send their profile to you here)"),
    "external": _l("On another website"),
}


def _choices(pairs, empty_label=None):
    choices = [SelectChoice("", empty_label)] if empty_label is not None else []
    return choices + [SelectChoice(code, label) for code, label in pairs]


class CostForm(Form):
    item_en = StringField(_l("What the worker pays for (English)"), validators=[Optional(), Length(max=200)],
                          render_kw={"lang": "en"})
    item_ja = StringField(_l("What the worker pays for (Japanese)"), validators=[Optional(), Length(max=200)],
                          render_kw={"lang": "ja"})
    amount_jpy = IntegerField(_l("Amount (yen)"), validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    per = SelectField(_l("How often"), validators=[Optional()],
                      choices=_choices(COST_PER_NAMES.items()))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        has_item = bool((self.item_en.data or "").strip() or (self.item_ja.data or "").strip())
        if self.amount_jpy.data is not None and not has_item:
            self.item_en.errors = [*self.item_en.errors, _l("Say what the worker pays for.")]
            valid = False
        if self.amount_jpy.data is None and has_item:
            self.amount_jpy.errors = [*self.amount_jpy.errors, _l("Give the amount in yen.")]
            valid = False
        return valid


class PostingForm(FlaskForm):
    # Text in both languages (at least one language complete: title and description).
    title_en = StringField(_l("Job title"), validators=[Optional(), Length(max=200)], render_kw={"lang": "en"})
    title_ja = StringField(_l("Job title"), validators=[Optional(), Length(max=200)], render_kw={"lang": "ja"})
    description_en = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)],
                                   render_kw={"lang": "en", "rows": 8})
    description_ja = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)],
                                   render_kw={"lang": "ja", "rows": 8})
    requirements_en = TextAreaField(_l("Requirements"), validators=[Optional(), Length(max=10_000)],
                                    render_kw={"lang": "en", "rows": 4})
    requirements_ja = TextAreaField(_l("Requirements"), validators=[Optional(), Length(max=10_000)],
                                    render_kw={"lang": "ja", "rows": 4})
    city_en = StringField(_l("City"), validators=[Optional(), Length(max=120)], render_kw={"lang": "en"})
    city_ja = StringField(_l("City"), validators=[Optional(), Length(max=120)], render_kw={"lang": "ja"})
    working_hours_en = StringField(_l("Working hours"), validators=[Optional(), Length(max=300)],
                                   render_kw={"lang": "en"})
    working_hours_ja = StringField(_l("Working hours"), validators=[Optional(), Length(max=300)],
                                   render_kw={"lang": "ja"})
    days_off_en = StringField(_l("Days off"), validators=[Optional(), Length(max=300)], render_kw={"lang": "en"})
    days_off_ja = StringField(_l("Days off"), validators=[Optional(), Length(max=300)], render_kw={"lang": "ja"})

    # The job.
    sector_code = SelectField(_l("Field of work"), validators=[DataRequired(REQUIRED)])
    sub_area = SelectField(_l("Area within the field"), validators=[Optional()])
    occupation_code = SelectField(_l("Occupation (ISCO-08)"), validators=[Optional()])
    prefecture_code = SelectField(_l("Prefecture"), validators=[DataRequired(REQUIRED)])
    employment_type = SelectField(_l("Type of work"), validators=[DataRequired(REQUIRED)],
                                  default=EmploymentType.FULL_TIME)
    applicants_from = RadioField(_l("Who can apply"), validators=[DataRequired(_l("Say whether you hire from abroad."))])
    dispatch = BooleanField(_l("The worker is employed by a dispatch agency and sent to work at another company (派遣)"))
    openings = IntegerField(_l("Number of openings"), default=1,
                            validators=[DataRequired(REQUIRED), NumberRange(min=1, max=10_000)])
    valid_through = DateField(_l("Applications close on"), validators=[Optional()])

    # Pay and hours.
    salary_min = IntegerField(_l("Pay from (yen)"), validators=[Optional(), NumberRange(min=0, max=100_000_000)])
    salary_max = IntegerField(_l("Pay up to (yen)"), validators=[Optional(), NumberRange(min=0, max=100_000_000)])
    salary_unit = SelectField(_l("Pay is"), validators=[Optional()])
    hours_per_week = FloatField(_l("Hours a week"), validators=[Optional(), NumberRange(min=1, max=80)])

    # Requirements and support.
    japanese_level = SelectField(_l("Japanese needed"), validators=[DataRequired(REQUIRED)],
                                 default=JapaneseLevel.NONE)
    visas = MultiCheckboxField(_l("Visa statuses"), validators=[Optional()])
    support = MultiCheckboxField(_l("Support offered"), validators=[Optional()])
    worker_costs = FieldList(FormField(CostForm), min_entries=COST_ROWS, max_entries=COST_ROWS)

    # Applications.
    apply_on = RadioField(_l("Where people apply"), default="portal", validators=[DataRequired(REQUIRED)])
    apply_url = StringField(_l("Address of the application page"), validators=[Optional(), Length(max=1000)],
                            description=_l("Only when people apply on another website. Starts with https://."),
                            render_kw={"inputmode": "url"})

    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save draft"))
    submit_review = SubmitField(_l("Submit for review"))

    def set_choices(self, ref, lang: str) -> None:
        self.sector_code.choices = _choices([(code, ref.sectors[code].name(lang)) for code in ref.sector_order], "—")
        self.sub_area.choices = _choices(
            [(f"{sector}:{code}", f"{ref.sectors[sector].name(lang)} · {label.name(lang)}")
             for (sector, code), label in sorted(ref.sub_areas.items()) if sector in ref.sectors], "—")
        self.occupation_code.choices = _choices(
            [(code, f"{code} {label.name(lang)}") for code, label in sorted(ref.occupations.items())], "—")
        self.prefecture_code.choices = _choices([(code, p.name(lang)) for code, p in ref.prefectures.items()], "—")
        self.employment_type.choices = _choices(EMPLOYMENT_TYPE_NAMES.items())
        self.salary_unit.choices = _choices(SALARY_UNIT_NAMES.items(), "—")
        self.japanese_level.choices = _choices(JAPANESE_LEVEL_NAMES.items())
        self.visas.choices = _choices([(code, VISA_NAMES[code]) for code in VISA_CODES])
        self.support.choices = _choices([(code, SUPPORT_NAMES[code]) for code in SUPPORT_CODES])
        self.apply_on.choices = _choices(APPLY_NAMES.items())
        self.applicants_from.choices = _choices(APPLICANTS_FROM_CHOICES.items())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any((getattr(self, f"title_{lang}").data or "").strip()
                   and (getattr(self, f"description_{lang}").data or "").strip() for lang in ("en", "ja")):
            message = _l("Write the title and the description in at least one language.")
            self.title_en.errors = [*self.title_en.errors, message]
            self.title_ja.errors = [*self.title_ja.errors, message]
            valid = False
        if self.sub_area.data and not self.sub_area.data.startswith(f"{self.sector_code.data}:"):
            self.sub_area.errors = [*self.sub_area.errors, _l("This area does not belong to the chosen field.")]
            valid = False
        if self.applicants_from.data == "abroad" and self.employment_type.data in RESIDENTS_ONLY_TYPES:
            self.applicants_from.errors = [*self.applicants_from.errors, _l(
                "No work visa is given for part-time work, day labour or an internship: such a job is only for "
                "people already living in Japan.")]
            valid = False
        if self.salary_min.data is not None and not self.salary_unit.data:
            self.salary_unit.errors = [*self.salary_unit.errors, _l("Say whether the pay is per hour, day, month or year.")]
            valid = False
        if (self.salary_min.data is not None and self.salary_max.data is not None
                and self.salary_max.data < self.salary_min.data):
            self.salary_max.errors = [*self.salary_max.errors, _l("The highest pay cannot be lower than the lowest.")]
            valid = False
        if self.salary_max.data is not None and self.salary_min.data is None:
            self.salary_min.errors = [*self.salary_min.errors, _l("Give the lowest pay too.")]
            valid = False
        if self.valid_through.data is not None and self.valid_through.data < today():
            self.valid_through.errors = [*self.valid_through.errors, _l("Choose a date that is not in the past.")]
            valid = False
        if self.apply_on.data == "external":
            parts = urlsplit((self.apply_url.data or "").strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                self.apply_url.errors = [*self.apply_url.errors, _l("Enter a web address starting with https://.")]
                valid = False
        return valid

    def values(self) -> dict:
        """The posting's columns (content only)."""
        values = {}
        for lang in ("en", "ja"):
            for name in ("title", "description", "requirements", "city", "working_hours", "days_off"):
                text = (getattr(self, f"{name}_{lang}").data or "").replace("\r\n", "\n").strip()
                values[f"{name}_{lang}"] = text or None
        values["sector_code"] = self.sector_code.data
        values["sub_area"] = self.sub_area.data.split(":", 1)[1] if self.sub_area.data else None
        values["occupation_code"] = self.occupation_code.data or None
        values["prefecture_code"] = self.prefecture_code.data
        values["employment_type"] = self.employment_type.data
        values["applicants_from"] = self.applicants_from.data
        values["dispatch"] = bool(self.dispatch.data)
        values["salary_min"] = self.salary_min.data
        values["salary_max"] = self.salary_max.data
        values["salary_unit"] = self.salary_unit.data or None if self.salary_min.data is not None else None
        values["hours_per_week"] = self.hours_per_week.data
        values["japanese_level"] = self.japanese_level.data
        for code in VISA_CODES:
            values[f"visa_{code}"] = code in (self.visas.data or [])
        for code in SUPPORT_CODES:
            values[f"support_{code}"] = code in (self.support.data or [])
        costs = []
        for row in self.worker_costs:
            cost = row.form
            item_en, item_ja = (cost.item_en.data or "").strip(), (cost.item_ja.data or "").strip()
            if item_en or item_ja:
                costs.append({"item_en": item_en or None, "item_ja": item_ja or None,
                              "amount_jpy": cost.amount_jpy.data, "per": cost.per.data or "once"})
        values["worker_costs"] = costs
        values["openings"] = self.openings.data
        values["valid_through"] = self.valid_through.data
        values["apply_url"] = (self.apply_url.data or "").strip() or None if self.apply_on.data == "external" else None
        return values


def form_data(values: dict) -> dict:
    """A posting's column values as the form's data (to fill the editor)."""
    data = dict(values)
    if values.get("sub_area") and values.get("sector_code"):
        data["sub_area"] = f"{values['sector_code']}:{values['sub_area']}"
    data["visas"] = [code for code in VISA_CODES if values.get(f"visa_{code}")]
    data["support"] = [code for code in SUPPORT_CODES if values.get(f"support_{code}")]
    data["apply_on"] = "external" if values.get("apply_url") else "portal"
    costs = list(values.get("worker_costs") or [])[:COST_ROWS]
    data["worker_costs"] = costs + [{} for _ in range(COST_ROWS - len(costs))]
    return data

