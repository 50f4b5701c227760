"""The index version: a generation records the INDEX_VERSION that built it; one built by another version is stale
(its documents may carry visibility keys the code no longer hands out), so it is rebuilt on start like a missing
index, while search answers "degraded". A change of the key logic without a bump fails here."""

import ast
import hashlib
import inspect
import textwrap
from pathlib import Path

from app.search.index import INDEX_VERSION, INDEX_VERSION_FILE, read_index_version
from app.search.reindex import current_generation
from app.services.feed import access as feed_access
from app.services.kb import access as kb_access
from app.services.onboarding import access as onboarding_access
from app.services.people import search as people_search
from app.services.search import keys
from tests.search.conftest import api_search, post, restarted_search, wait_until

# Every function that decides which keys a document carries or a reader holds.
KEY_FUNCTIONS = [
    feed_access.index_keys,
    kb_access.index_keys,
    onboarding_access.plan_index_keys,
    onboarding_access.checklist_index_keys,
    people_search.index_keys,
    keys.reader_keys,
]
# Read when the module is imported, next to the code objects: a file edited during a long run would otherwise be
# read at lines that no longer hold the function.
SOURCES = [inspect.getsource(f) for f in KEY_FUNCTIONS]
# 3: threads (comments under their post), people ("person:<id>", people_search.index_keys), templates' authors
# 4: an event's post is indexed as the event only, its comments under the event; apostrophe-less words' lemmas
EXPECTED = {"version": 4, "fingerprint": "8142f91074362ef83be10dbba41ed0b8d18edb5e6a196a34ac3f0ade7ed9c89b"}


def _logic(source: str) -> str:
    """A function's code without docstrings, comments, annotations or layout (those change no key)."""
    tree = ast.parse(textwrap.dedent(source))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            node.returns = None
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = node.body[1:] or [ast.Pass()]
        elif isinstance(node, ast.arg):
            node.annotation = None
        elif isinstance(node, ast.AnnAssign):
            node.annotation = ast.Constant(value=None)
    return ast.dump(tree)


def fingerprint() -> str:
    """sha256 of the logic of every key function, in order."""
    return hashlib.sha256("\n".join(_logic(s) for s in SOURCES).encode()).hexdigest()


def test_the_key_logic_did_not_change_without_a_new_index_version() -> None:
    now = {"version": INDEX_VERSION, "fingerprint": fingerprint()}
    assert now == EXPECTED, (
        "key logic changed: bump INDEX_VERSION (app/search/index.py) and update EXPECTED "
        f"in tests/search/test_index_version.py to {now}"
    )


def test_a_rebuilt_generation_records_the_version(app, staff_client, wait_indexed, settings) -> None:  # type: ignore[no-untyped-def]
    wait_indexed()
    generation = current_generation(Path(settings.index_dir))
    assert generation is not None and read_index_version(generation) == INDEX_VERSION


def test_an_index_of_an_older_version_answers_degraded_and_is_rebuilt_on_start(
    app,
    settings,
    staff_client,
    wait_indexed,
    held_rebuild,  # type: ignore[no-untyped-def]
) -> None:
    post(staff_client, "Протокол дій під час тривоги")
    wait_indexed()
    app.state.search.stop()
    stale = current_generation(Path(settings.index_dir))
    assert stale is not None
    (stale / INDEX_VERSION_FILE).write_text(f"{INDEX_VERSION - 1}\n", encoding="utf-8")
    restarted_search(app)
    body = api_search(staff_client, "тривога")
    assert body["degraded"] is True and body["items"] == []  # the stale documents are never searched
    held_rebuild.set()
    found = wait_until(lambda: api_search(staff_client, "тривога")["items"])
    assert found[0]["type"] == "post"
    fresh = current_generation(Path(settings.index_dir))
    assert fresh is not None and fresh != stale and read_index_version(fresh) == INDEX_VERSION


def test_an_index_without_a_version_is_stale(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert read_index_version(tmp_path) is None
    (tmp_path / INDEX_VERSION_FILE).write_text("garbage", encoding="utf-8")
    assert read_index_version(tmp_path) is None
