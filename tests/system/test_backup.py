"""`kolo backup` and `kolo restore`: a backup taken while people post restores, into a fresh data folder and a fresh
database of the same kind (SQLite or PostgreSQL, as the suite runs), to the same rows and the same file bytes; an
archive that fails its checks, or a target that holds something, is refused before anything is placed."""

import io
import itertools
import os
import tarfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app import cli
from app.config import Settings
from app.demo import load_demo
from app.errors import AppError
from app.main import create_app
from app.services.backup import create
from app.services.backup.create import create_backup
from app.services.backup.restore import restore_backup
from tests.conftest import sign_in
from tests.search.conftest import wait_until

PNG = b"\x89PNG\r\n\x1a\n"
_counter = itertools.count()

Rows = dict[str, list[tuple[Any, ...]]]


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the suite's kind that nothing has touched (no schema): the restore's target."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'kolo.db'}"
        return
    name = f"kolo_restore_{os.getpid()}_{next(_counter)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def target(fresh_url: str, tmp_path: Path) -> Settings:
    """The settings of the Kolo restored into: a fresh database, data folder and index folder."""
    return Settings(
        database_url=fresh_url,
        data_dir=tmp_path / "restored",
        index_dir=tmp_path / "restored-index",
        run_scheduler=False,
        start_indexer=False,  # the restore itself must leave a usable index
    )


