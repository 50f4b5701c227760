"""feed

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:57:59.162013
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("batch_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_notification_actor_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["user.id"], name=op.f("fk_notification_recipient_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_batch_key"), ["batch_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_notification_recipient_id"), ["recipient_id"], unique=False)

    op.create_table(
        "upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("stored_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("target_key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_upload_owner_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_upload_stored_name")),
    )
    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_upload_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_upload_target_key"), ["target_key"], unique=False)

    op.create_table(
        "post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("must_read", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pinned_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_post_author_id_user")),
        sa.ForeignKeyConstraint(["deleted_by_id"], ["user.id"], name=op.f("fk_post_deleted_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post")),
    )
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_post_kind"), ["kind"], unique=False)

    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_comment_author_id_user")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["comment.id"], name=op.f("fk_comment_parent_id_comment"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_comment_post_id_post"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comment_post_id"), ["post_id"], unique=False)

    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_event_post_id_post"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("post_id", name=op.f("uq_event_post_id")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "post_department",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_post_department_department_id_department"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_post_department_post_id_post"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("post_id", "department_id", name=op.f("pk_post_department")),
    )
    with op.batch_alter_table("post_department", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_department_department_id"), ["department_id"], unique=False)

    op.create_table(
        "post_read",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_post_read_post_id_post"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_post_read_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id", "user_id", name=op.f("pk_post_read")),
    )
    op.create_table(
        "post_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["editor_id"], ["user.id"], name=op.f("fk_post_revision_editor_id_user")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_post_revision_post_id_post"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_revision")),
    )
    with op.batch_alter_table("post_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_revision_post_id"), ["post_id"], unique=False)

    op.create_table(
        "post_tag",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_post_tag_post_id_post"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id", "tag", name=op.f("pk_post_tag")),
    )
    with op.batch_alter_table("post_tag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_tag_tag"), ["tag"], unique=False)

    op.create_table(
        "reaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("emoji", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name=op.f("fk_reaction_post_id_post"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_reaction_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reaction")),
        sa.UniqueConstraint("post_id", "user_id", "emoji", name=op.f("uq_reaction_post_id")),
    )
    with op.batch_alter_table("reaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reaction_post_id"), ["post_id"], unique=False)

    op.create_table(
        "rsvp",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], name=op.f("fk_rsvp_event_id_event"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_rsvp_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_rsvp")),
    )
    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rsvp_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rsvp_updated_at"))

    op.drop_table("rsvp")
    with op.batch_alter_table("reaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reaction_post_id"))

    op.drop_table("reaction")
    with op.batch_alter_table("post_tag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_tag_tag"))

    op.drop_table("post_tag")
    with op.batch_alter_table("post_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_revision_post_id"))

    op.drop_table("post_revision")
    op.drop_table("post_read")
    with op.batch_alter_table("post_department", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_department_department_id"))

    op.drop_table("post_department")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_starts_at"))

    op.drop_table("event")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_post_id"))
        batch_op.drop_index(batch_op.f("ix_comment_author_id"))

    op.drop_table("comment")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_kind"))
        batch_op.drop_index(batch_op.f("ix_post_created_at"))
        batch_op.drop_index(batch_op.f("ix_post_author_id"))

    op.drop_table("post")

    with op.batch_alter_table("upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_upload_target_key"))
        batch_op.drop_index(batch_op.f("ix_upload_owner_id"))

    op.drop_table("upload")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_notification_batch_key"))

    op.drop_table("notification")
