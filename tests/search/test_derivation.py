"""The nouns a verb names its action with, formed by Ukrainian's rules and kept only when the dictionary knows them."""

import pytest

from app.search.derivation import verbal_nouns


@pytest.mark.parametrize(
    ("verb", "noun"),
    [
        ("звільнити", "звільнення"),
        ("звільняти", "звільнення"),  # an imperfective's -яти
        ("попередити", "попередження"),  # д → дж
        ("повідомити", "повідомлення"),  # a labial takes л
        ("отримувати", "отримання"),  # an imperfective's -ува- dropped
        ("надавати", "надання"),
        ("виплатити", "виплата"),
        ("перевірити", "перевірка"),
        ("госпіталізувати", "госпіталізація"),
        ("контролювати", "контроль"),
        ("звернутися", "звернення"),
    ],
)
def test_a_verb_names_its_action_with_a_noun(verb: str, noun: str) -> None:
    assert noun in verbal_nouns(verb)


@pytest.mark.parametrize("word", ["лікар", "відпустка", "швидко", "health"])
def test_a_word_that_is_no_verb_has_none(word: str) -> None:
    assert verbal_nouns(word) == ()


def test_only_words_the_dictionary_knows_are_formed() -> None:
    """«повідомити» could form «повідомення» or «повідома» by the rules; neither is a word."""
    assert set(verbal_nouns("повідомити")) == {"повідомлення"}
