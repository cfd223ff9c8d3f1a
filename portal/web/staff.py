"""The consulate staff area. Every endpoint requires the staff role (checked once, here)."""

from flask import Blueprint, render_template
from sqlalchemy import func, select

from portal.accounts.models import Organisation, User
from portal.extensions import db
from portal.jobs.models import Posting
from portal.security import guard_area

bp = Blueprint("staff", __name__, url_prefix="/<lang:lang>/staff")
guard_area(bp, "staff")


@bp.get("/")
def dashboard():
    users_by_role = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    postings_by_status = dict(
        db.session.execute(select(Posting.status, func.count()).group_by(Posting.status)).all()
    )
    organisations_by_status = dict(
        db.session.execute(select(Organisation.status, func.count()).group_by(Organisation.status)).all()
    )
    return render_template(
        "staff/dashboard.html",
        users_by_role=users_by_role,
        postings_by_status=postings_by_status,
        organisations_by_status=organisations_by_status,
    )
