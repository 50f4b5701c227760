"""The plans of what Kolo's busiest pages ask the database, on SQLite or PostgreSQL, at the scale of a data folder.

    .venv/bin/python bench/query_plans.py --data-dir /tmp/big1m
    .venv/bin/python bench/query_plans.py --data-dir /tmp/big1m-pg \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/kolo_big1m

(bench/generate.py makes both.) Opens each page in-process (FastAPI's TestClient, signed in as manager@kolo.local,
indexer and scheduler off), records every SELECT the page sends, then runs each statement alone three times and asks
for its plan (EXPLAIN QUERY PLAN on SQLite; EXPLAIN ANALYZE on PostgreSQL, whose scan and index lines are kept).
Prints per page the statements that took at least --min-ms, with their plans, and how many others there were.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from app.config import Settings
from app.main import create_app

PAGES = ["/", "/kb", "{article}", "/onboarding/dashboard", "/api/v1/posts"]
_PLAN_LINE = re.compile(r"Scan|Index|Seq|Sort|Join|Loop|Hash|Aggregate|Limit")


def _plan(connection: Any, dialect: str, statement: str, parameters: Any) -> str:
    if dialect == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return " / ".join(str(row[-1]) for row in rows)
    rows = connection.exec_driver_sql("EXPLAIN ANALYZE " + statement, parameters).all()
    lines = [str(row[0]).strip().lstrip("-> ").split("  (")[0] for row in rows]
    return " / ".join(line for line in lines if _PLAN_LINE.search(line))[:400]


def _alone_ms(connection: Any, statement: str, parameters: Any) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        connection.exec_driver_sql(statement, parameters).all()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--min-ms", type=float, default=1.0, help="statements faster than this are only counted")
    args = parser.parse_args()
    settings = Settings(
        data_dir=args.data_dir,
        database_url=args.database_url,
        index_dir=Path(tempfile.mkdtemp()),
        start_indexer=False,
        run_scheduler=False,
    )
    app = create_app(settings)
    engine = app.state.engine
    seen: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            seen.append((statement, parameters))

    with TestClient(app) as client:
        login = client.post("/api/v1/auth/login", json={"email": "manager@kolo.local", "password": "kolo-demo-2026"})
        login.raise_for_status()
        article = client.get("/api/v1/articles", params={"limit": 1}).json()["items"][0]["url"]
        print(f"{engine.dialect.name}, {args.data_dir}: statements of at least {args.min_ms:g} ms run alone\n")
        for page in PAGES:
            path = page.format(article=article)
            seen.clear()
            client.get(path).raise_for_status()
            recorded = list(seen)
            with engine.connect() as connection:
                timed = [(_alone_ms(connection, s, p), s, p) for s, p in recorded]
                slow = [
                    (ms, s, _plan(connection, engine.dialect.name, s, p)) for ms, s, p in timed if ms >= args.min_ms
                ]
            total = sum(ms for ms, _, _ in timed)
            print(f"### `{path}`: {len(recorded)} statements, {total:.1f} ms in all\n")
            print("| ms | statement | plan |\n|---|---|---|")
            for ms, statement, plan in sorted(slow, reverse=True):
                text = " ".join(statement.split())[:110].replace("|", "\\|")
                print(f"| {ms:.1f} | `{text}…` | {plan.replace('|', '/')} |")
            print(f"\n({len(timed) - len(slow)} more under {args.min_ms:g} ms)\n")


if __name__ == "__main__":
    main()
