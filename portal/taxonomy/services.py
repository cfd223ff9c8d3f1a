"""Load the shipped reference data into its tables (idempotent: existing rows are updated)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.taxonomy.models import MinimumWage, Prefecture, Region, Sector

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _region_code(region_en: str) -> str:
    return region_en.lower().replace("-", "_").replace(" ", "_")


def _upsert(model, key: str, values: dict) -> None:
    row = db.session.get(model, values[key])
    if row is None:
        db.session.add(model(**values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def load_reference_data() -> dict[str, int]:
    """Regions, prefectures, sectors and minimum wages from portal/data/. Returns row counts."""
    for row in _rows("regions.csv"):
        _upsert(Region, "code", {**row, "sort_order": int(row["sort_order"])})
    db.session.flush()
    for row in _rows("prefectures.csv"):
        _upsert(
            Prefecture,
            "code",
            {
                "code": row["jis_code"],
                "name_en": row["name_en"],
                "name_ja": row["name_ja"],
                "region_code": _region_code(row["region_en"]),
            },
        )
    for order, row in enumerate(_rows("ssw_fields.csv")):
        _upsert(
            Sector,
            "code",
            {
                "code": row["code"],
                "name_en": row["name_en"],
                "name_ja": row["name_ja"],
                "is_ssw_field": True,
                "ssw_ii": row["ssw_ii"] == "yes",
                "skills_test_ja": row["skills_test_ja"] or None,
                "japanese_requirement": row["japanese_requirement"] or None,
                "notes": row["notes"] or None,
                "sort_order": order,
            },
        )
    for order, row in enumerate(_rows("sectors_extra.csv"), start=100):
        _upsert(
            Sector,
            "code",
            {"code": row["code"], "name_en": row["name_en"], "name_ja": row["name_ja"],
             "is_ssw_field": False, "ssw_ii": False, "sort_order": order},
        )
    db.session.flush()
    existing = {(w.prefecture_code, w.fiscal_year): w for w in db.session.scalars(select(MinimumWage))}
    for row in _rows("minimum_wage_jpy_per_hour.csv"):
        for year, column, effective in (
            (2024, "fy2024_yen", None),
            (2025, "fy2025_yen", row["fy2025_effective_from"]),
        ):
            values = {
                "prefecture_code": row["jis_code"],
                "fiscal_year": year,
                "yen_per_hour": int(row[column]),
                "effective_from": date.fromisoformat(effective) if effective else None,
            }
            wage = existing.get((row["jis_code"], year))
            if wage is None:
                db.session.add(MinimumWage(**values))
            else:
                wage.yen_per_hour, wage.effective_from = values["yen_per_hour"], values["effective_from"]
    db.session.commit()
    return {
        "regions": db.session.query(Region).count(),
        "prefectures": db.session.query(Prefecture).count(),
        "sectors": db.session.query(Sector).count(),
        "minimum_wages": db.session.query(MinimumWage).count(),
    }


def minimum_wage_on(prefecture_code: str, day: date) -> MinimumWage | None:
    """The minimum wage in force in a prefecture on a day (latest table whose date has come)."""
    wages = db.session.scalars(
        select(MinimumWage)
        .where(MinimumWage.prefecture_code == prefecture_code)
        .order_by(MinimumWage.fiscal_year.desc())
    )
    for wage in wages:
        if wage.effective_from is None or wage.effective_from <= day:
            return wage
    return None


def sectors() -> list[Sector]:
    return list(db.session.scalars(select(Sector).order_by(Sector.sort_order)))


def prefectures() -> list[Prefecture]:
    return list(db.session.scalars(select(Prefecture).order_by(Prefecture.code)))
