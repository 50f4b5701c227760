"""The audit log's hash chain: intact after real writes, concurrent ones too; an entry changed, removed or added by
SQL is named by `verify`, by `kolo audit verify` and on the admin's audit page."""

import threading

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.audit_cli import report
from app.models.audit import AuditEvent
from app.services import audit
from app.services.audit_chain import BreakKind, entry_hash, verify


def _write(session: Session, n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        events.append(audit.record(session=session, action="user.updated", subject=f"p{i}@kolo.test", detail={"i": i}))
        session.commit()
    return events


def _ids(session: Session) -> list[int]:
    return [i for i in session.exec(select(AuditEvent.id).order_by(col(AuditEvent.seq))).all() if i is not None]


class TestIntactChain:
    def test_every_write_is_chained_and_verifies(self, session, admin):
        _write(session, 5)
        result = verify(session=session)
        count = len(session.exec(select(AuditEvent)).all())
        assert result.broken is None and result.entries == count >= 6  # with the admin's creation
        assert [e.seq for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))] == list(
            range(1, count + 1)
        )
        assert report(result).startswith(f"Verified {count} entries up to ")

    def test_a_rolled_back_event_leaves_no_gap(self, session):
        audit.record(session=session, action="user.updated")
        session.rollback()
        _write(session, 2)
        assert verify(session=session).broken is None

    def test_concurrent_writers_extend_one_chain(self, app):
        def writer() -> None:
            with Session(app.state.engine) as own:
                _write(own, 10)

        threads = [threading.Thread(target=writer) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with Session(app.state.engine) as session:
            result = verify(session=session)
        assert result.broken is None and result.entries == 60


class TestTampering:
    def test_a_detail_changed_by_sql_is_named(self, session):
        events = _write(session, 4)
        session.execute(text("UPDATE audit_event SET detail = '{\"i\": 99}' WHERE id = :id"), {"id": events[2].id})
        session.commit()
        result = verify(session=session)
        assert result.broken is not None and result.broken.kind == BreakKind.CHANGED
        assert result.broken.event_id == events[2].id and result.entries == 2
        assert f"entry #{events[2].id} " in report(result) and "was changed" in report(result)

    def test_an_entry_rewritten_with_a_new_hash_of_its_own_is_named(self, session):
        events = _write(session, 4)
        target = session.get(AuditEvent, events[1].id)
        assert target is not None
        fields = target.model_dump() | {"subject": "someone-else@kolo.test"}
        forged = entry_hash(fields, target.prev_hash)
        session.execute(
            text("UPDATE audit_event SET subject = :s, entry_hash = :h WHERE id = :id"),
            {"s": fields["subject"], "h": forged, "id": target.id},
        )
        session.commit()
        result = verify(session=session)
        assert result.broken is not None and result.broken.event_id == events[1].id
        assert result.broken.kind == BreakKind.CHANGED and result.entries == 1

    def test_a_removed_entry_is_named_by_its_place_and_the_entry_after_it(self, session):
        events = _write(session, 4)
        (removed_id, removed_seq), after_id = (events[1].id, events[1].seq), events[2].id
        session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": removed_id})
        session.commit()
        result = verify(session=session)
        assert result.broken is not None and result.broken.kind == BreakKind.REMOVED
        assert result.broken.event_id == after_id and result.broken.seq == removed_seq
        assert f"place {removed_seq} in the chain, before entry #{after_id}" in report(result)

    def test_an_entry_inserted_by_sql_is_named(self, session):
        _write(session, 2)
        session.execute(
            text(
                "INSERT INTO audit_event (created_at, action, subject, target_type, ip, detail, prev_hash, entry_hash)"
                " VALUES (CURRENT_TIMESTAMP, 'login.succeeded', 'x@kolo.test', '', '', '{}', '', '')"
            )
        )
        session.commit()
        inserted = session.exec(select(AuditEvent).where(AuditEvent.subject == "x@kolo.test")).one()
        result = verify(session=session)
        assert result.broken is not None and result.broken.kind == BreakKind.UNCHAINED
        assert result.broken.event_id == inserted.id
        assert "added outside Kolo" in report(result)

    def test_an_entry_inserted_with_a_place_in_the_chain_is_named(self, session):
        events = _write(session, 2)
        last = events[-1]
        session.execute(
            text(
                "INSERT INTO audit_event (created_at, action, subject, target_type, ip, detail, seq, prev_hash,"
                " entry_hash) VALUES (CURRENT_TIMESTAMP, 'login.succeeded', 'x@kolo.test', '', '', '{}', :seq, :prev,"
                " :fake)"
            ),
            {"seq": (last.seq or 0) + 1, "prev": last.entry_hash, "fake": "f" * 64},
        )
        session.commit()
        inserted = session.exec(select(AuditEvent).where(AuditEvent.subject == "x@kolo.test")).one()
        result = verify(session=session)
        assert result.broken is not None and result.broken.event_id == inserted.id
        assert result.broken.kind == BreakKind.CHANGED


class TestAuditPage:
    def test_shows_verified_up_to_the_last_entry(self, admin_page):
        page = admin_page.get("/admin/audit")
        assert page.status_code == 200 and "Перевірено до " in page.text and "жоден не змінено" in page.text

    def test_warns_naming_the_first_changed_entry(self, admin_page, session):
        events = _write(session, 3)
        session.execute(text("UPDATE audit_event SET ip = '10.6.6.6' WHERE id = :id"), {"id": events[1].id})
        session.commit()
        page = admin_page.get("/admin/audit")
        assert "Журнал дій пошкоджено" in page.text and f"запис №{events[1].id} " in page.text
        assert "Перевірено до " not in page.text
