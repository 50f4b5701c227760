"""How fast `kolo reindex` builds the search index, with one and with several worker processes, in one run.

    .venv/bin/python bench/reindex.py --data-dir /tmp/big [--database-url URL] [--procs 1 2]

The data folder is one `bench/generate.py` made (or any Kolo's). Each build writes a new generation into its own
throw-away index folder; the table gives the documents indexed, seconds, documents per second, the peak memory of
the build's largest process, the index's size and its segments.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index

from app.search.reindex import current_generation

ROOT = Path(__file__).resolve().parent.parent
KOLO = str(ROOT / ".venv" / "bin" / "kolo")


def build(data_dir: Path, database_url: str, procs: int) -> dict[str, float]:
    """One `kolo reindex --procs N` into a fresh folder; its figures."""
    index_dir = Path(tempfile.mkdtemp(prefix=f"kolo-reindex-{procs}-"))
    env = {**os.environ, "KOLO_DATA_DIR": str(data_dir), "KOLO_INDEX_DIR": str(index_dir)}
    if database_url:
        env["KOLO_DATABASE_URL"] = database_url
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([KOLO, "reindex", "--procs", str(procs)], env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    generation = current_generation(index_dir)
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation))
    docs, segments = ix.doc_count(), len(ix._segments())  # noqa: SLF001  (Whoosh has no public count)
    ix.close()
    size = sum(f.stat().st_size for f in generation.iterdir()) / 1e6
    return {"docs": docs, "seconds": seconds, "peak": peak, "size": size, "segments": segments}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--procs", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    args = parser.parse_args()
    print(f"`kolo reindex` on {args.data_dir} ({os.cpu_count()} cores)\n")
    print("| worker processes | documents | seconds | documents/s | largest process MB | index MB | segments |")
    print("|---|---|---|---|---|---|---|")
    for procs in args.procs:
        f = build(args.data_dir, args.database_url, procs)
        print(
            f"| {procs} | {f['docs']:,.0f} | {f['seconds']:.1f} | {f['docs'] / f['seconds']:,.0f} | {f['peak']:.0f} |"
            f" {f['size']:.0f} | {f['segments']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
