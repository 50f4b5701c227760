"""Whatever a person types into search, it answers: every operator the parser accepts is evaluated (or refused with a
clear 422), and no query can mark the index broken and leave everybody with a "degraded" search."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.search.conftest import post

pytestmark = pytest.mark.usefixtures("index_ready")  # until the first index is built, search answers "degraded"

WORDS = ["руки", "секунд", "антисептик", "здоров'я", "hand", "hygiene", "covid-19", "ПЛР", "ʼ", "’"]
SYNTAX = [
    "AND",
    "OR",
    "NOT",
    "ANDNOT",
    "ANDMAYBE",
    "REQUIRE",
    "and",
    "(",
    ")",
    '"',
    "'",
    "*",
    "?",
    "~",
    "~2",
    "^",
    "^3",
    "-",
    "+",
    "title:",
    "body:",
    "tag:",
    "kind:",
    "[",
    "]",
    "{",
    "}",
    "TO",
    ":",
    "\\",
    "/",
    "#",
    "@",
    "|",
]
QUERIES = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from(SYNTAX), st.text(min_size=1, max_size=6)), min_size=1, max_size=8
).map(lambda parts: " ".join(parts) if len(parts) % 2 else "".join(parts))


def test_require_is_evaluated_and_search_stays_up(staff_client, app, wait_indexed) -> None:  # type: ignore[no-untyped-def]
    post(staff_client, "Мийте руки щонайменше тридцять секунд")
    post(staff_client, "Руки після зміни")
    wait_indexed()
    answer = staff_client.get("/api/v1/search", params={"q": "руки REQUIRE секунд"})
    assert answer.status_code == 200 and answer.json()["degraded"] is False
    assert [item["snippet"] for item in answer.json()["items"]] == [
        "Мийте <mark>руки</mark> щонайменше тридцять <mark>секунд</mark>"
    ]
    assert app.state.search.degraded is False
    assert staff_client.get("/api/v1/search", params={"q": "руки"}).json()["total"] == 2


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=QUERIES)
@example(q="руки руки NOT AND руки")  # Whoosh's parser raises IndexError on an operator after NOT
def test_no_query_answers_500_or_takes_search_down(staff_client, app, q: str) -> None:  # type: ignore[no-untyped-def]
    answer = staff_client.get("/api/v1/search", params={"q": q})
    assert answer.status_code in (200, 422), (q, answer.status_code, answer.text[:300])
    if answer.status_code == 422:
        assert answer.json()["detail"], q
    else:
        assert answer.json()["degraded"] is False, q
    assert app.state.search.degraded is False, q
    assert staff_client.get("/search", params={"q": q}).status_code == 200, q
