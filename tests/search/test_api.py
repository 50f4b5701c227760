"""GET /api/v1/search and the /search page: the contract, the analyzer cases, hostile input, paging."""

import pytest

from tests.search.conftest import api_search, post

HOSTILE = '<script>alert(1)</script> " OR 1=1 -- ((( ~~~ *'


@pytest.fixture
def corpus(staff_client, wait_indexed):  # type: ignore[no-untyped-def]
    """A few posts in Ukrainian and English."""
    post(staff_client, "Використання соціальних мереж у роботі медичного закладу")
    post(staff_client, "Збереження здоров’я персоналу під час нічних змін")
    post(staff_client, "Every nurse gets training on hospital hygiene", tags=["training"])
    wait_indexed()
    return staff_client


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("соціальна мережа", "соціальних мереж"),
        ("здоров'я", "здоров’я"),
        ("здоровʼя", "здоров’я"),
        ("медичний заклад", "медичного закладу"),
        ("hospitals trained", "training"),
    ],
)
def test_the_analyzer_cases_through_the_api(corpus, query: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    body = api_search(corpus, query)
    assert body["items"], query
    item = body["items"][0]
    assert set(item) >= {"type", "id", "title", "url", "snippet", "score"}
    assert expected in item["snippet"].replace("<mark>", "").replace("</mark>", "")
    assert "<mark>" in item["snippet"]


def test_a_hostile_query_answers_200_with_nothing_unescaped(corpus) -> None:  # type: ignore[no-untyped-def]
    body = api_search(corpus, HOSTILE)
    assert "<script" not in str(body)
    page = corpus.get("/search", params={"q": HOSTILE})
    assert page.status_code == 200 and "<script>alert(1)" not in page.text
    assert corpus.get("/search/suggest", params={"q": HOSTILE}).status_code == 200


def test_text_that_looks_like_markup_is_escaped_once(staff_client, wait_indexed) -> None:  # type: ignore[no-untyped-def]
    post(staff_client, "Не вставляйте <script> у нотатки & не поспішайте")
    wait_indexed()
    item = api_search(staff_client, "нотатки")["items"][0]
    assert item["title"] == "Не вставляйте <script> у нотатки & не поспішайте"
    assert item["snippet"] == "Не вставляйте &lt;script&gt; у <mark>нотатки</mark> &amp; не поспішайте"
    page = staff_client.get("/search", params={"q": "нотатки"}).text
    assert "Не вставляйте &lt;script&gt; у <mark>нотатки</mark> &amp; не" in page  # shows "<script>" and "&"
    assert "&amp;lt;" not in page and "<script> у" not in page


def test_a_typo_still_finds_and_offers_did_you_mean(corpus) -> None:  # type: ignore[no-untyped-def]
    body = api_search(corpus, "персонлу")
    assert body["items"] and body["suggestion"] == "персоналу"
    page = corpus.get("/search", params={"q": "персонлу"})
    assert "персоналу</strong>" in page.text


def test_type_filter_and_bad_input(corpus) -> None:  # type: ignore[no-untyped-def]
    assert api_search(corpus, "персонал", type="article")["items"] == []
    assert corpus.get("/api/v1/search", params={"q": "x", "type": "secret"}).status_code == 422
    bad = corpus.get("/api/v1/search", params={"q": "x", "cursor": "!!!"})
    assert bad.status_code == 422 and {"error", "detail"} <= set(bad.json())
    assert corpus.get("/search", params={"q": "x", "date_from": "31.03.2026"}).status_code == 200
    assert corpus.get("/search", params={"q": "x", "department": "abc"}).status_code == 200


def test_pages_follow_the_cursor(staff_client, wait_indexed) -> None:  # type: ignore[no-untyped-def]
    for n in range(5):
        post(staff_client, f"Порада {n} про маски")
    wait_indexed()
    first = api_search(staff_client, "маски", limit=2)
    second = api_search(staff_client, "маски", limit=2, cursor=first["next_cursor"])
    third = api_search(staff_client, "маски", limit=2, cursor=second["next_cursor"])
    ids = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert first["total"] == 5 and len(set(ids)) == 5 and third["next_cursor"] is None


def test_search_as_you_type_offers_titles(corpus) -> None:  # type: ignore[no-untyped-def]
    html = corpus.get("/search/suggest", params={"q": "соціальн"}).text
    assert "соціальних мереж" in html and 'href="/posts/' in html
    assert 'hx-trigger="input changed delay:250ms"' in corpus.get("/search").text


def test_the_api_counts_facets_and_narrows_by_them(corpus) -> None:  # type: ignore[no-untyped-def]
    body = api_search(corpus, "персонал OR training")
    assert body["total"] == 2 and {"value": "training", "label": "training", "count": 1} in body["facets"]["tag"]
    assert body["facets"]["kind"] == [{"value": "post", "label": "post", "count": 2}]
    narrowed = api_search(corpus, "персонал OR training", tag="training")
    assert [i["title"] for i in narrowed["items"]] == ["Every nurse gets training on hospital hygiene"]
    assert api_search(corpus, "персонал OR training", date_to="2020-01-01")["items"] == []
    assert corpus.get("/api/v1/search", params={"q": "x", "department": "abc"}).status_code == 422


def test_the_search_page_shows_facets_with_counts(corpus) -> None:  # type: ignore[no-untyped-def]
    html = corpus.get("/search", params={"q": "персонал OR training"}).text
    assert "search-facets" in html and "#training" in html and "<mark>" in html


def test_article_snippets_show_link_text_not_link_syntax(client, manager_client, wait_indexed) -> None:  # type: ignore[no-untyped-def]
    body = "Перед пункцією див. [[hand-hygiene|правила гігієни]] та [[sterile-field]] у відділенні."
    assert manager_client.post("/api/v1/articles", json={"title": "Пункція", "body": body}).status_code == 201
    wait_indexed()
    first = api_search(manager_client, "пункція", type="article")["items"][0]["snippet"]
    second = api_search(manager_client, "sterile", type="article")["items"][0]["snippet"]
    assert "правила гігієни" in first and "<mark>sterile</mark> field" in second
    assert "[[" not in first + second and "|" not in first + second
