"""Urdu: names of regions, prefectures, fields, task areas and occupations; messages sent as templates

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 19:30:00

The Urdu names are filled from the shipped CSV files (portal/data), as `load_reference_data` does;
a name left empty reads in English. A message event may now be a template with values (rendered in
the reader's language) and says which language its free text was written in.
"""
import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[2] / "data"

NAMED_TABLES = {"regions": 64, "prefectures": 64, "sectors": 120, "sub_areas": 120, "occupations": 200}


def _rows(name):
    path = DATA / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _fill_names():
    bind = op.get_bind()
    updates = {
        "regions": [({"code": r["code"]}, r.get("name_ur")) for r in _rows("regions.csv")],
        "prefectures": [({"code": r["jis_code"]}, r.get("name_ur")) for r in _rows("prefectures.csv")],
        "sectors": [({"code": r["code"]}, r.get("name_ur"))
                    for name in ("ssw_fields.csv", "sectors_extra.csv") for r in _rows(name)],
        "sub_areas": [({"sector_code": r["sector"], "code": r["code"]}, r.get("name_ur"))
                      for r in _rows("taxonomy/sub_areas.csv")],
        "occupations": [({"isco": r["isco"]}, r.get("name_ur")) for r in _rows("taxonomy/occupations.csv")],
    }
    for table, rows in updates.items():
        for keys, name in rows:
            if not name:
                continue
            where = " AND ".join(f"{key} = :{key}" for key in keys)
            bind.execute(sa.text(f"UPDATE {table} SET name_ur = :name WHERE {where}"), {"name": name, **keys})


def upgrade():
    for table, length in NAMED_TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("name_ur", sa.String(length=length), nullable=True))
    with op.batch_alter_table("application_events") as batch:
        batch.add_column(sa.Column("template", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("template_values", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("message_lang", sa.String(length=10), nullable=True))
    _fill_names()


def downgrade():
    with op.batch_alter_table("application_events") as batch:
        batch.drop_column("message_lang")
        batch.drop_column("template_values")
        batch.drop_column("template")
    for table in reversed(list(NAMED_TABLES)):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("name_ur")
