"""Reference data: prefectures, regions, sectors (SSW fields), regional minimum wages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class Region(db.Model):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(64))
    name_ja: Mapped[str] = mapped_column(String(64))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, lang: str) -> str:
        return self.name_ja if lang == "ja" else self.name_en


class Prefecture(db.Model):
    __tablename__ = "prefectures"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # JIS X 0401, "01"…"47"
    name_en: Mapped[str] = mapped_column(String(64))
    name_ja: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))

    region: Mapped[Region] = relationship(lazy="joined")

    def name(self, lang: str) -> str:
        return self.name_ja if lang == "ja" else self.name_en


class Sector(db.Model):
    """An SSW field (nursing_care, construction…) or one of the portal's extra sectors."""

    __tablename__ = "sectors"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ja: Mapped[str] = mapped_column(String(120))
    is_ssw_field: Mapped[bool] = mapped_column(Boolean, default=True)
    ssw_ii: Mapped[bool] = mapped_column(Boolean, default=False)
    skills_test_ja: Mapped[str | None] = mapped_column(String(200))
    japanese_requirement: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, lang: str) -> str:
        return self.name_ja if lang == "ja" else self.name_en


class MinimumWage(db.Model):
    """地域別最低賃金 for one prefecture and fiscal year; the one in force is the latest effective."""

    __tablename__ = "minimum_wages"
    __table_args__ = (UniqueConstraint("prefecture_code", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prefecture_code: Mapped[str] = mapped_column(ForeignKey("prefectures.code"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    yen_per_hour: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date | None] = mapped_column(Date)
