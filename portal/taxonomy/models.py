"""Reference data: prefectures, regions, sectors (SSW fields), regional minimum wages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


def localised_name(row, lang: str) -> str:
    """The row's name in `lang` (name_en, name_ja, name_ur), English when that one is missing."""
    return getattr(row, f"name_{lang}", None) or row.name_en


class Region(db.Model):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(64))
    name_ja: Mapped[str] = mapped_column(String(64))
    name_ur: Mapped[str | None] = mapped_column(String(64))  # Urdu; English when missing
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, lang: str) -> str:
        return localised_name(self, lang)


class Prefecture(db.Model):
    __tablename__ = "prefectures"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # JIS X 0401, "01"…"47"
    name_en: Mapped[str] = mapped_column(String(64))
    name_ja: Mapped[str] = mapped_column(String(64))
    name_ur: Mapped[str | None] = mapped_column(String(64))  # Urdu; English when missing
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))

    region: Mapped[Region] = relationship(lazy="joined")

    def name(self, lang: str) -> str:
        return localised_name(self, lang)


class Sector(db.Model):
    """An SSW field (nursing_care, construction…) or one of the portal's extra sectors."""

    __tablename__ = "sectors"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ja: Mapped[str] = mapped_column(String(120))
    name_ur: Mapped[str | None] = mapped_column(String(120))  # Urdu; English when missing
    is_ssw_field: Mapped[bool] = mapped_column(Boolean, default=True)
    ssw_ii: Mapped[bool] = mapped_column(Boolean, default=False)
    skills_test_ja: Mapped[str | None] = mapped_column(String(200))
    japanese_requirement: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, lang: str) -> str:
        return localised_name(self, lang)


class MinimumWage(db.Model):
    """地域別最低賃金 for one prefecture and fiscal year; the one in force is the latest effective."""

    __tablename__ = "minimum_wages"
    __table_args__ = (UniqueConstraint("prefecture_code", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prefecture_code: Mapped[str] = mapped_column(ForeignKey("prefectures.code"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    yen_per_hour: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date | None] = mapped_column(Date)


class SubArea(db.Model):
    """A task area within a sector (agriculture: crops, livestock)."""

    __tablename__ = "sub_areas"

    sector_code: Mapped[str] = mapped_column(ForeignKey("sectors.code"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ja: Mapped[str] = mapped_column(String(120))
    name_ur: Mapped[str | None] = mapped_column(String(120))  # Urdu; English when missing

    def name(self, lang: str) -> str:
        return localised_name(self, lang)


class Occupation(db.Model):
    """An ISCO-08 unit group, with the sector it mostly belongs to."""

    __tablename__ = "occupations"

    isco: Mapped[str] = mapped_column(String(4), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ja: Mapped[str] = mapped_column(String(200))
    name_ur: Mapped[str | None] = mapped_column(String(200))  # Urdu; English when missing
    sector_code: Mapped[str] = mapped_column(ForeignKey("sectors.code"), index=True)

    def name(self, lang: str) -> str:
        return localised_name(self, lang)


class Trade(db.Model):
    """A Pakistani trade (NAVTTC / common usage), mapped to occupations and sectors (editable data)."""

    __tablename__ = "trades"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ja: Mapped[str] = mapped_column(String(200))
    name_ur: Mapped[str | None] = mapped_column(String(200))
    isco_codes: Mapped[list] = mapped_column(JSON, default=list)
    sector_codes: Mapped[list] = mapped_column(JSON, default=list)

    def name(self, lang: str) -> str:
        return localised_name(self, lang)


class Synonym(db.Model):
    """One term of a concept; all terms of a concept are searched together, across languages."""

    __tablename__ = "synonyms"
    __table_args__ = (UniqueConstraint("concept", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concept: Mapped[str] = mapped_column(String(80), index=True)
    term: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(10))


class ExchangeRate(db.Model):
    """JPY → other currency, set by staff with the date it was taken; the newest one is used."""

    __tablename__ = "exchange_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), index=True)
    per_jpy: Mapped[float] = mapped_column(Float)
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(300))
