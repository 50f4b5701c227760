"""Synonym groups, applied when a query is run (never at indexing, so an edit needs no reindex).

Public API:
    read_groups(text) -> list[tuple[str, ...]]     parse the thesaurus format (below)
    shipped_groups() -> tuple[tuple[str, ...], ...]   app/wordlists/thesaurus-uk.txt, parsed once
    term_tokens(term) -> tuple[str, ...]            a term's query-mode tokens (Ukrainian lemmas, English stems)
    group_key(term) -> str                          how terms are compared: those tokens, an unknown word's predicted
                                                    lemma for the word, joined by spaces
    Thesaurus.from_groups(groups) -> Thesaurus      immutable lookup; EMPTY has no groups
    Thesaurus.spans(tokens, longest=None) -> list[Span]   where a query's tokens name a group's term, longest first

Format: one group per line, terms separated by " | ", the first term the group's head (its stable name: the synonyms
page overrides a shipped group by it); "#" starts a comment line. Every term of a group stands for every other, so
"декрет" finds "відпустка у зв'язку з вагітністю та пологами" and the other way round. Terms are compared by their
analysis: "Декрету" in a query matches the term "декрет", and the stop words inside a phrase do not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.search.analysis import analyze, get_morph, is_cyrillic

SHIPPED_PATH = Path(__file__).resolve().parent.parent / "wordlists" / "thesaurus-uk.txt"
SEPARATOR = "|"


def read_groups(text: str) -> list[tuple[str, ...]]:
    """The groups of a thesaurus text: each line's distinct non-empty terms, lines with fewer than two skipped."""
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        terms = tuple(dict.fromkeys(" ".join(t.split()) for t in line.split(SEPARATOR) if t.strip()))
        if len(terms) >= 2:
            groups.append(terms)
    return groups


@lru_cache(maxsize=1)
def shipped_groups() -> tuple[tuple[str, ...], ...]:
    """The starter thesaurus shipped with Kolo."""
    return tuple(read_groups(SHIPPED_PATH.read_text(encoding="utf-8")))


@lru_cache(maxsize=50_000)
def term_tokens(term: str) -> tuple[str, ...]:
    """A term's tokens as a query sees them (what the index is asked for)."""
    return tuple(analyze(term, mode="query"))


@lru_cache(maxsize=50_000)
def matching_token(token: str) -> str:
    """How a token is compared with the terms: a Ukrainian word the dictionary does not know ("ковіду", "прививок")
    is kept as typed by the query analyser, so that its misspellings can be corrected; here its predicted lemma is
    used, so that its case forms name the same term."""
    if not is_cyrillic(token) or get_morph().word_is_known(token):
        return token
    return str(get_morph().parse(token)[0].normal_form)


def group_key(term: str) -> str:
    """How two terms are compared: "Заробітна  плата" and "заробітної плати" have the same key."""
    return " ".join(matching_token(t) for t in term_tokens(term))


@dataclass(frozen=True, slots=True)
class Span:
    """Query tokens [start, end) name a term of a group; `alternatives` are the group's other terms' tokens."""

    start: int
    end: int
    alternatives: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Thesaurus:
    """Which token sequences name which group; build with `from_groups`."""

    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    by_tokens: dict[tuple[str, ...], int] = field(default_factory=dict)
    longest: int = 0

    @classmethod
    def from_groups(cls, groups: Iterable[Sequence[str]]) -> Thesaurus:
        """A thesaurus of `groups` (terms as people write them); a term named by two groups belongs to the first."""
        analyzed: list[tuple[tuple[str, ...], ...]] = []
        by_tokens: dict[tuple[str, ...], int] = {}
        for group in groups:
            tokens = tuple(dict.fromkeys(t for t in (term_tokens(term) for term in group) if t))
            if len(tokens) < 2:
                continue
            for t in tokens:
                by_tokens.setdefault(tuple(matching_token(w) for w in t), len(analyzed))
            analyzed.append(tokens)
        return cls(tuple(analyzed), by_tokens, max((len(t) for t in by_tokens), default=0))

    def __len__(self) -> int:
        return len(self.groups)

    def spans(self, tokens: Sequence[str], longest: int | None = None) -> list[Span]:
        """Left to right, the longest token run (of at most `longest` tokens) at each position that names a term
        (runs never overlap)."""
        found: list[Span] = []
        keys = [matching_token(t) for t in tokens] if self.groups else []
        longest = self.longest if longest is None else longest
        i = 0
        while i < len(keys):
            for end in range(min(len(keys), i + longest), i, -1):
                group = self.by_tokens.get(tuple(keys[i:end]))
                if group is not None:
                    run = tuple(tokens[i:end])
                    alternatives = tuple(t for t in self.groups[group] if t != run)
                    found.append(Span(i, end, alternatives))
                    i = end
                    break
            else:
                i += 1
        return found


EMPTY = Thesaurus()
