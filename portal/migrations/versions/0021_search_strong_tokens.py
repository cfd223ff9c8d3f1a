"""Search tokens mark what the title and the occupation say (1welder, 1isco7212), for best match

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 19:40:00

portal/jobs/textindex.py explains the marks. Every posting's search tokens are recomputed here,
through the migration's own connection; the triggers of the search indexes follow the column.
"""
from alembic import op
from sqlalchemy.orm import Session

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
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
