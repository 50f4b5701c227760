"""Slips of typing that are not the first letter's: a letter dropped, swapped or changed inside a word, and the
apostrophe left out, in one run.

    .venv/bin/python bench/typing_slips.py ../shared/corpus [--index DIR] [--seeds 5 6 7 8] [--code DIR]

Misspellings: one long word (6+ letters) of each non-typo query of bench/relevance/uk_first.jsonl and uk_tuning.jsonl
gets one slip at a random inner position (seeded). Apostrophes: every Ukrainian law title holding a word with an
apostrophe, queried as that word with its neighbours (known-item: the article is the answer), typed with the
apostrophe and without it. Documents and index are bench/relevance.py's (`--index` reuses one). `--code DIR` searches
with another checkout's app/ and bench/relevance.py (a worktree of a commit from 099bf28 on) to compare, on an index
that checkout built; an older commit's own copy of this script measures it the same way.
Prints MRR@10 and hit@10.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

_WORD = re.compile(r"\w+")
_APOSTROPHES = re.compile(r"['’ʼ]")
_TITLE_WORD = re.compile(r"[\w'’ʼ]+")


def misspell(queries: list[dict], rng: random.Random) -> list[dict]:
    """Each query with one long word's inner letter dropped, swapped with the next or replaced."""
    made = []
    for q in queries:
        long = [w for w in _WORD.findall(q["query"]) if len(w) >= 6]
        if not long:
            continue
        word = rng.choice(long)
        i = rng.randrange(1, len(word) - 1)
        slip = rng.choice("dts")
        if slip == "d":
            wrong = word[:i] + word[i + 1 :]
        elif slip == "t":
            wrong = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            wrong = word[:i] + rng.choice("аеиіоуякнрстл") + word[i + 1 :]
        made.append({**q, "query": q["query"].replace(word, wrong, 1)})
    return made


def apostrophe_titles(laws: list[dict]) -> list[dict]:
    """Known-item queries: a title's first word with an apostrophe, with the words either side of it."""
    made = []
    for d in laws:
        title = re.sub(r"^\s*Стаття\s+[\d\-]+\.\s*", "", d["title"].split("—", 1)[-1])
        words = _TITLE_WORD.findall(title)
        marked = [i for i, w in enumerate(words) if _APOSTROPHES.search(w) and not w.lower().startswith("здоров")]
        if marked:
            i = marked[0]
            made.append({"query": " ".join(words[max(0, i - 1) : i + 2]), "relevant_ids": [d["id"]]})
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--index", type=Path, help="Kolo's index of bench/relevance.py (built here when missing)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[5, 6, 7, 8])
    parser.add_argument("--code", type=Path, help="a checkout whose app/ does the searching (default: this one)")
    args = parser.parse_args()
    root = (args.code or Path(__file__).resolve().parent.parent).resolve()
    sys.path[:0] = [str(root), str(root / "bench")]
    import relevance as rel

    from app.search.thesaurus import Thesaurus, shipped_groups

    queries = [
        q
        for name in ("uk_first.jsonl", "uk_tuning.jsonl")
        for q in rel.read_jsonl(rel.HERE / name)
        if q.get("kind") != "typo"
    ]
    titles = apostrophe_titles(rel.read_jsonl(args.corpus / "uk_laws_health.jsonl"))
    sets: list[tuple[str, list[dict]]] = [("queries as written", queries)]
    sets += [(f"one slip inside a word, seed {s}", misspell(queries, random.Random(s))) for s in args.seeds]
    sets += [("law titles' apostrophe words, typed with it", titles)]
    sets += [("the same, apostrophe left out", [{**q, "query": _APOSTROPHES.sub("", q["query"])} for q in titles])]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.index or Path(tmp) / "kolo"
        ix = rel.open_or_build(folder, rel.corpus_docs(args.corpus))
        with ix.searcher() as searcher:
            search: Callable[[str], list[str]] = rel.kolo_search(searcher, Thesaurus.from_groups(shipped_groups()))
            print(f"code: {root}\n")
            print("| queries | n | Kolo MRR@10 | Kolo hit@10 |\n|---|---|---|---|")
            for label, qs in sets:
                mrr, hit = rel.figures(rel.run(qs, search)[0])
                print(f"| {label} | {len(qs)} | {mrr:.3f} | {hit:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
