"""Copies of the index on several nodes: each records how far it applied the outbox; rows every live copy has applied
are deleted, a lagging copy keeps them, and a copy away so long that rows it needed may be gone rebuilds itself."""

from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from app.models.search import SearchOutbox, SearchReplica
from app.models.types import utcnow
from app.search.reindex import current_generation
from app.search.replicas import STALE_AFTER, prune_applied, record_progress, replica_name
from tests.search.conftest import api_search, post, restarted_search, wait_until


def _outbox(session: Session, n: int, age: timedelta = timedelta(hours=1)) -> list[int]:
    rows = [SearchOutbox(key=f"post:{i}", created_at=utcnow() - age) for i in range(n)]
    session.add_all(rows)
    session.commit()
    return [int(row.id or 0) for row in rows]


def _left(session: Session) -> list[int]:
    return [int(i or 0) for i in session.exec(select(SearchOutbox.id).order_by(SearchOutbox.id)).all()]


def test_rows_go_once_every_live_copy_applied_them(session: Session) -> None:
    session.exec(SearchOutbox.__table__.delete())  # type: ignore[attr-defined]
    ids = _outbox(session, 6)
    record_progress(session, "node-a", ids[4])
    record_progress(session, "node-b", ids[1])  # the lagging copy holds the rest back
    assert prune_applied(session, batch=100) == 2 and _left(session) == ids[2:]
    record_progress(session, "node-b", ids[5])
    assert prune_applied(session, batch=2) == 2  # a batch at a time
    assert prune_applied(session, batch=100) == 1 and _left(session) == [ids[5]]
    fresh = _outbox(session, 1, age=timedelta(0))
    record_progress(session, "node-a", fresh[0])
    record_progress(session, "node-b", fresh[0])
    assert prune_applied(session, batch=100) == 1 and _left(session) == fresh  # what changed minutes ago stays


def test_a_copy_away_too_long_no_longer_holds_rows_back(session: Session) -> None:
    session.exec(SearchOutbox.__table__.delete())  # type: ignore[attr-defined]
    ids = _outbox(session, 3)
    record_progress(session, "node-a", ids[2])
    session.add(SearchReplica(name="node-gone", applied_id=0, seen_at=utcnow() - STALE_AFTER - timedelta(hours=1)))
    session.commit()
    assert prune_applied(session, batch=100) == 3


def test_each_index_folder_keeps_its_own_name(tmp_path: Path) -> None:
    first, second = replica_name(tmp_path / "a"), replica_name(tmp_path / "b")
    assert first != second and replica_name(tmp_path / "a") == first


def test_a_copy_back_after_too_long_rebuilds_itself(app, staff_client) -> None:  # type: ignore[no-untyped-def]
    post(staff_client, "Графік щеплень оновлено")
    assert wait_until(lambda: api_search(staff_client, "щеплень")["items"])
    index_dir = Path(app.state.search.index_dir)
    before = current_generation(index_dir)
    app.state.search.stop()
    with Session(app.state.engine) as session:
        replica = session.get(SearchReplica, replica_name(index_dir))
        assert replica is not None  # the indexer said how far it got
        replica.seen_at = utcnow() - STALE_AFTER - timedelta(hours=1)
        session.add(replica)
        session.commit()
    restarted_search(app)
    assert wait_until(lambda: current_generation(index_dir) != before)  # a fresh build, not the old copy
    assert api_search(staff_client, "щеплень")["items"]
