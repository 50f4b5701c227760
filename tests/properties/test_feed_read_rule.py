"""Feed: who reads a post (and its comments and event) is the same in every copy of the rule: `can_read_post`, its
SQL twin `readable_clause`, the index keys `index_keys` against `reader_keys`, and the adapters' `readable_ids`.
Deleted posts and comments are not in the index at all."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from app.models.feed import Comment, Event, EventFormat, Post, PostDepartment, PostKind
from app.models.users import User
from app.services import users as users_service
from app.services.feed import access
from app.services.feed.search import CommentSource, EventSource, PostSource
from app.services.search.keys import reader_keys
from tests.properties.world import PROPERTY, add_people, department_sets, finds, people

posts = st.lists(
    st.fixed_dictionaries(
        {
            "author": st.integers(0, 4),  # an index into the people (modulo), or one more: someone else
            "audience": department_sets,
            "deleted": st.booleans(),
            "comment_deleted": st.booleans(),
            "event": st.booleans(),  # an event's post is found as the event, never as a post of its own
        }
    ),
    min_size=1,
    max_size=3,
)


def _write(
    session: Session, drawn: dict, authors: list[User], departments: list[int]
) -> tuple[Post, Comment, Event | None]:
    author = authors[drawn["author"] % len(authors)]
    now = datetime.now(UTC)
    post = Post(
        author_id=author.id,  # type: ignore[arg-type]
        kind=PostKind.event if drawn["event"] else PostKind.tip,
        body="Семінар з гігієни рук",
        html="<p>Семінар з гігієни рук</p>",
        deleted_at=now if drawn["deleted"] else None,
    )
    session.add(post)
    session.flush()
    for i in sorted(drawn["audience"]):
        session.add(PostDepartment(post_id=post.id, department_id=departments[i]))  # type: ignore[arg-type]
    comment = Comment(
        post_id=post.id,  # type: ignore[arg-type]
        author_id=author.id,  # type: ignore[arg-type]
        body="Дякую",
        html="<p>Дякую</p>",
        deleted_at=now if drawn["comment_deleted"] else None,
    )
    event = (
        Event(
            post_id=post.id,  # type: ignore[arg-type]
            title="Семінар",
            format=EventFormat.seminar,
            starts_at=now + timedelta(days=1),
            ends_at=now + timedelta(days=1, hours=1),
        )
        if drawn["event"]
        else None
    )
    session.add_all([comment, *([event] if event else [])])
    session.flush()
    return post, comment, event


@PROPERTY
@given(readers=people, content=posts, outsider_writes=st.booleans())
def test_every_copy_of_the_post_read_rule_agrees(session, departments, readers, content, outsider_writes) -> None:  # type: ignore[no-untyped-def]
    users = add_people(session, readers, departments)
    # the author is one of the readers, or (drawn) somebody who is none of them
    authors = users + add_people(session, [readers[0]], departments) if outsider_writes else users
    written = [(drawn, *_write(session, drawn, authors, departments)) for drawn in content]
    session.flush()  # the adapters read through this session: no commit (and no reloading every row after it)
    ids = {
        "post": [p.id for _d, p, _c, _e in written],
        "comment": [c.id for _d, _p, c, _e in written],
        "event": [e.id for _d, _p, _c, e in written if e is not None],
    }
    sources = {"post": PostSource(), "comment": CommentSource(), "event": EventSource()}
    # what the index holds: documents do not depend on the reader
    loaded = {kind: {doc.key: doc for doc in sources[kind].load(session, ids[kind])} for kind in sources}
    audiences = {p.id: access.department_ids_of_post(session=session, post_id=p.id) for _d, p, _c, _e in written}  # type: ignore[arg-type]
    for user in users:
        mine = users_service.department_ids_of(session=session, user=user)
        readable = {kind: sources[kind].readable_ids(session, user, ids[kind]) for kind in sources}  # type: ignore[arg-type]
        clause = access.readable_clause(user=user, department_ids=mine)
        by_sql = set(session.exec(select(Post.id).where(col(Post.id).in_(ids["post"]), clause)).all())
        for drawn, post, comment, event in written:
            audience = audiences[post.id]
            rule = access.can_read_post(user=user, post=post, audience=audience, user_departments=mine)
            why = f"{user.role} of {sorted(mine)}, author={post.author_id == user.id}, {drawn}"
            assert (post.id in by_sql) == rule, f"SQL clause disagrees: {why}"
            expected = {"post": rule, "event": rule, "comment": rule and comment.deleted_at is None}
            live = post.deleted_at is None
            indexed = {"post": live and event is None, "event": live, "comment": live and comment.deleted_at is None}
            for kind, row in (("post", post), ("comment", comment), ("event", event)):
                if row is None:
                    continue
                assert (row.id in readable[kind]) == expected[kind], f"readable_ids of the {kind}: {why}"
                doc = loaded[kind].get(f"{kind}:{row.id}")
                if not indexed[kind]:
                    assert doc is None, f"a deleted {kind} is loaded into the index: {why}"
                    continue
                assert doc is not None and doc.visibility == access.index_keys(post, audience)
                assert finds(session, user, doc.visibility) == expected[kind], f"index keys of the {kind}: {why}"


def test_nobody_signed_in_reads_nothing(session, departments) -> None:  # type: ignore[no-untyped-def]
    (author,) = add_people(session, [("staff", frozenset())], departments)
    post, comment, event = _write(
        session,
        {"author": 0, "audience": frozenset(), "deleted": False, "comment_deleted": False, "event": True},
        [author],
        [],
    )
    assert event is not None
    session.commit()
    for source, key in ((PostSource(), post.id), (CommentSource(), comment.id), (EventSource(), event.id)):
        assert source.readable_ids(session, None, [key]) == set()  # type: ignore[list-item]
    assert reader_keys(None, []) == []
