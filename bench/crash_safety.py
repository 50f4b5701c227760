"""Crash safety: kill -9 a real `kolo serve` at random moments during a stream of writes, restart it, and check that
nothing the client was told is saved went missing, that the database is consistent, and (at the end) that the search
index equals the database.

    .venv/bin/python bench/crash_safety.py [--rounds 100] [--postgres [ADMIN_URL]] [--seed 1]

SQLite by default (a fresh data folder in a temp directory); with --postgres a fresh database is created on that
cluster (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres) and dropped at the end; the cluster itself is
never touched. The people, the checklist and the articles are made through the services before the first start;
then writer threads stream posts, comments, acknowledgements and task completions through the API with personal
tokens. Each round waits a random 0-2.5 s of writing and kills the server's process group with SIGKILL; one round
in ten also kills the next start before it is ready (during migration, start-up or the indexer's catch-up). After
each restart: every write that got a 2xx is in the database, no foreign key points nowhere, and SQLite's
integrity_check (PostgreSQL: amcheck of every B-tree index) passes. At the end the indexer must catch up and the
index must hold exactly the documents the database gives, with the same text. Figures are printed; see
docs/reliability.md.
"""

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, col, select
from whoosh import index as whoosh_index

from app.db import make_engine
from app.migrations import upgrade
from app.models.feed import Comment, Post
from app.models.kb import ArticleCreate, KbAcknowledgement, PublishRequest
from app.models.onboarding import (
    AssignmentCreate,
    ChecklistCreate,
    ChecklistTaskCreate,
    OnboardingAssignedTask,
    SectionCreate,
    TaskKind,
)
from app.models.search import SearchOutbox
from app.models.users import Role, UserCreate
from app.search.index import META_KEY, get_last_applied
from app.search.reindex import current_generation
from app.search.sources import SOURCES
from app.services import users as users_service
from app.services.kb import articles, lifecycle
from app.services.onboarding import assignments, checklists
from app.wiring import install

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 40
TASKS_PER_PLAN = 25
ARTICLES = 30
WRITERS = 4
READY_TIMEOUT = 120.0
CATCH_UP_TIMEOUT = 120.0
SECRET = "crash-safety-secret-key-long-enough-0123456789"


@dataclass
class Person:
    """A newcomer with a token, the articles they have not acknowledged and the tasks they have not ticked."""

    user_id: int
    token: str
    assignment_id: int
    articles: list[int]
    tasks: list[int]


@dataclass
class Ledger:
    """What the server acknowledged (2xx) and what it answered otherwise, shared by the writer threads."""

    posts: set[int] = field(default_factory=set)
    comments: set[int] = field(default_factory=set)
    acknowledgements: set[tuple[int, int]] = field(default_factory=set)
    completions: set[int] = field(default_factory=set)
    outcomes: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _populate(engine: Engine) -> tuple[list[Person], str]:
    """People, one checklist of 'do' tasks assigned to each, published articles to acknowledge; the manager's token."""
    with Session(engine) as session:
        department = users_service.ensure_department(session=session, name="Терапія").id
        assert department is not None
        manager = users_service.create_user(
            session=session,
            actor=None,
            password=None,
            data=UserCreate(
                email="head@kolo.test", name="Бондаренко Ігор", role=Role.manager, department_ids=[department]
            ),
        )
        article_ids = []
        for n in range(ARTICLES):
            data = ArticleCreate(
                title=f"Порядок дій під час тривоги, частина {n + 1}",
                body="Перевірте кисневі балони, зарядіть рації та зберіться біля укриття.",
                requires_acknowledgement=True,
            )
            article = articles.create_article(session=session, author=manager, data=data)
            lifecycle.publish(session=session, user=manager, article=article, data=PublishRequest())
            assert article.id is not None
            article_ids.append(article.id)
        task_list = [
            ChecklistTaskCreate(title=f"Крок адаптації {i + 1}", kind=TaskKind.do, due_offset_days=i, instructions="")
            for i in range(TASKS_PER_PLAN)
        ]
        template = checklists.create_checklist(
            session=session,
            actor=manager,
            data=ChecklistCreate(name="Перший тиждень", sections=[SectionCreate(title="Тиждень", tasks=task_list)]),
        )
        people = [_newcomer(session, manager, n, department, template.id, article_ids) for n in range(PEOPLE)]
        return people, users_service.create_token(session=session, user=manager, name="crash", valid_days=None)


