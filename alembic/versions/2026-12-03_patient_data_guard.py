"""patient-data guard: an institution's own patterns, staff work phones (never findings), and earlier post versions
that looked like patient data (only admins see them)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patient_data_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("pattern", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_patient_data_rule_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_data_rule")),
        sa.UniqueConstraint("name", name=op.f("uq_patient_data_rule_name")),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("work_phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default="")
        )
    with op.batch_alter_table("post_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("patient_data", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("post_revision", schema=None) as batch_op:
        batch_op.drop_column("patient_data")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("work_phone")
    op.drop_table("patient_data_rule")
