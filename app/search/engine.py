"""Scoring a parsed query over whole segments at once.

Whoosh keeps the index: analysis, postings, stored fields, segments and their merges. Its own
matchers walk the postings one document at a time in pure Python, which kept a query at 100k
documents at hundreds of milliseconds (docs/benchmarks.md). Here each query term's postings are
decoded once per segment into numpy arrays (cached, least recently used first out) and the query
tree is evaluated as array operations: every visible match is scored, counted and faceted, and
the top hits are picked with a partial sort.

Public API:
    evaluate(searcher, query, allowed, *, boosts=True) -> Matches
    Coordinated(query, words, fields, floor=None)   scores times the share of the words a document holds
    Matches.top(n, after=None) -> list[(docnum, score)]   one per thread, best first, ties by document number;
                                                after=(score, docnum of any document of a thread): the page after it
    Matches.total (threads), Matches.total_exact, Matches.docnums() (every matching document),
    Matches.groups() (their threads, numbered), Matches.members(docnum) -> [(docnum, score)] of its thread, best first
    field_values(searcher, fieldnames, docnums, groups=None) -> {field: Counter[str]}   facet counts over the
                                                matches (with `groups`: how many threads carry each value)
    similar_terms(searcher, fieldname, text, maxdist) -> set[str]  within maxdist edits, same first letter first
    segment_docs(searcher, query) -> numpy bool array over the searcher's document numbers
    UnsupportedQuery(ValueError)                a kind of query node it does not evaluate (the input's fault)

Scores are Whoosh's BM25F (B=0.75, K1=1.2, its idf and average field lengths, the schema's
field boosts already in the stored weights, the query's boosts), summed over the matching terms
of Or and And; AndMaybe adds its optional part where the required part matches; Require scores its first part
where both match. Coordinated
multiplies by COORD_FLOOR + (1 - COORD_FLOOR) × the share of the query's words a document holds
in any of the fields (Lucene's "coord"): of a disease's sections, the one that also says
"inherited" answers "Is X inherited?" (bench/relevance.py: English MRR@10 +0.06). Then recent and
published content gets a small lift (RECENCY_BOOST, PUBLISHED_BOOST). Phrases are checked
against stored positions for the candidates that contain every word, best candidates first, up to
PHRASE_CHECK_BUDGET per segment; when that budget runs out the total is a lower bound.

Threads: documents sharing a `thread_id` (a post and its comments, app/search/index.py) are one hit, scored by its
best document; that document stands for it in `top` and keyset paging, so a page never repeats a thread, nor does
the next one skip one. The numbers come from a per-segment column read once into an array (cached).

This module reads whoosh-reloaded 2.7.5's codec from inside (posting blocks, length columns, the
raw term reader); pyproject.toml pins that version and tests/search exercise every path.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.matching import Matcher
from whoosh.query import And, AndMaybe, AndNot, Not, Or, Phrase, Query, Require, Term
from whoosh.query.wrappers import WrappingQuery
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length
from whoosh.util.times import datetime_to_long

K1 = 1.2
B = 0.75
# A document's score is multiplied by 1 + RECENCY_BOOST * 0.5 ** (age / RECENCY_HALF_LIFE_DAYS)
# and by 1 + PUBLISHED_BOOST when its status is "published" (a current knowledge-base article).
RECENCY_BOOST = 0.15
RECENCY_HALF_LIFE_DAYS = 90.0
PUBLISHED_BOOST = 0.1
# Coordinated scores are multiplied by COORD_FLOOR + (1 - COORD_FLOOR) * share of words held.
# Measured on bench/relevance.py (English tuning half + Ukrainian): 0 → 0.621 + 0.846,
# 0.3 → 0.622 + 0.848, 0.4 → 0.618 + 0.873, 0.5 → 0.605 + 0.876. A law that says «власник»
# where the clinician typed «роботодавець» must not sink for the word it lacks.
COORD_FLOOR = 0.1
PHRASE_CHECK_BUDGET = 4000
CACHE_BYTES = 128 * 2**20
_NO_DATE = 2**64 - 1
_NO_THREAD = 0  # the column's default: a document indexed without a thread_id
_MICROS_PER_DAY = 86_400 * 10**6
_LENGTHS = np.array([1.0] + [float(byte_to_length(b)) for b in range(1, 256)], dtype=np.float32)


class Coordinated(WrappingQuery):
    """`child`'s scores times the share of `words` a document holds; each word is a set of alternatives (a lemma,
    a misspelt word's near spellings, a synonym group's terms), each a tuple of terms a document must all hold,
    looked up in `fields`."""

    def __init__(
        self,
        child: Query,
        words: list[frozenset[tuple[str, ...]]],
        fields: tuple[str, ...],
        floor: float | None = None,
    ) -> None:
        super().__init__(child)
        self.words, self.fields, self.floor = words, fields, floor

    def _rewrap(self, child: Query) -> Coordinated:
        return Coordinated(child, self.words, self.fields, self.floor)


class _Cache:
    """A byte-budgeted LRU shared by every searcher of the process (segments never change).

    A key's first item ("postings", "lengths", ...) says what its value is: callers cast what `get` returns."""

    def __init__(self, budget: int) -> None:
        self._items: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._budget, self._used = budget, 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> object | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: tuple, value: object, size: int) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self._used += size
            while self._used > self._budget and len(self._items) > 1:
                _, (_, freed) = self._items.popitem(last=False)
                self._used -= freed


