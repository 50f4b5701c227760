"""Relevance of Kolo's search beside SQLite FTS5 (unicode61), on the same documents, in one run.

    .venv/bin/python bench/relevance.py ../shared/corpus [--en-queries 0] [--seed 7] [--index DIR]
                                        [--set expansion.QUESTION_WEIGHT=0.1 ...] [--no-thesaurus] [--uk-only]

Documents: the Ukrainian legal articles, the Ukrainian prose of BRUK (distractors: a query must find the law, not a
story sharing one word) and the English MedQuAD passages of the corpus folder.
Ukrainian queries (bench/relevance/): uk_first.jsonl (30, written in the first session and tuned on since),
uk_tuning.jsonl (the weights below were chosen on it) and uk_heldout.jsonl (written separately, never looked at while
tuning), each query labelled with its kind (question, synonym, abbreviation, keyword, typo, apostrophe, short).
English: MedQuAD's questions (all 9,886 by default, or a seeded sample), in halves: the tuning half (even positions)
and the held-out half (odd positions). Kolo runs with its shipped thesaurus (app/wordlists/thesaurus-uk.txt) unless
--no-thesaurus. --set MODULE.NAME=VALUE changes a weight of app.search.MODULE for the run (tuning).
Prints Markdown tables: per set, per kind and half, MRR@10 and hit@10 of both engines and ms per query.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh.index import Index

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.search.index import SearchDoc, add_documents, create_unwritten, open_or_create, writer  # noqa: E402
from app.search.query import run_query  # noqa: E402
from app.search.thesaurus import EMPTY, Thesaurus, shipped_groups  # noqa: E402

HERE = Path(__file__).resolve().parent / "relevance"
K = 10
UK_SETS = (
    ("first set (tuned on)", "uk_first.jsonl"),
    ("tuning half", "uk_tuning.jsonl"),
    ("held-out half", "uk_heldout.jsonl"),
)
KINDS = ("question", "synonym", "abbreviation", "keyword", "typo", "apostrophe", "short")
_FTS_TOKEN = re.compile(r"\w+")


def read_jsonl(path: Path) -> list[dict]:
    """One JSON object per line."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def corpus_docs(corpus: Path) -> Iterator[dict]:
    """The laws, the BRUK distractors and the MedQuAD passages, read as they are needed."""
    for name in ("uk_laws_health.jsonl", "uk_prose_bruk.jsonl", "en_medquad.jsonl"):
        yield from read_jsonl(corpus / name)


def open_or_build(folder: Path, docs: Iterable[dict]) -> Index:
    """Kolo's index kept in folder: opened when it is there, else built from docs."""
    return open_or_create(folder) if folder.exists() else build_kolo(docs, folder)


def build_kolo(docs: Iterable[dict], folder: Path) -> Index:
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


def search_fts(db: sqlite3.Connection, text: str) -> list[str]:
    """Top keys by bm25, title weighted 3×, any of the words (AND of a question's words finds almost nothing)."""
    match = " OR ".join(f'"{t}"' for t in _FTS_TOKEN.findall(text.lower()))
    if not match:
        return []
    rows = db.execute(
        "SELECT key FROM doc WHERE doc MATCH ? ORDER BY bm25(doc, 0, 3.0, 1.0) LIMIT ?", (match, K)
    ).fetchall()
    return [r[0] for r in rows]


def kolo_search(searcher: object, thesaurus: Thesaurus) -> Callable[[str], list[str]]:
    """Top keys from Kolo's query layer."""

    def search(text: str) -> list[str]:
        result = run_query(
            searcher,
            text,
            visibility_keys=["all"],
            limit=K,
            with_facets=False,
            with_suggestion=False,
            thesaurus=thesaurus,
        )
        return [h.key for h in result.hits]

    return search


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    """1/rank of the first relevant key within the top K, else 0."""
    return next((1.0 / rank for rank, key in enumerate(ranked[:K], start=1) if key in relevant), 0.0)


def run(queries: list[dict], search: Callable[[str], list[str]]) -> tuple[list[float], float]:
    """Each query's reciprocal rank, and the mean milliseconds per query."""
    started = time.perf_counter()
    ranks = [reciprocal_rank(search(q["query"]), set(q["relevant_ids"])) for q in queries]
    return ranks, 1000 * (time.perf_counter() - started) / max(len(queries), 1)


def figures(ranks: list[float]) -> tuple[float, float]:
    """MRR@10 and hit@10."""
    n = max(len(ranks), 1)
    return sum(ranks) / n, sum(1 for r in ranks if r) / n


