"""What a parsed query looks for, weighed: question words count little, synonyms count as the word they stand for.

Public API:
    expand(query, words, *, thesaurus, field_boosts, lemma, near) -> Expanded(query, concepts)
    synonymous(words, thesaurus) -> set[str]   the words a synonym group stands for
    QUESTION_WORDS                 the surface words a question is made of ("чи можна…", "що робити, якщо…", "how")
    Concept                        frozenset of alternatives, each a tuple of terms a document must all hold

A clinician asks "чи можна звільнити медсестру під час декрету"; the keyword form is "звільнення медсестри декрет".
The question's own words (можна, під, робити, how, should…) keep a small weight, so they still order documents that
hold every content word, but never lift a document that holds them and only one content word; they are not counted
when Coordinated rewards documents holding more of the query's words. A query made of nothing but such words is
searched as written.

Synonym groups (app/search/thesaurus.py) add each other term of a group named by the query, as a phrase in every text
field, weighted SYNONYM_BOOST; the group then counts as one of the query's words, held by a document that holds any
of its terms. Inside a phrase that names a group, shorter runs naming other groups add their terms too: "прострочені
ліки" also looks for "лікарські засоби", which the law on their disposal says.

A verb also looks for the nouns of its action (app/search/derivation.py), weighted DERIVED_BOOST, and a document
holding one of them holds the verb's word: "кому повідомити про інфекційну хворобу" finds «Повідомлення про випадки
інфекційних хвороб». A clipped compound also looks for its two words, as a synonym does (app/search/compounds.py):
"медпрацівник" finds «медичний працівник».
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from whoosh.query import AndNot, Or, Phrase, Query, Term

from app.search.analysis import analyze
from app.search.compounds import compound_parts
from app.search.derivation import verbal_nouns
from app.search.thesaurus import Thesaurus

Concept = frozenset[tuple[str, ...]]

# Measured on bench/relevance.py's tuning halves (docs/benchmarks.md, "Relevance").
QUESTION_WEIGHT = 0.05
SYNONYM_BOOST = 0.75
DERIVED_BOOST = 0.3

# Surface words: analysed below the way a query's words are (можна → можний, робити, need → need).
QUESTION_WORDS = frozenset(
    """
    чи можна можно можуть може могти треба потрібно потрібен потрібна необхідно необхідний слід варто мусить
    повинен повинна повинні має мають маю мати є як яким якою яку який яка яке які скільки коли де куди звідки
    хто кого кому що чого чому навіщо нащо якщо коли-небудь робити зробити роблять чинити діяти вчинити
    під через між перед після серед біля крім окрім замість щодо згідно відповідно стосовно разом також
    проти без понад поза задля заради крізь вздовж навколо довкола всупереч внаслідок протягом впродовж завдяки
    хіба невже мені мене нам нас йому їй їм
    будь-який будь-яка будь-яке взагалі саме лише тільки просто дуже ще вже
    what which who whom whose when where why how whether can could should would must may might shall will
    do does did done doing need needs needed is are was were be been being have has had get gets getting
    there any some about into
    """.split()
)
_QUESTION_TOKENS = frozenset(t for word in QUESTION_WORDS for t in analyze(word, mode="query"))


@dataclass(frozen=True, slots=True)
class Expanded:
    """The query to run and the words (concepts) a document is rewarded for holding more of."""

    query: Query
    concepts: list[Concept]


def expand(
    query: Query,
    words: Sequence[str],
    *,
    thesaurus: Thesaurus,
    field_boosts: Mapping[str, float],
    lemma: Callable[[str], str],
    near: Callable[[str], Sequence[str]],
) -> Expanded:
    """Weigh `query` (parsed, lemmas chosen, misspellings replaced) whose wanted words are `words`, in order, as the
    analyser gave them; `lemma(word)` is the term `query` holds for a word, `near(term)` a misspelt term's near
    spellings, which stand for it."""
    spans = thesaurus.spans(words)  # a group's term may hold a question word: «відпустка без збереження зарплати»
    in_span = {i for span in spans for i in range(span.start, span.end)}
    question = {w for i, w in enumerate(words) if w in _QUESTION_TOKENS and i not in in_span}
    if len(question) == len(words):
        question = set()
    content = [lemma(w) for i, w in enumerate(words) if i not in in_span and w not in question]
    nouns = {term: verbal_nouns(term) for term in content}
    parts = {term: compound_parts(term) for term in content}
    concepts: list[Concept] = [
        frozenset({(term,), *((n,) for n in near(term)), *((n,) for n in nouns[term]), *filter(None, [parts[term]])})
        for term in content
    ]
    extra = [_alternative((n,), field_boosts, DERIVED_BOOST) for term in content for n in nouns[term]]
    extra += [_alternative(p, field_boosts, SYNONYM_BOOST) for p in parts.values() if p]
    for span in spans:
        concepts.append(frozenset({tuple(lemma(w) for w in words[span.start : span.end]), *span.alternatives}))
        inner = thesaurus.spans(words[span.start : span.end], longest=span.end - span.start - 1)
        alternatives = [*span.alternatives, *(alt for sub in inner for alt in sub.alternatives)]
        extra.extend(_alternative(alt, field_boosts, SYNONYM_BOOST) for alt in alternatives)
    return Expanded(_reweigh(query, {lemma(w) for w in question}, extra), concepts)


def synonymous(words: Sequence[str], thesaurus: Thesaurus) -> set[str]:
    """The words of a query that name a synonym group's term (never corrected as misspellings)."""
    return {w for span in thesaurus.spans(words) for w in words[span.start : span.end]}


def _alternative(tokens: tuple[str, ...], field_boosts: Mapping[str, float], weight: float) -> Query:
    if len(tokens) == 1:
        return Or([Term(f, tokens[0], boost=b * weight) for f, b in field_boosts.items()])
    return Or([Phrase(f, list(tokens), boost=b * weight) for f, b in field_boosts.items()])


def _reweigh(query: Query, question: set[str], extra: list[Query]) -> Query:
    """Question words' terms at QUESTION_WEIGHT, the synonyms beside the query's words (exclusions stay outside)."""
    if isinstance(query, AndNot):
        return AndNot(_reweigh(query.a, question, extra), query.b)
    if not question and not extra:
        return query
    parts = list(query.subqueries) if type(query) is Or else [query]
    weighed = [
        Term(p.fieldname, p.text, boost=p.boost * QUESTION_WEIGHT) if type(p) is Term and p.text in question else p
        for p in parts
    ]
    return Or([*weighed, *extra], boost=query.boost if type(query) is Or else 1.0)
