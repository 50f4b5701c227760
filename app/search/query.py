"""Parsing, filtering, fuzzy matching, suggestions, facets and highlights for Kolo search.

Public API:
    run_query(searcher, q, *, visibility_keys, kind=None, tags=(), department_id=None,
              author_id=None, status=None, created_from=None, created_to=None, limit=20,
              after=None, with_facets=True, with_suggestion=True, thesaurus=EMPTY) -> QueryResult
    suggest_titles(searcher, q, *, visibility_keys, limit) -> list[Hit]   titles as typed so far
    QueryResult(hits, total, total_exact, suggestion, facets, more)
    Hit(key, kind, score, title_html, snippet_html, url)   (from app.search.snippets)

Query syntax (user input, never trusted): words (all should match; documents matching
most words still rank), "exact phrase", -word to exclude, AND / OR / NOT and parentheses.
Field names, wildcards, ranges and boosts are not syntax: they are plain text.

Permissions: only documents carrying at least one of ``visibility_keys`` are matched,
counted, faceted or used to validate a suggestion; the filter applies while scoring. The
service layer still rechecks every returned key against the database.

Scoring (app/search/engine.py) visits every visible match as array operations, so ``total``
and the facet counts are exact (``total_exact`` is False only when a very common phrase had more
candidates than were checked). They never count documents the caller may not see. The filter's
document set is computed once per searcher (an index generation) and reused. On a large
index, words found in more than COMMON_RATIO of the documents only add to the score of
documents that match a rarer word of the query.

``title_html`` and ``snippet_html`` are HTML-escaped text with matches in ``<mark>``.
Pagination is by keyset: ``after=(score, key)`` of the previous page's last hit (``Hit.score``
and ``Hit.key``) returns the hits ranked below that document now, so a document added meanwhile
does not push hits already shown onto the next page. A service encodes it in an opaque cursor.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

import numpy as np
from whoosh.qparser import (
    AndGroup,
    BoostPlugin,
    EveryPlugin,
    FieldsPlugin,
    MultifieldParser,
    OrGroup,
    PlusMinusPlugin,
    RangePlugin,
    SingleQuotePlugin,
    WildcardPlugin,
)
from whoosh.query import And, AndMaybe, AndNot, DateRange, Not, NullQuery, Or, Phrase, Query, Term
from whoosh.searching import Searcher
from whoosh.support.levenshtein import damerau_levenshtein

from app.search import engine, expansion
from app.search.analysis import (
    TOKEN_PATTERN,
    analyze,
    index_lemmas,
    is_cyrillic,
    normalize_tag,
    normalize_word,
    query_lemma,
)
from app.search.index import _naive_utc
from app.search.snippets import Hit, page_hits
from app.search.thesaurus import EMPTY, Thesaurus

logger = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "body")
VOCABULARY_FIELD = "words"
FUZZY_BOOST = 0.8
MAX_EXPANSIONS = 8
# Multiplies the schema's title field_boost (×3, already in the stored weights). Measured on
# bench/relevance.py's tuning half: of ×0.5, ×1, ×3 and ×5, ×5 ranked best (×0.5 and ×1 worst).
FIELD_BOOSTS = {"title": 4.0, "body": 1.0}
TAG_BOOST = 2.0
TITLE_COORD_FLOOR = 0.0
MAX_QUERY_CHARS = 500
# Any word may match, so a document missing one word is still found; documents holding more of
# the words rank first through engine.Coordinated (Whoosh's parser drops OrGroup.factory's bonus).
GROUP = OrGroup
FACETS = {"kind": "kind", "tag": "tags", "department": "department_ids", "author": "author_id"}
FACET_VALUES = 12
# A word in more than this share of documents only adds to the score of documents that match
# a rarer word of the query (Lucene's "common terms" idea): "what", "are", "disease" no longer
# rank a document that has none of a question's rarer words (better MRR@10 in both languages).
COMMON_RATIO = 0.02
COMMON_MIN_DOCS = 5000  # below this document frequencies say little: rank with every word
MAX_PREFIX_TERMS = 50  # title words a typed prefix may stand for, the most frequent first
FILTER_CACHE_SIZE = 64
_TOKEN_RE = re.compile(TOKEN_PATTERN)
_UNITS_RE = re.compile(r'"([^"]*)"|([^\s"]+)')


@dataclass(slots=True)
class QueryResult:
    """A page of hits plus totals, an optional suggestion and facet counts."""

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_exact: bool = True
    suggestion: str | None = None
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    more: bool = False  # hits rank below the last one returned


def build_parser(schema: object, group: object | None = None) -> MultifieldParser:
    """Return the free-text parser over title and body (tags are matched separately)."""
    parser = MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=group or GROUP)
    for plugin in (FieldsPlugin, WildcardPlugin, RangePlugin, BoostPlugin, EveryPlugin, SingleQuotePlugin):
        parser.remove_plugin_class(plugin)
    # "-" only at the start of a word, so "covid-19" stays one search term.
    parser.add_plugin(PlusMinusPlugin(minusexpr=r"(?<![^\s(])-"))
    return parser


def run_query(
    searcher: Searcher,
    q: str,
    *,
    visibility_keys: list[str],
    kind: str | None = None,
    tags: tuple[str, ...] | list[str] = (),
    department_id: int | str | None = None,
    author_id: int | str | None = None,
    status: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    limit: int = 20,
    after: tuple[float, str] | None = None,
    with_facets: bool = True,
    with_suggestion: bool = True,
    thesaurus: Thesaurus = EMPTY,
) -> QueryResult:
    """Search what the caller may see and return one page of highlighted hits."""
    q = _encodable(q or "")[:MAX_QUERY_CHARS]
    keys = [k for k in dict.fromkeys(visibility_keys) if k]
    if not q.strip() or not keys or limit <= 0:
        return QueryResult()
    flt = _filter(
        keys,
        kind=kind,
        tags=tags,
        department_id=department_id,
        author_id=author_id,
        status=status,
        created=(created_from, created_to),
    )
    parsed = _parse(searcher, q)
    words = list(dict.fromkeys(_wanted_words(parsed)))  # as the analyser lemmatized them: what synonyms match
    lemmas = _CommonestLemma(searcher, q)
    parsed = parsed.accept(lemmas.visit)
    vocab = _Vocabulary(searcher, {lemmas.of(w) for w in expansion.synonymous(words, thesaurus)})
    expanded = expansion.expand(
        parsed.accept(vocab.fuzzify),
        words,
        thesaurus=thesaurus,
        field_boosts=FIELD_BOOSTS,
        lemma=lemmas.of,
        near=lambda word: vocab.expansions.get(word, ()),
    )
    text_query = _coordinate(
        _split_common(searcher, _title_share(expanded.query, expanded.concepts)), expanded.concepts
    )
    query = _with_tags(text_query, q)
    if _is_null(query):
        return QueryResult()
    allowed = allowed_docs(searcher, flt)
    if not allowed.any():
        return QueryResult()
    matches = engine.evaluate(searcher, query, allowed)
    suggestion = None
    if with_suggestion and vocab.unknown:
        suggestion = _suggest(searcher, q, vocab, allowed)
    page = matches.top(limit + 1, _position(searcher, after))
    return QueryResult(
        hits=page_hits(searcher, query, page[:limit], matches),
        more=len(page) > limit,
        total=matches.total,
        total_exact=matches.total_exact,
        suggestion=suggestion,
        facets=_facet_counts(searcher, matches) if with_facets else {},
    )


def suggest_titles(searcher: Searcher, q: str, *, visibility_keys: list[str], limit: int) -> list[Hit]:
    """Titles holding every word typed so far, the last one possibly unfinished."""
    words = analyze(_encodable(q[:100]), no_morph=True)[:6]
    keys = [k for k in dict.fromkeys(visibility_keys) if k]
    if not words or not keys:
        return []
    allowed = allowed_docs(searcher, _filter(keys, kind=None, tags=(), department_id=None, author_id=None, status=None))
    reader = searcher.reader()
    parts = []
    for word in words:
        prefixed = sorted(reader.expand_prefix("title", word), key=lambda t: -reader.doc_frequency("title", t))
        texts = dict.fromkeys([*analyze(word, mode="query"), *prefixed[:MAX_PREFIX_TERMS]])
        parts.append(Or([Term("title", t) for t in texts]))
    matches = engine.evaluate(searcher, And(parts), allowed)
    return [
        Hit(
            key=stored["key"],
            kind=stored.get("kind", ""),
            score=score,
            title_html=escape(stored.get("title", "")),
            snippet_html="",
            url=stored.get("url", ""),
        )
        for stored, score in ((searcher.stored_fields(d), s) for d, s in matches.top(limit))
    ]


_filter_cache: weakref.WeakKeyDictionary[Searcher, OrderedDict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_filter_lock = threading.Lock()


def allowed_docs(searcher: Searcher, flt: Query) -> np.ndarray:
    """The documents `flt` matches (a bool array), computed once per searcher and filter.

    The visibility filter matches nearly every document ("all"); rebuilding its set on every
    query cost more than the search itself at 100k documents."""
    key = repr(flt)
    with _filter_lock:
        cache = _filter_cache.setdefault(searcher, OrderedDict())
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
    docs = engine.segment_docs(searcher, flt)
    with _filter_lock:
        cache[key] = docs
        while len(cache) > FILTER_CACHE_SIZE:
            cache.popitem(last=False)
    return docs


def _position(searcher: Searcher, after: tuple[float, str] | None) -> tuple[float, int | None] | None:
    """The keyset position (score, document number) of the previous page's last hit."""
    if after is None:
        return None
    return after[0], searcher.document_number(key=after[1])


