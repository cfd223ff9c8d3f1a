"""Forms for a recruiter's organisation. Labels are lazy so they translate at render time."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import URL, DataRequired, Email, Length, Optional

from portal.accounts.forms import EMAIL_INVALID, REQUIRED, SingleLineForm
from portal.weburl import WebURL

ORGANISATION_KIND_NAMES = {
    "employer": _l("Employer in Japan"),
    "support_org": _l("Registered support organisation (登録支援機関)"),
    "oep": _l("Overseas Employment Promoter licensed in Pakistan"),
    "other": _l("Other"),
}


class OrganisationForm(SingleLineForm):
    kind = SelectField(_l("Kind of organisation"), validators=[DataRequired(REQUIRED)],
                       choices=[SelectChoice(code, label) for code, label in ORGANISATION_KIND_NAMES.items()])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)],
                          render_kw={"lang": "en", "autocomplete": "organization"})
    name_ja = StringField(_l("Name in Japanese"), validators=[Optional(), Length(max=200)], render_kw={"lang": "ja"})
    corporate_number = StringField(
        _l("Corporate number (13 digits)"), validators=[Optional(), Length(max=20)],
        description=_l("Japanese companies: the 法人番号 from the National Tax Agency. Needed for employers."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    support_org_number = StringField(
        _l("Support organisation registration number"), validators=[Optional(), Length(max=40)],
        description=_l("Registered support organisations: the number from the Immigration Services Agency."))
    oep_licence = StringField(
        _l("OEP licence number"), validators=[Optional(), Length(max=40)],
        description=_l("Overseas Employment Promoters: the licence number from the Bureau of Emigration."))
    address = TextAreaField(_l("Address"), validators=[DataRequired(REQUIRED), Length(max=1000)],
                            render_kw={"rows": 3, "autocomplete": "street-address"})
    contact_email = EmailField(_l("Contact e-mail address"),
                               validators=[DataRequired(REQUIRED), Email(EMAIL_INVALID), Length(max=254)],
                               render_kw={"autocomplete": "email"})
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)], render_kw={"autocomplete": "tel"})
    website = StringField(_l("Website"), validators=[Optional(), URL(message=_l("Enter a web address starting with https://.")),
                                                     WebURL(_l("Enter a web address starting with https://.")),
                                                     Length(max=500)], render_kw={"autocomplete": "url"})
    submit = SubmitField(_l("Save organisation"))

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "kind", "name_en", "name_ja", "corporate_number", "support_org_number", "oep_licence", "address",
            "contact_email", "phone", "website")}


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address of the recruiter to invite"),
                       validators=[DataRequired(REQUIRED), Email(EMAIL_INVALID), Length(max=254)])
    submit = SubmitField(_l("Send invitation"))


class MemberForm(FlaskForm):
    member_id = HiddenField(validators=[DataRequired(REQUIRED)])
    submit = SubmitField(_l("Remove from organisation"))


class AcceptInvitationForm(FlaskForm):
    submit = SubmitField(_l("Join this organisation"))
