"""comment reactions: the post reactions' emoji, one of each per person, on comments

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 16:39:04.882922
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment_reaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("emoji", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comment.id"], name=op.f("fk_comment_reaction_comment_id_comment"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_comment_reaction_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_reaction")),
        sa.UniqueConstraint("comment_id", "user_id", "emoji", name=op.f("uq_comment_reaction_comment_id")),
    )
    with op.batch_alter_table("comment_reaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_reaction_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("comment_reaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_reaction_user_id"))

    op.drop_table("comment_reaction")
