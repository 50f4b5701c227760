"""Clipped compounds: staff say «медпрацівник», «держбюджет», «соцвиплати»; the laws say «медичний працівник»,
«державний бюджет», «соціальні виплати».

A word made of a clipped adjective (мед-, держ-, соц-, фарм-, сан-, спец-, тех-, нарко-, псих-, пед-) and a noun the
dictionary knows stands for the adjective and the noun, as a phrase of their lemmas (which matches every case form
in the index). The thesaurus names the compounds whose long form is something else («профогляд»: профілактичний).

Public API:
    compound_parts(lemma) -> tuple[str, str] | None   («медпрацівник» → ("медичний", "працівник"))
"""

from __future__ import annotations

from functools import lru_cache

from app.search.analysis import is_dictionary_form

_CLIPPED = {
    "мед": "медичний",
    "держ": "державний",
    "соц": "соціальний",
    "фарм": "фармацевтичний",
    "сан": "санітарний",
    "спец": "спеціальний",
    "тех": "технічний",
    "нарко": "наркологічний",
    "псих": "психіатричний",
    "пед": "педагогічний",
}
_MIN_NOUN = 4  # «медсестра» → «сестра»; shorter rests are mostly not nouns at all («медаль» → «аль»)


@lru_cache(maxsize=20_000)
def compound_parts(lemma: str) -> tuple[str, str] | None:
    """The adjective and the noun a clipped compound's lemma stands for, or None when it is not one."""
    for clipped, adjective in _CLIPPED.items():
        rest = lemma[len(clipped) :]
        if lemma.startswith(clipped) and len(rest) >= _MIN_NOUN and is_dictionary_form(rest, "NOUN"):
            return adjective, rest
    return None
