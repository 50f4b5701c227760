"""`kolo demo` adds a realistic feed once."""

from sqlmodel import Session, func, select

from app.demo import load_demo
from app.models.feed import Post, Rsvp


def test_demo_feed_is_loaded_once(session: Session) -> None:
    load_demo(session)
    load_demo(session)
    assert session.exec(select(func.count()).select_from(Post)).one() == 8
    assert session.exec(select(func.count()).select_from(Rsvp).where(Rsvp.status == "waitlisted")).one() == 1
    first = session.exec(select(Post).order_by(Post.id)).first()
    assert first is not None and "Коло" in first.body and first.pinned_at is not None
