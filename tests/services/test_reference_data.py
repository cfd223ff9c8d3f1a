from datetime import date

from sqlalchemy import func, select

from portal.taxonomy.models import MinimumWage, Prefecture, Sector
from portal.taxonomy.services import load_reference_data, minimum_wage_on


def test_reference_tables_are_loaded(db):
    assert db.session.scalar(select(func.count()).select_from(Prefecture)) == 47
    ssw = db.session.scalars(select(Sector).where(Sector.is_ssw_field)).all()
    assert len(ssw) == 16
    assert {s.code for s in db.session.scalars(select(Sector).where(~Sector.is_ssw_field))} == {"it_engineering", "other"}
    tokyo = db.session.get(Prefecture, "13")
    assert (tokyo.name_en, tokyo.name_ja, tokyo.region.name_ja) == ("Tokyo", "東京都", "関東")
    nursing = db.session.get(Sector, "nursing_care")
    assert nursing.name_ja == "介護" and nursing.ssw_ii is False


def test_minimum_wage_follows_the_effective_date(db):
    before = minimum_wage_on("13", date(2025, 9, 30))
    after = minimum_wage_on("13", date(2026, 1, 1))
    assert (before.fiscal_year, before.yen_per_hour) == (2024, 1163)
    assert (after.fiscal_year, after.yen_per_hour) == (2025, 1226)


def test_reloading_reference_data_is_idempotent_and_keeps_staff_rows(db):
    extra = MinimumWage(prefecture_code="13", fiscal_year=2026, yen_per_hour=1300, effective_from=date(2026, 10, 1))
    db.session.add(extra)
    db.session.commit()
    load_reference_data()
    assert db.session.scalar(select(func.count()).select_from(MinimumWage)) == 47 * 2 + 1
    assert minimum_wage_on("13", date(2026, 10, 2)).yen_per_hour == 1300
    db.session.delete(extra)
    db.session.commit()
