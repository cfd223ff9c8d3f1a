"""Register use cases. Each staff action writes one `RegisterUpdate` with its changes (who, when,
old → new), exactly one audit row, and commits; a failed action changes nothing. After a change of
the licence register or of minimum wages, the red flags of postings are read again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.extensions import db
from portal.moderation.flags import normalise_licence
from portal.registers import csvimport
from portal.registers.models import LicenceStatus, OepLicence, RegisterChange, RegisterUpdate, TestSitting
from portal.taxonomy.models import ExchangeRate, MinimumWage, Prefecture
from portal.timeutil import today

REGISTERS = ("oep_licences", "minimum_wages", "exchange_rates", "test_calendar")
# Registers whose change can change a posting's red flags.
FLAG_REGISTERS = {"oep_licences", "minimum_wages"}


class RegisterError(Exception):
    """A refused change. `errors` are csvimport.CsvError (translated by the caller) or lazy strings."""

    def __init__(self, errors: list):
        super().__init__("; ".join(str(getattr(e, "message", e)) for e in errors))
        self.errors = errors


def licence_numbers() -> frozenset[str]:
    """The normalised numbers of the OEP licences in force today (valid, not past their date)."""
    day = today()
    rows = db.session.execute(select(OepLicence.number, OepLicence.valid_until)
                              .where(OepLicence.status == LicenceStatus.VALID)).all()
    return frozenset(normalise_licence(number) for number, until in rows if until is None or until >= day)


def licence_status(number: str | None) -> tuple[str, OepLicence | None]:
    """What the register says of a licence number: valid, expired (valid but past its date),
    suspended, cancelled, or unknown (not in the register), with the register's row."""
    normalised = normalise_licence(number)
    if not normalised:
        return "unknown", None
    row = db.session.scalar(select(OepLicence).where(OepLicence.number == normalised))
    if row is None:
        return "unknown", None
    if row.status == LicenceStatus.VALID:
        return ("expired" if row.valid_until is not None and row.valid_until < today() else "valid"), row
    return row.status, row


@dataclass(frozen=True)
class NumberCheck:
    """What the site knows of a number someone typed (the public "check a recruiter" page)."""

    kind: str  # corporate_number | licence
    number: str  # normalised
    status: str  # corporate numbers: found | not_found; licences: licence_status()
    organisations: tuple = ()  # accounts.Organisation rows that gave this number
    licence: OepLicence | None = None
    nta_url: str | None = None


class NumberCheckError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def check_number(value: str | None) -> NumberCheck:
    """A corporate number (13 digits, check digit right) or an OEP licence number, looked up in the
    organisations and in the licence register. Raises NumberCheckError for input that is neither."""
    from portal.accounts.identifiers import is_valid_corporate_number, normalise_identifier, nta_url
    from portal.accounts.models import Organisation, OrganisationKind

    typed = normalise_identifier((value or "").strip()[:100]) or ""
    if not typed:
        raise NumberCheckError(_l("Enter a licence number or a corporate number."))
    if typed.isdigit() and len(typed) == 13:
        if not is_valid_corporate_number(typed):
            raise NumberCheckError(_l("This is not a valid 13-digit corporate number. Please check the digits."))
        rows = db.session.scalars(select(Organisation).where(
            (Organisation.corporate_number == typed) | (Organisation.corporate_number_clash == typed))
            .order_by(Organisation.id)).all()
        return NumberCheck("corporate_number", typed, "found" if rows else "not_found", tuple(rows),
                           nta_url=nta_url(typed))
    licence = normalise_licence(typed)
    if not licence or len(licence) > 40:
        raise NumberCheckError(_l("Enter a licence number or a corporate number."))
    status, row = licence_status(licence)
    promoters = [organisation for organisation in db.session.scalars(
        select(Organisation).where(Organisation.kind == OrganisationKind.OEP, Organisation.oep_licence.is_not(None)))
        if normalise_licence(organisation.oep_licence) == licence]
    return NumberCheck("licence", licence, status, tuple(promoters), licence=row)