def _encodable(q: str) -> str:
    """`q` without lone surrogates: index terms are UTF-8."""
    return q.encode("utf-8", "ignore").decode("utf-8")


def _parse(searcher: Searcher, q: str, group: object | None = None) -> Query:
    parser = build_parser(searcher.schema, group or GROUP)
    try:
        return parser.parse(q)
    except Exception:  # e.g. Whoosh's IndexError on "a NOT AND b"; user input must never become a 500
        logger.warning("query parser failed on %r; searching plain words", q, exc_info=True)
        return parser.parse(" ".join(_TOKEN_RE.findall(q)).lower())  # lower case: no word is an operator


def _filter(
    keys: list[str],
    *,
    kind: str | None,
    tags: tuple[str, ...] | list[str],
    department_id: int | str | None,
    author_id: int | str | None,
    status: str | None,
    created: tuple[datetime | None, datetime | None] = (None, None),
) -> Query:
    parts: list[Query] = [Or([Term("visibility", k) for k in keys])]
    if kind:
        parts.append(Term("kind", kind))
    parts.extend(Term("tags", normalize_tag(t)) for t in tags if normalize_tag(t))
    if department_id is not None:
        parts.append(Term("department_ids", str(department_id)))
    if author_id is not None:
        parts.append(Term("author_id", str(author_id)))
    if status:
        parts.append(Term("status", status))
    if any(created):
        start, end = (_naive_utc(d) for d in created)
        parts.append(DateRange("created_at", start, end))
    return And(parts) if len(parts) > 1 else parts[0]