_cache = _Cache(CACHE_BYTES)


@dataclass(frozen=True, slots=True)
class _Postings:
    ids: np.ndarray  # int64 document numbers within the segment, ascending
    weights: np.ndarray  # float32 term frequencies (times the field boost)


@dataclass(slots=True)
class _Leaf:
    """One segment as a query sees it: its reader, size, offset and document filter."""

    reader: IndexReader
    segid: str
    size: int
    offset: int
    allowed: np.ndarray  # bool: visible to the caller and not deleted

    def postings(self, fieldname: str, text: str) -> _Postings | None:
        key = ("postings", self.segid, fieldname, text)
        found = cast("_Postings | Literal[False] | None", _cache.get(key))
        if found is None:
            found = _read_postings(self.reader, fieldname, text)
            _cache.put(key, found, 64 + (found.ids.nbytes + found.weights.nbytes if found else 0))
        return found or None

    def positions(self, fieldname: str, text: str) -> tuple[np.ndarray, list[bytes]] | None:
        key = ("positions", self.segid, fieldname, text)
        found = cast("tuple[np.ndarray, list[bytes]] | Literal[False] | None", _cache.get(key))
        if found is None:
            found = _read_values(self.reader, fieldname, text)
            _cache.put(key, found, 64 + (found[0].nbytes + sum(len(v) + 40 for v in found[1]) if found else 0))
        return found or None

    def lengths(self, fieldname: str) -> np.ndarray:
        key = ("lengths", self.segid, fieldname)
        found = cast("np.ndarray | None", _cache.get(key))
        if found is None:
            found = _read_lengths(self.reader, fieldname, self.size)
            _cache.put(key, found, found.nbytes)
        return found

    def threads(self) -> np.ndarray:
        """Per-document thread number (int64; -1: none, see _thread_numbers)."""
        key = ("threads", self.segid)
        found = cast("np.ndarray | None", _cache.get(key))
        if found is None:
            found = _read_threads(self.reader, self.size)
            _cache.put(key, found, found.nbytes)
        return found

    def lift(self) -> np.ndarray:
        """Per-document score multiplier: recent and published content first among equals."""
        day = datetime.now().strftime("%Y%m%d")
        key = ("lift", self.segid, day)
        found = cast("np.ndarray | None", _cache.get(key))
        if found is None:
            found = _read_lift(self.reader, self.size)
            _cache.put(key, found, found.nbytes)
        return found


def _read_postings(reader: IndexReader, fieldname: str, text: str) -> _Postings | Literal[False]:
    """Every posting of a term in one segment (False when the segment lacks it)."""
    found = _read_term(reader, fieldname, text, values=False)
    return _Postings(found[0], found[1]) if found else False


def _read_values(reader: IndexReader, fieldname: str, text: str) -> tuple[np.ndarray, list[bytes]] | Literal[False]:
    """Document numbers and the encoded positions of each posting of a term in one segment."""
    found = _read_term(reader, fieldname, text, values=True)
    return (found[0], found[2]) if found else False


