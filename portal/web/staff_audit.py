"""Staff: the audit log, read-only. There is deliberately no route that edits or deletes an entry."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from portal.moderation import audit
from portal.moderation.labels import AUDIT_ACTION_NAMES
from portal.security import guard_area

bp = Blueprint("staff_audit", __name__, url_prefix="/<lang:lang>/staff/audit")
guard_area(bp, "staff")


def action_name(code: str) -> str:
    return str(AUDIT_ACTION_NAMES.get(code) or audit.STAFF_ACTION_NAMES.get(code) or code)


class AuditFilterForm(FlaskForm):
    """GET form: changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    actor = StringField(_l("Who (e-mail address, or system)"), validators=[Optional(), Length(max=200)])
    action = SelectField(_l("Action"), validators=[Optional()], choices=[])
    target_type = SelectField(_l("Kind of target"), validators=[Optional()],
                              choices=[SelectChoice("", _l("All kinds"))]
                              + [SelectChoice(code, label) for code, label in audit.TARGET_TYPE_NAMES.items()])
    target_id = IntegerField(_l("Target number"), validators=[Optional(), NumberRange(min=1)])
    date_from = DateField(_l("From (UTC)"), validators=[Optional()])
    date_to = DateField(_l("Until (UTC)"), validators=[Optional()])
    submit = SubmitField(_l("Search"))


@bp.context_processor
def _helpers():
    return {"action_name": action_name, "target_type_names": audit.TARGET_TYPE_NAMES}


@bp.get("/")
def index():
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", _l("All actions"))] + [
        SelectChoice(code, action_name(code)) for code in audit.known_actions()]
    valid = form.validate() if request.args else True

    def value(field):
        return None if field.errors else field.data

    result = audit.search(actor=value(form.actor), action=value(form.action) or None,
                          target_type=value(form.target_type) or None, target_id=value(form.target_id),
                          date_from=value(form.date_from), date_to=value(form.date_to),
                          page=request.args.get("page", 1, type=int) or 1)
    # Only the form's own fields go back into url_for (a "_external" or "_anchor" key would be read as an option).
    args = {k: v for k, v in request.args.items() if k in form._fields and k != "submit" and v}
    return render_template("staff/audit.html", form=form, result=result, args=args), 200 if valid else 400