class _CommonestLemma:
    """A word form of several words ("роботу": робота or робот) stands for the one the index holds most often, not
    the dictionary's first guess (bench/relevance.py: Ukrainian MRR@10 +0.01, typos +0.06); so does a word typed
    without its apostrophe that the dictionary also knows so ("звязку": зв'язок, not звязок)."""

    def __init__(self, searcher: Searcher, q: str) -> None:
        self.reader = searcher.reader()
        self.choices: dict[str, str] = {}
        for m in _TOKEN_RE.finditer(q):
            word = normalize_word(m.group())
            if not is_cyrillic(word):
                continue
            best = query_lemma(word)
            lemmas = sorted({*index_lemmas(word), best})
            if len(lemmas) > 1:
                self.choices[best] = max(lemmas, key=lambda t: (self.frequency(t), t == best))

    def of(self, lemma: str) -> str:
        return self.choices.get(lemma, lemma)

    def frequency(self, text: str) -> int:
        return max(self.reader.doc_frequency(f, text) for f in TEXT_FIELDS)

    def visit(self, node: Query) -> Query:
        if type(node) is Term and node.fieldname in TEXT_FIELDS and node.text in self.choices:
            return Term(node.fieldname, self.of(node.text), boost=node.boost)
        if type(node) is Phrase and node.fieldname in TEXT_FIELDS:
            return Phrase(node.fieldname, [self.of(w) for w in node.words], slop=node.slop, boost=node.boost)
        return node


