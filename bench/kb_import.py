"""Time `kolo import` of a JSONL corpus into a fresh SQLite database, then how long the indexer needs.

.venv/bin/python bench/kb_import.py ../shared/corpus/uk_laws_health.jsonl
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KOLO = ROOT / ".venv" / "bin" / "kolo"


def main(corpus: str) -> None:
    """Create a manager, import the corpus, print the wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KOLO_DATA_DIR": f"{tmp}/data", "KOLO_INDEX_DIR": f"{tmp}/index"}
        subprocess.run([str(KOLO), "migrate"], env=env, check=True, capture_output=True)
        subprocess.run(
            [str(KOLO), "user", "add", "bench@kolo.test", "--name", "Bench", "--role", "manager"],
            input="bench-password-123\n",
            text=True,
            env=env,
            check=True,
            capture_output=True,
        )
        started = time.perf_counter()
        result = subprocess.run(
            [str(KOLO), "import", corpus, "--as", "bench@kolo.test"], env=env, capture_output=True, text=True
        )
        elapsed = time.perf_counter() - started
        print(result.stdout.strip())
        print(f"kolo import: {elapsed:.1f} s wall (process start and migration check included)")
        started = time.perf_counter()
        reindex = subprocess.run([str(KOLO), "reindex"], env=env, capture_output=True, text=True)
        print(
            f"kolo reindex (all imported articles searchable): {time.perf_counter() - started:.1f} s"
            f" (rc {reindex.returncode})"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT.parent / "shared" / "corpus" / "uk_laws_health.jsonl"))