def _read_term(
    reader: IndexReader, fieldname: str, text: str, *, values: bool
) -> tuple[np.ndarray, np.ndarray, list[bytes]] | None:
    leaf = _leaf_matcher(reader, fieldname, text)
    if leaf is None:
        return None
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    encoded: list[bytes] = []
    for block_ids, block_weights, block_values in _blocks(leaf):
        ids.append(block_ids)
        weights.append(block_weights)
        if values:
            encoded.extend(block_values)
    return np.concatenate(ids), np.concatenate(weights), encoded


def _leaf_matcher(reader: IndexReader, fieldname: str, text: str) -> Matcher | None:
    """The segment's raw posting reader: deleted documents included (they are masked later)."""
    if (fieldname, text) not in reader:
        return None
    return reader._terms.matcher(fieldname, reader._text_to_bytes(fieldname, text), reader.schema[fieldname].format)


def _blocks(leaf: Matcher) -> Iterator[tuple[np.ndarray, np.ndarray, tuple[Any, ...]]]:
    """The decoded blocks of a whoosh3 posting list (W3LeafMatcher, whoosh-reloaded 2.7.5)."""
    while leaf.is_active():
        if leaf._data is None:
            leaf._read_data()
        raw_ids, raw_weights, values = leaf._data
        ids = np.asarray(raw_ids, dtype=np.int64)
        if not leaf._byteids:
            ids = np.cumsum(ids)
        count = len(ids)
        if raw_weights is None:
            weights = np.ones(count, dtype=np.float32)
        elif isinstance(raw_weights, float):
            weights = np.full(count, raw_weights, dtype=np.float32)
        else:
            weights = np.asarray(raw_weights, dtype=np.float32)
        yield ids, weights, values if isinstance(values, tuple) else ()
        leaf._next_block()


def _read_lengths(reader: IndexReader, fieldname: str, size: int) -> np.ndarray:
    column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    raw = np.zeros(size, dtype=np.uint8)
    if column is not None and column._count:
        raw[: column._count] = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
    return _LENGTHS[raw]


def _read_threads(reader: IndexReader, size: int) -> np.ndarray:
    raw = np.full(size, _NO_THREAD, dtype=np.uint64)
    if reader.has_column("thread_id"):
        # whoosh's NumericColumn keeps big-endian fixed-width values: read them at once, not one call per document
        column = reader.column_reader("thread_id", translate=False)
        count = min(column._count, size)
        if count:
            raw[:count] = np.frombuffer(column._dbfile.get(column._basepos, count * 8), dtype=">u8")
    return np.where(raw == _NO_THREAD, -1, raw.astype(np.int64))  # thread_number() is below 2**63


def _thread_numbers(leaf: _Leaf, hits: np.ndarray) -> np.ndarray:
    """The thread numbers of some of a segment's documents; one without a number is a thread of its own."""
    numbers = leaf.threads()[hits]
    return np.where(numbers < 0, -1 - (hits + leaf.offset), numbers)


def _read_lift(reader: IndexReader, size: int) -> np.ndarray:
    lift = np.ones(size, dtype=np.float32)
    if reader.has_column("created_at"):
        created = np.fromiter(reader.column_reader("created_at", translate=False), dtype=np.uint64, count=size)
        dated = created != _NO_DATE
        now = datetime_to_long(datetime.now(UTC).replace(tzinfo=None))
        age_days = np.maximum(now - created[dated].astype(np.float64), 0) / _MICROS_PER_DAY
        lift[dated] += RECENCY_BOOST * np.power(0.5, age_days / RECENCY_HALF_LIFE_DAYS)
    published = _read_postings(reader, "status", "published")
    if published:
        lift[published.ids] *= 1 + PUBLISHED_BOOST
    return lift


@dataclass(slots=True)
class _Result:
    """A node's matches in one segment: which documents, and their scores."""

    match: np.ndarray
    score: np.ndarray