class _Vocabulary:
    """Replaces terms the index has never seen with their near spellings, remembering them."""

    def __init__(self, searcher: Searcher, synonymous: set[str]) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.synonymous = synonymous  # words a synonym group stands for: never "misspelt"
        self.unknown: set[str] = set()
        self.expansions: dict[str, list[str]] = {}

    def known(self, text: str) -> bool:
        return any((name, text) in self.reader for name in TEXT_FIELDS)

    def fuzzify(self, node: Query) -> Query:
        if type(node) is not Term or node.fieldname not in TEXT_FIELDS:
            return node
        text = node.text
        if text in self.synonymous or self.known(text):
            return node
        self.unknown.add(text)
        maxdist = _max_edits(text)
        if maxdist == 0:
            return node
        # Expanded here, once, into plain terms: a FuzzyTerm would be re-expanded by the
        # highlighter for every hit (profiled: 80% of a fuzzy query's time).
        near = self.expansions[text] = self.near(node.fieldname, text, maxdist)
        if not near:
            return node
        return Or([Term(node.fieldname, t, boost=node.boost * FUZZY_BOOST) for t in near])

    def near(self, fieldname: str, text: str, maxdist: int) -> list[str]:
        found = engine.similar_terms(self.searcher, fieldname, text, maxdist)
        found.discard(text)
        ranked = sorted(
            found, key=lambda t: (damerau_levenshtein(text, t), -self.reader.doc_frequency(fieldname, t), t)
        )
        return ranked[:MAX_EXPANSIONS]


def _split_common(searcher: Searcher, query: Query) -> Query:
    """Or(words) -> AndMaybe(Or(rarer words), Or(common words)) when the query has both."""
    if isinstance(query, AndNot):
        return AndNot(_split_common(searcher, query.a), query.b)
    if type(query) is not Or:
        return query
    reader = searcher.reader()
    if reader.doc_count() < COMMON_MIN_DOCS:
        return query
    limit = COMMON_RATIO * reader.doc_count()
    rare: list[Query] = []
    common: list[Query] = []
    for sub in query.subqueries:
        frequency = max(reader.doc_frequency(f, sub.text) for f in TEXT_FIELDS) if type(sub) is Term else 1
        if frequency:  # a word no document has can never make a document a candidate
            (common if frequency > limit else rare).append(sub)
    if not rare or not common:
        return query
    return AndMaybe(Or(rare, boost=query.boost, scale=query.scale), Or(common, boost=query.boost))


def _coordinate(query: Query, concepts: list[expansion.Concept]) -> Query:
    """Rank documents holding more of the query's words first (exclusions stay outside)."""
    if isinstance(query, AndNot):
        return AndNot(_coordinate(query.a, concepts), query.b)
    if _is_null(query):
        return query
    return engine.Coordinated(query, concepts, TEXT_FIELDS) if _several_words(concepts) else query


def _several_words(concepts: list[expansion.Concept]) -> bool:
    """Whether a document may hold some of the query's words and not others: several words, or one phrase (a
    synonym group's term of several words, which a document holding only one of them does not hold)."""
    return len(concepts) > 1 or any(len(alternative) > 1 for concept in concepts for alternative in concept)


