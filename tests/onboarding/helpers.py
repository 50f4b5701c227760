"""Onboarding test data, made with `tests.factories`: a template with every task kind, people, a published guide."""

from datetime import date

from sqlmodel import Session

from app.models.kb import KbArticle
from app.models.onboarding import Checklist, ChecklistTaskCreate, OnboardingAssignment, TaskKind
from app.models.users import User
from tests.factories import MONDAY, make_checklist, make_plan, make_user, publish_article
from tests.factories import make_article as make_draft


def make_article(session: Session, author: User, slug: str = "hihiiena-ruk") -> KbArticle:
    """A published guide that asks for acknowledgement (the author, a manager, publishes it)."""
    draft = make_draft(session, author, title="Гігієна рук", slug=slug, requires_acknowledgement=True)
    return publish_article(session, draft, author)


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
    return make_checklist(session, manager, name=name, section="День перший", tasks=tasks)


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
    return make_plan(
        session,
        people["manager"],
        hire=people[hire],
        checklist=template,
        start=start,
        mentor=people[mentor] if mentor else None,
    )


def submit(client, url, data):  # type: ignore[no-untyped-def]
    """POST a form as the page does (with the client's CSRF token), without following the redirect."""
    return client.post(url, data={**data, "csrf_token": client.headers["X-CSRF-Token"]}, follow_redirects=False)
