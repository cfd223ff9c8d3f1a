"""The signed-in person's notifications (any role): what happened to their applications."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import services as applications
from portal.feeds.forms import ActionForm
from portal.i18n import current_language
from portal.security import require_login

bp = Blueprint("notifications", __name__, url_prefix="/<lang:lang>/notifications")
require_login(bp)


def _link(notification) -> str | None:
    if notification.application_id is None:
        posting_id = (notification.params or {}).get("posting_id")
        if posting_id and current_user.role == "recruiter":  # a moderation decision on a posting
            return url_for("recruiter.posting", posting_id=posting_id)
        return None
    if current_user.role == "seeker":
        return url_for("seeker.application", application_id=notification.application_id)
    if current_user.role == "recruiter":
        return url_for("recruiter_applications.applicant", application_id=notification.application_id)
    return None


@bp.get("/")
def index():
    lang = current_language()
    rows = [(n, applications.notification_text(n, lang), _link(n)) for n in applications.notifications_for(current_user)]
    return render_template("account/notifications.html", notifications=rows, form=ActionForm(formdata=None),
                           unread=applications.unread_count(current_user))


@bp.post("/read")
def mark_read():
    if ActionForm().validate_on_submit():
        applications.mark_all_read(current_user)
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for(".index"))
