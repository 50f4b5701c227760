"""Clipped compounds stand for their two words; words that merely begin like one do not."""

import pytest

from app.search.compounds import compound_parts


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("медпрацівник", ("медичний", "працівник")),
        ("держбюджет", ("державний", "бюджет")),
        ("соцмережа", ("соціальний", "мережа")),
        ("спецодяг", ("спеціальний", "одяг")),
        ("психлікарня", ("психіатричний", "лікарня")),
    ],
)
def test_a_clipped_compound_stands_for_its_two_words(word: str, parts: tuple[str, str]) -> None:
    assert compound_parts(word) == parts


@pytest.mark.parametrize("word", ["медаль", "медицина", "державний", "держати", "санаторій", "технологія", "педагог"])
def test_a_word_that_only_begins_like_one_is_itself(word: str) -> None:
    assert compound_parts(word) is None
