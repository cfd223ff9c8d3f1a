"""Who a posting takes (applicants_from), agency dispatch, and the business category of a skills test

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 19:45:00

Existing postings start as "unknown" (the verdict then asks the seeker to check with the employer)
and as not dispatched; existing skills tests have no business category until the seeker names it.
Plain ADD COLUMN (no batch copy): on SQLite a table copy would drop the search triggers of postings.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("postings", sa.Column("applicants_from", sa.String(length=20), nullable=False,
                                        server_default="unknown"))
    op.add_column("postings", sa.Column("dispatch", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("skills_test_passes", sa.Column("sub_area", sa.String(length=40), nullable=True))


def downgrade():
    op.drop_column("skills_test_passes", "sub_area")
    op.drop_column("postings", "dispatch")
    op.drop_column("postings", "applicants_from")
