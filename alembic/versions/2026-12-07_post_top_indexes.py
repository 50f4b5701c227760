"""post top indexes: the feed's head (unread must-read announcements, active pins) and one's own recent deletions
are found through indexes of the few such posts, not by reading every post

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PINNED = sa.text("pinned_at IS NOT NULL")
DELETED = sa.text("deleted_at IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_post_must_read", "post", ["must_read"])
    op.create_index("ix_post_pinned", "post", ["id"], sqlite_where=PINNED, postgresql_where=PINNED)
    op.create_index(
        "ix_post_deleted", "post", ["deleted_by_id", "deleted_at"], sqlite_where=DELETED, postgresql_where=DELETED
    )


def downgrade() -> None:
    op.drop_index("ix_post_deleted", table_name="post")
    op.drop_index("ix_post_pinned", table_name="post")
    op.drop_index("ix_post_must_read", table_name="post")