def _newcomer(  # type: ignore[no-untyped-def]
    session: Session, manager, n: int, department: int, template_id: int | None, article_ids: list[int]
) -> Person:
    hire = users_service.create_user(
        session=session,
        actor=None,
        password=None,
        data=UserCreate(email=f"new{n}@kolo.test", name=f"Працівник {n:03d}", department_ids=[department]),
    )
    assert hire.id is not None and template_id is not None
    plan = assignments.assign_template(
        session=session,
        actor=manager,
        holidays=[],
        data=AssignmentCreate(user_id=hire.id, template_id=template_id, start_date=date.today()),
    )
    assert plan.id is not None
    task_ids = session.exec(
        select(OnboardingAssignedTask.id).where(OnboardingAssignedTask.assignment_id == plan.id)
    ).all()
    token = users_service.create_token(session=session, user=hire, name="crash", valid_days=None)
    return Person(hire.id, token, plan.id, random.sample(article_ids, len(article_ids)), [t for t in task_ids if t])


class Writers:
    """Threads that write through the API while `running` is set and record every answer."""

    def __init__(self, base_url: str, people: list[Person], ledger: Ledger) -> None:
        self.base_url = base_url
        self.people = people
        self.ledger = ledger
        self.running = threading.Event()
        self.idle = [threading.Event() for _ in range(WRITERS)]
        self.stopped = False
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(WRITERS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def pause(self) -> None:
        """Stop writing and wait until no request is in flight."""
        self.running.clear()
        for idle in self.idle:
            idle.wait()

    def stop(self) -> None:
        self.stopped = True
        self.running.set()
        for thread in self.threads:
            thread.join()

    def _run(self, number: int) -> None:
        rng = random.Random(number)
        with httpx.Client(base_url=self.base_url, timeout=10.0) as client:
            while not self.stopped:
                if not self.running.is_set():
                    self.idle[number].set()
                    self.running.wait()
                    self.idle[number].clear()
                    continue
                self._write_once(client, rng, rng.choice(self.people[number::WRITERS]))

    def _write_once(self, client: httpx.Client, rng: random.Random, person: Person) -> None:
        headers = {"Authorization": f"Bearer {person.token}", "Accept-Language": "uk"}
        kind = rng.choice(["post", "comment", "acknowledgement", "completion"])
        with self.ledger.lock:
            post_ids = list(self.ledger.posts)
        if kind == "comment" and not post_ids or kind == "acknowledgement" and not person.articles:
            kind = "post"
        if kind == "completion" and not person.tasks:
            kind = "post"
        if kind == "post":
            path, body = "/api/v1/posts", {"body": f"Нотатка про передачу зміни, серія {rng.randrange(10**6)}"}
        elif kind == "comment":
            path, body = f"/api/v1/posts/{rng.choice(post_ids)}/comments", {"body": "Дякую, врахую на зміні."}
        elif kind == "acknowledgement":
            path, body = f"/api/v1/articles/{person.articles[-1]}/acknowledge", None
        else:
            plan = f"/api/v1/onboarding/assignments/{person.assignment_id}"
            path, body = f"{plan}/tasks/{person.tasks[-1]}/complete", None
        try:
            response = client.post(path, json=body, headers=headers)
        except httpx.HTTPError:
            with self.ledger.lock:
                self.ledger.outcomes[f"{kind}: no answer"] += 1
            time.sleep(0.05)
            return
        self._record(kind, person, response)

    def _record(self, kind: str, person: Person, response: httpx.Response) -> None:
        with self.ledger.lock:
            self.ledger.outcomes[f"{kind}: {response.status_code}"] += 1
            if not response.is_success:
                return
            if kind == "post":
                self.ledger.posts.add(response.json()["id"])
            elif kind == "comment":
                self.ledger.comments.add(response.json()["id"])
            elif kind == "acknowledgement":
                self.ledger.acknowledgements.add((person.user_id, person.articles.pop()))
            else:
                self.ledger.completions.add(person.tasks.pop())


class Server:
    """`kolo serve` in its own process group, killed with SIGKILL."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(ROOT / ".venv/bin/kolo"), "serve", "--port", str(self.port)],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self) -> float:
        """Seconds until /healthz answers 200."""
        started = time.monotonic()
        while time.monotonic() - started < READY_TIMEOUT:
            assert self.process is not None and self.process.poll() is None, f"the server exited; see {self.log}"
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise SystemExit(f"the server was not ready within {READY_TIMEOUT} s; see {self.log}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def terminate(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)


def check_database(engine: Engine, ledger: Ledger) -> dict[str, int]:
    """How many acknowledged writes of each kind are missing, plus dangling foreign keys and engine check failures."""
    with ledger.lock:
        wanted = (set(ledger.posts), set(ledger.comments), set(ledger.acknowledgements), set(ledger.completions))
    with Session(engine) as session:
        posts = set(session.exec(select(Post.id)).all())
        comments = set(session.exec(select(Comment.id)).all())
        acks = {(a.user_id, a.article_id) for a in session.exec(select(KbAcknowledgement)).all()}
        done = set(
            session.exec(
                select(OnboardingAssignedTask.id).where(col(OnboardingAssignedTask.completed_at).is_not(None))
            ).all()
        )
        missing = {
            "posts": len(wanted[0] - posts),
            "comments": len(wanted[1] - comments),
            "acknowledgements": len(wanted[2] - acks),
            "completions": len(wanted[3] - done),
        }
        missing["dangling foreign keys"] = _dangling_foreign_keys(session)
        missing["engine check failures"] = _engine_check(session)
    return missing


def _dangling_foreign_keys(session: Session) -> int:
    """Rows whose foreign key names a row that does not exist, over every foreign key of the schema."""
    total = 0
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            pairs = " AND ".join(f'p."{el.column.name}" = c."{el.parent.name}"' for el in fk.elements)
            not_null = " AND ".join(f'c."{el.parent.name}" IS NOT NULL' for el in fk.elements)
            query = (
                f'SELECT count(*) FROM "{table.name}" c WHERE {not_null} '
                f'AND NOT EXISTS (SELECT 1 FROM "{fk.referred_table.name}" p WHERE {pairs})'
            )
            total += int(session.exec(text(query)).one()[0])  # type: ignore[call-overload]
    return total


def _engine_check(session: Session) -> int:
    """SQLite: integrity_check and foreign_key_check; PostgreSQL: amcheck of every B-tree index (failures)."""
    if session.get_bind().dialect.name == "sqlite":
        integrity = [row[0] for row in session.exec(text("PRAGMA integrity_check")).all()]  # type: ignore[call-overload]
        foreign = session.exec(text("PRAGMA foreign_key_check")).all()  # type: ignore[call-overload]
        return (integrity != ["ok"]) + len(foreign)
    session.exec(text("CREATE EXTENSION IF NOT EXISTS amcheck"))  # type: ignore[call-overload]
    indexes = session.exec(
        text(  # type: ignore[call-overload]
            "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'btree' AND n.nspname = 'public'"
        )
    ).all()
    failures = 0
    for (oid,) in indexes:
        try:
            session.exec(text("SELECT bt_index_check(:oid, true)").bindparams(oid=oid))  # type: ignore[call-overload]
        except Exception as exc:  # amcheck raises on corruption
            print(f"  amcheck failed for index {oid}: {exc}")
            session.rollback()
            failures += 1
    session.commit()
    return failures


def check_index(engine: Engine, index_dir: Path) -> tuple[float, int, int]:
    """Wait for the indexer to apply the whole outbox; (seconds it took, documents, documents that differ)."""
    started = time.monotonic()
    with Session(engine) as session:
        last = session.exec(select(func.max(SearchOutbox.id))).one() or 0
    while True:
        generation = current_generation(index_dir)
        if generation is not None and whoosh_index.exists_in(str(generation)):
            ix = whoosh_index.open_dir(str(generation))
            if get_last_applied(ix) >= last:
                break
            ix.close()
        if time.monotonic() - started > CATCH_UP_TIMEOUT:
            raise SystemExit(f"the indexer did not catch up within {CATCH_UP_TIMEOUT} s")
        time.sleep(0.2)
    took = time.monotonic() - started
    with ix.searcher() as searcher:
        indexed = {
            fields["key"]: (fields.get("title"), fields.get("body"))
            for fields in searcher.all_stored_fields()
            if fields.get("key") != META_KEY
        }
    ix.close()
    with Session(engine) as session:
        expected = {
            doc.key: (doc.title, doc.body)
            for source in SOURCES.values()
            for doc in source.load(session, sorted(source.all_ids(session)))
        }
    differ = len(set(indexed) ^ set(expected)) + sum(1 for k in indexed.keys() & expected if indexed[k] != expected[k])
    return took, len(expected), differ


def run(args: argparse.Namespace, database_url: str, folder: Path) -> int:
    """Populate, then the rounds of writing, killing and restarting; print the figures; 1 when anything was lost."""
    install()
    rng = random.Random(args.seed)
    random.seed(args.seed)
    upgrade(database_url)
    engine = make_engine(database_url)
    people, _ = _populate(engine)
    port = _free_port()
    env = {
        **os.environ,
        "KOLO_DATABASE_URL": database_url,
        "KOLO_DATA_DIR": str(folder / "data"),
        "KOLO_INDEX_DIR": str(folder / "index"),
        "KOLO_SECRET_KEY": SECRET,
        "KOLO_ENVIRONMENT": "production",
    }
    server = Server(env, port, folder / "server.log")
    ledger = Ledger()
    writers = Writers(f"http://127.0.0.1:{port}", people, ledger)
    server.start()
    server.wait_ready()
    writers.start()
    writers.running.set()
    lost: Counter[str] = Counter()
    starts: list[float] = []
    early_kills = 0
    for round_number in range(1, args.rounds + 1):
        time.sleep(rng.uniform(0, 2.5))
        server.kill()
        writers.pause()
        if rng.random() < 0.1:  # kill the next start too, before it is ready
            server.start()
            time.sleep(rng.uniform(0, 3.0))
            server.kill()
            early_kills += 1
        server.start()
        starts.append(server.wait_ready())
        missing = check_database(engine, ledger)
        lost.update(missing)
        if any(missing.values()):
            print(f"round {round_number}: {missing}")
        if round_number % 10 == 0:
            print(f"round {round_number}/{args.rounds}: {sum(ledger.outcomes.values())} requests so far", flush=True)
        writers.running.set()
    writers.pause()
    took, documents, differ = check_index(engine, folder / "index")
    writers.stop()
    server.terminate()
    engine.dispose()
    _report(args, database_url, ledger, lost, starts, early_kills, (took, documents, differ))
    return 1 if any(lost.values()) or differ else 0


def _report(  # type: ignore[no-untyped-def]
    args, database_url: str, ledger: Ledger, lost: Counter[str], starts: list[float], early_kills: int, index
) -> None:
    took, documents, differ = index
    acknowledged = len(ledger.posts) + len(ledger.comments) + len(ledger.acknowledgements) + len(ledger.completions)
    print(
        f"\nbackend: {make_url(database_url).get_backend_name()}, "
        f"rounds: {args.rounds} (+{early_kills} kills mid-start)"
    )
    print(
        f"acknowledged writes: {acknowledged} (posts {len(ledger.posts)}, comments {len(ledger.comments)}, "
        f"acknowledgements {len(ledger.acknowledgements)}, task completions {len(ledger.completions)})"
    )
    print("answers:", ", ".join(f"{k} ×{v}" for k, v in sorted(ledger.outcomes.items())))
    print("lost or broken after restarts:", dict(lost) or "none")
    starts.sort()
    print(f"restart to ready: median {starts[len(starts) // 2]:.2f} s, max {starts[-1]:.2f} s")
    print(
        f"index: caught up {took:.1f} s after the last round; {documents} documents, {differ} differ from the database"
    )


def main() -> int:
    """Parse the arguments, make a scratch database, run the rounds and drop it."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=100, help="kill -9 this many times (default 100)")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="run on a fresh database created (and dropped) on this PostgreSQL cluster",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kolo-crash-") as tmp:
        folder = Path(tmp)
        if not args.postgres:
            return run(args, f"sqlite:///{folder / 'kolo.db'}", folder)
        name = f"kolo_crash_{os.getpid()}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            return run(args, make_url(args.postgres).set(database=name).render_as_string(hide_password=False), folder)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
