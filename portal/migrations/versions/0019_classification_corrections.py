"""Staff corrections of the classifier kept as training data; close calls (two fields scored close) for staff

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 20:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "classification_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("old_sector", sa.String(length=40), nullable=True),
        sa.Column("old_occupation", sa.String(length=8), nullable=True),
        sa.Column("new_sector", sa.String(length=40), nullable=False),
        sa.Column("new_occupation", sa.String(length=8), nullable=True),
        sa.Column("corrected_by_id", sa.Integer(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["corrected_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("classification_corrections") as batch_op:
        batch_op.create_index("ix_classification_corrections_posting_id", ["posting_id"])
    op.create_table(
        "classification_close_calls",
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("runner_up", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("posting_id"),
    )


def downgrade():
    op.drop_table("classification_close_calls")
    op.drop_table("classification_corrections")
