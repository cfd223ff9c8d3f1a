"""One organisation per corporate number; structured offers checked against the ad

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 19:30:00

Corporate numbers are normalised (full-width digits, spaces and dashes as people typed them). Where
two organisations already gave the same number, the one staff verified (else the oldest) keeps it;
the others keep theirs in `corporate_number_clash`, which staff see in the verification queue.
Then the number is unique. `organisations` is referenced by other tables: it gains a column and an
index without a batch rebuild.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def _separate_duplicates() -> None:
    from portal.accounts.identifiers import normalise_identifier

    connection = op.get_bind()
    organisations = sa.table("organisations", sa.column("id", sa.Integer), sa.column("status", sa.String),
                             sa.column("corporate_number", sa.String),
                             sa.column("corporate_number_clash", sa.String))
    rows = connection.execute(sa.select(organisations.c.id, organisations.c.status, organisations.c.corporate_number)
                              .where(organisations.c.corporate_number.is_not(None))
                              .order_by(organisations.c.id)).all()
    holders: dict[str, list] = {}
    for row in rows:
        number = normalise_identifier(row.corporate_number)
        if number:
            holders.setdefault(number, []).append(row)
        if number != row.corporate_number:
            connection.execute(organisations.update().where(organisations.c.id == row.id)
                               .values(corporate_number=None if number is None else number[:13]))
    for number, group in holders.items():
        if len(group) < 2:
            continue
        keeper = next((row for row in group if row.status == "verified"), group[0])
        for row in group:
            if row.id != keeper.id:
                connection.execute(organisations.update().where(organisations.c.id == row.id)
                                   .values(corporate_number=None, corporate_number_clash=number[:13]))


def upgrade():
    op.add_column("organisations", sa.Column("corporate_number_clash", sa.String(13), nullable=True))
    _separate_duplicates()
    op.create_index("uq_organisations_corporate_number", "organisations", ["corporate_number"], unique=True)

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("applications.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("monthly_pay", sa.Integer(), nullable=False),
        sa.Column("housing", sa.Integer(), nullable=False),
        sa.Column("utilities", sa.Integer(), nullable=False),
        sa.Column("meals", sa.Integer(), nullable=False),
        sa.Column("other", sa.Integer(), nullable=False),
        sa.Column("other_label", sa.String(200), nullable=True),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("days_off_per_year", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("contract_months", sa.Integer(), nullable=False),
        sa.Column("differences", sa.JSON(), nullable=False),
        sa.Column("lowers_take_home", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_offers_lowers_take_home", "offers", ["lowers_take_home"])


def downgrade():
    op.drop_index("ix_offers_lowers_take_home", table_name="offers")
    op.drop_table("offers")
    op.drop_index("uq_organisations_corporate_number", table_name="organisations")
    op.drop_column("organisations", "corporate_number_clash")  # SQLite ≥ 3.35 drops a column in place
