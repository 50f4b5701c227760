"""Text analysis for Kolo's Whoosh index (Ukrainian + English).

Public API:
    kolo_analyzer() -> Analyzer        one analyzer for every text field; it knows its mode
    surface_analyzer() -> Analyzer     normalized words only (the "did you mean" vocabulary)
    analyze(text, mode="index"|"query") -> list[str]   token texts, for tests and debugging
    is_cyrillic(word) -> bool
    normalize_tag(tag) -> str          tag form used in the index and in tag filters
    KoloTokenizer, NormalizeFilter, MorphFilter   importable because Whoosh pickles them

The same analyzer object serves indexing and querying: Whoosh passes ``mode="query"`` when
its query parser analyses user input, and the filters read it from ``Token.mode``:

* index mode: every Ukrainian word yields its surface form plus up to 3 pymorphy3 lemmas at
  the same position (recall first: "роботі" -> роботі | робот | робота);
* query mode: a Ukrainian word yields its best lemma when pymorphy3 knows the word, else the
  surface form (lemmatizing a misspelling breaks fuzzy matching, see SEARCH.md);
* English (ASCII) words are Porter-stemmed in both modes;
* ``no_morph=True`` skips lemmas and stems (what `surface_analyzer` does).

Whoosh's own ``spelling=True`` is NOT used: with it, SegmentReader.terms_within() silently
reads the spelling field, so FuzzyTerm looks for surface words among lemmas/stems and a
misspelt English word finds nothing. Kolo indexes surface words in its own field instead.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from whoosh.analysis import STOP_WORDS, Filter, RegexTokenizer, StopFilter, Token
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.lang.porter import stem as porter_stem

if TYPE_CHECKING:
    import pymorphy3

logger = logging.getLogger(__name__)

APOSTROPHES = "'’ʼ`‘ʹ"
# \w misses combining marks (Mn), so a decomposed "й" (и + U+0306) or a stress mark would
# split a word in two; the ranges below keep them inside the token.
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = rf"[\w{_MARKS}]+"
TOKEN_PATTERN = rf"{_WORD}(?:[{APOSTROPHES}]{_WORD})*"
_APOSTROPHE_TABLE = str.maketrans({c: "'" for c in APOSTROPHES})
_STRESS_MARKS = {"\u0300", "\u0301"}
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_ENGLISH_RE = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
# Latin letters typed inside a Cyrillic word look identical on screen ("медичнi" with a
# Latin i); folding them makes such words findable.
_HOMOGLYPHS = str.maketrans("aceiopxyk", "асеіорхук")
_MAX_TOKEN = 100
_MAX_LEMMAS = 3
# where an apostrophe is left out: after a consonant, before я, ю, є, ї («здоровя», «обєкт», «пїдестал»)
_APOSTROPHE_SLOT = re.compile(r"(?<=[бвгґджзклмнпрстфхцчшщ])(?=[яюєї])")

UK_STOP_WORDS = frozenset(
    """
    а аби або адже аж але б би бо був була були було бути в вам вас ваш ваша ваше ваші весь
    вже ви від він вона вони воно всі всю вся все всього всіх втім г гм да де для до досі
    дуже є ж же з за зі і із й його йому їй їм їх к коли куди ледве лише має ми мене мені
    мною мо мов мого моє моя мої на навіть над нам нас наш не нею неї нема немає ним ними
    них ні ніж нього о об однак от ось оце по повз при про проте після раз саме свій своє
    своя свої себе собі та так також там те тим тими тих то тобто тоді того тож той тому
    ти треба тут у уже усе усі хоч хоча хто це цей цим цими цих цієї цього цьому ці ця чи
    чий чим чого чому що щоб щодо як яка які який якщо якого якої яким якими яких якій
    якому яке якої
    """.split()
)
STOP_WORDS_ALL = frozenset(STOP_WORDS) | UK_STOP_WORDS

_morph: pymorphy3.MorphAnalyzer | None = None
_morph_lock = threading.Lock()


def get_morph() -> pymorphy3.MorphAnalyzer:
    """Return the process-wide Ukrainian MorphAnalyzer, loading it on first use."""
    global _morph
    if _morph is None:
        with _morph_lock:
            if _morph is None:
                import pymorphy3

                _morph = pymorphy3.MorphAnalyzer(lang="uk")
                logger.debug("pymorphy3 Ukrainian dictionary loaded")
    return _morph


def is_cyrillic(word: str) -> bool:
    """True when the word contains at least one Cyrillic letter."""
    return _CYRILLIC_RE.search(word) is not None


@lru_cache(maxsize=200_000)
def apostrophe_variants(word: str) -> tuple[str, ...]:
    """The known words a Ukrainian word becomes with the apostrophe put back where it was left out, as people often
    type it: «здоровя» → «здоров'я», «звязку» → «зв'язку» (the dictionary knows some apostrophe-less forms too)."""
    if "'" in word or not is_cyrillic(word):
        return ()
    morph = get_morph()
    candidates = (word[: m.start()] + "'" + word[m.start() :] for m in _APOSTROPHE_SLOT.finditer(word))
    return tuple(c for c in candidates if morph.word_is_known(c))


@lru_cache(maxsize=200_000)
def index_lemmas(word: str) -> tuple[str, ...]:
    """Up to 3 distinct lemmas of a Ukrainian word, other than the word itself, then those of the word it is with
    its apostrophe put back (so «здоровя» typed in a post is found by «здоров'я»)."""
    try:
        morph = get_morph()
        own = [p.normal_form for p in morph.parse(word)]
        restored = [p.normal_form for v in apostrophe_variants(word) for p in morph.parse(v)]
    except Exception:  # a dictionary edge case must never fail indexing
        logger.warning("pymorphy3 failed on %r", word, exc_info=True)
        return ()
    lemmas: list[str] = []
    for found in (own, restored):
        new = [lemma for lemma in dict.fromkeys(found) if lemma != word and lemma not in lemmas]
        lemmas.extend(new[:_MAX_LEMMAS])
    return tuple(lemmas)


def is_dictionary_form(word: str, part: str) -> bool:
    """Whether the dictionary knows the word as the dictionary form of a `part` of speech ("NOUN", "VERB")."""
    morph = get_morph()
    return morph.word_is_known(word) and any(part in p.tag and p.normal_form == word for p in morph.parse(word))


@lru_cache(maxsize=100_000)
def query_lemma(word: str) -> str:
    """Best lemma of a known Ukrainian word (or of the word it is with its apostrophe put back), else the word itself
    (keeps typos fuzzy-able). A word that is itself a dictionary form in one of its readings is that word: «учень» is
    a pupil, though the dictionary's first reading is a form of «учення»."""
    try:
        morph = get_morph()
        if not morph.word_is_known(word):
            restored = apostrophe_variants(word)
            return query_lemma(restored[0]) if restored else word
        parses = morph.parse(word)
        if any(p.normal_form == word for p in parses):
            return word
        return str(parses[0].normal_form)
    except Exception:
        logger.warning("pymorphy3 failed on %r", word, exc_info=True)
        return word


@lru_cache(maxsize=100_000)
def english_stem(word: str) -> str:
    """Porter stem of an ASCII word, possessive 's dropped."""
    if word.endswith("'s"):
        word = word[:-2]
    return str(porter_stem(word))


@lru_cache(maxsize=200_000)
def normalize_word(text: str) -> str:
    """Fold apostrophes, drop stress marks, NFC, lowercase, fix Latin look-alikes."""
    text = text.translate(_APOSTROPHE_TABLE)
    decomposed = unicodedata.normalize("NFD", text)
    if any(c in _STRESS_MARKS for c in decomposed):
        text = "".join(c for c in decomposed if c not in _STRESS_MARKS)
    text = unicodedata.normalize("NFC", text).lower()
    if is_cyrillic(text):
        text = text.translate(_HOMOGLYPHS)
    return text.strip("'")


def normalize_tag(tag: str) -> str:
    """Fold apostrophes, NFC, lowercase and squeeze spaces; commas would split a tag."""
    tag = unicodedata.normalize("NFC", tag.translate(_APOSTROPHE_TABLE)).lower()
    return " ".join(tag.replace(",", " ").split())


class KoloTokenizer(RegexTokenizer):
    """Regex tokenizer that keeps apostrophes and combining marks inside words."""

    def __init__(self) -> None:
        super().__init__(TOKEN_PATTERN)


class NormalizeFilter(Filter):
    """Apply `normalize_word` to each token; drop tokens that become empty or huge."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = normalize_word(t.text)
            if text and len(text) <= _MAX_TOKEN:
                t.text = text
                yield t


class MorphFilter(Filter):
    """Lemmatize Ukrainian words and stem English ones, per the token's mode."""

    is_morph = True

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = t.text
            if is_cyrillic(text):
                if t.mode == "query":
                    t.text = query_lemma(text)
                    yield t
                else:
                    yield t
                    # Same Token object re-yielded with the same position: Whoosh reads
                    # each token before pulling the next one.
                    for lemma in index_lemmas(text):
                        t.text = lemma
                        yield t
            elif _ENGLISH_RE.fullmatch(text) and not text.isdigit():
                t.text = english_stem(text)
                yield t
            else:
                yield t


def kolo_analyzer() -> CompositeAnalyzer:
    """Build the analyzer used by every free-text field (title, body)."""
    return (
        KoloTokenizer()
        | NormalizeFilter()
        | StopFilter(stoplist=STOP_WORDS_ALL, minsize=1, maxsize=None)
        | MorphFilter()
    )


def surface_analyzer() -> CompositeAnalyzer:
    """Build the analyzer for the vocabulary field: normalized words, no lemmas or stems."""
    return KoloTokenizer() | NormalizeFilter() | StopFilter(stoplist=STOP_WORDS_ALL, minsize=1)


_ANALYZER = kolo_analyzer()


def analyze(text: str, mode: str = "index", *, no_morph: bool = False) -> list[str]:
    """Return the token texts the analyzer produces for ``text``."""
    return [t.text for t in _ANALYZER(text, mode=mode, no_morph=no_morph)]
