"""search log lemmas: each logged search's group key (its lemmas, how the content-gap report groups queries) and
whether its results were shown; the searches already logged get their key, and count as shown when they found
something (as the report counted them until now)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from app.services.search.gaps import group_key

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The table as this revision knows it (not the model, which later revisions may change).
search_query_log = sa.table(
    "search_query_log",
    sa.column("id", sa.Integer()),
    sa.column("text", sa.String()),
    sa.column("result_count", sa.Integer()),
    sa.column("lemma_key", sa.String()),
    sa.column("shown", sa.Boolean()),
)


def upgrade() -> None:
    with op.batch_alter_table("search_query_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lemma_key", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("shown", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f("ix_search_query_log_lemma_key"), ["lemma_key"], unique=False)
    _key_existing()


def _key_existing() -> None:
    """Give every search logged so far its group key; one that found something was shown (no gap is lost)."""
    conn = op.get_bind()
    conn.execute(search_query_log.update().values(shown=search_query_log.c.result_count > 0))
    texts = conn.execute(sa.select(search_query_log.c.text).distinct()).scalars().all()
    for text in texts:
        conn.execute(search_query_log.update().where(search_query_log.c.text == text).values(lemma_key=group_key(text)))


def downgrade() -> None:
    with op.batch_alter_table("search_query_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_query_log_lemma_key"))
        batch_op.drop_column("shown")
        batch_op.drop_column("lemma_key")
