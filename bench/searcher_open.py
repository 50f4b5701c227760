"""What opening a searcher costs on a built index, and what its queries cost, in this process.

    .venv/bin/python bench/searcher_open.py /tmp/perf/lat-1m/index

Opens the index's current generation through Kolo (`app.search.index.open_or_create`), times opening a searcher and
ten queries cold then twenty warm, and prints the process's peak memory. Run it from two checkouts (PYTHONPATH at
each) to compare them on the same index."""

import argparse
import resource
import statistics
import time
from pathlib import Path

from app.search import index as kolo_index
from app.search.query import run_query

QUERIES = (
    "гігієна рук",
    "антисептик",
    "how to treat diabetes",
    "серцево-легенева реанімація",
    "вакцинація дітей",
    "blood pressure",
    '"медична допомога"',
    "травма голови",
    "пацієнт",
    "infection control",
)


def _timed(searcher: object, queries: tuple[str, ...]) -> list[float]:
    times = []
    for q in queries:
        started = time.perf_counter()
        run_query(searcher, q, visibility_keys=["all"], limit=20)  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("index_dir", type=Path, help="a search index folder (its newest ix-* generation is opened)")
    args = parser.parse_args()
    generation = max(args.index_dir.glob("ix-*"), default=args.index_dir)
    started = time.perf_counter()
    searcher = kolo_index.open_or_create(generation).searcher()
    opened = time.perf_counter() - started
    cold, warm = _timed(searcher, QUERIES), _timed(searcher, QUERIES * 2)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"| open a searcher | {opened:.2f} s |")
    print(f"| query, first pass (median of {len(cold)}) | {1000 * statistics.median(cold):.0f} ms |")
    print(f"| query, warm (median of {len(warm)}) | {1000 * statistics.median(warm):.0f} ms |")
    print(f"| peak memory of the process | {peak} MB |")


if __name__ == "__main__":
    main()
