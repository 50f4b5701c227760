"""Two Kolo nodes on one PostgreSQL (one of them with two workers), each with its own copy of the search index fed
from the outbox: what is written on one is found on the other, a node started with an empty index catches up by
itself, a session opened on one is valid on the other, and each copy records how far it got."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from app.models.search import SearchReplica
from app.models.users import User
from tests.conftest import PG_URL
from tests.factories import PASSWORD, make_token
from tests.search.conftest import wait_until

pytestmark = pytest.mark.skipif(not PG_URL, reason="nodes share a PostgreSQL database (KOLO_TEST_DATABASE_URL)")
KOLO = str(Path(sys.executable).parent / "kolo")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(base: str, path: str, headers: dict[str, str], body: Any = None) -> tuple[int, Any, dict[str, str]]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", **headers}
    request = urllib.request.Request(base + path, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null"), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, None, dict(error.headers)


def _up(base: str) -> bool:
    try:
        return _call(base, "/healthz", {})[0] == 200
    except OSError:  # not listening yet
        return False


@contextmanager
def _node(database_url: str, data_dir: Path, index_dir: Path, workers: int = 1) -> Iterator[str]:
    """`kolo serve --workers N` on the shared database and data folder with its own index folder; its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "KOLO_DATABASE_URL": database_url,
        "KOLO_DATA_DIR": str(data_dir),
        "KOLO_INDEX_DIR": str(index_dir),
        "KOLO_SECRET_KEY": "two-nodes-share-this-secret-0123456789abcdef",
    }
    log = (index_dir.parent / f"{index_dir.name}.log").open("w")
    command = [KOLO, "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _up(base), timeout=60)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _finds(base: str, headers: dict[str, str], word: str) -> bool:
    status, page, _ = _call(base, f"/api/v1/search?q={urllib.parse.quote(word)}", headers)
    return status == 200 and bool(page["items"])


def test_two_nodes_share_content_search_and_sessions(
    database_url: str, session: Session, staff: User, tmp_path: Path
) -> None:
    headers = make_token(session, staff)
    data_dir = tmp_path / "shared-data"
    with _node(database_url, data_dir, tmp_path / "index-a") as a:
        status, first, _ = _call(a, "/api/v1/posts", headers, {"body": "Нарада щодо ротавірусу в п'ятницю"})
        assert status == 201
        with _node(database_url, data_dir, tmp_path / "index-b", workers=2) as b:
            # B began with no index: it builds its own from the database, and then each of its workers finds
            # what A had written
            assert wait_until(lambda: all(_finds(b, headers, "ротавірус") for _ in range(8)), timeout=60)

            status, second, _ = _call(b, "/api/v1/posts", headers, {"body": "Інструктаж з дезінфекції ендоскопів"})
            assert status == 201
            written = time.monotonic()
            assert wait_until(lambda: _finds(a, headers, "ендоскопів"), timeout=10)
            print(f"written on B, found on A after {time.monotonic() - written:.2f} s")

            # a session opened on A is valid on B
            login = _call(a, "/api/v1/auth/login", {}, {"email": staff.email, "password": PASSWORD})
            cookie = login[2]["set-cookie"].split(";", 1)[0]
            status, me, _ = _call(b, "/api/v1/users/me", {"Cookie": cookie})
            assert status == 200 and me["email"] == staff.email

        with Session(session.get_bind()) as check:
            replicas = check.exec(select(SearchReplica)).all()
        assert len(replicas) == 2 and all(r.applied_id >= 1 for r in replicas)  # each copy said how far it got
