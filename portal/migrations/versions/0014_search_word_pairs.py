"""Search tokens gain Latin word pairs (care worker → careworker), so phrases match as phrases

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 10:10:00

portal/jobs/textindex.py explains the pairs. Every posting's search tokens are recomputed here,
through the migration's own connection (SQLite holds its write lock for the whole upgrade). The
triggers of the search indexes (postings_fts, posting_terms) follow the updated column.
"""
from alembic import op
from sqlalchemy.orm import Session

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    from portal.jobs.indexing import reindex

    session = Session(bind=op.get_bind())
    reindex(session)
    session.flush()
    session.close()  # the migration's transaction commits it


def downgrade():
    pass  # the extra tokens are harmless to the earlier code, which never asks for them
