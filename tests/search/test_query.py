"""Tests for app.search.index and app.search.query on a small index in tmp_path."""

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from whoosh.index import Index

from app.search.index import (
    IndexUnavailable,
    SearchDoc,
    Searchers,
    add_documents,
    delete_keys,
    get_last_applied,
    open_or_create,
    writer,
)
from app.search.query import run_query

SAMPLE = Path(__file__).parent.parent / "data" / "search_sample.jsonl"
ALL = ["all"]

DOCS = [
    SearchDoc(
        key="post:1",
        kind="post",
        title="Правила для соціальних мереж",
        body="Працівникам не можна публікувати дані пацієнтів у соціальних мережах.",
        tags=["Комунікації"],
        visibility=ALL,
        author_id=1,
        department_ids=[1],
    ),
    SearchDoc(
        key="article:2",
        kind="article",
        title="Охорона здоров’я",
        body="Закон про охорону здоров’я населення.",
        tags=["закон"],
        visibility=ALL,
        author_id=2,
        department_ids=[1],
    ),
    SearchDoc(
        key="article:3",
        kind="article",
        title="Прийом у медичного закладу",
        body="Як записатися до медичного закладу.",
        visibility=ALL,
        author_id=2,
    ),
    SearchDoc(
        key="post:4",
        kind="post",
        title="Staff training",
        body="Every nurse gets training on hospital hygiene.",
        tags=["training"],
        visibility=ALL,
        author_id=3,
    ),
    SearchDoc(
        key="article:5",
        kind="article",
        title="Гігієна рук",
        body="Гігієна рук запобігає інфекціям.",
        visibility=ALL,
        author_id=1,
    ),
    SearchDoc(
        key="article:6",
        kind="article",
        title="Секретний протокол гігієни",
        body="Тільки для хірургії: стерилізація. Secret hospital surgery protocol.",
        tags=["хірургія"],
        visibility=["dept:2"],
        author_id=9,
        department_ids=[2],
    ),
    SearchDoc(
        key="post:7",
        kind="post",
        title="Стерилізація інструментів",
        body="Стерилізація у відділенні хірургії.",
        tags=["хірургія"],
        visibility=["dept:2"],
        author_id=9,
        department_ids=[2],
    ),
]


def make_index(tmp_path: Path, docs: list[SearchDoc] = DOCS) -> Index:
    ix = open_or_create(tmp_path / "ix")
    with writer(ix, last_applied=7) as w:
        add_documents(w, docs)
    return ix


def search(ix: Index, q: str, keys: list[str] = ALL, **kw: object) -> list[str]:
    with ix.searcher() as s:
        return [h.key for h in run_query(s, q, visibility_keys=keys, **kw).hits]


