"""Whoosh's posting pool, with its runs written and read in chunks.

While it indexes, Whoosh keeps each new posting in memory; past `limitmb` it sorts them into a run file, and the
commit merges the runs. Its own pool pickles every posting with a call of its own, both ways (a quarter of a rebuild
in py-spy). This one pickles CHUNK postings at a time: the same sorted runs, a thousandth of the calls.
"""

import pickle
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

from whoosh import writing

CHUNK = 20_000


class ChunkedPostingPool(writing.PostingPool):
    def _write_run(self, f: IO[bytes], items: Iterable[Any]) -> None:
        try:
            postings = iter(items)  # a sorted list, or a merge of runs (reduce_to)
            while chunk := list(islice(postings, CHUNK)):
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


def use_chunked_pool() -> None:
    """Make Whoosh's segment writers use ChunkedPostingPool, those of worker processes forked after it too."""
    writing.PostingPool = ChunkedPostingPool
