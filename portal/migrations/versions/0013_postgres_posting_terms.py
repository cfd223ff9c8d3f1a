"""PostgreSQL: search terms in a narrow table of their own (portal/jobs/search_index.py)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 06:05:00

"""
from alembic import op

from portal.jobs.search_index import create_postgres_terms, drop_postgres_terms

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        create_postgres_terms()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        drop_postgres_terms()
