"""Snippets: the passage holding most of the query's words, cut at whole words, marked and escaped."""

from app.search.analysis import analyze
from app.search.snippets import SNIPPET_CHARS, best_passage, mark, matches


def terms(q: str) -> frozenset[str]:
    return frozenset(analyze(q, mode="query"))


def test_the_passage_with_most_query_words_wins_over_the_first_match() -> None:
    text = (
        "Руки. "
        + "Вступ про відділення. " * 12
        + "Гігієна рук перед контактом з пацієнтом обов’язкова. "
        + "Інші правила. " * 30
    )
    snippet = best_passage(text, matches(text, terms("гігієна рук")))
    assert "<mark>Гігієна</mark> <mark>рук</mark> перед контактом" in snippet
    assert snippet.startswith("…про відділення. Вступ") and snippet.endswith("Інші…")
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= SNIPPET_CHARS + 4


def test_inflected_forms_and_apostrophes_are_marked_and_text_is_escaped() -> None:
    text = "Закон про охорону здоров'я <b>медичних закладів</b>"
    assert mark(text, matches(text, terms("здоров’я медичний заклад"))) == (
        "Закон про охорону <mark>здоров&#x27;я</mark> &lt;b&gt;<mark>медичних</mark> <mark>закладів</mark>&lt;/b&gt;"
    )


def test_the_trailing_punctuation_cut_never_breaks_an_escaped_character() -> None:
    for text, shown in (("Мийте руки <b>", "&lt;b&gt;"), ('Мийте руки "так"', "&quot;так&quot;")):
        assert best_passage(text, matches(text, terms("руки"))) == f"Мийте <mark>руки</mark> {shown}"
    assert best_passage("Мийте руки;", matches("Мийте руки;", terms("руки"))) == "Мийте <mark>руки</mark>"
