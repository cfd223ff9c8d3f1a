"""guidance articles, glossary and pay estimate parameters

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 06:00:00

The glossary is shipped data (portal/data/glossary.csv), read at run time: it has no table.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "guide_articles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("published_revision_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "guide_revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("guide_articles.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("title_en", sa.String(200), nullable=False),
        sa.Column("title_ja", sa.String(200), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("body_ja", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("last_checked", sa.Date(), nullable=False),
        sa.Column("note", sa.String(300), nullable=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_guide_revisions_article", "guide_revisions", ["article_id", "id"])
    op.create_table(
        "pay_parameters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_pay_parameters_key", "pay_parameters", ["key", "as_of"])


def downgrade():
    op.drop_index("ix_pay_parameters_key", table_name="pay_parameters")
    op.drop_table("pay_parameters")
    op.drop_index("ix_guide_revisions_article", table_name="guide_revisions")
    op.drop_table("guide_revisions")
    op.drop_table("guide_articles")
