"""Search latency through Kolo's HTTP API at scale, beside SQLite FTS5 on the same documents.

    .venv/bin/python bench/search_latency.py ../shared/corpus [--docs 100000] [--queries 500] [--reuse]
        [--workers 2] [--clients 8] [--write-rates 10 20 40]

Builds a throw-away Kolo (its own data and index folders under --workdir): the corpus documents
plus posts made of its sentences up to --docs, inserted as feed posts; times `kolo reindex`;
starts `kolo serve --workers N` and times how long until a search answers from the index; runs
--queries mixed queries (English questions, Ukrainian queries, single terms, quoted phrases,
misspellings) through GET /api/v1/search, --clients of them at once; reads each process's memory;
then, for each of --write-rates, measures how long 100 new posts take to become searchable while
other clients write that many posts per second through the API. FTS5 (unicode61) gets the same
documents and queries in-process (no HTTP), one at a time. Prints Markdown tables. --reuse keeps the
database and index an earlier run built in --workdir (same --docs and --seed; the build time shown
is that run's, and each run adds its freshness posts).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from app.search.reindex import current_generation

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KOLO = str(ROOT / ".venv" / "bin" / "kolo")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w{5,}")
GIVE_UP = 120.0  # seconds a freshness probe waits to be found


def read_jsonl(path: Path) -> list[dict]:
    """One JSON object per line."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def make_documents(corpus: Path, total: int, rng: random.Random) -> list[tuple[str, str]]:
    """(title, body) pairs: the corpus, then posts of 2–5 of its sentences up to `total`."""
    base = read_jsonl(corpus / "uk_laws_health.jsonl") + read_jsonl(corpus / "en_medquad.jsonl")
    docs = [(d["title"], d["body"]) for d in base][:total]
    sentences = [s.strip() for d in base for s in _SENTENCE.split(d["body"]) if 30 < len(s.strip()) < 400]
    while len(docs) < total:
        picked = rng.sample(sentences, rng.randint(2, 5))
        docs.append((picked[0][:90], " ".join(picked)))
    return docs


def make_queries(corpus: Path, docs: list[tuple[str, str]], n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query) pairs: 30% English questions, 10% Ukrainian queries, 30% terms, 20% phrases, 10% typos."""
    en = [q["query"] for q in rng.sample(read_jsonl(corpus / "qa_en_medquad.jsonl"), int(n * 0.3))]
    uk_pool = [q["query"] for q in read_jsonl(HERE / "relevance" / "uk_first.jsonl")]
    uk = [rng.choice(uk_pool) for _ in range(int(n * 0.1))]
    words = [w for _, body in rng.sample(docs, 2000) for w in _WORD.findall(body)]
    terms = [rng.choice(words) for _ in range(int(n * 0.3))]
    phrases = []
    for _, body in rng.sample(docs, int(n * 0.2)):
        found = _WORD.findall(body)
        i = rng.randrange(max(len(found) - 1, 1))
        phrases.append(f'"{" ".join(found[i : i + 2])}"')
    typos = []
    while len(en) + len(uk) + len(terms) + len(phrases) + len(typos) < n:
        w = rng.choice(words)
        i = rng.randrange(1, len(w) - 1)
        typos.append(w[:i] + w[i + 1 :])
    queries = [
        (kind, q)
        for kind, group in (
            ("English question", en),
            ("Ukrainian query", uk),
            ("single term", terms),
            ("quoted phrase", phrases),
            ("misspelt word", typos),
        )
        for q in group
    ]
    rng.shuffle(queries)
    return queries


def insert_posts(database_url: str, docs: list[tuple[str, str]], author_id: int) -> None:
    """Insert the documents as feed posts and queue nothing (the reindex reads the table)."""
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for start in range(0, len(docs), 5000):
            rows = [
                {
                    "a": author_id,
                    "k": "tip",
                    "b": f"{t}\n\n{b}",
                    "h": f"<p><strong>{html.escape(t)}</strong></p><p>{html.escape(b)}</p>",
                    "c": now,
                }
                for t, b in docs[start : start + 5000]
            ]
            conn.execute(
                text(
                    "INSERT INTO post (author_id, kind, body, html, must_read, created_at) "
                    "VALUES (:a, :k, :b, :h, false, :c)"
                ),
                rows,
            )
    engine.dispose()


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def rss_by_process(pid: int) -> list[float]:
    """Resident memory of a process and then of each of its children (the server's workers), in MB."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    sizes = []
    for candidate in [pid, *map(int, children)]:
        try:
            status = Path(f"/proc/{candidate}/status").read_text()
        except FileNotFoundError:
            continue
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)  # type: ignore[union-attr]
    return sizes


def folder_mb(path: Path) -> float:
    """Size of the files under `path`, in MB."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


class Api:
    """A tiny JSON client with a Bearer token."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.headers = base, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def get(self, path: str, **params: object) -> dict:
        url = f"{self.base}{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(urllib.request.Request(url, headers=self.headers), timeout=60) as r:
            return json.loads(r.read())

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode(), headers=self.headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as r:
            return json.loads(r.read())


