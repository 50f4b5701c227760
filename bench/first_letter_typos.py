"""What the first-letter rule of typo correction costs and gains, in one run.

    .venv/bin/python bench/first_letter_typos.py ../shared/corpus [--index DIR] [--seed 3]

One long word (6+ letters) of each non-typo query of bench/relevance/uk_first.jsonl and uk_tuning.jsonl has its first
letter dropped or changed (seeded), e.g. «ефібрилятор» for «дефібрилятор». Kolo searches them over bench/relevance.py's
documents three ways: misspellings corrected only among words of the same first letter, as shipped (those first, the
whole vocabulary only when none is near: app/search/engine.similar_terms), and always over the whole vocabulary.
Prints MRR@10 and hit@10 of the misspelt queries and of the same queries as written.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh.searching import Searcher

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import relevance as rel  # noqa: E402

from app.search import engine  # noqa: E402
from app.search.thesaurus import Thesaurus, shipped_groups  # noqa: E402

_WORD = re.compile(r"\w+")


def misspell(queries: list[dict], rng: random.Random) -> list[dict]:
    """Each query with one long word's first letter dropped or replaced by a vowel."""
    made = []
    for q in queries:
        long = [w for w in _WORD.findall(q["query"]) if len(w) >= 6]
        if long:
            word = rng.choice(long)
            wrong = word[1:] if rng.random() < 0.5 else rng.choice("аеиіоу") + word[1:]
            made.append({**q, "query": q["query"].replace(word, wrong, 1)})
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--index", type=Path, help="Kolo's index of bench/relevance.py (built here when missing)")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    queries = [
        q
        for name in ("uk_first.jsonl", "uk_tuning.jsonl")
        for q in rel.read_jsonl(rel.HERE / name)
        if q.get("kind") != "typo"
    ]
    misspelt = misspell(queries, random.Random(args.seed))
    shipped = engine.similar_terms

    def same_initial(searcher: Searcher, fieldname: str, text: str, maxdist: int) -> set[str]:
        return engine._similar(searcher, fieldname, text, maxdist, lambda terms: terms.get(text[:1], []))

    def anywhere(searcher: Searcher, fieldname: str, text: str, maxdist: int) -> set[str]:
        found: set[str] = set()
        for leaf in engine._leaves(searcher, None):
            terms = engine._field_terms(leaf, fieldname)
            matches = process.extract(text, terms, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
            found.update(t for t, _, _ in matches)
        return found

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.index or Path(tmp) / "kolo"
        ix = rel.open_or_build(folder, rel.corpus_docs(args.corpus))
        thesaurus = Thesaurus.from_groups(shipped_groups())
        print(f"{len(misspelt)} misspelt queries\n")
        print("| typos corrected among | misspelt MRR@10 | hit@10 | as written MRR@10 | hit@10 |")
        print("|---|---|---|---|---|")
        with ix.searcher() as searcher:
            for label, similar in (
                ("the same first letter's words only", same_initial),
                ("those first, else the whole vocabulary (shipped)", shipped),
                ("the whole vocabulary always", anywhere),
            ):
                engine.similar_terms = similar
                search = rel.kolo_search(searcher, thesaurus)
                (bad, bad_hit), (good, good_hit) = (rel.figures(rel.run(qs, search)[0]) for qs in (misspelt, queries))
                print(f"| {label} | {bad:.3f} | {bad_hit:.2f} | {good:.3f} | {good_hit:.2f} |")
        engine.similar_terms = shipped
    return 0


if __name__ == "__main__":
    sys.exit(main())
