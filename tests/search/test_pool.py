"""A build larger than the posting pool's memory spills sorted runs to disk and merges them at the commit: every
word must still find every document it is in, as when everything fits in memory."""

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Term

from app.search.pool import use_chunked_pool

WORDS = [f"слово{n}" for n in range(300)]


def _build(folder: Path, limitmb: float) -> whoosh_index.Index:
    ix = whoosh_index.create_in(folder, Schema(key=ID(stored=True), body=TEXT()))
    writer = ix.writer(limitmb=limitmb)
    for doc in range(2000):
        writer.add_document(key=str(doc), body=" ".join(WORDS[doc % 7 :: 7]))
    writer.commit()
    return ix


def test_a_build_that_spills_finds_what_one_in_memory_finds(tmp_path: Path) -> None:
    use_chunked_pool()
    (tmp_path / "small").mkdir()
    (tmp_path / "roomy").mkdir()
    spilled, in_memory = _build(tmp_path / "small", limitmb=0.05), _build(tmp_path / "roomy", limitmb=64)
    with spilled.searcher() as small, in_memory.searcher() as roomy:
        for word in WORDS:
            found = sorted(hit["key"] for hit in small.search(Term("body", word), limit=None))
            assert found and found == sorted(hit["key"] for hit in roomy.search(Term("body", word), limit=None))
