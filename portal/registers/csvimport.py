"""CSV files for the registers: bytes in, typed rows or per-line errors out.

A pure core (no Flask, no SQLAlchemy). The file is UTF-8 (with or without a BOM) or CP932, the
encoding Excel uses for Japanese. Errors are English msgids (marked with `N_` so that
`flask translate extract` finds them) with named values; the caller translates them. One error
anywhere means the caller changes nothing.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date

MAX_ROWS = 5000


def N_(message: str) -> str:  # noqa: N802 - gettext's "mark for extraction only"
    return message


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | date | int | positive | url | choice | currency
    required: bool = True
    max_length: int = 200
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CsvError:
    message: str
    params: dict = field(default_factory=dict)

    def text(self, gettext) -> str:
        return gettext(self.message, **self.params)


SPECS: dict[str, tuple[tuple[Column, ...], tuple[str, ...]]] = {
    # register: (columns, key columns)
    "oep_licences": ((
        Column("licence_number", max_length=60),
        Column("holder_name"),
        Column("city", required=False, max_length=100),
        Column("status", "choice", choices=("valid", "suspended", "cancelled")),
        Column("valid_until", "date", required=False),
    ), ("licence_number",)),
    "minimum_wages": ((
        Column("prefecture_code", max_length=2),
        Column("fiscal_year", "int"),
        Column("yen_per_hour", "int"),
        Column("effective_from", "date"),
    ), ("prefecture_code", "fiscal_year")),
    "exchange_rates": ((
        Column("currency", "currency"),
        Column("per_jpy", "positive"),
        Column("as_of", "date"),
        Column("source", required=False, max_length=300),
    ), ("currency", "as_of")),
    "test_calendar": ((
        Column("exam", "choice", choices=("jlpt", "jft_basic")),
        Column("exam_date", "date"),
        Column("city", max_length=100),
        Column("venue", required=False, max_length=300),
        Column("registration_deadline", "date", required=False),
        Column("source_url", "url", required=False, max_length=500),
    ), ("exam", "exam_date", "city")),
}


def decode(data: bytes) -> str | None:
    """UTF-8 (a BOM is dropped), else CP932; None when it is neither."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _value(column: Column, raw: str, line: int) -> tuple[object, CsvError | None]:
    raw = raw.strip()
    named = {"line": line, "column": column.name}
    if not raw:
        if column.required:
            return None, CsvError(N_("Line %(line)s: %(column)s is required."), named)
        return None, None
    if len(raw) > column.max_length:
        return None, CsvError(N_("Line %(line)s: %(column)s is too long."), named)
    if column.kind == "date":
        try:
            return date.fromisoformat(raw), None
        except ValueError:
            return None, CsvError(N_("Line %(line)s: %(column)s must be a date like 2026-10-01."), named)
    if column.kind == "int":
        if not raw.isascii() or not raw.isdigit():
            return None, CsvError(N_("Line %(line)s: %(column)s must be a whole number."), named)
        return int(raw), None
    if column.kind == "positive":
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or number <= 0:
            return None, CsvError(N_("Line %(line)s: %(column)s must be a number above zero."), named)
        return number, None
    if column.kind == "choice":
        value = raw.lower()
        if value not in column.choices:
            return None, CsvError(N_("Line %(line)s: %(column)s must be one of: %(choices)s."),
                                  {**named, "choices": ", ".join(column.choices)})
        return value, None
    if column.kind == "currency":
        value = raw.upper()
        if len(value) != 3 or not value.isascii() or not value.isalpha():
            return None, CsvError(N_("Line %(line)s: %(column)s must be a three-letter currency code."), named)
        return value, None
    if column.kind == "url":
        if not raw.startswith(("https://", "http://")):
            return None, CsvError(N_("Line %(line)s: %(column)s must be a web address starting with https://."),
                                  named)
    return raw, None


def parse(register: str, data: bytes) -> tuple[list[dict], list[CsvError]]:
    """The rows of a register file as dicts of typed values (with `_line`), and the errors."""
    columns, keys = SPECS[register]
    text = decode(data)
    if text is None:
        return [], [CsvError(N_("The file is neither UTF-8 nor CP932 text."))]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or []) if name]
    if not header:
        return [], [CsvError(N_("The file is empty."))]
    missing = [column.name for column in columns if column.required and column.name not in header]
    if missing:
        return [], [CsvError(N_("Columns missing from the first line: %(columns)s."),
                             {"columns": ", ".join(missing)})]
    reader.fieldnames = header
    rows: list[dict] = []
    errors: list[CsvError] = []
    seen: dict[tuple, int] = {}
    for record in reader:
        line = reader.line_num  # the file's line (blank lines are skipped by the reader but counted here)
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue
        if len(rows) >= MAX_ROWS:
            errors.append(CsvError(N_("The file has more than %(count)s rows."), {"count": MAX_ROWS}))
            break
        row: dict = {"_line": line}
        for column in columns:
            value, error = _value(column, record.get(column.name) or "", line)
            if error:
                errors.append(error)
            row[column.name] = value
        key = tuple(row[name] for name in keys)
        if None not in key:
            if key in seen:
                errors.append(CsvError(N_("Line %(line)s repeats line %(first)s."), {"line": line, "first": seen[key]}))
            seen.setdefault(key, line)
        rows.append(row)
    if not rows and not errors:
        errors.append(CsvError(N_("The file has no rows.")))
    return rows, errors