def apply_settings(settings: list[str]) -> None:
    """--set expansion.QUESTION_WEIGHT=0.1 → app.search.expansion.QUESTION_WEIGHT = 0.1."""
    for item in settings:
        name, _, value = item.partition("=")
        module, _, attribute = name.rpartition(".")
        target = importlib.import_module(f"app.search.{module}")
        current = getattr(target, attribute)
        setattr(target, attribute, json.loads(value) if not isinstance(current, str) else value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="the corpus folder (uk_laws_health.jsonl, en_medquad.jsonl, …)")
    parser.add_argument("--en-queries", type=int, default=0, help="sample size of MedQuAD questions; 0 = all")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--index", type=Path, help="keep Kolo's index in this folder and reuse it when it exists")
    parser.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE")
    parser.add_argument("--no-thesaurus", action="store_true", help="Kolo without its shipped synonym groups")
    parser.add_argument("--uk-only", action="store_true", help="skip the English questions (tuning runs)")
    parser.add_argument("--tuning", action="store_true", help="only the sets tuned on: no held-out half is shown")
    args = parser.parse_args()
    apply_settings(args.set)
    thesaurus = EMPTY if args.no_thesaurus else Thesaurus.from_groups(shipped_groups())
    docs = list(corpus_docs(args.corpus))
    en = [] if args.uk_only else read_jsonl(args.corpus / "qa_en_medquad.jsonl")
    if args.en_queries:
        en = random.Random(args.seed).sample(en, min(args.en_queries, len(en)))
    uk = {label: read_jsonl(HERE / name) for label, name in UK_SETS if (HERE / name).exists()}
    if args.tuning:
        uk.pop("held-out half", None)
        en = en[::2]
    sets = [(f"Ukrainian, {label}", qs) for label, qs in uk.items()]
    if en:
        sets += [("English, tuning half", en[::2])] + ([] if args.tuning else [("English, held-out half", en[1::2])])
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        folder = args.index or Path(tmp) / "kolo"
        ix = open_or_build(folder, docs)
        kolo_build = time.perf_counter() - started
        started = time.perf_counter()
        db = build_fts(docs, Path(tmp) / "fts.db")
        fts_build = time.perf_counter() - started
        with ix.searcher() as searcher:
            kolo = kolo_search(searcher, thesaurus)
            results = {label: (qs, run(qs, kolo), run(qs, lambda t: search_fts(db, t))) for label, qs in sets}
    print(f"{len(docs):,} documents; build: Kolo {kolo_build:.0f} s, FTS5 {fts_build:.1f} s")
    print(f"thesaurus: {len(thesaurus)} groups; settings: {' '.join(args.set) or 'as shipped'}\n")
    print(
        "| queries | n | Kolo MRR@10 | FTS5 MRR@10 | ratio | Kolo hit@10 | FTS5 hit@10 | Kolo ms/query "
        "| FTS5 ms/query |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rows = [(label, qs, k, f) for label, (qs, k, f) in results.items()]
    if en and not args.tuning:
        halves = [r for r in rows if r[0].startswith("English")]
        rows.append(
            (
                "English, all",
                [q for r in halves for q in r[1]],
                ([x for r in halves for x in r[2][0]], sum(r[2][1] * len(r[1]) for r in halves) / len(en)),
                ([x for r in halves for x in r[3][0]], sum(r[3][1] * len(r[1]) for r in halves) / len(en)),
            )
        )
    for label, qs, (kr, kms), (fr, fms) in rows:
        (km, kh), (fm, fh) = figures(kr), figures(fr)
        print(
            f"| {label} | {len(qs)} | {km:.3f} | {fm:.3f} | {km / fm if fm else 0:.2f} | {kh:.3f} | {fh:.3f} "
            f"| {kms:.1f} | {fms:.2f} |"
        )
    halves = [label for label in uk if label != UK_SETS[0][0]]
    if halves:
        print("\n| kind | " + " | ".join(f"n, Kolo / FTS5 MRR@10, Kolo hit@10 ({h})" for h in halves) + " |")
        print("|---|" + "---|" * len(halves))
        for kind in KINDS:
            cells = []
            for label in halves:
                qs, (kr, _), (fr, _) = results[f"Ukrainian, {label}"]
                picked = [i for i, q in enumerate(qs) if q.get("kind") == kind]
                (km, kh), (fm, _) = figures([kr[i] for i in picked]), figures([fr[i] for i in picked])
                cells.append(f"{len(picked)}: **{km:.2f}** / {fm:.2f}, {kh:.2f}")
            print(f"| {kind} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
