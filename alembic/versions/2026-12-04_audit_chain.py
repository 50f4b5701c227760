"""audit chain: each audit entry's place in the chain, the hash of the entry before it and its own; the entries
already written are chained in the order they were written

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from app.models.types import UTCDateTime
from app.services.audit_chain import GENESIS, HASHED_FIELDS, entry_hash

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The table as this revision knows it (not the model, which later revisions may change).
audit_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer()),
    sa.column("created_at", UTCDateTime()),
    sa.column("actor_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("subject", sa.String()),
    sa.column("target_type", sa.String()),
    sa.column("target_id", sa.Integer()),
    sa.column("ip", sa.String()),
    sa.column("detail", sa.JSON()),
    sa.column("seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("entry_hash", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("entry_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default="")
        )
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_seq"), ["seq"])
    _chain_existing()


def _chain_existing() -> None:
    """Chain the entries written so far in the order of their ids (the order they were written in)."""
    conn = op.get_bind()
    fields = [audit_event.c[name] for name in HASHED_FIELDS if name != "seq"]
    rows = conn.execute(sa.select(*fields).order_by(audit_event.c.id)).all()
    prev_hash = GENESIS
    for seq, row in enumerate(rows, start=1):
        digest = entry_hash({**row._mapping, "seq": seq}, prev_hash)
        conn.execute(
            audit_event.update()
            .where(audit_event.c.id == row.id)
            .values(seq=seq, prev_hash=prev_hash, entry_hash=digest)
        )
        prev_hash = digest


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_seq"), type_="unique")
        batch_op.drop_column("entry_hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
