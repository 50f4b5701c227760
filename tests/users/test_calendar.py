"""The private calendar feed: off until the person turns it on; the events they go to and their onboarding meetings,
readable by a calendar program without signing in; a new address ends the old one, and so does turning it off."""

import icalendar
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models.feed import RsvpStatus
from app.models.onboarding import TaskKind
from app.services.feed import events as feed_events
from tests.conftest import sign_in
from tests.factories import make_checklist, make_department, make_event, make_plan, make_user
from tests.forms import submit
from tests.markup import flash_text


def _entries(text: str) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def _turn_on(client: TestClient) -> str:
    url = client.post("/api/v1/account/calendar").json()["url"]
    assert url.startswith("http://testserver/calendar/") and url.endswith(".ics")
    return url.removeprefix("http://testserver")


class TestFeed:
    def test_the_events_one_goes_to_and_not_the_others(
        self, session: Session, staff, manager, staff_client: TestClient, new_client
    ) -> None:  # type: ignore[no-untyped-def]
        going = make_event(session, manager, title="Семінар з інфекційного контролю")
        maybe = make_event(session, manager, title="Круглий стіл: вигорання медсестер")
        declined = make_event(session, manager, title="Тренінг з евакуації")
        surgery = make_department(session, name="Хірургія")
        elsewhere = make_event(session, manager, title="Розбір операцій", department_ids=[surgery.id or 0])
        for event, status in ((going, RsvpStatus.going), (maybe, RsvpStatus.maybe), (declined, RsvpStatus.declined)):
            feed_events.rsvp(session=session, user=staff, event=event, status=status)
        surgeon = make_user(session, email="surgeon@kolo.test", departments=["Хірургія"])
        feed_events.rsvp(session=session, user=surgeon, event=elsewhere, status=RsvpStatus.going)
        path = _turn_on(staff_client)

        answer = new_client().get(path)  # a calendar program: no session, no cookie
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
        entries = _entries(answer.text)
        assert set(entries) == {"Семінар з інфекційного контролю", "Круглий стіл: вигорання медсестер"}
        assert entries["Круглий стіл: вигорання медсестер"]["status"] == "TENTATIVE"
        seminar = entries["Семінар з інфекційного контролю"]
        assert seminar["dtstart"].dt == going.starts_at and seminar["location"] == "Актова зала"
        assert str(seminar["url"]) == f"http://testserver/events/{going.id}"
        assert "X-WR-CALNAME:Коло — Шевченко Марія" in answer.text

    def test_onboarding_meetings_for_the_new_hire_and_for_whom_she_meets(
        self, session: Session, staff, manager, staff_client: TestClient, new_client
    ) -> None:  # type: ignore[no-untyped-def]
        checklist = make_checklist(
            session,
            manager,
            name="Перший тиждень у терапії",
            tasks=[{"title": "Знайомство зі старшою медсестрою", "kind": TaskKind.meet, "meet_user_id": manager.id}],
        )
        plan = make_plan(session, manager, hire=staff, checklist=checklist)
        hire_entries = _entries(new_client().get(_turn_on(staff_client)).text)
        [(summary, entry)] = hire_entries.items()
        assert summary == "Адаптація: Знайомство зі старшою медсестрою"
        assert "Зустріч: Бондаренко Ігор" in str(entry["description"])
        assert entry["dtstart"].dt == plan.start_date and str(entry["url"]).endswith(
            f"/onboarding/assignments/{plan.id}"
        )

        manager_client = sign_in(new_client(), manager.email)
        met = _entries(new_client().get(_turn_on(manager_client)).text)
        assert list(met) == ["Зустріч із новим колегою (Шевченко Марія): Знайомство зі старшою медсестрою"]

    def test_long_cyrillic_lines_are_folded_as_calendars_require(
        self, session: Session, manager, manager_client: TestClient
    ) -> None:  # type: ignore[no-untyped-def]
        event = make_event(
            session, manager, body="Тренінг з серцево-легеневої реанімації для середнього персоналу. " * 8
        )
        answer = manager_client.get(f"/events/{event.id}/event.ics")
        lines = answer.text.split("\r\n")
        assert all(len(line.encode()) <= 75 for line in lines), max(lines, key=lambda line: len(line.encode()))
        assert "Тренінг з серцево-легеневої реанімації" in str(
            _entries(answer.text)["СЛР для медсестер"]["description"]
        )


class TestAddress:
    def test_a_new_address_ends_the_old_one_and_off_ends_both(self, staff_client: TestClient, new_client) -> None:  # type: ignore[no-untyped-def]
        calendar_app = new_client()
        old = _turn_on(staff_client)
        new = _turn_on(staff_client)
        assert old != new
        assert calendar_app.get(old).status_code == 404 and calendar_app.get(new).status_code == 200
        assert staff_client.delete("/api/v1/account/calendar").status_code == 204
        assert calendar_app.get(new).status_code == 404
        assert staff_client.get("/api/v1/account/calendar").json() == {"url": None}

    def test_made_up_and_forged_addresses_are_404(
        self, staff_client: TestClient, manager_client: TestClient, new_client
    ) -> None:  # type: ignore[no-untyped-def]
        mine = _turn_on(staff_client)
        theirs = _turn_on(manager_client)
        user_id, generation, secret = mine.removeprefix("/calendar/").removesuffix(".ics").split("-")
        other_id = theirs.removeprefix("/calendar/").split("-")[0]
        calendar_app = new_client()
        for path in (
            f"/calendar/{other_id}-{generation}-{secret}.ics",
            "/calendar/nothing.ics",
            f"/calendar/{user_id}-{generation}-{'0' * 40}.ics",
        ):
            assert calendar_app.get(path).status_code == 404, path

    def test_a_deactivated_persons_calendar_is_gone(
        self, session: Session, staff, staff_client: TestClient, new_client
    ) -> None:  # type: ignore[no-untyped-def]
        path = _turn_on(staff_client)
        staff.is_active = False
        session.add(staff)
        session.commit()
        assert new_client().get(path).status_code == 404


class TestPage:
    def test_turned_on_from_the_account_page_and_shown_there(self, staff_page: TestClient) -> None:
        page = staff_page.get("/account")
        assert "Увімкнути мій календар" in page.text and 'id="calendar-url"' not in page.text
        answer = submit(staff_page, "/account", "/account/calendar")
        assert flash_text(answer.text) == "Ваш календар увімкнено."
        assert 'id="calendar-url" value="http://testserver/calendar/' in answer.text
        off = submit(staff_page, "/account", "/account/calendar/off")
        assert flash_text(off.text) == "Календар вимкнено: його адреса більше не працює."
        assert 'id="calendar-url"' not in off.text
