"""The recruiter's area. Every endpoint requires the recruiter role (checked once, here)."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.jobs.models import Posting
from portal.security import guard_area

bp = Blueprint("recruiter", __name__, url_prefix="/<lang:lang>/recruiter")
guard_area(bp, "recruiter")


@bp.get("/")
def dashboard():
    organisation = current_user.organisation
    postings = []
    if organisation is not None:
        postings = db.session.scalars(
            select(Posting).where(Posting.organisation_id == organisation.id)
            .order_by(Posting.created_at.desc()).limit(50)
        ).all()
    return render_template("recruiter/dashboard.html", organisation=organisation, postings=postings)
