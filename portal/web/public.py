"""Pages anyone can see."""

from flask import Blueprint, render_template
from sqlalchemy import func, select

from portal.extensions import db
from portal.jobs.models import Posting, PostingStatus
from portal.taxonomy.models import Sector

bp = Blueprint("public", __name__, url_prefix="/<lang:lang>")


@bp.get("/")
def home():
    counts = dict(
        db.session.execute(
            select(Posting.sector_code, func.count())
            .where(Posting.status == PostingStatus.PUBLISHED)
            .group_by(Posting.sector_code)
        ).all()
    )
    sectors = db.session.scalars(select(Sector).order_by(Sector.sort_order)).all()
    return render_template(
        "public/home.html",
        sectors=[(sector, counts.get(sector.code, 0)) for sector in sectors],
        total_jobs=sum(counts.values()),
    )
