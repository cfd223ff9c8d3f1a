"""The job seeker's area. Every endpoint requires the seeker role (checked once, here)."""

from flask import Blueprint, render_template
from sqlalchemy import func, select

from portal.extensions import db
from portal.jobs.models import Posting, PostingStatus
from portal.security import guard_area

bp = Blueprint("seeker", __name__, url_prefix="/<lang:lang>/seeker")
guard_area(bp, "seeker")


@bp.get("/")
def dashboard():
    open_jobs = db.session.scalar(
        select(func.count()).select_from(Posting).where(Posting.status == PostingStatus.PUBLISHED)
    )
    return render_template("seeker/dashboard.html", open_jobs=open_jobs or 0)
