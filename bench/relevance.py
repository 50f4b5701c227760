"""Relevance of Kolo's search beside SQLite FTS5 (unicode61), on the same documents, in one run.

    .venv/bin/python bench/relevance.py ../shared/corpus [--en-queries 1000] [--seed 7]

Documents: the Ukrainian legal articles and the English MedQuAD passages of the corpus folder.
Queries: MedQuAD's questions (English; a seeded sample, or all with --en-queries 0) and the
Ukrainian queries in bench/uk_queries.jsonl (written for Kolo over the legal corpus: different
word forms than the titles, as a clinician would type them). Prints MRR@10 and hit@10 per
language and engine as a Markdown table. The English sample is reported in two halves: the
tuning half (even positions) that Kolo's weights were chosen on, and the held-out half (odd
positions) that was never looked at while tuning; a gain on the first alone is overfitting.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.search.index import SearchDoc, add_documents, create_unwritten, open_or_create, writer  # noqa: E402
from app.search.query import run_query  # noqa: E402

HERE = Path(__file__).resolve().parent
K = 10
_FTS_TOKEN = re.compile(r"\w+")


def read_jsonl(path: Path) -> list[dict]:
    """One JSON object per line."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def build_kolo(docs: list[dict], folder: Path) -> object:
    """Kolo's Whoosh index with its analyzer and schema."""
    ix = create_unwritten(folder)
    with writer(ix, last_applied=0) as w:
        add_documents(
            w,
            (
                SearchDoc(key=d["id"], kind="article", title=d["title"], body=d["body"], visibility=["all"])
                for d in docs
            ),
        )
    return ix


def build_fts(docs: list[dict], path: Path) -> sqlite3.Connection:
    """SQLite FTS5 with the unicode61 tokenizer (diacritics folded), title and body columns."""
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE doc USING fts5(key UNINDEXED, title, body, tokenize='unicode61')")
    db.executemany("INSERT INTO doc VALUES (?, ?, ?)", ((d["id"], d["title"], d["body"]) for d in docs))
    db.commit()
    return db


def fts_query(text: str) -> str:
    """Any of the words (AND of every word of a question finds almost nothing in FTS5)."""
    return " OR ".join(f'"{t}"' for t in _FTS_TOKEN.findall(text.lower()))


def search_fts(db: sqlite3.Connection, text: str) -> list[str]:
    """Top keys by bm25 with the title weighted 3× (as Kolo's schema does)."""
    match = fts_query(text)
    if not match:
        return []
    rows = db.execute(
        "SELECT key FROM doc WHERE doc MATCH ? ORDER BY bm25(doc, 0, 3.0, 1.0) LIMIT ?", (match, K)
    ).fetchall()
    return [r[0] for r in rows]


def search_kolo(searcher: object, text: str) -> list[str]:
    """Top keys from Kolo's query layer."""
    result = run_query(searcher, text, visibility_keys=["all"], limit=K, with_facets=False, with_suggestion=False)
    return [h.key for h in result.hits]


def score(ranked: list[str], relevant: set[str]) -> tuple[float, int]:
    """Reciprocal rank within the top K, and whether anything relevant is there."""
    for rank, key in enumerate(ranked[:K], start=1):
        if key in relevant:
            return 1.0 / rank, 1
    return 0.0, 0


def combine(a: dict[str, float], na: int, b: dict[str, float], nb: int) -> dict[str, float]:
    """The figures of two disjoint query sets taken together."""
    return {k: (a[k] * na + b[k] * nb) / max(na + nb, 1) for k in a}


def evaluate(queries: list[dict], search) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """MRR@10, hit@10 and mean query time."""
    rr = hits = 0.0
    started = time.perf_counter()
    for q in queries:
        r, h = score(search(q["query"]), set(q["relevant_ids"]))
        rr, hits = rr + r, hits + h
    elapsed = time.perf_counter() - started
    n = max(len(queries), 1)
    return {"mrr": rr / n, "hit": hits / n, "ms": 1000 * elapsed / n}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="the corpus folder (uk_laws_health.jsonl, en_medquad.jsonl, …)")
    parser.add_argument("--en-queries", type=int, default=1000, help="sample size of MedQuAD questions; 0 = all")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--index", type=Path, help="keep Kolo's index in this folder and reuse it when it exists")
    args = parser.parse_args()
    docs = read_jsonl(args.corpus / "uk_laws_health.jsonl") + read_jsonl(args.corpus / "en_medquad.jsonl")
    en = read_jsonl(args.corpus / "qa_en_medquad.jsonl")
    if args.en_queries:
        en = random.Random(args.seed).sample(en, min(args.en_queries, len(en)))
    uk = read_jsonl(HERE / "uk_queries.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        folder = args.index or Path(tmp) / "kolo"
        ix = open_or_create(folder) if args.index and args.index.exists() else build_kolo(docs, folder)
        kolo_build = time.perf_counter() - started
        started = time.perf_counter()
        db = build_fts(docs, Path(tmp) / "fts.db")
        fts_build = time.perf_counter() - started
        sets = (("Ukrainian", uk), ("English, tuning half", en[::2]), ("English, held-out half", en[1::2]))
        with ix.searcher() as searcher:
            rows = [
                (
                    lang,
                    len(qs),
                    evaluate(qs, lambda t: search_kolo(searcher, t)),
                    evaluate(qs, lambda t: search_fts(db, t)),
                )
                for lang, qs in sets
            ]
    (_, na, ka, fa), (_, nb, kb, fb) = rows[1], rows[2]
    rows.append(("English, all", na + nb, combine(ka, na, kb, nb), combine(fa, na, fb, nb)))
    print(f"{len(docs):,} documents; build: Kolo {kolo_build:.0f} s, FTS5 {fts_build:.1f} s\n")
    print("| queries | n | Kolo MRR@10 | FTS5 MRR@10 | Kolo hit@10 | FTS5 hit@10 | Kolo ms/query | FTS5 ms/query |")
    print("|---|---|---|---|---|---|---|---|")
    for lang, n, kolo, fts in rows:
        print(
            f"| {lang} | {n} | {kolo['mrr']:.3f} | {fts['mrr']:.3f} | {kolo['hit']:.3f} | {fts['hit']:.3f} "
            f"| {kolo['ms']:.1f} | {fts['ms']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
