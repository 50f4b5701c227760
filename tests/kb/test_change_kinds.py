"""Publishing a change is a choice: editorial (acknowledgements stay) or major (everyone reads again, told what
changed); nothing is pre-selected, a major version needs a change note, and readers asked again see what changed."""

import pytest
from sqlmodel import select

from app.errors import InvalidInput
from app.models.kb import ChangeKind, PublishRequest
from app.models.notifications import Notification
from app.services.kb import acknowledgements, lifecycle, revisions
from tests.forms import find_form, submit
from tests.kb.helpers import make_article, publish, save

BODY = "Обробіть руки антисептиком.\n\nТримайте руки вологими 20 секунд.\n\nНігті короткі."
NEW_BODY = "Обробіть руки антисептиком.\n\nТримайте руки вологими 30 секунд.\n\nНігті короткі.\n\nБез каблучок."


def _published(session, manager, staff):  # type: ignore[no-untyped-def]
    """A protocol the nurse has acknowledged, with a proposed new text waiting."""
    article = make_article(session, manager, title="Гігієна рук", body=BODY, requires_acknowledgement=True)
    publish(session, article, manager)
    acknowledgements.acknowledge(session=session, user=staff, article=article)
    save(session, article, manager, NEW_BODY)
    return article


def _ack_notices(session, user):  # type: ignore[no-untyped-def]
    rows = session.exec(select(Notification).where(Notification.recipient_id == user.id)).all()
    return [n.params.get("version") for n in rows if n.kind == "kb.acknowledge"]


class TestPublishService:
    def test_a_change_without_a_chosen_kind_is_refused(self, session, manager, staff):
        article = _published(session, manager, staff)
        with pytest.raises(InvalidInput, match="kind of change"):
            lifecycle.publish(session=session, user=manager, article=article, data=PublishRequest())

    def test_a_major_version_needs_a_change_note(self, session, manager, staff):
        article = _published(session, manager, staff)
        with pytest.raises(InvalidInput, match="change note"):
            lifecycle.publish(
                session=session, user=manager, article=article, data=PublishRequest(kind=ChangeKind.major)
            )

    def test_an_editorial_fix_keeps_the_acknowledgement(self, session, manager, staff):
        article = _published(session, manager, staff)
        data = PublishRequest(kind=ChangeKind.editorial)
        lifecycle.publish(session=session, user=manager, article=article, data=data)
        assert acknowledgements.needs_acknowledgement(session=session, user=staff, article=article) is False

    def test_the_count_of_people_asked_again(self, session, manager, staff):
        article = _published(session, manager, staff)
        count = acknowledgements.reacknowledge_count(session=session, article=article)
        assert count is not None and count.audience >= 2 and count.acknowledged == 1

    def test_a_superseded_version_notice_disappears_and_acknowledging_clears_the_new_one(self, session, manager, staff):
        article = make_article(session, manager, title="Гігієна рук", body=BODY, requires_acknowledgement=True)
        publish(session, article, manager)
        assert _ack_notices(session, staff) == ["1.0"]
        save(session, article, manager, NEW_BODY)
        data = PublishRequest(kind=ChangeKind.major, change_note="Тепер 30 секунд")
        lifecycle.publish(session=session, user=manager, article=article, data=data)
        assert _ack_notices(session, staff) == ["2.0"]
        acknowledgements.acknowledge(session=session, user=staff, article=article)
        assert _ack_notices(session, staff) == []

    def test_changes_since_the_acknowledged_version_are_marked(self, session, manager, staff):
        article = _published(session, manager, staff)
        data = PublishRequest(kind=ChangeKind.major, change_note="Тепер 30 секунд")
        lifecycle.publish(session=session, user=manager, article=article, data=data)
        current = revisions.head_revision(session=session, article=article)
        changes = revisions.changes_since(
            session=session, user=staff, article=article, current=current, acknowledged_major=1
        )
        assert changes is not None and changes.notes == [("2.0", "Тепер 30 секунд")]
        ops = [(p.op, p.was) for p in changes.passages if p.op != "equal"]
        assert ops == [("replace", "Тримайте руки вологими 20 секунд."), ("insert", "")]


