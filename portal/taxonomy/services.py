"""Load the shipped reference data into its tables (idempotent: existing rows are updated)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.taxonomy.models import (
    ExchangeRate,
    MinimumWage,
    Occupation,
    Prefecture,
    Region,
    Sector,
    SubArea,
    Synonym,
    Trade,
)

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
        _upsert(Region, "code", {**row, "name_ur": row["name_ur"] or None, "sort_order": int(row["sort_order"])})
    db.session.flush()
    for row in _rows("prefectures.csv"):
        _upsert(
            Prefecture,
            "code",
            {
                "code": row["jis_code"],
                "name_en": row["name_en"],
                "name_ja": row["name_ja"],
                "name_ur": row["name_ur"] or None,
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
                "name_ur": row["name_ur"] or None,
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
             "name_ur": row["name_ur"] or None, "is_ssw_field": False, "ssw_ii": False, "sort_order": order},
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
    db.session.flush()
    _load_taxonomy()
    _load_exchange_rates()
    db.session.commit()
    return {model.__tablename__: db.session.query(model).count()
            for model in (Region, Prefecture, Sector, MinimumWage, SubArea, Occupation, Trade, Synonym, ExchangeRate)}


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _load_taxonomy() -> None:
    existing_sub_areas = {(a.sector_code, a.code): a for a in db.session.scalars(select(SubArea))}
    for row in _rows("taxonomy/sub_areas.csv"):
        area = existing_sub_areas.get((row["sector"], row["code"]))
        if area is None:
            db.session.add(SubArea(sector_code=row["sector"], code=row["code"], name_en=row["name_en"],
                                   name_ja=row["name_ja"], name_ur=row["name_ur"] or None))
        else:
            area.name_en, area.name_ja, area.name_ur = row["name_en"], row["name_ja"], row["name_ur"] or None
    for row in _rows("taxonomy/occupations.csv"):
        _upsert(Occupation, "isco", {"isco": row["isco"], "name_en": row["name_en"], "name_ja": row["name_ja"],
                                     "name_ur": row.get("name_ur") or None, "sector_code": row["sector"]})
    for row in _rows("taxonomy/trades.csv"):
        _upsert(Trade, "code", {"code": row["code"], "name_en": row["name_en"], "name_ja": row["name_ja"],
                                "name_ur": row["name_ur"] or None, "isco_codes": _split(row["isco_codes"]),
                                "sector_codes": _split(row["sectors"])})
    known = set(db.session.execute(select(Synonym.concept, Synonym.term)).all())
    for row in _rows("taxonomy/synonyms.csv"):
        if (row["concept"], row["term"]) not in known:
            db.session.add(Synonym(concept=row["concept"], term=row["term"], lang=row["lang"]))
            known.add((row["concept"], row["term"]))


def _load_exchange_rates() -> None:
    """Only seeds a currency that has no rate yet: staff-set rates are never overwritten."""
    for row in _rows("exchange_rates.csv"):
        if db.session.scalar(select(ExchangeRate.id).where(ExchangeRate.currency == row["currency"])) is None:
            db.session.add(ExchangeRate(currency=row["currency"], per_jpy=float(row["per_jpy"]),
                                        as_of=date.fromisoformat(row["as_of"]), source=row["source"]))


def current_rate(currency: str) -> ExchangeRate | None:
    return db.session.scalar(
        select(ExchangeRate).where(ExchangeRate.currency == currency)
        .order_by(ExchangeRate.as_of.desc(), ExchangeRate.id.desc()).limit(1)
    )


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
