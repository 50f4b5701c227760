"""Faults of a hospital's server room: a damaged or deleted search index, a lock left by a killed process, a full
disk, PostgreSQL restarted under load. Kolo answers each with a clear message, never a stack trace, and recovers by
itself once the cause is gone."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.main import create_app
from app.migrations import upgrade
from app.search.indexer import LOCK_FILE
from app.search.reindex import current_generation
from app.search.runtime import SearchRuntime
from tests.conftest import sign_in
from tests.factories import make_user

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DEGRADED = "Пошук тимчасово працює обмежено"
DISK_FULL = "Диск сервера заповнений"
DATABASE_DOWN = "Коло зараз не може з’єднатися зі своєю базою даних"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, f"still not true after {timeout} s"
        time.sleep(0.05)
    return result


def found(client: TestClient, q: str) -> list[dict[str, Any]]:
    """The items a search finds (asserting a clear 200 answer, degraded or not)."""
    response = client.get("/api/v1/search", params={"q": q})
    assert response.status_code == 200 and "Traceback" not in response.text, response.text
    return list(response.json()["items"])


def post(client: TestClient, body: str) -> None:
    """Write a post through the API."""
    response = client.post("/api/v1/posts", json={"body": body})
    assert response.status_code == 201, response.text


def restart_search(app: Any) -> SearchRuntime:
    """Open the index folder again as a restarted server would (the app's shutdown stops this runtime)."""
    app.state.search.stop()
    runtime = app.state.search = SearchRuntime(index_dir=app.state.search.index_dir, engine=app.state.engine)
    runtime.start(start_indexer=True)
    return runtime


class TestSearchIndex:
    def test_segments_damaged_while_serving_answer_degraded_then_rebuild(self, app, settings, staff_client) -> None:  # type: ignore[no-untyped-def]
        post(staff_client, "Протокол дій під час тривоги")
        eventually(lambda: found(staff_client, "тривога"))
        generation = current_generation(Path(settings.index_dir))
        assert generation is not None
        for segment in generation.glob("*.seg"):
            with segment.open("r+b") as damaged:  # the same inode the open searcher reads
                damaged.write(b"\xff" * segment.stat().st_size)
        page = staff_client.get("/search", params={"q": "тривога"})
        assert page.status_code == 200 and "Traceback" not in page.text
        eventually(lambda: found(staff_client, "тривога"))
        assert current_generation(Path(settings.index_dir)) != generation

    def test_a_deleted_index_folder_answers_degraded_then_rebuilds(self, app, settings, staff_client) -> None:  # type: ignore[no-untyped-def]
        post(staff_client, "Графік вакцинації персоналу")
        eventually(lambda: found(staff_client, "вакцинація"))
        shutil.rmtree(settings.index_dir)
        page = staff_client.get("/search", params={"q": "вакцинація"})
        assert page.status_code == 200 and "Traceback" not in page.text
        post(staff_client, "Нова інструкція з дезінфекції")
        eventually(lambda: found(staff_client, "дезінфекція") and found(staff_client, "вакцинація"))

    def test_a_degraded_search_says_so_on_the_page(self, app, settings, staff_client) -> None:  # type: ignore[no-untyped-def]
        app.state.search.stop()
        shutil.rmtree(settings.index_dir)
        app.state.search = SearchRuntime(index_dir=settings.index_dir, engine=app.state.engine)
        app.state.search.start(start_indexer=False)  # no indexer: the index stays missing
        page = staff_client.get("/search", params={"q": "вакцинація"})
        assert page.status_code == 200 and DEGRADED in page.text


class TestStaleLocks:
    def test_locks_left_by_a_killed_process_hold_nobody_up(self, app, settings, staff_client) -> None:  # type: ignore[no-untyped-def]
        post(staff_client, "Правила чергування у вихідні")
        eventually(lambda: found(staff_client, "чергування"))
        app.state.search.stop()
        generation = current_generation(Path(settings.index_dir))
        assert generation is not None
        holder = _hold_locks(Path(settings.index_dir) / LOCK_FILE, generation / "MAIN_WRITELOCK")
        try:
            restart_search(app)
            post(staff_client, "Оновлений порядок передачі зміни")
            time.sleep(1.5)
            assert not found(staff_client, "передача зміни")  # the other process still holds the locks
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait()
        assert (Path(settings.index_dir) / LOCK_FILE).exists()  # the killed holder's files stay behind
        eventually(lambda: found(staff_client, "передача зміни"))


def _hold_locks(*paths: Path) -> subprocess.Popen[str]:
    """Another process that takes the indexer's and Whoosh's locks (the libraries Kolo uses) and keeps them."""
    code = (
        "import sys, time\n"
        "from filelock import FileLock\n"
        "from whoosh.util.filelock import FileLock as WhooshLock\n"
        f"indexer = FileLock({str(paths[0])!r})\n"
        "indexer.acquire(timeout=5)\n"
        f"writer = WhooshLock({str(paths[1])!r})\n"
        "assert writer.acquire(blocking=True)\n"
        "print('held', flush=True)\n"
        "time.sleep(120)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs for the data folder (mounting needs root; CI runs as root): room for what a start writes (the
    database, the index its indexer builds), so that the test, not the start, is what fills it."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


class TestFullDisk:
    def test_writes_answer_disk_full_and_work_again_once_space_is_freed(  # type: ignore[no-untyped-def]
        self, settings, small_disk, database_url
    ) -> None:
        sqlite = database_url.startswith("sqlite")
        if sqlite:  # the database itself on the small disk (on PostgreSQL only the data folder and index are)
            shutil.copyfile(database_url.removeprefix("sqlite:///"), small_disk / "kolo.db")
        on_disk = settings.model_copy(
            update={
                "data_dir": small_disk / "data",
                "index_dir": small_disk / "index",
                "database_url": f"sqlite:///{small_disk / 'kolo.db'}" if sqlite else database_url,
            }
        )
        app = create_app(on_disk)
        with TestClient(app, headers={"Accept-Language": "uk"}) as client:
            with Session(app.state.engine) as session:
                make_user(session, email="nurse@kolo.test", name="Шевченко Марія")
            sign_in(client, "nurse@kolo.test")
            filler = small_disk / "filler"
            _fill(filler)
            upload = client.post("/api/v1/uploads", files={"file": ("scan.png", PNG * 2000, "image/png")})
            assert upload.status_code == 503 and DISK_FULL in upload.json()["detail"], upload.text
            assert list((small_disk / "data" / "uploads").iterdir()) == []  # no half-written file left
            if sqlite:
                refused = client.post("/api/v1/posts", json={"body": "Запис на повному диску " + "слово " * 3000})
                assert refused.status_code == 503 and DISK_FULL in refused.json()["detail"], refused.text
                page = client.get("/")
                assert page.status_code == 200 and "Traceback" not in page.text
            filler.unlink()
            assert client.post("/api/v1/uploads", files={"file": ("scan.png", PNG, "image/png")}).status_code == 201
            post(client, "Запис після звільнення місця")


def _fill(path: Path) -> None:
    """Write zeros to `path` until the disk has no space left."""
    with path.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass


class PrivateCluster:
    """A PostgreSQL cluster of a test's own in a temp folder, run as the `postgres` user on a free port."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kolo-pg-"))
        shutil.chown(self.folder, "postgres")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._pg("initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "postgres", "--no-sync")

    def _pg(self, program: str, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", str(PG_BIN / program), *args]
        subprocess.run(command, check=True, capture_output=True)

    def start(self) -> None:
        """Start the cluster and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        # -l: the server's output goes to a file, not into the pipe this process reads until it closes
        self._pg(
            "pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster (its clients' connections are cut)."""
        self._pg("pg_ctl", "-D", str(self.folder / "data"), "-m", mode, "-w", "stop")


@pytest.fixture
def private_postgres() -> Iterator[PrivateCluster]:
    """A running private cluster, removed afterwards (the shared one on 5432 is never touched)."""
    if os.geteuid() != 0 or not (PG_BIN / "initdb").exists():
        pytest.skip("a private PostgreSQL cluster needs root and PostgreSQL 15's binaries")
    cluster = PrivateCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(cluster.folder)


class TestPostgresRestart:
    def test_answers_503_while_down_and_recovers_by_itself(self, settings, private_postgres) -> None:  # type: ignore[no-untyped-def]
        upgrade(private_postgres.url)
        app = create_app(settings.model_copy(update={"database_url": private_postgres.url}))
        with TestClient(app, headers={"Accept-Language": "uk"}) as client:
            with Session(app.state.engine) as session:
                make_user(session, email="nurse@kolo.test", name="Шевченко Марія")
            sign_in(client, "nurse@kolo.test")
            load = Load(client)
            load.start()
            time.sleep(0.5)
            private_postgres.stop()
            api = client.get("/api/v1/posts")
            assert api.status_code == 503 and api.json()["error"] == "ServiceUnavailable", api.text
            assert DATABASE_DOWN in api.json()["detail"] and api.headers["retry-after"]
            page = client.get("/")
            assert page.status_code == 503 and DATABASE_DOWN in page.text and "Traceback" not in page.text
            assert client.get("/healthz").status_code == 503
            private_postgres.start()
            eventually(lambda: client.get("/api/v1/posts").status_code == 200)
            assert client.get("/").status_code == 200
            time.sleep(0.5)
            statuses = load.stop()
        assert set(statuses) <= {201, 503} and 503 in statuses and statuses[-1] == 201, statuses


class Load(threading.Thread):
    """Posts written one after another by the same person while the database goes away and comes back."""

    def __init__(self, client: TestClient) -> None:
        super().__init__(daemon=True)
        # A failure in a middleware is also re-raised to the server's log after its answer: keep the answer.
        self.client = TestClient(
            client.app, headers=client.headers, cookies=client.cookies, raise_server_exceptions=False
        )
        self.statuses, self.stopping = list[int](), threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.statuses.append(
                self.client.post("/api/v1/posts", json={"body": "Запис під навантаженням"}).status_code
            )
            time.sleep(0.02)

    def stop(self) -> list[int]:
        """Stop writing; every status the writes got."""
        self.stopping.set()
        self.join(timeout=30)
        return self.statuses