def fts_run(docs: list[tuple[str, str]], queries: list[tuple[str, str]], path: Path) -> dict[str, float]:
    """Build FTS5 over the same documents and time the same queries (any word; phrases as phrases)."""
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE doc USING fts5(title, body, tokenize='unicode61')")
    db.executemany("INSERT INTO doc VALUES (?, ?)", docs)
    db.commit()
    build = time.perf_counter() - started
    times = []
    for _, q in queries:
        match = " OR ".join(f'"{t}"' for t in re.findall(r"\w+", q.lower())) if not q.startswith('"') else q
        started = time.perf_counter()
        if match:
            db.execute(
                "SELECT rowid, snippet(doc, 1, '<mark>', '</mark>', '…', 20) FROM doc WHERE doc MATCH ? "
                "ORDER BY bm25(doc, 3.0, 1.0) LIMIT 20",
                (match,),
            ).fetchall()
        times.append(1000 * (time.perf_counter() - started))
    db.close()
    size = path.stat().st_size / 1e6
    return {"build": build, "p50": percentile(times, 50), "p95": percentile(times, 95), "size": size}


def freshness(
    api: Api, sentences: list[str], rate: float, n: int = 100, give_up: float = GIVE_UP
) -> tuple[list[float], float]:
    """Seconds from creating a post to finding it by a unique word, for n posts, while other clients
    write posts at `rate` per second (up to 8 at once); returns the delays and the write rate achieved. A post not
    found after `give_up` seconds counts as that many, and the round ends (the index is not keeping up)."""
    stop, written = threading.Event(), []

    def write() -> None:
        api.post("/api/v1/posts", {"body": random.choice(sentences), "kind": "tip"})
        written.append(1)

    def background(pool: ThreadPoolExecutor) -> None:
        started, sent = time.perf_counter(), 0
        while not stop.is_set():
            pool.submit(write)
            sent += 1
            time.sleep(max(0.0, started + sent / rate - time.perf_counter()))

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        writer = threading.Thread(target=background, args=(pool,), daemon=True)
        if rate:
            writer.start()
        delays = []
        for i in range(n):
            word = f"свіжість{i:03d}перевірка"
            started = time.perf_counter()
            api.post("/api/v1/posts", {"body": f"Перевірка {word} пошуку", "kind": "tip"})
            while not api.get("/api/v1/search", q=word)["items"]:
                if time.perf_counter() - started > give_up:
                    break
                time.sleep(0.01)
            delays.append(time.perf_counter() - started)
            if delays[-1] > give_up:
                break
        elapsed, completed = time.perf_counter() - began, len(written)
        stop.set()
        if rate:
            writer.join()
    return delays, (completed + len(delays)) / elapsed