# ---- reading -----------------------------------------------------------------------------------------

def licences() -> list[OepLicence]:
    return list(db.session.scalars(select(OepLicence).order_by(OepLicence.number_display)))


def minimum_wages() -> list[MinimumWage]:
    return list(db.session.scalars(select(MinimumWage).order_by(MinimumWage.fiscal_year.desc(),
                                                                MinimumWage.prefecture_code)))


def exchange_rates(limit: int = 20) -> list[ExchangeRate]:
    return list(db.session.scalars(select(ExchangeRate).order_by(ExchangeRate.as_of.desc(), ExchangeRate.id.desc())
                                   .limit(limit)))


def test_sittings(upcoming_only: bool = False) -> list[TestSitting]:
    query = select(TestSitting).order_by(TestSitting.exam_date, TestSitting.exam, TestSitting.city)
    if upcoming_only:
        query = query.where(TestSitting.exam_date >= today())
    return list(db.session.scalars(query))


def history(register: str, limit: int = 20) -> list[RegisterUpdate]:
    return list(db.session.scalars(select(RegisterUpdate).where(RegisterUpdate.register == register)
                                   .options(selectinload(RegisterUpdate.changes), selectinload(RegisterUpdate.actor))
                                   .order_by(RegisterUpdate.id.desc()).limit(limit)))


# ---- changing ----------------------------------------------------------------------------------------

def _describe(values: dict) -> str:
    return "; ".join(f"{name}={'' if value is None else value}" for name, value in values.items())


def _values(item, names) -> dict:
    return {name: getattr(item, name) for name in names}


def _apply(update: RegisterUpdate, key: str, item, values: dict, is_new: bool) -> bool:
    """Sets `values` on `item` and records the change; False when nothing changed."""
    before = None if is_new else _values(item, values)
    if before == values:
        return False
    for name, value in values.items():
        setattr(item, name, value)
    db.session.add(RegisterChange(update=update, key=key, before=_describe(before) if before else None,
                                  after=_describe(values)))
    return True


def _licence_rows(update: RegisterUpdate, rows: list[dict]) -> list[csvimport.CsvError]:
    existing = {item.number: item for item in db.session.scalars(select(OepLicence))}
    errors = []
    for row in rows:
        number = normalise_licence(row["licence_number"])
        if not number:
            errors.append(csvimport.CsvError(csvimport.N_("Line %(line)s: %(column)s is required."),
                                             {"line": row["_line"], "column": "licence_number"}))
            continue
        item = existing.get(number)
        values = {"number_display": row["licence_number"].strip(), "holder_name": row["holder_name"],
                  "city": row["city"], "status": row["status"], "valid_until": row["valid_until"]}
        if item is None:
            item = existing[number] = OepLicence(number=number)
            db.session.add(item)
            _apply(update, number, item, values, True)
        else:
            _apply(update, number, item, values, False)
    return errors


def _wage_rows(update: RegisterUpdate, rows: list[dict]) -> list[csvimport.CsvError]:
    known = set(db.session.scalars(select(Prefecture.code)))
    existing = {(w.prefecture_code, w.fiscal_year): w for w in db.session.scalars(select(MinimumWage))}
    errors = []
    for row in rows:
        code = row["prefecture_code"].zfill(2)
        if code not in known:
            errors.append(csvimport.CsvError(csvimport.N_("Line %(line)s: there is no prefecture with code %(code)s."),
                                             {"line": row["_line"], "code": row["prefecture_code"]}))
            continue
        if not 100 <= row["yen_per_hour"] <= 10000:
            errors.append(csvimport.CsvError(
                csvimport.N_("Line %(line)s: %(column)s must be between %(low)s and %(high)s."),
                {"line": row["_line"], "column": "yen_per_hour", "low": 100, "high": 10000}))
            continue
        key = (code, row["fiscal_year"])
        values = {"yen_per_hour": row["yen_per_hour"], "effective_from": row["effective_from"]}
        item = existing.get(key)
        if item is None:
            item = existing[key] = MinimumWage(prefecture_code=code, fiscal_year=row["fiscal_year"])
            db.session.add(item)
        _apply(update, f"{code} FY{row['fiscal_year']}", item, values, item.id is None)
    return errors