class TestLanguage:
    @pytest.mark.parametrize(
        ("q", "key"),
        [
            ("соціальна мережа", "post:1"),
            ("здоров'я", "article:2"),
            ("здоровʼя", "article:2"),
            ("медичний заклад", "article:3"),
            ("hospitals trained", "post:4"),
        ],
    )
    def test_finds_inflected_forms(self, tmp_path: Path, q: str, key: str) -> None:
        assert search(make_index(tmp_path), q)[:1] == [key]

    @pytest.mark.parametrize(
        ("q", "key", "fix"),
        [
            ("гігєна", "article:5", "гігієна"),
            ("hospitl", "post:4", "hospital"),
        ],
    )
    def test_misspelling_still_finds_and_suggests(self, tmp_path: Path, q: str, key: str, fix: str) -> None:
        ix = make_index(tmp_path)
        with ix.searcher() as s:
            result = run_query(s, q, visibility_keys=ALL)
        assert key in [h.key for h in result.hits]
        assert result.suggestion == fix

    def test_exact_phrase(self, tmp_path: Path) -> None:
        ix = make_index(tmp_path)
        assert search(ix, '"training on hospital"') == ["post:4"]
        assert search(ix, '"hospital training"') == []

    def test_exclusion(self, tmp_path: Path) -> None:
        ix = make_index(tmp_path)
        assert "article:5" in search(ix, "гігієна")
        assert "article:5" not in search(ix, "гігієна -рук")

    def test_tag_match(self, tmp_path: Path) -> None:
        assert search(make_index(tmp_path), "комунікації") == ["post:1"]

    def test_partial_match_still_ranks(self, tmp_path: Path) -> None:
        assert search(make_index(tmp_path), "гігієна рук антисептик")[:1] == ["article:5"]

    def test_a_document_holding_more_of_the_words_ranks_first(self, tmp_path: Path) -> None:
        # "inherited" is in every document, so it adds little to a score; the section that
        # says it must still beat the one that only repeats the disease's name.
        filler = [
            SearchDoc(key=f"post:{n}", kind="post", title=f"Note {n}", body="Inherited traits.", visibility=ALL)
            for n in range(10, 20)
        ]
        ix = make_index(
            tmp_path,
            [
                SearchDoc(
                    key="article:1",
                    kind="article",
                    title="Haemophilia",
                    body="Haemophilia resources: haemophilia society, haemophilia clinic, inherited.",
                    visibility=ALL,
                ),
                SearchDoc(
                    key="article:2",
                    kind="article",
                    title="Haemophilia",
                    body="Haemophilia resources: "
                    "haemophilia society, haemophilia clinic, haemophilia nurses, haemophilia camp.",
                    visibility=ALL,
                ),
                SearchDoc(
                    key="article:3",
                    kind="article",
                    title="Haemophilia",
                    body="This condition is inherited in an X-linked pattern.",
                    visibility=ALL,
                ),
                *filler,
            ],
        )
        assert search(ix, "Is haemophilia inherited?")[:3] == ["article:1", "article:3", "article:2"]

    def test_title_outranks_body_and_recent_published_outrank_equals(self, tmp_path: Path) -> None:
        # Earlier documents win ties, so each pair lists the one that must lose first.
        long_ago, now = datetime(2019, 3, 1, tzinfo=UTC), datetime.now(UTC)
        text = {"body": "Графік щеплень на зиму.", "visibility": ALL}
        ix = make_index(
            tmp_path,
            [
                SearchDoc(key="post:1", kind="post", title="Нотатки", body="Про вакцинацію персоналу.", visibility=ALL),
                SearchDoc(
                    key="post:2", kind="post", title="Вакцинація персоналу", body="Деталі згодом.", visibility=ALL
                ),
                SearchDoc(key="post:3", kind="post", title="Щеплення", created_at=long_ago, **text),
                SearchDoc(key="post:4", kind="post", title="Щеплення", created_at=now, **text),
                SearchDoc(
                    key="article:5", kind="article", title="Щеплення", status="draft", created_at=long_ago, **text
                ),
                SearchDoc(
                    key="article:6", kind="article", title="Щеплення", status="published", created_at=long_ago, **text
                ),
            ],
        )
        assert search(ix, "вакцинація") == ["post:2", "post:1"]
        ranked = search(ix, "щеплення")
        assert ranked.index("post:4") < ranked.index("post:3")
        assert ranked.index("article:6") < ranked.index("article:5")

    def test_phrase_and_counts_skip_deleted_documents(self, tmp_path: Path) -> None:
        ix = make_index(tmp_path)
        with writer(ix) as w:
            add_documents(
                w,
                [
                    SearchDoc(
                        key="post:4",
                        kind="post",
                        title="Staff training",
                        body="Training on hospital wards is moved to Friday.",
                        visibility=ALL,
                    )
                ],
            )
        with ix.searcher() as s:
            result = run_query(s, '"training on hospital"', visibility_keys=ALL)
        assert [h.key for h in result.hits] == ["post:4"] and result.total == 1
        assert "Friday" in result.hits[0].snippet_html


class TestHostileInput:
    @pytest.mark.parametrize(
        "q",
        [
            '<script>alert(1)</script> " OR 1=1 -- ((( ~~~ *',
            "title:x visibility:dept:2",
            "*",
            "AND OR NOT",
            '"',
            "((((",
            "-",
            "😀 \u202e\ud800",
            "x" * 5000,
            "hospital^1000",
        ],
    )
    def test_never_crashes_nor_echoes(self, tmp_path: Path, q: str) -> None:
        ix = make_index(tmp_path)
        with ix.searcher() as s:
            result = run_query(s, q, visibility_keys=ALL)
        assert all(h.key != "article:6" for h in result.hits)
        for h in result.hits:
            for html in (h.title_html, h.snippet_html):
                assert "<script" not in html
                assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0

    def test_highlight_escapes_stored_text(self, tmp_path: Path) -> None:
        doc = SearchDoc(
            key="post:9",
            kind="post",
            title="<b>Alert</b> & co",
            body='Nurse said "<script>alert(1)</script>" about hygiene',
            visibility=ALL,
        )
        ix = make_index(tmp_path, [doc])
        with ix.searcher() as s:
            hit = run_query(s, "alert hygiene", visibility_keys=ALL).hits[0]
        assert hit.title_html == "&lt;b&gt;<mark>Alert</mark>&lt;/b&gt; &amp; co"
        assert "&lt;script&gt;<mark>alert</mark>(1)" in hit.snippet_html
        assert "<mark>hygiene</mark>" in hit.snippet_html


