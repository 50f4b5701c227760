"""Where one page's time goes on the running server: py-spy samples `kolo serve` while wrk loads the page.

    .venv/bin/python bench/profile_page.py / [--seconds 15] [--data-dir DIR --index-dir DIR] [--top 25]

Starts the server as bench/pages.py does (the demo in a throw-away folder unless --data-dir), signs in as --user,
loads the page with wrk for --seconds while `py-spy record --gil` samples the server's
thread that holds the GIL (the CPU the page costs), then prints the
share of samples spent in (inclusive) and directly inside (own) the busiest functions, and the share by area
(template rendering, SQL, middleware, …). `--svg FILE` also writes py-spy's flame graph.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
from pathlib import Path

import pages

PY_SPY = str(Path(sys.executable).parent / "py-spy")
AREAS = {  # the first match, reading a stack from the innermost frame out, names its area
    "template rendering": ("jinja2/", "templates/", "app/templating.py"),
    "SQL (execute and fetch)": ("sqlalchemy/engine", "sqlite3", "psycopg"),
    "ORM (building objects, queries)": ("sqlalchemy/orm", "sqlalchemy/sql", "sqlmodel/"),
    "validation and serialisation": ("pydantic", "fastapi/encoders", "fastapi/_compat"),
    "Kolo's own code": ("app/",),
    "framework (routing, middleware, server)": ("starlette/", "fastapi/", "uvicorn/", "anyio/", "h11", "httptools"),
}


def area_of(frames: list[str]) -> str:
    """The area of a stack (outermost frame first)."""
    for frame in reversed(frames):
        for area, markers in AREAS.items():
            if any(marker in frame for marker in markers):
                return area
    return "other (idle, interpreter)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--svg", type=Path)
    pages.add_server_arguments(parser)
    args = parser.parse_args()

    with pages.running_server(args) as (base, cookie, server_pid, script):
        raw = Path(script).with_name("stacks.txt")
        spy = subprocess.Popen(
            [PY_SPY, "record", "--pid", str(server_pid), "--format", "raw", "--output", str(raw), "--gil"]
            + ["--rate", "200", "--duration", str(args.seconds), "--nonblocking"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        figures = pages.load(base + args.path, cookie, args.seconds, args.threads, args.connections, script)
        spy.wait()
        if args.svg:
            subprocess.run([PY_SPY, "record", "--pid", str(server_pid), "--output", str(args.svg), "--duration", "5"])
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    areas: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [f for f in stack.split(";") if "process " not in f and "thread " not in f]
        if not frames:
            continue
        n = int(count)
        total += n
        own[frames[-1]] += n
        areas[area_of(frames)] += n
        for frame in set(frames):
            inclusive[frame] += n
    print(f"`{args.path}`: {figures['rate']:.0f} req/s under wrk, {total} samples of the thread holding the GIL\n")
    print("| area | share |\n|---|---|")
    for area, n in areas.most_common():
        print(f"| {area} | {100 * n / total:.0f}% |")
    for title, counter in (("inclusive", inclusive), ("own", own)):
        print(f"\n| function ({title}) | share |\n|---|---|")
        for frame, n in counter.most_common(args.top):
            print(f"| `{frame}` | {100 * n / total:.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
