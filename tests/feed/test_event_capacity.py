"""The organizer changes an event's places: the waiting list moves up in its order, nobody going is dropped."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models.users import User
from tests.conftest import sign_in
from tests.factories import make_event, make_user
from tests.forms import submit

SEAT = "Звільнилося місце"


def _people(session: Session, new_client: Callable[[], TestClient], count: int) -> list[TestClient]:
    clients = []
    for i in range(count):
        user = make_user(session, email=f"nurse{i}@kolo.test", name=f"Медсестра {i}", departments=["Терапія"])
        clients.append(sign_in(new_client(), user.email))
    return clients


def _answer(client: TestClient, event_id: int, status: str) -> str:
    response = client.post(f"/api/v1/events/{event_id}/rsvp", json={"status": status})
    assert response.status_code == 200, response.text
    return response.json()["my_status"]


def _status(client: TestClient, event_id: int) -> str:
    return client.get(f"/api/v1/events/{event_id}").json()["my_status"]


def _seat_notices(client: TestClient) -> int:
    return sum(SEAT in n["text"] for n in client.get("/api/v1/notifications").json()["items"])


def _edit_places(client: TestClient, event_id: int, places: str):  # type: ignore[no-untyped-def]
    """The organizer changes only the places on the event's edit page; the rest stays as the page shows it."""
    url = f"/events/{event_id}/edit"
    return submit(client, url, url, {"event_capacity": places}, follow_redirects=False)


class TestRaisingPlaces:
    def test_the_edit_page_promotes_the_waiting_list_in_the_order_people_joined(
        self, manager_client: TestClient, manager_page: TestClient, session: Session, manager: User, new_client
    ) -> None:  # type: ignore[no-untyped-def]
        event_id = make_event(session, manager, capacity=1).id
        first, *waiting = _people(session, new_client, 4)
        assert _answer(first, event_id, "going") == "going"
        # The newest accounts join the waiting list first, so the order is not just the accounts' order.
        waiting.reverse()
        assert [_answer(c, event_id, "going") for c in waiting] == ["waitlisted"] * 3

        saved = _edit_places(manager_page, event_id, "3")

        assert saved.status_code == 303
        assert [_status(c, event_id) for c in waiting] == ["going", "going", "waitlisted"]
        assert [_seat_notices(c) for c in waiting] == [1, 1, 0]
        shown = manager_client.get(f"/api/v1/events/{event_id}").json()
        assert (shown["going"], shown["waitlisted"], shown["is_full"]) == (3, 1, True)
        assert "У листі очікування: 1" in manager_client.get(f"/events/{event_id}").text

    def test_removing_the_limit_by_api_lets_everyone_waiting_in(
        self, manager_client: TestClient, session: Session, manager: User, new_client
    ) -> None:  # type: ignore[no-untyped-def]
        event_id = make_event(session, manager, capacity=1).id
        first, *waiting = _people(session, new_client, 3)
        _answer(first, event_id, "going")
        for client in waiting:
            _answer(client, event_id, "going")

        changed = manager_client.patch(f"/api/v1/events/{event_id}", json={"capacity": None})

        assert changed.status_code == 200, changed.text
        assert (changed.json()["capacity"], changed.json()["going"], changed.json()["waitlisted"]) == (None, 3, 0)
        assert [_status(c, event_id) for c in waiting] == ["going", "going"]
        assert [_seat_notices(c) for c in waiting] == [1, 1]
        assert _seat_notices(first) == 0


class TestLoweringPlaces:
    def test_nobody_going_is_dropped_and_newcomers_wait(
        self, manager_client: TestClient, session: Session, manager: User, new_client
    ) -> None:  # type: ignore[no-untyped-def]
        event_id = make_event(session, manager, capacity=3).id
        going = _people(session, new_client, 4)
        late = going.pop()
        for client in going:
            _answer(client, event_id, "going")

        changed = manager_client.patch(f"/api/v1/events/{event_id}", json={"capacity": 1})

        assert changed.status_code == 200 and changed.json()["going"] == 3 and changed.json()["is_full"]
        assert [_status(c, event_id) for c in going] == ["going"] * 3
        assert _answer(late, event_id, "going") == "waitlisted"
        # One leaves, but two are still going for one place: nobody moves up yet.
        _answer(going[0], event_id, "declined")
        assert _status(late, event_id) == "waitlisted"
        _answer(going[1], event_id, "declined")
        _answer(going[2], event_id, "declined")
        assert _status(late, event_id) == "going" and _seat_notices(late) == 1