class Matches:
    """Every visible document a query matches, with its score, across the searcher's segments, and the threads they
    make: a thread's score is its best document's, which stands for it (`top`)."""

    def __init__(
        self,
        docnums: np.ndarray,
        scores: np.ndarray,
        exact: bool,
        threads: np.ndarray,
        thread_of: Callable[[int], int | None] = lambda docnum: None,
    ) -> None:
        self._all_docnums, self._all_scores, self._threads = docnums, scores, threads
        self._thread_of = thread_of  # the thread number of any document of the searcher, matching or not
        self.total_exact = exact
        # sorted by thread, then best first: the first of each run of a thread is the document that stands for it
        order = np.lexsort((docnums, -scores, threads))
        self._order = order
        sorted_threads = threads[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = sorted_threads[1:] != sorted_threads[:-1]
        self._starts = np.flatnonzero(first)
        self._groups = np.empty(len(order), dtype=np.int64)
        self._groups[order] = np.cumsum(first) - 1
        heads = order[first]
        self._docnums, self._scores, self._head_threads = docnums[heads], scores[heads], sorted_threads[first]

    @property
    def total(self) -> int:
        """How many threads match (a post and its matching comments are one)."""
        return int(len(self._docnums))

    def top(self, n: int, after: tuple[float, int | None] | None = None) -> list[tuple[int, float]]:
        """The n best threads as (document number, score) of the document standing for each, best first; ties go to
        the older document.

        `after` is the last hit of the previous page (keyset pagination), by any document of its thread: only what
        ranks below that thread now is returned. Its score now counts (new documents change every score a little);
        the score it had is used only when it no longer matches (docnum None: it has gone)."""
        docnums, scores = self._docnums, self._scores
        if after is not None:
            score, docnum = np.float32(after[0]), after[1]
            found = self._thread_index(docnum)
            if found is not None:
                score, docnum = scores[found], int(docnums[found])
            below = (scores < score) | ((scores == score) & (docnums > (docnum if docnum is not None else 2**62)))
            docnums, scores = docnums[below], scores[below]
        if n < len(docnums):
            # every document scoring at least the n-th best, so that ties are broken by docnum
            threshold = np.partition(scores, len(scores) - n)[len(scores) - n]
            keep = scores >= threshold
            docnums, scores = docnums[keep], scores[keep]
        order = np.lexsort((docnums, -scores))[:n]
        return [(int(d), float(s)) for d, s in zip(docnums[order], scores[order], strict=True)]

    def members(self, docnum: int) -> list[tuple[int, float]]:
        """The matching documents of `docnum`'s thread as (document number, score), best first."""
        found = self._thread_index(docnum)
        if found is None:
            return []
        start = self._starts[found]
        end = self._starts[found + 1] if found + 1 < len(self._starts) else len(self._order)
        rows = self._order[start:end]
        return [(int(d), float(s)) for d, s in zip(self._all_docnums[rows], self._all_scores[rows], strict=True)]

    def docnums(self) -> np.ndarray:
        """Every matching document (all of a thread's, not one per thread)."""
        return self._all_docnums

    def groups(self) -> np.ndarray:
        """The thread of each of `docnums()`, numbered from 0 (for field_values)."""
        return self._groups

    def _thread_index(self, docnum: int | None) -> int | None:
        """The position among the threads of the one holding `docnum` (matching or not: a post whose comments do)."""
        if docnum is None:
            return None
        hit = np.flatnonzero(self._all_docnums == docnum)
        thread = self._threads[hit[0]] if len(hit) else self._thread_of(docnum)
        if thread is None:
            return None
        at = int(np.searchsorted(self._head_threads, thread))
        return at if at < len(self._head_threads) and self._head_threads[at] == thread else None


def evaluate(searcher: Searcher, query: Query, allowed: np.ndarray, *, boosts: bool = True) -> Matches:
    """Score `query` over every document `allowed` (a bool array over the searcher's documents)."""
    evaluator = _Evaluator(searcher)
    docnums, scores, threads, exact = [], [], [], True
    leaves = list(_leaves(searcher, allowed))
    for leaf in leaves:
        result = evaluator.run(query, leaf)
        hits = np.flatnonzero(result.match & leaf.allowed)
        score = result.score[hits]
        if boosts:
            score = score * leaf.lift()[hits]
        docnums.append(hits + leaf.offset)
        scores.append(score)
        threads.append(_thread_numbers(leaf, hits))
        exact = exact and not evaluator.truncated
    if not docnums:
        empty = np.zeros(0, dtype=np.int64)
        return Matches(empty, np.zeros(0, dtype=np.float32), True, empty)

    def thread_of(docnum: int) -> int | None:
        for leaf in leaves:
            if leaf.offset <= docnum < leaf.offset + leaf.size:
                return int(_thread_numbers(leaf, np.array([docnum - leaf.offset]))[0])
        return None

    return Matches(np.concatenate(docnums), np.concatenate(scores), exact, np.concatenate(threads), thread_of)


def segment_docs(searcher: Searcher, query: Query) -> np.ndarray:
    """The documents `query` matches, as a bool array over the searcher's document numbers.

    Terms, Or and And (the visibility filter) come from the cached postings, so a new searcher after
    each commit does not walk every document again; anything else (a date range) asks Whoosh."""
    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
    if all(type(node) in (Term, Or, And) for node in _nodes(query)):
        evaluator = _Evaluator(searcher)
        for leaf in _leaves(searcher, None):
            mask[leaf.offset : leaf.offset + leaf.size] = evaluator.run(query, leaf).match & leaf.allowed
        return mask
    for docnum in searcher.docs_for_query(query):
        mask[docnum] = True
    return mask


def _nodes(query: Query) -> Iterator[Query]:
    yield query
    for child in query.children():
        yield from _nodes(child)


def field_values(
    searcher: Searcher, fieldnames: Iterable[str], docnums: np.ndarray, groups: np.ndarray | None = None
) -> dict[str, Counter[str]]:
    """For each keyword or ID field, how many of `docnums` carry each of its terms (a document may carry several);
    with `groups` (Matches.groups(): each document's thread, numbered from 0), how many threads hold a document
    carrying it."""
    threads = len(docnums) if groups is None or not len(groups) else int(groups.max()) + 1
    if threads == len(docnums):
        groups = None  # every thread is one document: counting documents counts threads
    counts: dict[str, Counter[str]] = {name: Counter() for name in fieldnames}
    codes: dict[str, list[np.ndarray]] = {name: [] for name in counts}  # value number × threads + thread
    numbering: dict[str, dict[str, int]] = {name: {} for name in counts}
    for leaf in _leaves(searcher, None):
        within = (docnums >= leaf.offset) & (docnums < leaf.offset + leaf.size)
        inside = docnums[within] - leaf.offset
        if not len(inside):
            continue
        mask = np.zeros(leaf.size, dtype=bool)
        mask[inside] = True
        group_at = np.zeros(leaf.size, dtype=np.int64)
        if groups is not None:
            group_at[inside] = groups[within]
        for fieldname, counter in counts.items():
            terms, owners = _field_index(leaf, fieldname)
            names = _field_terms(leaf, fieldname)
            held = mask[owners]
            if groups is None:
                per_term = np.bincount(terms[held], minlength=len(names))
                for i in np.flatnonzero(per_term).tolist():
                    counter[names[i]] += int(per_term[i])
                continue
            known = numbering[fieldname]
            value = np.array([known.setdefault(name, len(known)) for name in names], dtype=np.int64)
            codes[fieldname].append(value[terms[held]] * threads + group_at[owners[held]])
    for fieldname, found in codes.items():
        if found:
            per_value = np.bincount(np.unique(np.concatenate(found)) // threads, minlength=len(numbering[fieldname]))
            names = list(numbering[fieldname])
            counts[fieldname].update({names[i]: int(per_value[i]) for i in np.flatnonzero(per_value).tolist()})
    return counts


def _field_index(leaf: _Leaf, fieldname: str) -> tuple[np.ndarray, np.ndarray]:
    """(term number, document) of every posting of a field in one segment."""
    key = ("field", leaf.segid, fieldname)
    found = cast("tuple[np.ndarray, np.ndarray] | None", _cache.get(key))
    if found is None:
        terms: list[np.ndarray] = []
        owners: list[np.ndarray] = []
        for i, text in enumerate(_field_terms(leaf, fieldname)):
            postings = _read_postings(leaf.reader, fieldname, text)
            if postings:
                owners.append(postings.ids)
                terms.append(np.full(len(postings.ids), i, dtype=np.int32))
        found = (
            (np.concatenate(terms), np.concatenate(owners))
            if terms
            else (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64))
        )
        _cache.put(key, found, found[0].nbytes + found[1].nbytes)
    return found


def similar_terms(searcher: Searcher, fieldname: str, text: str, maxdist: int) -> set[str]:
    """Terms of a field within `maxdist` edits of `text` (a transposition is one edit), sharing its first letter:
    typos rarely hit it, and it makes the candidates a few thousand, not the whole vocabulary. Only when no such
    term is near does the whole vocabulary count ("ефібрилятор" for «дефібрилятор»): bench/relevance.py's
    queries with their first letter dropped or changed, MRR@10 0.53 → 0.63, at 5.6 ms (median) per such word over
    the 65,000 words of a 100k-document index, against 0.1 ms for the first letter's share."""
    found = _similar(searcher, fieldname, text, maxdist, lambda terms: terms.get(text[:1], []))
    if not found:
        found = _similar(searcher, fieldname, text, maxdist, lambda terms: [t for ts in terms.values() for t in ts])
    return found


def _similar(
    searcher: Searcher, fieldname: str, text: str, maxdist: int, candidates: Callable[[dict[str, list[str]]], list[str]]
) -> set[str]:
    found: set[str] = set()
    for leaf in _leaves(searcher, None):
        found.update(
            term
            for term, _, _ in process.extract(
                text, candidates(_by_initial(leaf, fieldname)), scorer=OSA.distance, score_cutoff=maxdist, limit=None
            )
        )
    return found


def _by_initial(leaf: _Leaf, fieldname: str) -> dict[str, list[str]]:
    key = ("initials", leaf.segid, fieldname)
    found = cast("dict[str, list[str]] | None", _cache.get(key))
    if found is None:
        found = {}
        for term in _field_terms(leaf, fieldname):
            found.setdefault(term[:1], []).append(term)
        _cache.put(key, found, 16 * sum(len(terms) for terms in found.values()))
    return found


def _field_terms(leaf: _Leaf, fieldname: str) -> list[str]:
    key = ("terms", leaf.segid, fieldname)
    found = cast("list[str] | None", _cache.get(key))
    if found is None:
        field = leaf.reader.schema[fieldname]
        found = [field.from_bytes(t) for t in leaf.reader.lexicon(fieldname)]
        _cache.put(key, found, 64 * len(found))
    return found


def _leaves(searcher: Searcher, allowed: np.ndarray | None) -> Iterator[_Leaf]:
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        segment = reader.segment()
        size = reader.doc_count_all()
        mask = np.ones(size, dtype=bool) if allowed is None else allowed[offset : offset + size].copy()
        if segment.deleted_count():
            mask[np.fromiter(segment.deleted_docs(), dtype=np.int64)] = False
        yield _Leaf(reader=reader, segid=segment.segment_id(), size=size, offset=offset, allowed=mask)


class UnsupportedQuery(ValueError):
    """The parsed query holds a kind of node the engine does not evaluate: the searcher's input, not the index, is
    at fault."""


class _Evaluator:
    """Evaluates a Whoosh query tree over one segment at a time."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.truncated = False

    def run(self, node: Query, leaf: _Leaf) -> _Result:
        kind = type(node)
        if kind is Term:
            return self._term(node, leaf)
        if kind is Or:
            return self._combine([self.run(q, leaf) for q in node.subqueries], np.logical_or, leaf, node.boost)
        if kind is And:
            return self._combine([self.run(q, leaf) for q in node.subqueries], np.logical_and, leaf, node.boost)
        if kind is AndNot:
            a, b = self.run(node.a, leaf), self.run(node.b, leaf)
            return _Result(a.match & ~b.match, a.score)
        if kind is AndMaybe:
            a, b = self.run(node.a, leaf), self.run(node.b, leaf)
            return _Result(a.match, a.score + np.where(a.match, b.score, 0))
        if kind is Require:  # both must match; only the first one scores
            a, b = self.run(node.a, leaf), self.run(node.b, leaf)
            return _Result(a.match & b.match, np.where(b.match, a.score, 0))
        if kind is Not:
            inner = self.run(node.query, leaf)
            return _Result(~inner.match, np.zeros(leaf.size, dtype=np.float32))
        if kind is Phrase:
            return self._phrase(node, leaf)
        if kind is Coordinated:
            return self._coordinated(node, leaf)
        if node.is_leaf() and not node.has_terms():  # NullQuery and friends
            return _empty(leaf)
        raise UnsupportedQuery(kind.__name__)

    def _combine(self, parts: list[_Result], op: np.ufunc, leaf: _Leaf, boost: float) -> _Result:
        if not parts:
            return _empty(leaf)
        match = parts[0].match.copy()
        score = parts[0].score.copy()
        for part in parts[1:]:
            op(match, part.match, out=match)
            score += part.score
        if op is np.logical_and:
            score[~match] = 0
        return _Result(match, score * boost if boost != 1 else score)

    def _coordinated(self, node: Coordinated, leaf: _Leaf) -> _Result:
        result = self.run(node.child, leaf)
        if node.words:
            held = np.zeros(leaf.size, dtype=np.float32)
            for word in node.words:
                has = np.zeros(leaf.size, dtype=bool)
                for terms in word:
                    has |= self._holds_all(terms, node.fields, leaf)
                held += has
            floor = COORD_FLOOR if node.floor is None else node.floor
            result.score *= floor + (1 - floor) * held / len(node.words)
        return result

    @staticmethod
    def _holds_all(terms: tuple[str, ...], fields: tuple[str, ...], leaf: _Leaf) -> np.ndarray:
        """Documents holding every one of `terms`, each in any of `fields`."""
        holds = np.ones(leaf.size, dtype=bool)
        for text in terms:
            has = np.zeros(leaf.size, dtype=bool)
            for fieldname in fields:
                postings = leaf.postings(fieldname, text)
                if postings is not None:
                    has[postings.ids] = True
            holds &= has
        return holds

    def _term_scores(self, fieldname: str, text: str, leaf: _Leaf) -> tuple[np.ndarray, np.ndarray] | None:
        postings = leaf.postings(fieldname, text)
        if postings is None:
            return None
        if not self.searcher.schema[fieldname].scorable:
            return postings.ids, postings.weights
        idf = self.searcher.idf(fieldname, text)
        avg = self.searcher.avg_field_length(fieldname) or 1
        lengths = leaf.lengths(fieldname)[postings.ids]
        tf = postings.weights
        return postings.ids, idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths / avg))

    def _term(self, node: Term, leaf: _Leaf) -> _Result:
        result = _empty(leaf)
        found = self._term_scores(node.fieldname, node.text, leaf)
        if found is not None:
            ids, scores = found
            result.match[ids] = True
            result.score[ids] = scores * node.boost
        return result

    def _phrase(self, node: Phrase, leaf: _Leaf) -> _Result:
        """Documents holding the words in order (Whoosh's slop: up to `slop` positions apart)."""
        result = _empty(leaf)
        found = [self._term_scores(node.fieldname, w, leaf) for w in node.words]
        scored = [s for s in found if s is not None]
        if not found or len(scored) < len(found):
            return result
        total = np.zeros(leaf.size, dtype=np.float32)
        present = leaf.allowed.copy()
        for ids, scores in scored:
            has = np.zeros(leaf.size, dtype=bool)
            has[ids] = True
            present &= has
            total[ids] += scores
        candidates = np.flatnonzero(present)
        if len(candidates) > PHRASE_CHECK_BUDGET:
            self.truncated = True
            best = np.argpartition(-total[candidates], PHRASE_CHECK_BUDGET)[:PHRASE_CHECK_BUDGET]
            candidates = np.sort(candidates[best])
        values: list[tuple[np.ndarray, list[bytes]]] = []
        for w in node.words:
            positions = leaf.positions(node.fieldname, w)
            assert positions is not None, "a term with postings here has positions"
            values.append(positions)
        decode = self.searcher.schema[node.fieldname].format.decode_positions
        rows = [ids.searchsorted(candidates) for ids, _ in values]
        for i, doc in enumerate(candidates.tolist()):
            word_positions = [decode(v[1][row[i]]) for v, row in zip(values, rows, strict=True)]
            if _in_order(word_positions, node.slop):
                result.match[doc] = True
        result.score[result.match] = total[result.match] * node.boost
        return result


def _in_order(word_positions: list[list[int]], slop: int) -> bool:
    """True when some position of each word follows one of the previous word within `slop`."""
    current = set(word_positions[0])
    for positions in word_positions[1:]:
        current = {q + step for q in current for step in range(1, slop + 1)}.intersection(positions)
        if not current:
            return False
    return True


def _empty(leaf: _Leaf) -> _Result:
    return _Result(np.zeros(leaf.size, dtype=bool), np.zeros(leaf.size, dtype=np.float32))
