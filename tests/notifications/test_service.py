"""Rules of notify(): no self-notification, batching by unread batch_key, read marks."""

from sqlmodel import Session

from app.services import notifications as notifications_service
from tests.factories import make_user


def _notify(session: Session, actor, recipients, batch_key=None) -> None:  # type: ignore[no-untyped-def]
    notifications_service.notify(
        session=session,
        recipient_ids=recipients,
        kind="reaction",
        actor=actor,
        url="/posts/1",
        message="{actor} reacted to your post",
        batch_key=batch_key,
    )
    session.commit()


class TestNotify:
    def test_never_notifies_the_actor(self, session: Session, staff, manager) -> None:  # type: ignore[no-untyped-def]
        _notify(session, staff, [staff.id, manager.id])
        assert notifications_service.unread_count(session=session, user=staff) == 0
        assert notifications_service.unread_count(session=session, user=manager) == 1

    def test_same_unread_batch_key_counts_up(self, session: Session, staff, manager) -> None:  # type: ignore[no-untyped-def]
        other = make_user(session, email="other@kolo.test", name="Іваненко Петро")
        _notify(session, staff, [manager.id], batch_key="reactions:post:1")
        _notify(session, other, [manager.id], batch_key="reactions:post:1")
        rows, _ = notifications_service.list_notifications(session=session, user=manager)
        assert len(rows) == 1 and rows[0].count == 2 and rows[0].actor_id == other.id

    def test_read_batch_starts_a_new_row(self, session: Session, staff, manager) -> None:  # type: ignore[no-untyped-def]
        _notify(session, staff, [manager.id], batch_key="reactions:post:1")
        notifications_service.mark_all_read(session=session, user=manager)
        _notify(session, staff, [manager.id], batch_key="reactions:post:1")
        rows, _ = notifications_service.list_notifications(session=session, user=manager)
        assert [r.read_at is None for r in rows] == [True, False]

    def test_text_is_translated_with_the_actor(self, session: Session, staff, manager) -> None:  # type: ignore[no-untyped-def]
        _notify(session, staff, [manager.id])
        rows, _ = notifications_service.list_notifications(session=session, user=manager)
        public = notifications_service.to_public(rows[0], language="en", actor_name=staff.name)
        assert public.text == f"{staff.name} reacted to your post"
