"""Throughput and latency of Kolo's pages under load, beside `GET /healthz` on the same server in the same run.

    .venv/bin/python bench/pages.py [--data-dir DIR --index-dir DIR] [--duration 10] [--workers 1]
    .venv/bin/python bench/pages.py --data-dir /tmp/big --without-search --settle 120   # bench/generate.py's data

Without --data-dir it builds the demo (`kolo demo`) in a throw-away folder. Starts `kolo serve` (indexer and
scheduler on, as in production), signs in as --user through the API, waits --settle seconds (the periodic jobs'
first turn, minutes over thousands of people), then loads each page with `wrk -t2 -c4` from a
second process (Debian's `wrk`), one page after the other, each for --duration seconds after a 2-second warm-up.
Prints a Markdown table: requests per second, p50 and p95 latency, non-2xx answers, and each page's rate as a
share of /healthz's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KOLO = str(ROOT / ".venv" / "bin" / "kolo")
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "non2xx": %d, "errors": %d, "p50": %f, "p95": %f}\\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""
PAGES = [
    "/healthz",
    "/api/v1/users/me",
    "/",
    "/kb",
    "{article}",
    "/onboarding/dashboard",
    "/search?q=%D1%82%D1%80%D0%B8%D0%B0%D0%B6",  # «триаж»
    "/api/v1/posts",
]


def wait_ready(base: str, timeout: float = 120) -> None:
    """Until /healthz answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def sign_in(base: str, email: str, password: str) -> str:
    """The session cookie of a sign-in through the API."""
    body = json.dumps({"email": email, "password": password}).encode()
    request = urllib.request.Request(
        base + "/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        cookies = [v.split(";", 1)[0] for k, v in answer.headers.items() if k.lower() == "set-cookie"]
    return "; ".join(cookies)


def wait_indexed(base: str, cookie: str, timeout: float = 600) -> None:
    """Until search answers from a built index (a fresh demo's is built by the server after it starts)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        request = urllib.request.Request(base + "/api/v1/search?q=kolo", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as answer:
            if not json.loads(answer.read())["degraded"]:
                return
        time.sleep(0.5)
    raise SystemExit("the search index was not built in time")


def first_article(base: str, cookie: str) -> str:
    """The path of the first article the knowledge base lists."""
    request = urllib.request.Request(base + "/api/v1/articles?limit=1", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as answer:
        items = json.loads(answer.read())["items"]
    return f"/kb/{items[0]['slug']}"


def load(url: str, cookie: str, seconds: int, threads: int, connections: int, script: Path) -> dict[str, float]:
    """One wrk run against `url`; its figures as a dict."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(script), "-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    figures["rate"] = figures["requests"] / figures["seconds"]
    return figures


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the server under test and of the load on it."""
    parser.add_argument("--data-dir", type=Path, help="an existing data folder (default: the demo, built afresh)")
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--user", default="manager@kolo.local")
    parser.add_argument("--password", default="kolo-demo-2026")
    parser.add_argument(
        "--settle", type=float, default=0, help="seconds to wait after the start (the periodic jobs' first turn)"
    )
    parser.add_argument(
        "--without-search", action="store_true", help="no indexer, no waiting for an index (data never indexed)"
    )


@contextlib.contextmanager
def running_server(args: argparse.Namespace) -> Iterator[tuple[str, str, int, Path]]:
    """`kolo serve` in production mode on the given (or a fresh demo) data: its base URL, a signed-in session
    cookie, the server's process id and the path of wrk's report script."""
    work = Path(tempfile.mkdtemp(prefix="kolo-pages-"))
    env = {
        **os.environ,
        "KOLO_ENVIRONMENT": "production",
        "KOLO_SECRET_KEY": "bench-" + "x" * 40,
        "KOLO_DATA_DIR": str(args.data_dir or work / "data"),
        "KOLO_INDEX_DIR": str(args.index_dir or work / "index"),
    }
    if args.database_url:
        env["KOLO_DATABASE_URL"] = args.database_url
    if args.without_search:
        env["KOLO_START_INDEXER"] = "false"
    if args.data_dir is None:
        subprocess.run([KOLO, "demo"], env=env, check=True, capture_output=True)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [KOLO, "serve", "--port", str(args.port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_ready(base)
        script = work / "report.lua"
        script.write_text(REPORT)
        cookie = sign_in(base, args.user, args.password)
        if not args.without_search:
            wait_indexed(base, cookie)
        time.sleep(args.settle)
        yield base, cookie, server.pid, script
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_server_arguments(parser)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--pages", nargs="*", default=PAGES)
    args = parser.parse_args()

    rows = []
    with running_server(args) as (base, cookie, _, script):
        for page in args.pages:
            path = first_article(base, cookie) if page == "{article}" else page
            load(base + path, cookie, 2, args.threads, args.connections, script)  # warm-up
            rows.append((path, load(base + path, cookie, args.duration, args.threads, args.connections, script)))
    healthz = next((f["rate"] for p, f in rows if p == "/healthz"), None)
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, kolo serve --workers {args.workers}\n")
    print("| page | req/s | p50 ms | p95 ms | non-2xx | share of /healthz |")
    print("|---|---|---|---|---|---|")
    for path, f in rows:
        share = f"{f['rate'] / healthz:.2f}" if healthz else "—"
        bad = int(f["non2xx"] + f["errors"])
        print(f"| `{path}` | {f['rate']:.0f} | {f['p50']:.1f} | {f['p95']:.1f} | {bad} | {share} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
