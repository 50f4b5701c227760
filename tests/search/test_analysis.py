"""Tests for app.search.analysis: tokens, lemmas, stems and robustness."""

import pickle
import random

import pytest

from app.search.analysis import analyze, kolo_analyzer, normalize_tag, surface_analyzer


class TestTokenizer:
    @pytest.mark.parametrize("word", ["здоров’я", "здоровʼя", "здоров'я", "здоров`я", "здоров‘я"])
    def test_apostrophes_fold_to_ascii(self, word: str) -> None:
        assert analyze(word, mode="query") == ["здоров'я"]

    def test_apostrophe_keeps_word_whole(self) -> None:
        assert analyze("п’ять", no_morph=True) == ["п'ять"]

    def test_combining_marks_stay_in_word(self) -> None:
        # "й" typed as и + U+0306, and a stress mark over "о"
        assert analyze("и\u0306од здоро\u0301в'я", no_morph=True) == ["йод", "здоров'я"]

    def test_latin_lookalikes_inside_cyrillic_word(self) -> None:
        assert analyze("медичнi", mode="query") == analyze("медичні", mode="query")

    def test_stop_words_removed(self) -> None:
        assert analyze("це та the of і лікар", no_morph=True) == ["лікар"]

    def test_hyphen_splits(self) -> None:
        assert analyze("covid-19", no_morph=True) == ["covid", "19"]


class TestMorphology:
    def test_index_mode_keeps_surface_and_lemmas(self) -> None:
        assert analyze("роботі")[:1] == ["роботі"]
        assert {"робот", "робота"} <= set(analyze("роботі"))

    def test_query_mode_uses_best_lemma(self) -> None:
        assert analyze("соціальна мережа", mode="query") == ["соціальний", "мережа"]
        assert set(analyze("соціальних мереж")) >= {"соціальний", "мережа"}

    def test_unknown_word_keeps_surface_in_query(self) -> None:
        assert analyze("гігєна", mode="query") == ["гігєна"]

    @pytest.mark.parametrize(("typed", "meant"), [("здоровя", "здоров'я"), ("сімї", "сім'ї"), ("мязи", "м'язи")])
    def test_a_word_typed_without_its_apostrophe_is_the_word(self, typed: str, meant: str) -> None:
        assert analyze(typed, mode="query") == analyze(meant, mode="query")
        assert analyze(meant, mode="query")[0] in analyze(typed)  # a post typed so is found by the right spelling

    def test_english_is_stemmed(self) -> None:
        assert analyze("hospitals trained", mode="query") == analyze("hospital training")

    def test_surface_analyzer_has_no_lemmas(self) -> None:
        assert [t.text for t in surface_analyzer()("Медичного закладу")] == ["медичного", "закладу"]

    def test_analyzer_pickles(self) -> None:
        clone = pickle.loads(pickle.dumps(kolo_analyzer()))
        assert [t.text for t in clone("лікарями", mode="query")] == ["лікар"]


def test_normalize_tag() -> None:
    assert normalize_tag("  Здоровʼя,  Дітей ") == "здоров'я дітей"


def _random_text(rng: random.Random) -> str:
    pools = [
        (0x20, 0x7E),
        (0x400, 0x4FF),
        (0x300, 0x36F),
        (0x590, 0x6FF),
        (0x1F300, 0x1FAFF),
        (0x2000, 0x206F),
        (0xD800, 0xDFFF),
        (0xE000, 0xF8FF),
        (0x0, 0x10FFFF),
    ]
    chars = []
    for _ in range(rng.randint(0, 60)):
        lo, hi = rng.choice(pools)
        chars.append(chr(rng.randint(lo, hi)))
    return "".join(chars)


@pytest.mark.parametrize("mode", ["index", "query"])
def test_fuzz_never_crashes(mode: str) -> None:
    rng = random.Random(20240611)
    samples = [
        "",
        " ",
        "\x00",
        "👩‍⚕️🏥",
        "مرحبا בית",
        "a\u0301\u0301\u0301",
        "'" * 50,
        "’ʼ`",
        "\ud800",
        "x" * 10_000,
        "з" * 500 + "'" + "я",
    ]
    samples += [_random_text(rng) for _ in range(1500)]
    for text in samples:
        tokens = analyze(text, mode=mode)
        assert all(isinstance(t, str) and t for t in tokens)
        assert all(len(t) <= 100 for t in tokens)
