"""A hospital network's worth of data on top of the demo: people, departments, posts with comments and reactions,
articles with revisions, onboarding assignments — deterministic with --seed, written in bulk (not through the API).

    .venv/bin/python bench/generate.py ../shared/corpus --data-dir /tmp/big [--posts 1000000] [--seed 1]
    .venv/bin/python bench/generate.py ../shared/corpus --data-dir /tmp/big-pg \
        --database-url postgresql+psycopg://postgres@127.0.0.1/kolo_big

Builds the demo first (`kolo demo`: its people keep their passwords, so a benchmark signs in as manager@kolo.local),
then adds --users people in --departments departments; --posts posts (0–3 comments and 0–4 reactions each, a tag
on one in five, an audience department on one in four); --articles published articles with two revisions each (one
in a hundred asks to be acknowledged); and --assignments onboarding assignments of ten tasks. Text is sentences of
the corpus's Ukrainian laws and prose (`uk_laws_health.jsonl`, `uk_prose_bruk.jsonl`; or of one JSONL file given
instead, such as tests/data/search_sample.jsonl).
A PostgreSQL database named in the URL is dropped and created afresh; on SQLite the data folder must be new.
Rows go in with the driver's executemany (SQLite) or COPY (PostgreSQL). The search index is not built: the search
outbox is left empty and `kolo reindex` builds it when wanted. Prints how many rows of each kind it wrote, how
long each took, and the rows per second.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url

ROOT = Path(__file__).resolve().parent.parent
KOLO = str(ROOT / ".venv" / "bin" / "kolo")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
FIRST = "Олена Ірина Наталія Оксана Тетяна Юлія Марія Світлана Андрій Олександр Сергій Дмитро Іван Микола Богдан"
LAST = "Коваленко Бондаренко Шевченко Ткаченко Кравченко Мельник Поліщук Лисенко Савчук Руденко Мороз Гончар Кузьменко"
UNITS = (
    "Терапевтичне відділення Хірургічне відділення Педіатричне відділення Кардіологічне відділення "
    "Неврологічне відділення Реанімація Приймальне відділення Пологове відділення Травматологія Лабораторія"
).split(" відділення ")
BATCH = 20_000
EMOJI = ("👍", "❤️", "👏", "🙏", "💡", "😮")


def sentences_of(corpus: Path) -> list[str]:
    """Sentences of 30–300 characters from the corpus's Ukrainian files (or from one JSONL file given instead)."""
    files = [corpus] if corpus.is_file() else [corpus / "uk_laws_health.jsonl", corpus / "uk_prose_bruk.jsonl"]
    found = []
    for path in files:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                body = json.loads(line)["body"]
                found += [s.strip() for s in _SENTENCE.split(body) if 30 < len(s.strip()) < 300]
    if not found:
        raise SystemExit(f"no sentences in {corpus}")
    return found


