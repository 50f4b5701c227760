"""The nouns a Ukrainian verb names its action with: people ask with verbs, the laws title their articles with nouns.

"роботодавець звільняє медсестру" is answered by «Звільнення працівника»; "хто контролює …" by «Контроль за …»;
"куди повідомити про інфекційну хворобу" by «Повідомлення про випадки …». The dictionary has no derivation links,
so the nouns are formed by the usual rules (an imperfective's suffix dropped, -ти → -ння / -ення with the consonant
alternations of Ukrainian, -ка, -а, -ація) and only those the dictionary knows as nouns are kept (one the index lacks
matches nothing).

Public API:
    verbal_nouns(lemma) -> tuple[str, ...]   («звільняти» → «звільнення»; not a verb → ())
"""

from __future__ import annotations

from functools import lru_cache

from app.search.analysis import is_dictionary_form

# before -ення: «попередити» → «попередження», «повідомити» → «повідомлення», «оплатити» → «оплачення»
_ALTERNATIONS = (("ст", "щ"), ("т", "ч"), ("д", "дж"), ("с", "ш"), ("з", "ж"))
_LABIALS = "бпвмф"
# an imperfective's stem → its perfective's: «отримува-ти» → «отрима-ти», «надава-ти» → «нада-ти»
_IMPERFECTIVE = (("ува", "а"), ("юва", "ю"), ("ява", "я"), ("ава", "а"))
_MIN_LENGTH = 5


@lru_cache(maxsize=20_000)
def verbal_nouns(lemma: str) -> tuple[str, ...]:
    """The nouns (dictionary forms) of the action a verb lemma names, if it is one."""
    if not is_dictionary_form(lemma, "VERB"):
        return ()
    return tuple(
        noun
        for noun in _candidates(lemma)
        if len(noun) >= _MIN_LENGTH and noun != lemma and is_dictionary_form(noun, "NOUN")
    )


def _candidates(verb: str) -> list[str]:
    verb = verb.removesuffix("ся").removesuffix("сь")
    if not verb.endswith("ти"):
        return []
    base = verb[:-2]
    stems = [base] + [base[: -len(imp)] + perf for imp, perf in _IMPERFECTIVE if base.endswith(imp)]
    found: list[str] = []
    for stem in stems:
        if stem.endswith(("а", "я")):
            found += [stem + "ння", stem[:-1] + "ка"]
        if stem.endswith(("ля", "ня", "ря")):
            found.append(stem[:-1] + "ення")
        if stem.endswith(("и", "і")):
            found += [_alternated(stem[:-1]) + "ення", stem[:-1] + "ення", stem[:-1] + "а", stem[:-1] + "ка"]
        if stem.endswith("ну"):
            found.append(stem[:-1] + "ення")
    if base.endswith(("ізува", "изува")):
        found.append(base[:-3] + "ація")
    if base.endswith("юва"):
        found.append(base[:-3] + "ь")
    return list(dict.fromkeys(found))


def _alternated(root: str) -> str:
    for plain, alternated in _ALTERNATIONS:
        if root.endswith(plain):
            return root[: -len(plain)] + alternated
    return root + "л" if root.endswith(tuple(_LABIALS)) else root
