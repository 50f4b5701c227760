"""onboarding "not yet": a mentor (or the person met) answers a sign-off or meeting request with a comment instead
of confirming it; the task keeps the last answer, when and by whom

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("onboarding_assigned_task", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answered_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_onboarding_assigned_task_answered_by_id_user"),
            "user",
            ["answered_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("onboarding_assigned_task", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_onboarding_assigned_task_answered_by_id_user"), type_="foreignkey")
        batch_op.drop_column("answered_by_id")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("answer")
