"""places as postings state them: several workplaces, nationwide, remote

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 19:30:00

`postings.location_kind` says how a posting states its place; `posting_places` lists the workplaces
of a posting that names several. `prefecture_code` stays the primary place, NOT NULL: changing that
would make SQLite recreate `postings`, and dropping the old table with foreign keys on would
cascade into every table that points at it. A posting that names no place keeps a stand-in there
(see feeds.services.prepare) and the code that lists and filters places reads location_kind first.
Import sources get an HTML kind whose CSS-selector mapping lives in the existing `mapping` column.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both databases (no table copy).
    op.add_column("postings", sa.Column("location_kind", sa.String(12), nullable=False, server_default="place"))
    op.create_table(
        "posting_places",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("posting_id", sa.Integer(), sa.ForeignKey("postings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prefecture_code", sa.String(2), sa.ForeignKey("prefectures.code"), nullable=False),
        sa.Column("city_en", sa.String(120), nullable=True),
        sa.Column("city_ja", sa.String(120), nullable=True),
    )
    op.create_index("ix_posting_places_posting_id", "posting_places", ["posting_id"])


def downgrade():
    op.drop_index("ix_posting_places_posting_id", table_name="posting_places")
    op.drop_table("posting_places")
    op.drop_column("postings", "location_kind")  # SQLite ≥ 3.35 drops a plain column in place
