"""Downloading one's own data: a zip with `data.json` (for machines), `data.md` (for people) and the files one
uploaded under `files/`."""

import io
import json
import zipfile
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from app.config import Settings
from app.i18n import N_, gettext
from app.models.feed import Comment, CommentReaction, Post, PostRevision, Reaction, Rsvp
from app.models.kb import KbAcknowledgement, KbArticle
from app.models.notifications import Notification
from app.models.onboarding import OnboardingAssignedTask, OnboardingAssignment
from app.models.types import utcnow
from app.models.uploads import Upload
from app.models.users import User
from app.services import audit
from app.services import users as users_service
from app.services.uploads import file_path

PRIVATE_FIELDS = {"password_hash", "stored_name", "html"}  # secrets, and a rendering of a text already included
SECTIONS = {
    "profile": N_("Profile"),
    "posts": N_("Posts"),
    "post_versions": N_("Earlier versions of posts"),
    "comments": N_("Comments"),
    "reactions": N_("Reactions"),
    "acknowledgements": N_("Acknowledged articles"),
    "rsvps": N_("Event RSVPs"),
    "onboarding_plans": N_("Onboarding plans"),
    "onboarding_tasks": N_("Onboarding tasks"),
    "notifications": N_("Notifications"),
    "uploads": N_("Uploaded files"),
}


def _rows(rows: Sequence[SQLModel]) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in row.model_dump(mode="json", warnings=False).items() if k not in PRIVATE_FIELDS}
        for row in rows
    ]


def collect(*, session: Session, user: User) -> dict[str, list[dict[str, Any]]]:
    """Everything Kolo holds about `user`, section by section, as JSON-ready rows."""
    post_ids = list(session.exec(select(Post.id).where(Post.author_id == user.id)).all())
    plans = session.exec(select(OnboardingAssignment).where(OnboardingAssignment.user_id == user.id)).all()
    acknowledgements = session.exec(
        select(KbAcknowledgement, KbArticle.title).join(KbArticle).where(KbAcknowledgement.user_id == user.id)
    ).all()
    profile = _rows([user])[0] | {
        "departments": users_service.department_names_by_user(session=session, user_ids=[user.id or 0]).get(
            user.id or 0, []
        )
    }
    return {
        "profile": [profile],
        "posts": _rows(session.exec(select(Post).where(col(Post.id).in_(post_ids))).all()),
        "post_versions": _rows(session.exec(select(PostRevision).where(col(PostRevision.post_id).in_(post_ids))).all()),
        "comments": _rows(session.exec(select(Comment).where(Comment.author_id == user.id)).all()),
        "reactions": _rows(session.exec(select(Reaction).where(Reaction.user_id == user.id)).all())
        + _rows(session.exec(select(CommentReaction).where(CommentReaction.user_id == user.id)).all()),
        "acknowledgements": [_rows([ack])[0] | {"article_title": title} for ack, title in acknowledgements],
        "rsvps": _rows(session.exec(select(Rsvp).where(Rsvp.user_id == user.id)).all()),
        "onboarding_plans": _rows(plans),
        "onboarding_tasks": _rows(
            session.exec(
                select(OnboardingAssignedTask).where(
                    col(OnboardingAssignedTask.assignment_id).in_([p.id for p in plans])
                )
            ).all()
        ),
        "notifications": _rows(session.exec(select(Notification).where(Notification.recipient_id == user.id)).all()),
        "uploads": _rows(session.exec(select(Upload).where(Upload.owner_id == user.id)).all()),
    }


def _markdown(data: dict[str, list[dict[str, Any]]], language: str, name: str) -> str:
    lines = [f"# {gettext(language, N_('Your data in Kolo: {name}'), name=name)}", ""]
    for section, title in SECTIONS.items():
        rows = data[section]
        lines += [f"## {gettext(language, title)} ({len(rows)})", ""]
        for row in rows:
            fields = [(k, v) for k, v in row.items() if v not in (None, "", [], {})]
            lines += [
                f"- **{k}**: {_inline(v)}" if i == 0 else f"  - **{k}**: {_inline(v)}"
                for i, (k, v) in enumerate(fields)
            ]
        lines.append("")
    return "\n".join(lines)


def _inline(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.replace("\n", " ⏎ ")


def export_zip(*, session: Session, settings: Settings, user: User, ip: str = "") -> bytes:
    """The person's own data as a zip (JSON, Markdown and their uploaded files); audited as `account.exported`."""
    data = collect(session=session, user=user)
    language = str(user.language or settings.default_language)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("data.md", _markdown(data, language, user.name))
        for upload in session.exec(select(Upload).where(Upload.owner_id == user.id)).all():
            path = file_path(settings=settings, upload=upload)
            if path.is_file():
                archive.write(path, f"files/{upload.id}-{upload.filename}")
    audit.record(
        session=session,
        action="account.exported",
        actor=user,
        subject=user.email,
        target_type="user",
        target_id=user.id,
        ip=ip,
        detail={section: len(rows) for section, rows in data.items()},
    )
    session.commit()
    return buffer.getvalue()


def export_filename(user: User) -> str:
    """The download's name: the handle and today's date."""
    return f"kolo-{user.handle}-{utcnow().date().isoformat()}.zip"