class TestVisibility:
    def test_invisible_doc_is_hidden_everywhere(self, tmp_path: Path) -> None:
        ix = make_index(tmp_path)
        keys = ["all", "dept:1"]
        with ix.searcher() as s:
            for q in ("стерилізація", "secret", "хірургія", "протокол гігієни", "стерелізація"):
                result = run_query(s, q, visibility_keys=keys)
                assert {h.key for h in result.hits} <= {"post:1", "article:2", "article:3", "post:4", "article:5"}
                assert "хірургія" not in result.facets.get("tag", {})
                assert "2" not in result.facets.get("department", {})
                assert "9" not in result.facets.get("author", {})
                assert result.suggestion is None, q
            assert run_query(s, "стерилізація", visibility_keys=keys).total == 0

    def test_visible_to_its_department(self, tmp_path: Path) -> None:
        ix = make_index(tmp_path)
        with ix.searcher() as s:
            result = run_query(s, "стерелізація", visibility_keys=["dept:2"])
        assert {h.key for h in result.hits} == {"article:6", "post:7"}
        assert result.suggestion == "стерилізація"
        assert result.facets["tag"] == {"хірургія": 2}

    def test_no_keys_sees_nothing(self, tmp_path: Path) -> None:
        assert search(make_index(tmp_path), "гігієна", keys=[]) == []

    def test_filters_and_facets(self, tmp_path: Path) -> None:
        ix = make_index(tmp_path)
        with ix.searcher() as s:
            result = run_query(s, "гігієна hospital", visibility_keys=ALL)
            assert result.facets["kind"] == {"article": 1, "post": 1}
            only = run_query(s, "гігієна hospital", visibility_keys=ALL, kind="post")
            assert [h.key for h in only.hits] == ["post:4"] and only.total == 1
            tagged = run_query(s, "гігієна hospital", visibility_keys=ALL, tags=["Training"])
            assert [h.key for h in tagged.hits] == ["post:4"]

    def test_a_filter_matching_nothing_finds_nothing(self, tmp_path: Path) -> None:
        # Whoosh treats an empty filter set as no filter at all
        assert search(make_index(tmp_path), "гігієна", kind="event") == []

    def test_every_match_is_counted_and_faceted_without_invisible_ones(self, tmp_path: Path) -> None:
        docs = [
            SearchDoc(
                key=f"post:{n}",
                kind="post",
                title=f"Чергування {n}",
                body="Графік чергувань.",
                tags=["нічні"] if n % 3 else ["денні"],
                visibility=ALL if n % 2 else ["dept:2"],
            )
            for n in range(260)
        ]
        ix = make_index(tmp_path, docs)
        with ix.searcher() as s:
            many = run_query(s, "чергування", visibility_keys=ALL, limit=10)
            assert (many.total, many.total_exact, len(many.hits)) == (130, True, 10)
            assert many.facets["tag"] == {"нічні": 87, "денні": 43} and many.facets["kind"] == {"post": 130}
            few = run_query(s, "чергування 7", visibility_keys=ALL, kind="post", tags=[], limit=200)
            assert few.total_exact and few.total == 130 == len(few.hits)

    def test_pages_neither_repeat_nor_skip_when_documents_arrive_between_them(self, tmp_path: Path) -> None:
        ix = make_index(
            tmp_path,
            [
                SearchDoc(
                    key=f"post:{n}", kind="post", title=f"Зміна {n}", body="Графік чергувань " * (n + 1), visibility=ALL
                )
                for n in range(7)
            ],
        )
        with ix.searcher() as s:
            first = run_query(s, "чергування", visibility_keys=ALL, limit=3)
        with writer(ix) as w:  # a better match arrives while the first page is being read
            add_documents(
                w, [SearchDoc(key="post:99", kind="post", title="Чергування", body="Графік чергувань.", visibility=ALL)]
            )
        last = first.hits[-1]
        with ix.searcher() as s:
            second = run_query(s, "чергування", visibility_keys=ALL, limit=3, after=(last.score, last.key))
            third = run_query(
                s, "чергування", visibility_keys=ALL, limit=3, after=(second.hits[-1].score, second.hits[-1].key)
            )
        seen = [h.key for h in first.hits + second.hits + third.hits]
        assert sorted(seen) == sorted(f"post:{n}" for n in range(7)) and first.more and second.more
        assert not third.more and len(third.hits) == 1

    def test_meta_document_never_found(self, tmp_path: Path) -> None:
        ix = make_index(tmp_path)
        assert search(ix, "__meta__", keys=["all", ""]) == []


