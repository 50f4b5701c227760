"""The article page shows the buttons `access.article_actions` allows, from the services' own checks: a staff member
never sees a manager's button, the manager does, the owner confirms a review."""

from app.models.kb import KbRevision
from app.services.kb import access
from tests.factories import make_user
from tests.kb.helpers import make_article, publish


def _buttons(html: str, slug: str) -> set[str]:
    """Which article actions the page offers, by the address each form or link leads to."""
    names = ("edit", "views", "acknowledgements", "attachments", "submit", "publish", "return", "reviewed")
    found = {n for n in names if f'/kb/{slug}/{n}"' in html}
    found |= {n for n in ("archive", "unarchive") if f'/kb/{slug}/{n}"' in html}
    return found


def test_staff_do_not_see_the_managers_buttons_and_the_manager_does(staff_client, manager_client, session, manager):
    article = make_article(session, manager, title="Протокол", requires_acknowledgement=True)
    publish(session, article, manager)
    staff_page = staff_client.get(f"/kb/{article.slug}")
    manager_page = manager_client.get(f"/kb/{article.slug}")
    assert staff_page.status_code == manager_page.status_code == 200
    assert _buttons(staff_page.text, article.slug) == {"edit"}
    assert "Запропонувати зміни" in staff_page.text or "Propose changes" in staff_page.text
    assert _buttons(manager_page.text, article.slug) == {
        "edit",
        "views",
        "acknowledgements",
        "attachments",
        "reviewed",
        "archive",
    }


def test_a_draft_in_review_offers_publish_and_return_to_the_manager_only(
    staff_client, manager_client, session, staff, manager
):
    article = make_article(session, staff, title="Чернетка протоколу")
    assert staff_client.post(f"/api/v1/articles/{article.id}/submit").status_code == 200
    author = _buttons(staff_client.get(f"/kb/{article.slug}").text, article.slug)
    assert author == {"edit"}  # in review: no second submit, no publishing their own draft
    assert {"publish", "return", "archive"} <= _buttons(manager_client.get(f"/kb/{article.slug}").text, article.slug)


def test_the_owner_confirms_a_review_and_nobody_else_of_the_staff(staff_client, session, staff, manager, new_client):
    article = make_article(session, manager, title="Власний протокол", owner_id=staff.id)
    publish(session, article, manager)
    assert "reviewed" in _buttons(staff_client.get(f"/kb/{article.slug}").text, article.slug)
    other = make_user(session, email="other@kolo.test", departments=["Терапія"])
    actions = access.article_actions(
        session=session, user=other, article=article, head=session.get(KbRevision, article.head_revision_id)
    )
    assert not (actions.can_confirm_review or actions.can_archive or actions.can_publish or actions.can_see_reports)
    assert actions.can_edit and actions.proposes_changes


def test_only_managers_are_offered_the_archived_filter(staff_client, manager_client):
    assert 'value="archived"' not in staff_client.get("/kb").text
    assert 'value="archived"' in manager_client.get("/kb").text
