"""Accounts: e-mail confirmation, reset and confirmation tokens, session activity, weighted reports

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 19:20:00

Accounts that exist before this revision are taken as confirmed (they signed up when the site did
not ask; their owners would otherwise be stopped mid-application). Sessions start their idle clock
now. Existing reports keep their weight of one, each from an unknown reporter.
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_confirmed_at = created_at")
    with op.batch_alter_table("user_sessions") as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE user_sessions SET last_seen_at = created_at")
    with op.batch_alter_table("job_reports") as batch_op:
        batch_op.add_column(sa.Column("reporter_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("weight", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("account_tokens") as batch_op:
        batch_op.create_index("ix_account_tokens_user_purpose", ["user_id", "purpose"])


def downgrade():
    with op.batch_alter_table("account_tokens") as batch_op:
        batch_op.drop_index("ix_account_tokens_user_purpose")
    op.drop_table("account_tokens")
    with op.batch_alter_table("job_reports") as batch_op:
        batch_op.drop_column("weight")
        batch_op.drop_column("reporter_key")
    with op.batch_alter_table("user_sessions") as batch_op:
        batch_op.drop_column("last_seen_at")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("email_confirmed_at")
