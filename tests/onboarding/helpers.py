"""Onboarding test data: a template with every task kind, people, a published guide."""

from datetime import date

from sqlmodel import Session

from app.models.kb import ArticleStatus, KbArticle
from app.models.onboarding import (
    AssignmentCreate,
    Checklist,
    ChecklistCreate,
    ChecklistTaskCreate,
    OnboardingAssignment,
    SectionCreate,
    TaskKind,
)
from app.models.users import User
from app.services.onboarding import assignments, checklists
from tests.factories import make_user

MONDAY = date(2026, 11, 30)


def make_article(session: Session, author: User, slug: str = "hihiiena-ruk") -> KbArticle:
    """A published guide that asks for acknowledgement."""
    article = KbArticle(
        slug=slug,
        title="Гігієна рук",
        status=ArticleStatus.published,
        author_id=author.id,  # type: ignore[arg-type]
        owner_id=author.id,
        requires_acknowledgement=True,
        current_major=1,
    )  # type: ignore[arg-type]
    session.add(article)
    session.commit()
    session.refresh(article)
    return article


def make_template(
    session: Session,
    manager: User,
    *,
    article_id: int | None = None,
    meet_user_id: int | None = None,
    name: str = "Перший тиждень",
) -> Checklist:
    """A template with a do, sign-off, and (when given) read and meet tasks."""
    tasks = [
        ChecklistTaskCreate(
            title="Отримати бейдж", kind=TaskKind.do, due_offset_days=0, instructions="Зайдіть у **відділ кадрів**."
        ),
        ChecklistTaskCreate(title="Виконати внутрішньовенну ін’єкцію", kind=TaskKind.signoff, due_offset_days=3),
    ]
    if article_id:
        tasks.append(
            ChecklistTaskCreate(
                title="Прочитати протокол гігієни рук", kind=TaskKind.read, article_id=article_id, due_offset_days=1
            )
        )
    if meet_user_id:
        tasks.append(
            ChecklistTaskCreate(
                title="Познайомитися зі старшою сестрою",
                kind=TaskKind.meet,
                meet_user_id=meet_user_id,
                due_offset_days=2,
            )
        )
    data = ChecklistCreate(name=name, sections=[SectionCreate(title="День перший", tasks=tasks)])
    return checklists.create_checklist(session=session, actor=manager, data=data)


def make_people(session: Session) -> dict[str, User]:
    """A manager and a mentor of Therapy, a new hire there, and a stranger in Surgery."""
    return {
        "manager": make_user(
            session, email="head@kolo.test", name="Бондаренко Ігор", role="manager", departments=["Терапія"]
        ),
        "mentor": make_user(session, email="mentor@kolo.test", name="Шевченко Марія", departments=["Терапія"]),
        "hire": make_user(session, email="new@kolo.test", name="Мельник Юлія", departments=["Терапія"]),
        "other": make_user(session, email="other@kolo.test", name="Ткаченко Андрій", departments=["Хірургія"]),
        "other_manager": make_user(
            session, email="head2@kolo.test", name="Ґудзь Євгенія", role="manager", departments=["Хірургія"]
        ),
    }


def make_head_of_both(session: Session, people: dict[str, User]) -> User:
    """A manager of Therapy and Surgery, who may change Therapy's templates and read Surgery's guides (as `both`)."""
    people["both"] = make_user(
        session, email="head3@kolo.test", name="Литвин Олена", role="manager", departments=["Терапія", "Хірургія"]
    )
    return people["both"]


def assign(
    session: Session,
    people: dict[str, User],
    template: Checklist,
    start: date = MONDAY,
    hire: str = "hire",
    mentor: str | None = "mentor",
) -> OnboardingAssignment:
    """Assign the template to the new hire with the mentor."""
    data = AssignmentCreate(
        user_id=people[hire].id,
        template_id=template.id,
        start_date=start,  # type: ignore[arg-type]
        mentor_id=people[mentor].id if mentor else None,
    )
    return assignments.assign_template(session=session, actor=people["manager"], data=data, holidays=[])


def submit(client, url, data):  # type: ignore[no-untyped-def]
    """POST a form as the page does (with the client's CSRF token), without following the redirect."""
    return client.post(url, data={**data, "csrf_token": client.headers["X-CSRF-Token"]}, follow_redirects=False)
