"""Consulate staff: every road-to-departure checklist, read-only. Same area and guard as
portal/web/staff.py, kept in its own module."""

from flask import Blueprint, abort, render_template

from portal.applications import pipeline
from portal.applications import services as applications
from portal.applications.models import Application
from portal.extensions import db
from portal.security import guard_area

bp = Blueprint("staff_departures", __name__, url_prefix="/<lang:lang>/staff/departures")
guard_area(bp, "staff")


@bp.get("/")
def index():
    return render_template("staff/departures.html", applications=applications.departures(),
                           step_count=len(pipeline.STEPS))


@bp.get("/offers")
def flagged_offers():
    """Offers that give the worker less money than the ad: lower pay, or deductions the ad did not name."""
    from portal.applications import offers

    rows = [(offer, offers.explain(offer)) for offer in offers.flagged()]
    return render_template("staff/offers.html", rows=rows)


@bp.get("/<int:application_id>")
def departure(application_id: int):
    application = db.session.get(Application, application_id)
    if application is None or not pipeline.has_checklist(application.state):
        abort(404)
    return render_template("staff/departure.html", application=application,
                           steps=applications.checklist(application))
