"""Archived articles: out of search and lists for staff, in the managers' "Archived" list, open by link with a
banner, and never asked to be acknowledged."""

import pytest

from app.services.kb import lifecycle
from tests.conftest import sign_in
from tests.forms import parse
from tests.kb.helpers import make_article, publish
from tests.search.conftest import api_search, is_indexed, wait_until

WORD = "зебраархів"
TITLE = "Стара інструкція з катетеризації"
SLUG = "/kb/stara-instruktsiia-z-kateteryzatsii"


@pytest.fixture
def archived(app, session, client, manager):  # type: ignore[no-untyped-def]
    """A published protocol that asked for acknowledgement, archived; beside it a live one with the same word."""
    article = make_article(session, manager, title=TITLE, body=f"Застарілий {WORD}.", requires_acknowledgement=True)
    publish(session, article, manager)
    lifecycle.archive(session=session, user=manager, article=article)
    publish(session, make_article(session, manager, title="Нова інструкція", body=f"Чинний {WORD}."), manager)
    wait_until(lambda: is_indexed(app))
    return article


class TestStaff:
    def test_search_does_not_find_it(self, staff_client, archived):
        found = api_search(staff_client, WORD)
        assert [i["title"] for i in found["items"]] == ["Нова інструкція"] and found["total"] == 1
        assert TITLE not in staff_client.get("/search", params={"q": WORD}).text
        assert TITLE not in staff_client.get("/search/suggest", params={"q": "стара інстр"}).text

    def test_lists_do_not_show_it_even_when_asked(self, staff_page, archived):
        for status in ("", "archived"):
            items = staff_page.get("/api/v1/articles", params={"status": status}).json()["items"]
            assert archived.id not in [a["id"] for a in items], status
            assert TITLE not in staff_page.get("/kb", params={"status": status}).text, status
        assert 'value="archived"' not in staff_page.get("/kb").text  # the status filter offers no "Archived"

    def test_its_link_shows_the_banner_and_asks_for_no_acknowledgement(self, staff_page, new_client, staff, archived):
        page = staff_page.get(SLUG)
        assert page.status_code == 200 and "Статтю перенесено в архів" in page.text
        assert f"{SLUG}/acknowledge" not in {f.action for f in parse(page.text, SLUG)[0]}
        url = f"/api/v1/articles/{archived.id}"
        staff_client = sign_in(new_client(), staff.email)
        assert staff_client.get(url).json()["needs_acknowledgement"] is False
        refused = staff_client.post(f"{url}/acknowledge")
        assert refused.status_code == 409 and "архів" in refused.json()["detail"]


class TestManagers:
    def test_find_it_under_archived_only(self, manager_client, manager_page, archived):
        assert archived.id not in [a["id"] for a in manager_client.get("/api/v1/articles").json()["items"]]
        listed = manager_client.get("/api/v1/articles", params={"status": "archived"}).json()["items"]
        assert [a["id"] for a in listed] == [archived.id]
        assert 'value="archived"' in manager_page.get("/kb").text
        assert TITLE in manager_page.get("/kb", params={"status": "archived"}).text
        # Search shows what is in force: an archived protocol is never offered as a search answer.
        assert [i["title"] for i in api_search(manager_client, WORD)["items"]] == ["Нова інструкція"]

    def test_restoring_brings_it_back_to_search(self, app, staff_client, manager, session, archived):
        lifecycle.restore(session=session, user=manager, article=archived)
        wait_until(lambda: is_indexed(app))
        assert TITLE in [i["title"] for i in api_search(staff_client, WORD)["items"]]