def upload(client: TestClient, n: int) -> int:
    """Upload a small, distinct PNG; return its id."""
    data = PNG + n.to_bytes(4, "big") * 16
    response = client.post("/api/v1/uploads", files={"file": (f"scan-{n}.png", data, "image/png")})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def post_with_file(client: TestClient, n: int) -> int:
    """A post with an attached file, as a person posts one; return its id."""
    body = {"body": f"Пост номер {n}: архівний графік чергувань", "upload_ids": [upload(client, n)]}
    response = client.post("/api/v1/posts", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def table_rows(url: str) -> Rows:
    """Every row of every table, ordered by primary key."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        metadata = MetaData()
        with engine.connect() as conn:
            metadata.reflect(conn)
            return {
                name: [tuple(row) for row in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for name, t in metadata.tables.items()
            }
    finally:
        engine.dispose()


def scalars(url: str, sql: str) -> list[Any]:
    """The first column of a query's rows."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)).scalars())
    finally:
        engine.dispose()


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def rewritten(archive: Path, tmp_path: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of the archive with each member's bytes passed through `change(name, data)`."""
    copy = tmp_path / f"changed-{next(_counter)}.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(copy, "w:gz") as sink:
        for member in source:
            extracted = source.extractfile(member)
            assert extracted is not None
            data = change(member.name, extracted.read())
            member.size = len(data)
            sink.addfile(member, io.BytesIO(data))
    return copy


class TestBackupWhilePosting:
    def test_restores_the_snapshot_with_every_attached_file(
        self, settings, staff_client, target, tmp_path, monkeypatch
    ):
        posted: list[int] = []
        stop = threading.Event()

        def keep_posting() -> None:
            for n in itertools.count():
                if stop.is_set():
                    return
                posted.append(post_with_file(staff_client, n))

        def files_after_more_posts(*args: Any) -> Any:
            # The database is copied by now: two more posts are written before the files are, so the archive's
            # database must leave them out and still find every file it names.
            after_snapshot = len(posted)
            wait_until(lambda: len(posted) >= after_snapshot + 2, timeout=60)
            return add_uploads(*args)

        add_uploads = create._add_uploads
        monkeypatch.setattr(create, "_add_uploads", files_after_more_posts)
        writer = threading.Thread(target=keep_posting)
        writer.start()
        try:
            wait_until(lambda: len(posted) >= 3, timeout=60)
            archive, _ = create_backup(settings=settings, destination=tmp_path)
        finally:
            stop.set()
            writer.join(timeout=60)

        restore_backup(settings=target, archive=archive)
        source, restored = table_rows(settings.database_url), table_rows(target.database_url)
        snapshot = restored["post"]
        assert 3 <= len(snapshot) <= len(posted) - 2
        assert snapshot == source["post"][: len(snapshot)]  # a prefix of what was posted, row for row
        # An upload can make the snapshot before the post that attaches it: then it is there, unattached.
        attached_ids = scalars(target.database_url, "SELECT id FROM upload WHERE target_key IS NOT NULL")
        attached = [row for row in restored["upload"] if row[0] in attached_ids]
        assert len(attached) == len(snapshot) and all(row in source["upload"] for row in attached)
        stored, names = files_of(target.upload_dir), scalars(target.database_url, "SELECT stored_name FROM upload")
        assert len(names) >= len(snapshot) and len(stored) > len(names)  # files uploaded after the snapshot came too
        for name in names:
            assert stored[name] == (settings.upload_dir / name).read_bytes()


class TestRestore:
    @pytest.fixture
    def source(self, settings, staff_client) -> Settings:
        """A Kolo in use: posts with files, and the secret key it generated on its first start."""
        for n in range(3):
            post_with_file(staff_client, n)
        (settings.data_dir / "secret_key").write_text("generated-on-first-start")
        return settings

    @pytest.fixture
    def archive(self, source, tmp_path) -> Path:
        """A backup of the source."""
        path, _ = create_backup(settings=source, destination=tmp_path / "kolo.tar.gz")
        return path

    def test_gives_the_same_rows_files_and_key_and_a_search_index(self, source, session, target, tmp_path):
        load_demo(session)  # rows in every domain's tables
        archive, _ = create_backup(settings=source, destination=tmp_path)
        manifest = restore_backup(settings=target, archive=archive)

        assert manifest.database == make_url(source.database_url).get_backend_name()
        source_rows, restored_rows = table_rows(source.database_url), table_rows(target.database_url)
        assert restored_rows.keys() == source_rows.keys()
        for table_name, rows in source_rows.items():
            if table_name != "search_replica":  # which copies of the index exist: this Kolo's own, not the archive's
                assert restored_rows[table_name] == rows, table_name
        assert len(restored_rows["search_replica"]) == 1
        assert sum(bool(rows) for rows in source_rows.values()) > 20  # the comparison compared every domain
        assert files_of(target.upload_dir) == files_of(source.upload_dir) and len(files_of(source.upload_dir)) == 3
        assert (target.data_dir / "secret_key").read_text() == "generated-on-first-start"
        with TestClient(create_app(target)) as client:
            found = sign_in(client, "nurse@kolo.test").get("/api/v1/search", params={"q": "архівний"})
        assert found.status_code == 200 and not found.json()["degraded"] and found.json()["total"] == 3

    def test_through_the_command_line(self, source, archive, target, monkeypatch, capsys):
        monkeypatch.setenv("KOLO_DATABASE_URL", target.database_url)
        monkeypatch.setenv("KOLO_DATA_DIR", str(target.data_dir))
        monkeypatch.setenv("KOLO_INDEX_DIR", str(target.index_dir))
        assert cli.main(["restore", str(archive)]) == 0
        assert "Restored" in capsys.readouterr().out
        assert cli.main(["restore", str(archive)]) == 1
        assert "The target is not empty" in capsys.readouterr().err
        assert cli.main(["restore", "--force", str(archive)]) == 0
        assert table_rows(target.database_url)["user"] == table_rows(source.database_url)["user"]

    def test_refuses_a_changed_file(self, archive, target, tmp_path):
        tampered = rewritten(archive, tmp_path, lambda name, data: data + b"!" if name.startswith("uploads/") else data)
        assert "does not match its checksum" in refusal(target, tampered)
        assert_untouched(target)

    def test_refuses_a_schema_newer_than_this_kolo(self, archive, target, tmp_path):
        def future(name: str, data: bytes) -> bytes:
            return (
                data.replace(b'"schema_revision": "', b'"schema_revision": "9999') if name == "manifest.json" else data
            )

        assert "made by a newer Kolo" in refusal(target, rewritten(archive, tmp_path, future))
        assert_untouched(target)

    def test_refuses_a_target_that_holds_files_or_rows_unless_forced(self, source, archive, target):
        target.upload_dir.mkdir(parents=True)
        (target.upload_dir / "left-behind.png").write_bytes(PNG)
        assert refusal(target, archive).startswith("The target is not empty (1 files in")
        restore_backup(settings=target, archive=archive, force=True)
        assert files_of(target.upload_dir) == files_of(source.upload_dir)
        assert refusal(target, archive).startswith("The target is not empty (the database has rows in")

    def test_refuses_while_kolo_runs_on_the_target(self, source, archive):
        assert refusal(source, archive).startswith("Kolo is running on this search index")


def refusal(target: Settings, archive: Path) -> str:
    """What restoring the archive into the target is refused with, as `kolo restore` says it."""
    with pytest.raises(AppError) as refused:
        restore_backup(settings=target, archive=archive)
    return refused.value.detail("en")


def assert_untouched(target: Settings) -> None:
    """Nothing of a refused archive was placed: no database (or no table in it), no files, no key."""
    if target.database_url.startswith("sqlite"):
        assert not Path(make_url(target.database_url).database or "").exists()
    else:
        assert table_rows(target.database_url) == {}
    assert not target.upload_dir.exists() and not (target.data_dir / "secret_key").exists()
