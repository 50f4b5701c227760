"""Make test data through the services, so every rule applies as in production.

Each factory takes the session and (where someone acts) that person, then keyword arguments whose defaults a test
changes only where they matter; it returns the row as the service returns it. Insert rows directly only for a state
the services cannot make (an old timestamp, say)."""

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from app.models.feed import Comment, CommentCreate, Event, EventCreate, EventFormat, Post, PostCreate, PostKind
from app.models.kb import ArticleCreate, ArticleUpdate, CategoryCreate, KbArticle, KbCategory, PublishRequest
from app.models.onboarding import (
    AssignmentCreate,
    Checklist,
    ChecklistCreate,
    ChecklistSection,
    ChecklistTask,
    ChecklistTaskAdd,
    ChecklistTaskCreate,
    OnboardingAssignment,
    SectionCreate,
    TaskKind,
)
from app.models.users import Department, Role, User, UserCreate
from app.services import users as users_service
from app.services.feed import events as feed_events
from app.services.feed import posts as feed_posts
from app.services.feed import social as feed_social
from app.services.kb import articles as kb_articles
from app.services.kb import categories as kb_categories
from app.services.kb import lifecycle as kb_lifecycle
from app.services.onboarding import assignments, checklists

PASSWORD = "Correct-Horse-42!"
MONDAY = date(2026, 11, 30)  # the start of a plan unless a test needs another day


# --- People and departments -----------------------------------------------------------------------------------


def make_department(session: Session, *, name: str = "Терапія") -> Department:
    """The department with this name, created (and committed) when new."""
    department = users_service.ensure_department(session=session, name=name)
    session.commit()
    session.refresh(department)
    return department


def make_user(
    session: Session,
    *,
    email: str,
    name: str = "Тест Тестович",
    role: str = "staff",
    departments: list[str] | None = None,
    password: str | None = PASSWORD,
    handle: str | None = None,
) -> User:
    """An account with a password, in the named departments (created when new)."""
    ids = [users_service.ensure_department(session=session, name=d).id for d in departments or []]
    data = UserCreate(
        email=email, name=name, role=Role(role), handle=handle, department_ids=[i for i in ids if i is not None]
    )
    return users_service.create_user(session=session, data=data, actor=None, password=password)


def make_token(session: Session, user: User) -> dict[str, str]:
    """Authorization headers with a fresh personal API token of the user."""
    return {"Authorization": f"Bearer {users_service.create_token(session=session, user=user, name='test')}"}


# --- Team feed ------------------------------------------------------------------------------------------------


def make_post(
    session: Session,
    author: User,
    *,
    body: str = "Порада: антисептик тримайте на руках тридцять секунд.",
    kind: str = "tip",
    tags: Sequence[str] = (),
    department_ids: Sequence[int] = (),
    must_read: bool = False,
    upload_ids: Sequence[int] = (),
    event: EventCreate | None = None,
) -> Post:
    """A post published by the author (for everyone unless `department_ids`), as the feed's form publishes it."""
    data = PostCreate(
        body=body,
        kind=PostKind(kind),
        tags=list(tags),
        department_ids=list(department_ids),
        must_read=must_read,
        upload_ids=list(upload_ids),
        event=event,
    )
    return feed_posts.create_post(session=session, author=author, data=data)


def make_comment(
    session: Session, author: User, post: Post, *, body: str = "Дякую, корисно!", parent: Comment | None = None
) -> Comment:
    """A comment on the post by the author (a reply to `parent` when given)."""
    data = CommentCreate(body=body, parent_id=parent.id if parent else None)
    return feed_social.create_comment(session=session, user=author, post=post, data=data)


def make_event(
    session: Session,
    organizer: User,
    *,
    title: str = "СЛР для медсестер",
    body: str = "Тренінг з серцево-легеневої реанімації",
    format: str = "training",
    starts_at: datetime = datetime(2030, 3, 10, 10, 0),
    ends_at: datetime = datetime(2030, 3, 10, 12, 0),
    place: str = "Актова зала",
    link: str = "",
    capacity: int | None = None,
    department_ids: Sequence[int] = (),
) -> Event:
    """An event post and its event (naive times are the organizer's local time); returns the event."""
    details = EventCreate(
        title=title,
        format=EventFormat(format),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        link=link,
        capacity=capacity,
    )
    post = make_post(session, organizer, body=body, kind="event", department_ids=department_ids, event=details)
    assert post.id is not None
    return feed_events.events_for_posts(session=session, post_ids=[post.id])[post.id]


# --- Knowledge base -------------------------------------------------------------------------------------------


