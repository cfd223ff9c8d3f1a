"""Staff forms for import sources."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.accounts.forms import REQUIRED

KIND_NAMES = {
    "jsonld": _l("Job pages with schema.org JobPosting (sitemap or page)"),
    "indeed-xml": _l("Indeed-style XML feed"),
    "feed": _l("RSS or Atom feed"),
    "json": _l("JSON API with a field mapping"),
    "csv": _l("CSV file uploaded by staff"),
    "html": _l("Job pages without schema.org data, read with CSS selectors"),
}


class SourceForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=80)])
    url = StringField(_l("Address (URL)"), validators=[Optional(), Length(max=1000)],
                      description=_l("Not needed for a CSV source."))
    kind = SelectField(_l("Kind"), choices=[SelectChoice(code, label) for code, label in KIND_NAMES.items()],
                       validators=[DataRequired(REQUIRED)])
    trusted = BooleanField(_l("Trusted: publish without review (postings with red flags are still held)"))
    every_hours = FloatField(_l("Hours between imports"), default=24,
                             validators=[DataRequired(REQUIRED), NumberRange(min=0.1, max=24 * 30)])
    max_concurrency = IntegerField(_l("Parallel requests to the site"), default=2,
                                   validators=[DataRequired(REQUIRED), NumberRange(min=1, max=32)])
    delay_seconds = FloatField(_l("Seconds between requests to the site"), default=1.0,
                               validators=[Optional(), NumberRange(min=0, max=60)])
    mapping = TextAreaField(_l("Field mapping (JSON, for a JSON API or job pages read with CSS selectors)"),
                            validators=[Optional(), Length(max=10_000)],
                            description=_l("JSON. For a JSON API: each field name with a dotted path into the API's "
                                           "answer. For job pages: \"items\" (the element of each job) or "
                                           "\"links\" (the links to job pages), and each field with a CSS selector."))
    submit = SubmitField(_l("Add source"))


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(REQUIRED)])
    submit = SubmitField(_l("Upload and import"))


class ClassificationForm(FlaskForm):
    sector = SelectField(_l("Field"), validators=[DataRequired(REQUIRED)])
    occupation = SelectField(_l("Occupation"), validators=[Optional()])
    sub_area = SelectField(_l("Business category"), validators=[Optional()])
    applicants_from = SelectField(_l("Who can apply"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""

    submit = SubmitField(_l("Save"))
