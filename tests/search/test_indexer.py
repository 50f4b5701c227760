"""The outbox consumer: near-real-time, ordered, idempotent, one writer per folder, crash-safe."""

from pathlib import Path

import pytest
from sqlmodel import Session

from app.search import indexer as indexer_module
from app.search.index import get_last_applied
from app.search.indexer import Indexer, apply_rows, pending_rows
from app.search.reindex import current_generation
from app.search.runtime import SearchRuntime
from tests.search.conftest import api_search, post, restarted_search, wait_until


def test_a_new_post_is_found_within_seconds(staff_client) -> None:  # type: ignore[no-untyped-def]
    created = post(staff_client, "Нова порада про гігієну рук у відділенні")
    found = wait_until(lambda: api_search(staff_client, "гігієна рук")["items"], timeout=2.0)
    assert found[0]["id"] == created["id"] and found[0]["type"] == "post"


def test_a_new_article_is_found_within_seconds(client, manager_client) -> None:  # type: ignore[no-untyped-def]
    article = manager_client.post("/api/v1/articles", json={"title": "Протокол стерилізації", "body": "Автоклав."})
    assert article.status_code == 201
    found = wait_until(lambda: api_search(manager_client, "стерилізація", type="article")["items"], timeout=2.0)
    assert found[0]["id"] == article.json()["id"]


def test_updated_and_deleted_posts_are_never_returned_twice_or_after_deletion(staff_client, wait_indexed) -> None:  # type: ignore[no-untyped-def]
    created = post(staff_client, "Чернетка правила про халати")
    for n in range(5):
        response = staff_client.patch(f"/api/v1/posts/{created['id']}", json={"body": f"Правило про халати версія {n}"})
        assert response.status_code == 200, response.text
    wait_indexed()
    items = api_search(staff_client, "халати")["items"]
    assert [i["id"] for i in items] == [created["id"]] and "версія" in items[0]["snippet"]
    assert "4" in items[0]["title"]
    assert staff_client.delete(f"/api/v1/posts/{created['id']}").status_code in (200, 204)
    wait_indexed()
    assert api_search(staff_client, "халати")["items"] == []


def test_replaying_the_outbox_is_idempotent(app, staff_client, wait_indexed) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        post(staff_client, f"Порада номер {n} про щеплення")
    wait_indexed()
    ix = app.state.search.index()
    with Session(app.state.engine) as session:
        rows = pending_rows(session, 0)
        apply_rows(ix, session, rows)
        apply_rows(ix, session, rows)
    body = api_search(staff_client, "щеплення")
    assert body["total"] == 3 and len({i["id"] for i in body["items"]}) == 3


def test_two_indexers_on_one_folder_never_both_write(app, client) -> None:  # type: ignore[no-untyped-def]
    runtime = app.state.search
    wait_until(lambda: runtime.indexer.is_leader)
    second = Indexer(SearchRuntime(index_dir=runtime.index_dir, engine=app.state.engine))
    second.start()
    try:
        assert second._try_lock() is False and not second.is_leader
        runtime.indexer.stop()  # the leader dies: the other takes over
        wait_until(lambda: second.is_leader)
    finally:
        second.stop()


def test_a_crash_mid_batch_loses_nothing(app, staff_client, wait_indexed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    wait_indexed()
    runtime = app.state.search
    runtime.indexer.stop()
    calls = {"n": 0}
    real = indexer_module.add_documents

    def crash_on_first_batch(w, docs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            real(w, list(docs)[:1])
            raise RuntimeError("power cut")
        return real(w, docs)

    monkeypatch.setattr(indexer_module, "add_documents", crash_on_first_batch)
    for n in range(4):
        post(staff_client, f"Інструкція {n} для чергування")
    before = get_last_applied(runtime.index())
    with pytest.raises(RuntimeError):
        Indexer(runtime).step()
    assert get_last_applied(runtime.index()) == before  # the half-written batch was never committed
    restarted = Indexer(runtime)
    restarted.start()
    try:
        wait_indexed()
        assert api_search(staff_client, "чергування")["total"] == 4
    finally:
        restarted.stop()


def test_a_corrupt_index_is_detected_answers_degraded_and_is_rebuilt(
    app,
    settings,
    staff_client,  # type: ignore[no-untyped-def]
    wait_indexed,
    held_rebuild,
) -> None:
    post(staff_client, "Протокол дій під час тривоги")
    wait_indexed()
    app.state.search.stop()
    generation = current_generation(Path(settings.index_dir))
    assert generation is not None
    for toc in generation.glob("*.toc"):
        toc.write_bytes(b"\x00garbage")
    restarted_search(app)
    body = api_search(staff_client, "тривога")
    assert body["degraded"] is True and body["items"] == []
    page = staff_client.get("/search", params={"q": "тривога"})
    assert page.status_code == 200 and "notice warning" in page.text
    held_rebuild.set()
    found = wait_until(lambda: api_search(staff_client, "тривога")["items"])
    assert found[0]["type"] == "post"


def test_a_missing_index_is_rebuilt_from_the_database(app, settings, staff_client, wait_indexed) -> None:  # type: ignore[no-untyped-def]
    post(staff_client, "Графік вакцинації персоналу")
    wait_indexed()
    last = get_last_applied(app.state.search.index())
    app.state.search.stop()
    (Path(settings.index_dir) / "CURRENT").unlink()
    runtime = restarted_search(app)
    assert wait_until(lambda: api_search(staff_client, "вакцинація")["items"])
    assert get_last_applied(runtime.index()) == last > 0