def _rate_rows(update: RegisterUpdate, rows: list[dict]) -> list[csvimport.CsvError]:
    for row in rows:
        item = db.session.scalar(select(ExchangeRate).where(ExchangeRate.currency == row["currency"],
                                                            ExchangeRate.as_of == row["as_of"]))
        is_new = item is None
        if is_new:
            item = ExchangeRate(currency=row["currency"], as_of=row["as_of"])
            db.session.add(item)
        _apply(update, f"{row['currency']} {row['as_of'].isoformat()}", item,
               {"per_jpy": row["per_jpy"], "source": row["source"]}, is_new)
    return []


def _sitting_rows(update: RegisterUpdate, rows: list[dict]) -> list[csvimport.CsvError]:
    for row in rows:
        item = db.session.scalar(select(TestSitting).where(TestSitting.exam == row["exam"],
                                                           TestSitting.exam_date == row["exam_date"],
                                                           TestSitting.city == row["city"]))
        is_new = item is None
        if is_new:
            item = TestSitting(exam=row["exam"], exam_date=row["exam_date"], city=row["city"])
            db.session.add(item)
        _apply(update, f"{row['exam']} {row['exam_date'].isoformat()} {row['city']}", item,
               {"venue": row["venue"], "registration_deadline": row["registration_deadline"],
                "source_url": row["source_url"]}, is_new)
    return []


_APPLY = {"oep_licences": _licence_rows, "minimum_wages": _wage_rows, "exchange_rates": _rate_rows,
          "test_calendar": _sitting_rows}


def _audit(actor: User, action: str, update: RegisterUpdate, reason: str | None) -> None:
    from portal.moderation.services import audit

    db.session.flush()
    audit(actor, action, "register", update.id, after=str(len(update.changes)), reason=reason)


def _refresh_flags(register: str) -> None:
    if register not in FLAG_REGISTERS:
        return
    try:
        from portal.moderation.services import refresh_flags
    except ImportError:  # the red-flag store is not there (yet): nothing to refresh
        return
    refresh_flags(posting_ids=None)


def import_csv(register: str, data: bytes, filename: str | None, actor: User) -> RegisterUpdate:
    """Adds or updates the rows of a register from a CSV file. Any error: nothing changes."""
    rows, errors = csvimport.parse(register, data)
    if errors:
        raise RegisterError(errors)
    update = RegisterUpdate(register=register, actor_id=actor.id, filename=(filename or "")[:200] or None)
    db.session.add(update)
    try:
        with db.session.no_autoflush:
            errors = _APPLY[register](update, rows)
    except Exception:
        db.session.rollback()
        raise
    if errors:
        db.session.rollback()
        raise RegisterError(errors)
    _audit(actor, f"import_{register}", update, update.filename)
    db.session.commit()
    _refresh_flags(register)
    return update


def set_exchange_rate(actor: User, currency: str, per_jpy: float, as_of: date, source: str | None) -> RegisterUpdate:
    """Staff: a new JPY → currency rate with the date it was taken (the newest one is used)."""
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise RegisterError([_l("Choose a currency.")])
    if not per_jpy or per_jpy <= 0:
        raise RegisterError([_l("The rate must be above zero.")])
    update = RegisterUpdate(register="exchange_rates", actor_id=actor.id)
    db.session.add(update)
    with db.session.no_autoflush:
        _rate_rows(update, [{"currency": currency, "as_of": as_of, "per_jpy": float(per_jpy),
                             "source": (source or "").strip() or None}])
    _audit(actor, "set_exchange_rate", update, None)
    db.session.commit()
    return update