def _title_share(query: Query, concepts: list[expansion.Concept]) -> Query:
    """A title's part of the score times the share of the query's words the title holds: a story titled with one of
    the words no longer outranks the article whose body holds them all (TITLE_COORD_FLOOR)."""
    if isinstance(query, AndNot):
        return AndNot(_title_share(query.a, concepts), query.b)
    if type(query) is not Or or not _several_words(concepts):
        return query
    titles = [p for p in query.subqueries if {name for name, _ in p.iter_all_terms(phrases=True)} == {"title"}]
    if not titles:
        return query
    rest = [p for p in query.subqueries if all(p is not t for t in titles)]
    shared = engine.Coordinated(Or(titles), concepts, ("title",), floor=TITLE_COORD_FLOOR)
    return Or([shared, *rest], boost=query.boost)


def _wanted_words(node: Query) -> list[str]:
    """The words a query looks for in the text fields, not those it excludes."""
    if isinstance(node, AndNot):
        return _wanted_words(node.a)
    if isinstance(node, Not):
        return []
    if isinstance(node, Term):
        return [node.text] if node.fieldname in TEXT_FIELDS else []
    if isinstance(node, Phrase):
        return list(node.words) if node.fieldname in TEXT_FIELDS else []
    return [word for child in node.children() for word in _wanted_words(child)]


def _max_edits(text: str) -> int:
    if len(text) < 4 or text.isdigit():
        return 0
    return 1 if len(text) < 8 else 2


def _with_tags(text_query: Query, q: str) -> Query:
    # A quoted phrase is one tag candidate, never its separate words.
    words = [
        phrase or word.strip("()+")
        for phrase, word in _UNITS_RE.findall(q)
        if phrase or (not word.startswith("-") and word not in ("AND", "OR", "NOT"))
    ]
    candidates = {normalize_tag(w) for w in words} | {normalize_tag(q.replace('"', " "))}
    terms = [Term("tags", t, boost=TAG_BOOST) for t in sorted(candidates) if t]
    if not terms:
        return text_query
    tag_query = Or(terms)
    if _is_null(text_query):
        return tag_query
    if isinstance(text_query, AndNot):
        # Keep exclusions global: a tag match must not bring back an excluded document.
        return AndNot(Or([text_query.a, tag_query]), text_query.b)
    return Or([text_query, tag_query])


def _is_null(query: Query) -> bool:
    return query is NullQuery or isinstance(query, type(NullQuery))


def _facet_counts(searcher: Searcher, matches: engine.Matches) -> dict[str, dict[str, int]]:
    """For each facet, its most frequent values among every match the caller may see."""
    counts = engine.field_values(searcher, FACETS.values(), matches.docnums(), matches.groups())
    return {
        name: dict(sorted(counts[fieldname].items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_VALUES])
        for name, fieldname in FACETS.items()
    }


def _suggest(searcher: Searcher, q: str, vocab: _Vocabulary, allowed: np.ndarray) -> str | None:
    """A corrected query string, only if it finds something the caller may see."""
    pieces: list[str] = []
    last = 0
    changed = False
    for m in _TOKEN_RE.finditer(q):
        analyzed = analyze(m.group(), mode="query")
        if len(analyzed) != 1 or analyzed[0] not in vocab.unknown:
            continue
        word = analyze(m.group(), no_morph=True)
        fix = _closest(vocab, word[0]) if word else None
        if fix:
            pieces.append(q[last : m.start()] + fix)
            last = m.end()
            changed = True
    if not changed:
        return None
    corrected = "".join(pieces) + q[last:]
    strict = _parse(searcher, corrected, group=AndGroup)
    if _is_null(strict) or not engine.evaluate(searcher, strict, allowed, boosts=False).total:
        return None
    return corrected


def _closest(vocab: _Vocabulary, word: str) -> str | None:
    near = vocab.near(VOCABULARY_FIELD, word, max(_max_edits(word), 1))
    return near[0] if near else None
