"""Search fixtures: wait until the indexer has applied the outbox, then search through the API."""

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.models.search import SearchOutbox
from app.search import indexer as indexer_module
from app.search.index import get_last_applied
from app.search.runtime import SearchRuntime

WAIT_SECONDS = 10.0


def wait_until(check: Callable[[], Any], timeout: float = WAIT_SECONDS, every: float = 0.02) -> Any:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            assert result, f"still not true after {timeout} s"
            return result
        time.sleep(every)


def is_indexed(app: Any) -> bool:
    """Whether the index exists and has applied every outbox row."""
    runtime = app.state.search
    ix = runtime.index()
    if ix is None:
        return False
    with Session(app.state.engine) as session:
        last = session.exec(select(func.max(SearchOutbox.id))).one() or 0
    return get_last_applied(ix) >= last


@pytest.fixture
def wait_indexed(app: Any) -> Callable[[], None]:
    """Call it to wait until the indexer has caught up with everything written so far."""

    def wait() -> None:
        wait_until(lambda: is_indexed(app))

    return wait


@pytest.fixture
def index_ready(app: Any, client: TestClient) -> None:
    """Wait until the started app has built its (empty) index: until then search answers "degraded", and a
    degraded search is neither logged nor counted."""
    wait_until(lambda: app.state.search.index() is not None)


@pytest.fixture
def held_rebuild(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The indexer's rebuild waits (up to 10 s) until the test sets the event: the test sees search while it runs."""
    release = threading.Event()
    real_rebuild = indexer_module.rebuild

    def held(**kwargs: Any) -> Any:
        release.wait(10)
        return real_rebuild(**kwargs)

    monkeypatch.setattr(indexer_module, "rebuild", held)
    yield release
    release.set()


def restarted_search(app: Any) -> SearchRuntime:
    """Open the index folder again as a restarted server would (the app's shutdown stops this runtime)."""
    runtime = app.state.search = SearchRuntime(index_dir=app.state.search.index_dir, engine=app.state.engine)
    runtime.start(start_indexer=True)
    return runtime


def api_search(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    """GET /api/v1/search and return its JSON (asserting 200)."""
    response = client.get("/api/v1/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return response.json()


def post(client: TestClient, body: str, **fields: Any) -> dict[str, Any]:
    """Create a post through the API."""
    response = client.post("/api/v1/posts", json={"body": body, "kind": "tip", **fields})
    assert response.status_code == 201, response.text
    return response.json()