class TestIndexLifecycle:
    def test_last_applied_commits_with_documents(self, tmp_path: Path) -> None:
        ix = make_index(tmp_path)
        assert get_last_applied(ix) == 7
        with pytest.raises(RuntimeError), writer(ix, last_applied=8) as w:
            add_documents(w, [SearchDoc(key="post:99", kind="post", title="Нове", body="", visibility=ALL)])
            raise RuntimeError("crash mid-batch")
        assert get_last_applied(ix) == 7
        assert search(ix, "нове") == []

    def test_fresh_index_is_zero(self, tmp_path: Path) -> None:
        assert get_last_applied(open_or_create(tmp_path / "new")) == 0

    def test_corrupt_index_raises(self, tmp_path: Path) -> None:
        make_index(tmp_path)
        for toc in (tmp_path / "ix").glob("*.toc"):
            toc.write_bytes(b"garbage")
        with pytest.raises(IndexUnavailable):
            open_or_create(tmp_path / "ix")

    def test_aware_datetimes_accepted(self, tmp_path: Path) -> None:
        doc = SearchDoc(
            key="post:5",
            kind="post",
            title="Дата",
            body="",
            visibility=ALL,
            created_at=datetime(2024, 5, 1, 12, tzinfo=UTC),
        )
        assert search(make_index(tmp_path, [doc]), "дата") == ["post:5"]


class TestSearchersNeverStale:
    def test_updates_and_deletes_are_seen_once(self, tmp_path: Path) -> None:
        ix = make_index(tmp_path)
        searchers = Searchers(ix)
        for version in range(12):
            with writer(ix, last_applied=100 + version) as w:
                add_documents(
                    w,
                    [
                        SearchDoc(
                            key="post:50", kind="post", title="Вакцинація", body=f"версія {version}", visibility=ALL
                        )
                    ],
                )
            with searchers.searcher() as s:
                result = run_query(s, "вакцинація", visibility_keys=ALL)
            assert [h.key for h in result.hits] == ["post:50"]
            assert result.total == 1
            assert str(version) in result.hits[0].snippet_html
        with writer(ix) as w:
            delete_keys(w, ["post:50"])
        with searchers.searcher() as s:
            assert run_query(s, "вакцинація", visibility_keys=ALL).total == 0
        ix.optimize()
        with searchers.searcher() as s:
            assert run_query(s, "гігієна", visibility_keys=ALL).total == 1
        searchers.close()

    def test_shared_across_threads_while_writing(self, tmp_path: Path) -> None:
        ix = make_index(tmp_path)
        searchers = Searchers(ix)
        errors: list[BaseException] = []

        def reader() -> None:
            try:
                for _ in range(30):
                    with searchers.searcher() as s:
                        assert run_query(s, "гігієна", visibility_keys=ALL).total >= 1
            except BaseException as exc:  # collected for the main thread
                errors.append(exc)

        threads = [threading.Thread(target=reader) for _ in range(4)]
        for t in threads:
            t.start()
        for n in range(10):
            with writer(ix, last_applied=n) as w:
                add_documents(
                    w, [SearchDoc(key=f"post:{60 + n}", kind="post", title="Гігієна", body="", visibility=["dept:2"])]
                )
        for t in threads:
            t.join()
        searchers.close()
        assert errors == []


def test_real_text_sample(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    docs = [SearchDoc(key=r["id"], kind="article", title=r["title"], body=r["body"], visibility=ALL) for r in rows]
    ix = make_index(tmp_path, docs)
    with ix.searcher() as s:
        uk = run_query(s, "медичний заклад", visibility_keys=ALL)
        assert uk.hits and "медичн" in uk.hits[0].snippet_html.lower()
        assert run_query(s, "гігієна праці", visibility_keys=ALL).total >= 1
        en = run_query(s, "hospitals", visibility_keys=ALL)
        assert en.total >= 1 and "<mark>hospital" in " ".join(h.snippet_html for h in en.hits).lower()