class Writer:
    """Bulk rows into one connection: executemany on SQLite, COPY on PostgreSQL; counts rows and time per table."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.report: dict[str, tuple[int, float]] = {}

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        started, count = time.perf_counter(), 0
        raw = self.connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        for batch in _batches(rows, BATCH):
            if self.postgres:
                with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:  # type: ignore[attr-defined]
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', batch)
            count += len(batch)
        seconds, (before, spent) = time.perf_counter() - started, self.report.get(table, (0, 0.0))
        self.report[table] = (before + count, spent + seconds)

    def next_id(self, table: str) -> int:
        """The id the next row of `table` gets when ids are given explicitly (one past the largest)."""
        return int(self.connection.execute(text(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')).scalar_one())


def _batches(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _html(body: str) -> str:
    return "".join(f"<p>{html.escape(part)}</p>" for part in body.split("\n\n"))


class Generator:
    def __init__(self, writer: Writer, sentences: list[str], rng: random.Random, now: datetime) -> None:
        self.w, self.sentences, self.rng, self.now = writer, sentences, rng, now

    def text(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(self.sentences) for _ in range(self.rng.randint(low, high)))

    def departments(self, n: int) -> list[int]:
        first = self.w.next_id("department")
        names = [f"{UNITS[i % len(UNITS)]} №{i // len(UNITS) + 1}" for i in range(n)]
        self.w.write("department", ("id", "name", "created_at"), ((first + i, names[i], self.now) for i in range(n)))
        return list(range(first, first + n))

    def users(self, n: int, departments: list[int], password_hash: str) -> list[int]:
        first, rng = self.w.next_id("user"), self.rng
        first_names, last_names = FIRST.split(), LAST.split()

        def rows() -> Iterator[tuple[Any, ...]]:
            for i in range(n):
                role = "manager" if i % 50 == 0 else "staff"
                name = f"{rng.choice(first_names)} {rng.choice(last_names)}"
                yield (
                    first + i,
                    f"u{first + i}@bench.kolo.local",
                    name,
                    f"u{first + i}",
                    role,
                    password_hash,
                    True,
                    "uk",
                    "Europe/Kyiv",
                    self.now,
                    "",
                )

        columns = ("id", "email", "name", "handle", "role", "password_hash", "is_active", "language", "timezone")
        self.w.write("user", (*columns, "created_at", "work_phone"), rows())
        ids = list(range(first, first + n))
        memberships = {(u, rng.choice(departments)) for u in ids} | {(u, rng.choice(departments)) for u in ids[::4]}
        self.w.write("user_department", ("user_id", "department_id"), sorted(memberships))
        return ids

    def posts(self, n: int, users: list[int], departments: list[int]) -> None:
        """Posts in batches, each followed by its audience, tags, comments and reactions."""
        rng, first, comment_id = self.rng, self.w.next_id("post"), self.w.next_id("comment")
        span = timedelta(days=3 * 365)
        start = self.now - span
        kinds = ("tip",) * 5 + ("question",) * 3 + ("announcement",) * 2
        columns = ("id", "author_id", "kind", "body", "html", "must_read", "created_at")
        for batch_start in range(0, n, BATCH):
            posts: list[tuple[Any, ...]] = []
            audience, tags, comments, reactions = [], [], [], []
            for i in range(batch_start, min(n, batch_start + BATCH)):
                post_id, created = first + i, start + span * (i / n)
                body = self.text(1, 4)
                posts.append((post_id, rng.choice(users), rng.choice(kinds), body, _html(body), False, created))
                if i % 4 == 0:
                    audience.append((post_id, rng.choice(departments)))
                if i % 5 == 0:
                    tags.append((post_id, rng.choice(("порада", "безпека", "інфекції", "графік", "навчання"))))
                for minutes in range(1, rng.randint(0, 3) + 1):
                    said = self.text(1, 2)
                    comments.append(
                        (
                            comment_id,
                            post_id,
                            rng.choice(users),
                            said,
                            _html(said),
                            created + timedelta(minutes=17 * minutes),
                        )
                    )
                    comment_id += 1
                for user in rng.sample(users, rng.randint(0, 4)):
                    reactions.append((post_id, user, rng.choice(EMOJI), created + timedelta(hours=1)))
            self.w.write("post", columns, posts)
            self.w.write("post_department", ("post_id", "department_id"), audience)
            self.w.write("post_tag", ("post_id", "tag"), tags)
            self.w.write("comment", ("id", "post_id", "author_id", "body", "html", "created_at"), comments)
            self.w.write("reaction", ("post_id", "user_id", "emoji", "created_at"), reactions)

    def articles(self, n: int, owners: list[int], departments: list[int]) -> None:
        rng, first, revision = self.rng, self.w.next_id("kb_article"), self.w.next_id("kb_revision")
        categories = [r[0] for r in self.w.connection.execute(text("SELECT id FROM kb_category")).all()] or [None]
        articles, revisions, audience, tags = [], [], [], []
        for i in range(n):
            article_id, owner = first + i, rng.choice(owners)
            title = self.text(1, 1)[:150].rstrip(" .,;:")
            created = self.now - timedelta(days=rng.randint(30, 900))
            published = created + timedelta(days=1)
            due = (published + timedelta(days=365)).date()
            for number in (1, 2):
                body = "\n\n".join(self.text(2, 5) for _ in range(rng.randint(2, 5)))
                revisions.append(
                    (
                        revision,
                        article_id,
                        number,
                        title,
                        body,
                        "[]",
                        owner,
                        f"Редакція {number}",
                        created + timedelta(hours=number),
                        1,
                        number - 1,
                        published,
                        owner,
                    )
                )
                revision += 1
            articles.append(
                (
                    article_id,
                    f"bench-{article_id}",
                    title,
                    "published",
                    rng.choice(categories),
                    owner,
                    owner,
                    i % 100 == 0,
                    12,
                    due,
                    revision - 1,
                    revision - 1,
                    1,
                    "",
                    created,
                    published,
                    published,
                )
            )
            if i % 3 == 0:
                audience.append((article_id, rng.choice(departments)))
            tags.append((article_id, rng.choice(("протокол", "інфекційний контроль", "безпека", "порядок"))))
        columns = (
            "id",
            "slug",
            "title",
            "status",
            "category_id",
            "author_id",
            "owner_id",
            "requires_acknowledgement",
            "review_interval_months",
            "review_due",
            "current_revision_id",
            "head_revision_id",
            "current_major",
            "source",
            "created_at",
            "updated_at",
            "published_at",
        )
        self.w.write("kb_article", columns, articles)
        revision_columns = (
            "id",
            "article_id",
            "number",
            "title",
            "body",
            "tags",
            "author_id",
            "change_note",
            "created_at",
            "version_major",
            "version_minor",
            "published_at",
            "published_by_id",
        )
        self.w.write("kb_revision", revision_columns, revisions)
        self.w.write("kb_article_department", ("article_id", "department_id"), audience)
        self.w.write("kb_article_tag", ("article_id", "tag"), tags)

    def assignments(self, n: int, users: list[int], departments: list[int], today: date) -> None:
        rng, first, task = self.rng, self.w.next_id("onboarding_assignment"), self.w.next_id("onboarding_assigned_task")
        assignments, tasks = [], []
        for i, user in enumerate(rng.sample(users, n)):
            assignment_id, started = first + i, today - timedelta(days=rng.randint(0, 60))
            done = rng.randint(0, 10)
            status = "completed" if done == 10 else "open"
            assignments.append(
                (
                    assignment_id,
                    user,
                    1,
                    "Адаптація нового працівника",
                    rng.choice(departments),
                    rng.choice(users),
                    started,
                    status,
                    10,
                    done,
                    "",
                    self.now,
                    self.now,
                )
            )
            for position in range(10):
                due = started + timedelta(days=3 * position + 1)
                state = "done" if position < done else "open"
                tasks.append(
                    (
                        task,
                        assignment_id,
                        "Перший тиждень",
                        position,
                        f"Крок {position + 1}: {self.text(1, 1)[:200]}",
                        "",
                        "do",
                        due,
                        state,
                        "",
                        "",
                    )
                )
                task += 1
        columns = (
            "id",
            "user_id",
            "template_version",
            "name",
            "department_id",
            "mentor_id",
            "start_date",
            "status",
            "total_tasks",
            "done_tasks",
            "close_reason",
            "created_at",
            "last_activity_at",
        )
        self.w.write("onboarding_assignment", columns, assignments)
        task_columns = (
            "id",
            "assignment_id",
            "section_title",
            "position",
            "title",
            "instructions",
            "kind",
            "due_date",
            "status",
            "note",
            "answer",
        )
        self.w.write("onboarding_assigned_task", task_columns, tasks)


def fresh_database(url: str) -> None:
    """Drop and create the PostgreSQL database the URL names."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="../shared/corpus, or one JSONL file of {title, body} documents")
    parser.add_argument("--data-dir", type=Path, required=True, help="the data folder (uploads; SQLite's file)")
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of the data folder's SQLite file")
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--assignments", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    sentences = sentences_of(args.corpus)
    url = args.database_url or f"sqlite:///{args.data_dir / 'kolo.db'}"
    if args.database_url:
        fresh_database(url)
    elif (args.data_dir / "kolo.db").exists():
        raise SystemExit(f"{args.data_dir} already holds a database; give a new folder")
    env = {**os.environ, "KOLO_DATA_DIR": str(args.data_dir), "KOLO_DATABASE_URL": url}
    env["KOLO_INDEX_DIR"] = str(args.data_dir / "index")
    subprocess.run([KOLO, "demo"], env=env, check=True, capture_output=True)
    demo_seconds = time.perf_counter() - started

    engine = create_engine(url)
    now, rng = datetime.now(UTC).replace(tzinfo=None), random.Random(args.seed)
    with engine.begin() as connection:
        writer = Writer(connection)
        password_hash = connection.execute(text("SELECT password_hash FROM \"user\" WHERE email = 'nurse@kolo.local'"))
        generator = Generator(writer, sentences, rng, now)
        departments = generator.departments(args.departments)
        users = generator.users(args.users, departments, password_hash.scalar_one())
        generator.posts(args.posts, users, departments)
        generator.articles(args.articles, [u for u in users if (u - users[0]) % 50 == 0], departments)
        generator.assignments(min(args.assignments, len(users)), users, departments, now.date())
    if writer.postgres:
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    else:
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
    for table in ("post", "comment", "reaction", "onboarding_assignment", "kb_article", "user", "department"):
        with engine.connect() as connection:
            top = connection.execute(text(f'SELECT MAX(id) FROM "{table}"')).scalar_one()
            if writer.postgres and top:
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), {top})"))
                connection.commit()
    engine.dispose()
    total = time.perf_counter() - started
    rows = sum(count for count, _ in writer.report.values())
    print(
        f"{url.split('://')[0]}: the demo in {demo_seconds:.1f} s, then {rows:,} rows in {total - demo_seconds:.1f} s"
        f" ({rows / (total - demo_seconds):,.0f} rows/s); {total:.1f} s in all\n"
    )
    print("| table | rows | seconds | rows/s |\n|---|---|---|---|")
    for table, (count, seconds) in writer.report.items():
        print(f"| {table} | {count:,} | {seconds:.1f} | {count / max(seconds, 1e-9):,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