def build_kolo(args: argparse.Namespace, env: dict[str, str], docs: list[tuple[str, str]]) -> float:
    """Create the throw-away Kolo and time `kolo reindex`; with --reuse, the earlier run's build time."""
    marker = args.workdir / "build.json"
    wanted = {"docs": args.docs, "seed": args.seed}
    if args.reuse and marker.exists():
        built = json.loads(marker.read_text())
        if {k: built.get(k) for k in wanted} == wanted:
            return float(built["seconds"])
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    subprocess.run([KOLO, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [KOLO, "user", "add", "bench@kolo.local", "--name", "Bench", "--role", "admin"],
        env=env,
        input="Bench-password-2026!\n",
        text=True,
        check=True,
        capture_output=True,
    )
    insert_posts(env["KOLO_DATABASE_URL"], docs, author_id=1)
    started = time.perf_counter()
    subprocess.run([KOLO, "reindex"], env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({**wanted, "seconds": seconds}))
    return seconds


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    """`kolo serve`, its output in `log`."""
    with log.open("w") as out:
        return subprocess.Popen(
            [KOLO, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen, grace: float = 120) -> float:
    """SIGTERM, then SIGKILL after `grace` seconds; the seconds it took to stop."""
    started = time.perf_counter()
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    return time.perf_counter() - started


def first_answer(api: Api, query: str, started: float, timeout: float = 600) -> tuple[float, float]:
    """Seconds from `started` (the server's start) until a search answers from the index, not "degraded", and that
    answer's own milliseconds."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        asked = time.perf_counter()
        try:
            answer = api.get("/api/v1/search", q=query)
        except OSError:  # not listening yet
            time.sleep(0.05)
            continue
        if not answer["degraded"]:
            return time.perf_counter() - started, 1000 * (time.perf_counter() - asked)
        time.sleep(0.05)
    raise TimeoutError("search stayed degraded")


def wait_all_ready(api: Api, query: str, in_a_row: int = 40) -> None:
    """Until `in_a_row` answers one after another come from the index: every worker has opened it."""
    row = 0
    while row < in_a_row:
        row = 0 if api.get("/api/v1/search", q=query)["degraded"] else row + 1


def run_queries(api: Api, queries: list[tuple[str, str]], clients: int) -> tuple[list[float], dict, int, float]:
    """Every query through the API from `clients` threads at once: each one's milliseconds, the same by kind, how
    many found nothing, and the queries per second."""

    def ask(query: tuple[str, str]) -> tuple[str, float, bool]:
        started = time.perf_counter()
        answer = api.get("/api/v1/search", q=query[1])
        if answer["degraded"]:
            raise RuntimeError("a worker answered from no index: wait_all_ready first")
        return query[0], 1000 * (time.perf_counter() - started), bool(answer["items"])

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        answers = list(pool.map(ask, queries))
    seconds = time.perf_counter() - began
    by_kind: dict[str, list[float]] = {}
    for kind, ms, _ in answers:
        by_kind.setdefault(kind, []).append(ms)
    return [ms for _, ms, _ in answers], by_kind, sum(not found for *_, found in answers), len(queries) / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--port", type=int, default=8191)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kolo-latency"))
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, default=1, help="the server's worker processes (kolo serve --workers)")
    parser.add_argument("--clients", type=int, default=1, help="queries sent at once")
    parser.add_argument(
        "--write-rates",
        type=float,
        nargs="*",
        default=[20.0],
        help="posts per second other clients write while freshness is measured, one round each (none: no round)",
    )
    parser.add_argument("--reuse", action="store_true", help="reuse the database and index of an earlier run")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = {
        **os.environ,
        "KOLO_DATA_DIR": str(args.workdir / "data"),
        "KOLO_INDEX_DIR": str(args.workdir / "index"),
        "KOLO_DATABASE_URL": f"sqlite:///{args.workdir / 'data' / 'kolo.db'}",
        "KOLO_RUN_SCHEDULER": "false",
    }
    docs = make_documents(args.corpus, args.docs, rng)
    queries = make_queries(args.corpus, docs, args.queries, rng)
    build = build_kolo(args, env, docs)
    token = (
        subprocess.run([KOLO, "token", "bench@kolo.local"], env=env, check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    api = Api(f"http://127.0.0.1:{args.port}", token)
    sentences = [body[:300] for _, body in docs[:2000]]
    started = time.perf_counter()
    server = start_server(env, args.port, args.workers, args.workdir / "server.log")
    try:
        ready, first_ms = first_answer(api, queries[0][1], started)
        wait_all_ready(api, queries[0][1])
        run_queries(api, queries[:20], args.clients)  # warm
        times, by_kind, empty, rate = run_queries(api, queries, args.clients)
        memory = rss_by_process(server.pid)
        fresh = [(wanted, *freshness(api, sentences, wanted)) for wanted in args.write_rates]
    finally:
        stopped = stop_server(server)
    (args.workdir / "fts.db").unlink(missing_ok=True)
    fts = fts_run(docs, queries, args.workdir / "fts.db")
    print(
        f"{len(docs):,} documents, {len(queries)} queries ({empty} found nothing in Kolo); "
        f"{args.workers} worker(s), {args.clients} client(s) at once: {rate:.1f} queries/s\n"
    )
    print("| | Kolo (HTTP API, Whoosh) | SQLite FTS5 (in-process, one at a time) |\n|---|---|---|")
    print(f"| build | {build:.0f} s (`kolo reindex`) | {fts['build']:.1f} s |")
    print(f"| query p50 | {percentile(times, 50):.1f} ms | {fts['p50']:.2f} ms |")
    print(f"| query p95 | {percentile(times, 95):.1f} ms | {fts['p95']:.2f} ms |")
    index = current_generation(args.workdir / "index") or args.workdir / "index"
    print(f"| index size | {folder_mb(index):.0f} MB | {fts['size']:.0f} MB |")
    sizes = " + ".join(f"{mb:.0f}" for mb in memory)
    print(f"| server memory (RSS) | {sizes} MB (the supervisor, then each child process) | — |")
    print(f"| from start to the first answer from the index | {ready:.1f} s (that query {first_ms:.0f} ms) | — |")
    print(f"| from SIGTERM to stopped | {stopped:.1f} s | — |")
    print("\n| Kolo by kind of query | n | p50 | p95 | max |\n|---|---|---|---|---|")
    for kind, values in by_kind.items():
        print(
            f"| {kind} | {len(values)} | {percentile(values, 50):.1f} ms | {percentile(values, 95):.1f} ms "
            f"| {max(values):.1f} ms |"
        )
    print(
        "\n| others write (posts/s) | written in all, probes too (posts/s) | probes found (of 100) "
        "| creation → searchable p50 | p95 | max |"
    )
    print("|---|---|---|---|---|---|")
    for wanted, delays, achieved in fresh:
        found = sum(d <= GIVE_UP for d in delays)
        print(
            f"| {wanted:g} | {achieved:.1f} | {found} | {1000 * percentile(delays, 50):.0f} ms "
            f"| {1000 * percentile(delays, 95):.0f} ms | {1000 * max(delays):.0f} ms |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
