"""The feed answers every action with a short message in place, asks before deleting, answers "I have read it" and
RSVPs in place (htmx) or back at the same post (without JavaScript), folds its filters, and keeps editors' drafts."""

import re

from fastapi.testclient import TestClient

from app.models.users import User
from tests.forms import find_form, send, submit

HX = {"HX-Request": "true"}


def _flash(html: str) -> str:
    """The text of the page's (or the htmx answer's) flash region."""
    found = re.search(r'<div id="flash"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def _publish(page: TestClient, **fields: str) -> str:
    """Publish from the home page's form; the post's path."""
    response = submit(page, "/", "/posts", {"kind": "tip", **fields}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return str(response.headers["location"])


def _announcement(manager_client: TestClient, body: str = "Нова інструкція з вакцинації") -> int:
    response = manager_client.post("/api/v1/posts", json={"body": body, "kind": "announcement", "must_read": True})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _event(manager_client: TestClient, capacity: int | None = None) -> tuple[int, int]:
    """A training announced by the manager: (post id, event id)."""
    event = {
        "title": "СЛР для медсестер",
        "format": "training",
        "starts_at": "2030-03-10T10:00:00",
        "ends_at": "2030-03-10T12:00:00",
        "capacity": capacity,
    }
    response = manager_client.post("/api/v1/posts", json={"body": "Тренінг", "kind": "event", "event": event})
    assert response.status_code == 201, response.text
    return int(response.json()["id"]), int(response.json()["event"]["id"])


class TestToldItWorked:
    def test_publishing_a_post_says_so_once(self, staff_page: TestClient) -> None:
        url = _publish(staff_page, body="Порада з гігієни рук")
        assert _flash(staff_page.get(url).text) == "Допис опубліковано."
        assert _flash(staff_page.get(url).text) == ""  # shown once, not again on the next page

    def test_publishing_an_event_names_it(self, manager_page: TestClient) -> None:
        fields = {
            "body": "Запрошую на тренінг",
            "kind": "event",
            "event_title": "Догляд за катетером",
            "event_format": "training",
            "event_starts_at": "2030-03-10T10:00",
            "event_ends_at": "2030-03-10T12:00",
        }
        url = _publish(manager_page, **fields)
        assert _flash(manager_page.get(url).text) == "Подію «Догляд за катетером» опубліковано."

    def test_saving_an_edit_says_so(self, staff_page: TestClient) -> None:
        url = _publish(staff_page, body="Перша версія")
        staff_page.get(url)
        saved = submit(staff_page, f"{url}/edit", f"{url}/edit", {"body": "Друга версія"})
        assert saved.status_code == 200 and _flash(saved.text) == "Зміни збережено."

    def test_pin_and_unpin_say_so(self, manager_page: TestClient) -> None:
        url = _publish(manager_page, body="Графік чергувань на травень")
        manager_page.get(url)
        pinned = submit(manager_page, url, f"{url}/pin", {"pinned_until": "2030-05-31"})
        assert _flash(pinned.text) == "Закріплено вгорі стрічки до 31 травня 2030."
        unpinned = submit(manager_page, url, f"{url}/unpin")
        assert _flash(unpinned.text) == "Відкріплено: допис повернувся на своє місце в стрічці."


class TestDeleteAsksFirst:
    def test_a_comment_is_deleted_only_from_its_confirmation(self, staff_page: TestClient) -> None:
        url = _publish(staff_page, body="Питання про пов’язки")
        staff_page.get(url)
        posted = submit(staff_page, url, f"{url}/comments", {"body": "Мій коментар до допису"})
        assert _flash(posted.text) == "Коментар додано."
        comment_id = re.search(r'id="comment-(\d+)"', posted.text).group(1)  # type: ignore[union-attr]
        # The delete form sits in a second step that asks first; no bare delete button is on the page.
        confirm = re.search(
            r'<details class="confirm">.*?</details>',
            posted.text[posted.text.index(f'id="comment-{comment_id}"') :],
            re.S,
        )
        assert confirm and "Видалити цей коментар? Цього не можна скасувати." in confirm.group(0)
        assert f'action="/comments/{comment_id}/delete"' in confirm.group(0)
        deleted = send(staff_page, find_form(posted.text, f"/comments/{comment_id}/delete", url))
        assert deleted.status_code == 200 and _flash(deleted.text) == "Коментар видалено."
        assert "Мій коментар до допису" not in deleted.text

    def test_a_post_is_deleted_only_from_its_confirmation(self, staff_page: TestClient) -> None:
        url = _publish(staff_page, body="Допис, який я видалю")
        page = staff_page.get(url).text
        confirm = re.search(r'<details class="confirm">.*?</details>', page, re.S)
        question = "Видалити цей допис? Він зникне зі стрічки й пошуку для всіх; протягом 10 хв це ще можна скасувати."
        assert confirm and question in confirm.group(0)
        assert f'action="{url}/delete"' in confirm.group(0)
        deleted = send(staff_page, find_form(page, f"{url}/delete", url))
        assert str(deleted.url).endswith("/") and _flash(deleted.text) == "Допис видалено."
        assert "Допис, який я видалю" not in deleted.text.split("feed-list")[1]  # only the offer to undo names it

    def test_a_deleted_post_can_be_undone_from_the_feed(self, staff_page: TestClient) -> None:
        url = _publish(staff_page, body="Допис, який я видалю помилково")
        page = staff_page.get(url).text
        feed = send(staff_page, find_form(page, f"{url}/delete", url))
        assert "Ви видалили допис: «Допис, який я видалю помилково»." in feed.text
        restored = send(staff_page, find_form(feed.text, f"{url}/restore"))
        assert str(restored.url).endswith(url) and _flash(restored.text) == "Допис відновлено."
        assert "Допис, який я видалю помилково" in staff_page.get("/").text
        assert "Ви видалили допис" not in staff_page.get("/").text

    def test_undo_is_only_for_who_deleted_it_and_only_for_minutes(
        self,
        staff_page: TestClient,
        manager_page: TestClient,
        session,  # type: ignore[no-untyped-def]
    ) -> None:
        from datetime import timedelta

        from app.models.feed import Post
        from app.models.types import utcnow

        url = _publish(staff_page, body="Допис медсестри")
        feed = send(staff_page, find_form(staff_page.get(url).text, f"{url}/delete", url))
        restore = find_form(feed.text, f"{url}/restore")
        assert f'action="{url}/restore"' not in manager_page.get("/").text
        token = dict(find_form(manager_page.get("/").text, "/posts").fields)["csrf_token"]
        assert manager_page.post(f"{url}/restore", data={"csrf_token": token}).status_code == 404
        post = session.get(Post, int(url.rsplit("/", 1)[1]))
        post.deleted_at = utcnow() - timedelta(minutes=11)
        session.add(post)
        session.commit()
        assert "Ви видалили допис" not in staff_page.get("/").text
        late = send(staff_page, restore)
        assert late.status_code == 409 and "минуло понад 10 хв" in late.text

    def test_only_the_author_and_managers_are_offered_to_delete_a_comment(
        self,
        staff_page: TestClient,
        manager_page: TestClient,
        new_client,
        session,  # type: ignore[no-untyped-def]
    ) -> None:
        from tests.conftest import sign_in_page
        from tests.factories import make_user

        url = _publish(staff_page, body="Для всіх")
        staff_page.get(url)
        mine = submit(staff_page, url, f"{url}/comments", {"body": "Коментар медсестри"}).text
        delete = re.search(r'action="(/comments/\d+/delete)"', mine)
        assert delete, "the author is offered to delete her comment"
        assert f'action="{delete.group(1)}"' in manager_page.get(url).text
        make_user(session, email="colleague@kolo.test", name="Колега Петро", departments=["Терапія"])
        colleague = sign_in_page(new_client(), "colleague@kolo.test")
        page = colleague.get(url).text
        assert "Коментар медсестри" in page and "/delete" not in page


class TestReadInPlace:
    def test_htmx_swaps_just_the_post_and_says_so(self, manager_client: TestClient, staff_page: TestClient) -> None:
        post_id = _announcement(manager_client)
        form = find_form(staff_page.get("/").text, f"/posts/{post_id}/read")
        answer = send(staff_page, form, headers=HX)
        assert answer.status_code == 200 and "<html" not in answer.text
        assert answer.text.lstrip().startswith(f'<article class="post" id="post-{post_id}"')  # no longer must-read
        assert "Ви прочитали" in answer.text and f'action="/posts/{post_id}/read"' not in answer.text
        assert 'hx-swap-oob="innerHTML"' in answer.text
        assert _flash(answer.text) == "Позначено як прочитане. Дякуємо!"

    def test_without_javascript_back_to_the_same_post_on_the_same_page(
        self, manager_client: TestClient, staff_page: TestClient
    ) -> None:
        post_id = _announcement(manager_client)
        where = "/?kind=announcement"
        form = find_form(staff_page.get(where).text, f"/posts/{post_id}/read", where)
        answer = send(staff_page, form, headers={"Referer": f"http://testserver{where}"}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == f"{where}#post-{post_id}"
        page = staff_page.get(answer.headers["location"]).text
        assert _flash(page) == "Позначено як прочитане. Дякуємо!" and "Ви прочитали" in page

    def test_a_foreign_referer_goes_back_to_the_feed(self, manager_client: TestClient, staff_page: TestClient) -> None:
        post_id = _announcement(manager_client)
        form = find_form(staff_page.get("/").text, f"/posts/{post_id}/read")
        answer = send(staff_page, form, headers={"Referer": "https://evil.example/phish"}, follow_redirects=False)
        assert answer.headers["location"] == f"/#post-{post_id}"


class TestRsvpInPlace:
    def test_htmx_swaps_the_event_box_and_names_the_answer(
        self, manager_client: TestClient, staff_page: TestClient
    ) -> None:
        _post_id, event_id = _event(manager_client)
        form = find_form(staff_page.get("/").text, f"/events/{event_id}/rsvp")
        answer = send(staff_page, form, {"status": "going"}, headers=HX)
        assert answer.status_code == 200 and "<html" not in answer.text
        assert answer.text.lstrip().startswith(f'<section class="event-box" id="event-{event_id}"')
        assert re.search(r'value="going"[^>]*aria-pressed="true"', answer.text)
        assert _flash(answer.text) == "Ви йдете на «СЛР для медсестер»."
        maybe = send(staff_page, form, {"status": "maybe"}, headers=HX)
        assert _flash(maybe.text) == "Ви відповіли «Можливо» на «СЛР для медсестер»."
        declined = send(staff_page, form, {"status": "declined"}, headers=HX)
        assert _flash(declined.text) == "Ви не йдете на «СЛР для медсестер»."

    def test_a_full_event_says_waiting_list(self, manager_client: TestClient, staff_page: TestClient) -> None:
        _post_id, event_id = _event(manager_client, capacity=1)
        manager_client.post(f"/api/v1/events/{event_id}/rsvp", json={"status": "going"})
        form = find_form(staff_page.get("/").text, f"/events/{event_id}/rsvp")
        answer = send(staff_page, form, {"status": "going"}, headers=HX)
        assert _flash(answer.text) == "Місць немає: ви в листі очікування на «СЛР для медсестер»."
        assert "Ви в листі очікування" in answer.text

    def test_without_javascript_back_to_the_event_in_the_feed(
        self, manager_client: TestClient, staff_page: TestClient
    ) -> None:
        _post_id, event_id = _event(manager_client)
        form = find_form(staff_page.get("/").text, f"/events/{event_id}/rsvp")
        answer = send(
            staff_page, form, {"status": "going"}, headers={"Referer": "http://testserver/"}, follow_redirects=False
        )
        assert answer.headers["location"] == f"/#event-{event_id}"
        assert _flash(staff_page.get("/").text) == "Ви йдете на «СЛР для медсестер»."


class TestFoldedFiltersAndDrafts:
    def test_filters_are_folded_unless_one_is_on(self, staff_page: TestClient) -> None:
        plain = staff_page.get("/").text
        assert '<details class="feed-filters-box">' in plain
        filtered = staff_page.get("/?kind=tip&tag=руки").text
        box = re.search(r'<details class="feed-filters-box" open>\s*<summary>(.*?)</summary>', filtered, re.S)
        assert box and re.sub(r"<[^>]+>", " ", box.group(1)).split()[:2] == ["Фільтри", "2"]
        assert "Увімкнено 2 фільтри" in box.group(1)

    def test_editors_keep_a_draft(self, staff_page: TestClient, staff: User) -> None:
        assert 'data-draft="feed-new-post"' in staff_page.get("/").text
        url = _publish(staff_page, body="Чернетка")
        post_id = url.rsplit("/", 1)[1]
        assert f'data-draft="comment-{post_id}"' in staff_page.get(url).text
        assert f'data-draft="post-edit-{post_id}"' in staff_page.get(f"{url}/edit").text
