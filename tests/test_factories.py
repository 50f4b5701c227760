"""The factories make their rows through the services, so what a test arranges obeys the rules production obeys."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.errors import InvalidInput, PermissionDenied
from app.models.kb import ArticleStatus, KbArticleDepartment
from app.models.notifications import Notification
from app.models.onboarding import OnboardingAssignment
from app.models.users import User
from tests.factories import (
    MONDAY,
    make_article,
    make_category,
    make_checklist,
    make_comment,
    make_department,
    make_event,
    make_plan,
    make_post,
    make_section,
    make_task,
    publish_article,
    revise_article,
    set_article_departments,
)


def _told(session: Session, user: User) -> list[str]:
    """The kinds of the user's notifications, oldest first."""
    query = select(Notification.kind).where(Notification.recipient_id == user.id).order_by(Notification.id)
    return list(session.exec(query).all())


def test_the_feed_factories(session: Session, staff: User, manager: User) -> None:
    therapy = make_department(session, name="Терапія")
    assert make_department(session, name="Терапія").id == therapy.id  # found, not made twice
    post = make_post(session, staff, body="Порада #гігієна", department_ids=[therapy.id])  # type: ignore[list-item]
    comment = make_comment(session, manager, post)
    reply = make_comment(session, staff, post, parent=comment)
    assert reply.parent_id == comment.id
    assert _told(session, staff) == ["comment"] and _told(session, manager) == ["reply"]  # as the services tell
    event = make_event(session, manager, capacity=1)
    assert event.capacity == 1 and event.starts_at.replace(tzinfo=UTC) == datetime(2030, 3, 10, 8, 0, tzinfo=UTC)
    surgery = make_department(session, name="Хірургія")
    with pytest.raises(InvalidInput):  # staff address only their own departments
        make_post(session, staff, department_ids=[surgery.id])  # type: ignore[list-item]


def test_the_knowledge_base_factories(session: Session, staff: User, manager: User) -> None:
    draft = make_article(session, staff, requires_acknowledgement=True)
    first = draft.head_revision_id
    assert draft.status == ArticleStatus.draft and first is not None
    revised = revise_article(session, draft, staff, "Шістдесят секунд.")
    assert revised.head_revision_id not in (None, first)
    with pytest.raises(PermissionDenied):  # only managers publish
        publish_article(session, revised, staff)
    published = publish_article(session, revised, manager)
    assert published.status == ArticleStatus.published and published.current_major == 1
    therapy = make_department(session, name="Терапія").id
    set_article_departments(session, published, manager, [therapy])  # type: ignore[list-item]
    query = select(KbArticleDepartment.department_id).where(KbArticleDepartment.article_id == published.id)
    assert session.exec(query).all() == [therapy]
    protocols = make_category(session, manager)
    infections = make_category(session, manager, name="Інфекційний контроль", parent=protocols)
    assert infections.parent_id == protocols.id
    with pytest.raises(InvalidInput):  # categories have two levels
        make_category(session, manager, name="Рукавички", parent=infections)


def test_the_onboarding_factories(session: Session, staff: User, manager: User) -> None:
    checklist = make_checklist(session, manager)
    section = make_section(session, manager, checklist)
    plan = make_plan(session, manager, hire=staff, checklist=checklist, mentor=manager)
    assert (plan.start_date, plan.total_tasks, plan.mentor_id) == (MONDAY, 1, manager.id)
    task = make_task(session, manager, checklist, section=section, push_to_open=True)
    assert task.section_id == section.id
    assert session.get(OnboardingAssignment, plan.id, populate_existing=True).total_tasks == 2  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):  # staff manage no department to make a template for
        make_checklist(session, staff)
