"""index on postings.updated_at (the search snapshot's freshness check)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 05:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    # Not batch mode: creating an index needs no table rebuild on SQLite (and so leaves the
    # full-text triggers alone).
    op.create_index("ix_postings_updated_at", "postings", ["updated_at"])


def downgrade():
    op.drop_index("ix_postings_updated_at", table_name="postings")