def make_article(
    session: Session, author: User, *, title: str = "Гігієна рук", body: str = "Тридцять секунд.", **fields: Any
) -> KbArticle:
    """A draft with its first revision; `fields` are ArticleCreate's (slug, tags, department_ids, category, …)."""
    data = ArticleCreate.model_validate({"title": title, "body": body, **fields})
    return kb_articles.create_article(session=session, author=author, data=data)


def publish_article(session: Session, article: KbArticle, manager: User, *, major: bool = True) -> KbArticle:
    """The manager publishes the article's newest revision (a major version unless `major=False`; a later major
    version says what changed, as the service asks)."""
    note = "Оновлено порядок дій" if major and article.current_revision_id else ""
    data = PublishRequest(major=major, change_note=note)
    return kb_lifecycle.publish(session=session, user=manager, article=article, data=data)


def revise_article(session: Session, article: KbArticle, user: User, body: str, **fields: Any) -> KbArticle:
    """Save a new revision with this body (and ArticleUpdate's `fields`) on top of the newest one."""
    data = ArticleUpdate.model_validate({"base_revision_id": article.head_revision_id, "body": body, **fields})
    return kb_articles.save_article(session=session, user=user, article=article, data=data)


def set_article_departments(
    session: Session, article: KbArticle, user: User, department_ids: Sequence[int]
) -> KbArticle:
    """Make the article for these departments only (none: for everyone), a settings-only save by `user`."""
    data = ArticleUpdate(department_ids=list(department_ids))
    return kb_articles.save_article(session=session, user=user, article=article, data=data)


def make_category(
    session: Session, manager: User, *, name: str = "Клінічні протоколи", parent: KbCategory | None = None
) -> KbCategory:
    """A knowledge-base category the manager adds (a subcategory of `parent` when given)."""
    data = CategoryCreate(name=name, parent_id=parent.id if parent else None)
    return kb_categories.create_category(session=session, user=manager, data=data)


# --- Onboarding -----------------------------------------------------------------------------------------------


def make_checklist(
    session: Session,
    actor: User,
    *,
    name: str = "Перший тиждень",
    description: str = "",
    section: str = "День перший",
    tasks: Sequence[ChecklistTaskCreate | dict[str, Any]] | None = None,
    department_ids: Sequence[int] = (),
    target_roles: Sequence[str] = (),
) -> Checklist:
    """An onboarding checklist template with one section of `tasks` (by default one "do" task: get the badge)."""
    items = [
        task if isinstance(task, ChecklistTaskCreate) else ChecklistTaskCreate.model_validate(task)
        for task in (tasks if tasks is not None else [{"title": "Отримати бейдж", "kind": TaskKind.do}])
    ]
    data = ChecklistCreate(
        name=name,
        description=description,
        department_ids=list(department_ids),
        target_roles=list(target_roles),
        sections=[SectionCreate(title=section, tasks=items)],
    )
    return checklists.create_checklist(session=session, actor=actor, data=data)


def make_section(
    session: Session, actor: User, checklist: Checklist, *, title: str = "День другий"
) -> ChecklistSection:
    """A section added at the end of the checklist."""
    return checklists.add_section(session=session, actor=actor, template=checklist, title=title)


def make_task(
    session: Session,
    actor: User,
    checklist: Checklist,
    *,
    title: str = "Пройти інструктаж з пожежної безпеки",
    kind: str = "do",
    section: ChecklistSection | None = None,
    push_to_open: bool = False,
    holidays: Collection[date] = (),
    **fields: Any,
) -> ChecklistTask:
    """A task added to the checklist (to `section`, else to none); `push_to_open` also adds it to open plans."""
    data = ChecklistTaskAdd.model_validate(
        {
            "title": title,
            "kind": kind,
            "section_id": section.id if section else None,
            "push_to_open": push_to_open,
            **fields,
        }
    )
    task, _pushed = checklists.add_task(session=session, actor=actor, template=checklist, data=data, holidays=holidays)
    return task


def make_plan(
    session: Session,
    actor: User,
    *,
    hire: User,
    checklist: Checklist,
    start: date = MONDAY,
    mentor: User | None = None,
    department_id: int | None = None,
    holidays: Collection[date] = (),
) -> OnboardingAssignment:
    """The new hire's onboarding plan from the checklist, assigned by `actor` (a manager) to start on `start`."""
    data = AssignmentCreate(
        user_id=hire.id,  # type: ignore[arg-type]
        template_id=checklist.id,  # type: ignore[arg-type]
        start_date=start,
        mentor_id=mentor.id if mentor else None,
        department_id=department_id,
    )
    return assignments.assign_template(session=session, actor=actor, data=data, holidays=holidays)
