"""Staff: the registers (OEP licences, minimum wages, exchange rates, test calendar). Same area as
portal/web/staff.py: same URL prefix, same role guard. Each action calls one registers service."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.registers import services as registers
from portal.registers.csvimport import SPECS
from portal.registers.forms import (
    EXAM_NAMES,
    LICENCE_STATUS_NAMES,
    REGISTER_DESCRIPTIONS,
    REGISTER_NAMES,
    ExchangeRateForm,
    RegisterUploadForm,
)
from portal.security import guard_area
from portal.taxonomy.lookup import reference

bp = Blueprint("staff_registers", __name__, url_prefix="/<lang:lang>/staff/registers")
guard_area(bp, "staff")

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "registers"


@bp.context_processor
def _names():
    return {"register_names": REGISTER_NAMES, "register_descriptions": REGISTER_DESCRIPTIONS,
            "licence_status_names": LICENCE_STATUS_NAMES, "exam_names": EXAM_NAMES}


def _check(register: str) -> None:
    if register not in registers.REGISTERS:
        abort(404)


@bp.get("/")
def index():
    return render_template("staff/registers.html", registers=registers.REGISTERS)


def _page(register: str, upload_form=None, rate_form=None, errors=None, status: int = 200):
    rows = {"oep_licences": registers.licences, "minimum_wages": registers.minimum_wages,
            "exchange_rates": registers.exchange_rates, "test_calendar": registers.test_sittings}[register]()
    return render_template(
        "staff/register.html", register=register, rows=rows, columns=[c.name for c in SPECS[register][0]],
        history=registers.history(register), upload_form=upload_form or RegisterUploadForm(formdata=None),
        rate_form=rate_form or ExchangeRateForm(formdata=None), errors=errors or [], ref=reference(),
    ), status


@bp.get("/<register>")
def register(register: str):
    _check(register)
    return _page(register)


@bp.get("/<register>/example.csv")
def example(register: str):
    _check(register)
    return send_file(EXAMPLES / f"{register}.example.csv", mimetype="text/csv", as_attachment=True,
                     download_name=f"{register}.example.csv")


@bp.post("/<register>/import")
def import_register(register: str):
    _check(register)
    form = RegisterUploadForm()
    if not form.validate_on_submit():
        return _page(register, upload_form=form, status=400)
    try:
        update = registers.import_csv(register, form.file.data.read(), form.file.data.filename, current_user)
    except registers.RegisterError as error:
        messages = [e.text(_) if hasattr(e, "text") else str(e) for e in error.errors]
        return _page(register, upload_form=form, errors=messages, status=400)
    flash(_("Imported: %(count)s rows changed.", count=len(update.changes)), "success")
    return redirect(url_for(".register", register=register))


@bp.post("/exchange_rates/rate")
def set_rate():
    form = ExchangeRateForm()
    if form.validate_on_submit():
        try:
            registers.set_exchange_rate(current_user, form.currency.data, form.per_jpy.data, form.as_of.data,
                                        form.source.data)
        except registers.RegisterError as error:
            return _page("exchange_rates", rate_form=form, errors=[str(e) for e in error.errors], status=400)
        flash(_("The rate has been saved."), "success")
        return redirect(url_for(".register", register="exchange_rates"))
    return _page("exchange_rates", rate_form=form, status=400)
