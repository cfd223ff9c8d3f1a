"""moderation queue, posting flags and reports

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    # New tables only: `postings` is not altered (a SQLite batch ALTER would drop its FTS triggers).
    op.create_table(
        "posting_flags",
        sa.Column("posting_id", sa.Integer(), sa.ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("codes", sa.String(500), nullable=False, server_default=""),
        sa.Column("risk", sa.String(10), nullable=False, server_default="none"),
        sa.Column("risk_rank", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_posting_flags_rank", "posting_flags", ["risk_rank"])
    op.create_table(
        "job_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("posting_id", sa.Integer(), sa.ForeignKey("postings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("contact", sa.String(254), nullable=True),
        sa.Column("reporter_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, server_default="open"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
    )
    op.create_index("ix_job_reports_posting_status", "job_reports", ["posting_id", "status"])
    op.create_index("ix_job_reports_status", "job_reports", ["status"])


def downgrade():
    op.drop_index("ix_job_reports_status", table_name="job_reports")
    op.drop_index("ix_job_reports_posting_status", table_name="job_reports")
    op.drop_table("job_reports")
    op.drop_index("ix_posting_flags_rank", table_name="posting_flags")
    op.drop_table("posting_flags")