class TestPublishApi:
    def test_a_missing_kind_is_a_422_with_a_message(self, manager_client, session, manager, staff):
        article = _published(session, manager, staff)
        answer = manager_client.post(f"/api/v1/articles/{article.id}/publish", json={})
        assert answer.status_code == 422 and "Оберіть тип зміни" in answer.json()["detail"]

    def test_a_major_kind_without_a_note_is_a_422(self, manager_client, session, manager, staff):
        article = _published(session, manager, staff)
        answer = manager_client.post(f"/api/v1/articles/{article.id}/publish", json={"kind": "major"})
        assert answer.status_code == 422

    def test_editorial_keeps_and_major_asks_again(self, manager_client, staff_client, session, manager, staff):
        article = _published(session, manager, staff)
        url = f"/api/v1/articles/{article.id}"
        assert manager_client.post(f"{url}/publish", json={"kind": "editorial"}).json()["version"] == "1.1"
        assert staff_client.get(url).json()["needs_acknowledgement"] is False
        save(session, article, manager, NEW_BODY + "\n\nЩе один крок.")
        published = manager_client.post(f"{url}/publish", json={"kind": "major", "change_note": "Новий крок"})
        assert published.json()["version"] == "2.0"
        assert staff_client.get(url).json()["needs_acknowledgement"] is True

    def test_a_first_publication_needs_no_kind(self, manager_client, session, manager):
        article = make_article(session, manager, title="Нова настанова")
        answer = manager_client.post(f"/api/v1/articles/{article.id}/publish", json={})
        assert answer.status_code == 200 and answer.json()["version"] == "1.0"


class TestPublishPage:
    def test_no_kind_is_preselected_and_the_count_is_shown(self, manager_page, session, manager, staff):
        _published(session, manager, staff)
        page = manager_page.get("/kb/hihiiena-ruk")
        form = find_form(page.text, "/kb/hihiiena-ruk/publish", "/kb/hihiiena-ruk")
        assert "kind" not in dict(form.fields)
        assert "Повторно ознайомитися попросять людей: 2 (з них поточну версію вже підтвердили 1)" in page.text

    def test_publishing_without_a_kind_keeps_the_note_and_says_why(self, manager_page, session, manager, staff):
        _published(session, manager, staff)
        refused = submit(manager_page, "/kb/hihiiena-ruk", "/kb/hihiiena-ruk/publish", {"change_note": "30 секунд"})
        assert refused.status_code == 422 and "Оберіть тип зміни" in refused.text
        assert ">30 секунд</textarea>" in refused.text

    def test_a_major_change_without_a_note_is_refused(self, manager_page, session, manager, staff):
        _published(session, manager, staff)
        refused = submit(manager_page, "/kb/hihiiena-ruk", "/kb/hihiiena-ruk/publish", {"kind": "major"})
        assert refused.status_code == 422 and "потрібна примітка до змін" in refused.text

    def test_an_editorial_fix_says_so_and_the_nurse_stays_acknowledged(
        self, manager_page, staff_page, session, manager, staff
    ):
        _published(session, manager, staff)
        done = submit(manager_page, "/kb/hihiiena-ruk", "/kb/hihiiena-ruk/publish", {"kind": "editorial"})
        assert done.status_code == 200 and "«Гігієна рук» опубліковано, версія 1.1." in done.text
        assert "Ви ознайомилися з версією 1." in staff_page.get("/kb/hihiiena-ruk").text

    def test_the_nurse_asked_again_sees_the_note_and_the_marked_passages(
        self, manager_page, staff_page, session, manager, staff
    ):
        _published(session, manager, staff)
        data = {"kind": "major", "change_note": "Тривалість — 30 секунд"}
        assert submit(manager_page, "/kb/hihiiena-ruk", "/kb/hihiiena-ruk/publish", data).status_code == 200
        page = staff_page.get("/kb/hihiiena-ruk").text
        assert "Що змінилося від версії 1.0, з якою ви ознайомилися" in page
        assert "Тривалість — 30 секунд" in page
        assert 'class="kb-passage kb-changed"' in page and 'class="kb-passage kb-added"' in page
        assert "Тримайте руки вологими 20 секунд." in page  # how it read before, folded


class TestAcknowledgeReturns:
    def test_acknowledging_from_a_plan_returns_to_it(self, staff_page, session, manager):
        article = make_article(session, manager, title="Гігієна рук", body=BODY, requires_acknowledgement=True)
        publish(session, article, manager)
        page = "/kb/hihiiena-ruk?next=/onboarding/my"
        done = submit(staff_page, page, "/kb/hihiiena-ruk/acknowledge", follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/onboarding/my"

    def test_a_foreign_next_is_ignored(self, staff_page, session, manager):
        article = make_article(session, manager, title="Гігієна рук", body=BODY, requires_acknowledgement=True)
        publish(session, article, manager)
        page = "/kb/hihiiena-ruk?next=//evil.example/x"
        done = submit(staff_page, page, "/kb/hihiiena-ruk/acknowledge", follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/kb/hihiiena-ruk"
        shown = staff_page.get("/kb/hihiiena-ruk")
        assert "Дякуємо: ви ознайомилися з «Гігієна рук», версія 1.0." in shown.text
