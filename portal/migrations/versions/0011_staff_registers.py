"""staff registers, verification history and user suspension

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('oep_licences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('number_display', sa.String(length=60), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_table('test_sittings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam', sa.String(length=20), nullable=False),
    sa.Column('exam_date', sa.Date(), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=True),
    sa.Column('registration_deadline', sa.Date(), nullable=True),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('test_sittings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_test_sittings_exam_date'), ['exam_date'], unique=False)

    op.create_table('register_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register', sa.String(length=30), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_updates_register'), ['register'], unique=False)

    op.create_table('register_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['update_id'], ['register_updates.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_changes', schema=None) as batch_op:
        batch_op.create_index('ix_register_changes_update', ['update_id'], unique=False)


def downgrade():
    op.drop_table('register_changes')
    op.drop_table('register_updates')
    op.drop_table('test_sittings')
    op.drop_table('oep_licences')
