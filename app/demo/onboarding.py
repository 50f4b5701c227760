"""Demo onboarding: the template «Перший тиждень медичної сестри» with every task kind, and a new nurse
half-way through it (mentor: the therapy nurse; manager: the head of therapy). Idempotent."""

import logging
from datetime import date, timedelta

from sqlmodel import Session, col, select

from app.config import get_settings
from app.models.kb import KbArticle
from app.models.onboarding import (
    AssignmentCreate,
    Checklist,
    ChecklistCreate,
    ChecklistTaskCreate,
    OnboardingAssignedTask,
    OnboardingAssignment,
    SectionCreate,
    TaskKind,
)
from app.models.users import User
from app.services import users as users_service
from app.services.kb import acknowledgements
from app.services.onboarding import assignments, checklists, tasks
from app.services.onboarding.articles import find_article_id
from app.services.onboarding.workdays import is_working_day, local_today

logger = logging.getLogger(__name__)

NAME = "Перший тиждень медичної сестри"
HAND_HYGIENE_SLUG = "hihiiena-ruk-medychnoho-personalu"


def _task(title: str, kind: TaskKind, offset: int, instructions: str, **links: int | None) -> ChecklistTaskCreate:
    return ChecklistTaskCreate(title=title, kind=kind, due_offset_days=offset, instructions=instructions, **links)


def _sections(manager: User, surgeon: User, article_id: int | None) -> list[SectionCreate]:
    day_one = [
        _task(
            "Отримати бейдж, шафку й медичний одяг",
            TaskKind.do,
            0,
            "Зайдіть до **відділу кадрів** (адмінкорпус, 1 поверх, каб. 104) з паспортом.\n\n"
            "Сестра-господиня видасть два комплекти медичного одягу й ключ від шафки.",
        ),
        _task(
            "Зустрітися із завідувачем відділення",
            TaskKind.meet,
            0,
            "Коротка розмова про розпорядок, графік змін і те, до кого звертатися в разі питань.",
            meet_user_id=manager.id,
        ),
    ]
    safety = [
        _task(
            "Пройти інструктаж з пожежної безпеки та евакуації",
            TaskKind.do,
            1,
            "Інструктаж проводить інженер з охорони праці щовівторка й щочетверга о 9:00, конференц-зала.\n\n"
            "Після інструктажу розпишіться в журналі й відмітьте завдання.",
        ),
        _task(
            "Знайти укладку для анафілактичного шоку та дефібрилятор",
            TaskKind.do,
            2,
            "Старша сестра покаже, де на посту лежить **укладка** і як перевіряти терміни придатності препаратів.\n"
            "Запишіть у примітці, де вони розташовані.",
        ),
        _task(
            "Гігієнічна обробка рук за методикою ВООЗ",
            TaskKind.signoff,
            2,
            "Покажіть наставнику обробку рук антисептиком: 6 кроків, не менше 30 секунд, "
            "руки сухі до надягання рукавичок.",
        ),
    ]
    if article_id is not None:
        safety.insert(
            0,
            _task(
                "Прочитати протокол гігієни рук",
                TaskKind.read,
                1,
                "Прочитайте протокол у базі знань і натисніть «Ознайомлений(-а)».",
                article_id=article_id,
            ),
        )
    skills = [
        _task(
            "Постановка периферичного венозного катетера",
            TaskKind.signoff,
            4,
            "Під наглядом наставника: вибір вени й розміру катетера, асептика, фіксація, "
            "запис дати встановлення.\n\nПопросіть підтвердження після трьох успішних постановок.",
        ),
        _task(
            "Ведення листка лікарських призначень",
            TaskKind.signoff,
            4,
            "Наставник перевіряє, що ви правильно відмічаєте виконання призначень і повідомляєте лікаря "
            "про пропущені дози.",
        ),
        _task(
            "Познайомитися з хірургом-консультантом",
            TaskKind.meet,
            4,
            "Хірург консультує пацієнтів терапії щодня після обходу. Дізнайтеся, як його викликати вночі.",
            meet_user_id=surgeon.id,
        ),
    ]
    return [
        SectionCreate(title="День перший: знайомство", tasks=day_one),
        SectionCreate(title="Безпека пацієнтів і персоналу", tasks=safety),
        SectionCreate(title="Клінічні навички", tasks=skills),
    ]


def _person(session: Session, email: str) -> User:
    user = users_service.get_user_by_email(session=session, email=email)
    assert user is not None, f"demo person {email} is missing"
    return user


def _template(session: Session, manager: User, surgeon: User) -> Checklist:
    existing = session.exec(select(Checklist).where(Checklist.name == NAME)).first()
    if existing is not None:
        return existing
    article_id = find_article_id(session=session, slug=HAND_HYGIENE_SLUG)
    if article_id is None:
        logger.info("demo guide %s is missing; the template has no reading task", HAND_HYGIENE_SLUG)
    departments = users_service.department_ids_of(session=session, user=manager)
    data = ChecklistCreate(
        name=NAME,
        description="Nurse — first week. Перший тиждень нової медичної сестри "
        "терапевтичного відділення: знайомство, безпека, базові навички.",
        target_roles=["staff"],
        department_ids=departments,
        sections=_sections(manager, surgeon, article_id),
    )
    return checklists.create_checklist(session=session, actor=manager, data=data)


def _start_three_working_days_ago() -> date:
    holidays = get_settings().holidays
    day, counted = local_today(), 0
    while counted < 3:
        day -= timedelta(days=1)
        counted += is_working_day(day, holidays)
    return day


def _half_way(session: Session, plan: OnboardingAssignment, people: dict[str, User]) -> None:
    """Tick about half the plan, as the people themselves would."""
    rows = session.exec(
        select(OnboardingAssignedTask)
        .where(col(OnboardingAssignedTask.assignment_id) == plan.id)
        .order_by(col(OnboardingAssignedTask.position))
    ).all()
    by_title = {t.title: t.id for t in rows if t.id is not None}
    hire, mentor = people["hire"], people["mentor"]
    tasks.complete_task(
        session=session,
        actor=hire,
        task_id=by_title["Отримати бейдж, шафку й медичний одяг"],
        note="Шафка № 17",
    )
    tasks.complete_task(
        session=session, actor=people["manager"], task_id=by_title["Зустрітися із завідувачем відділення"]
    )
    tasks.complete_task(
        session=session, actor=hire, task_id=by_title["Пройти інструктаж з пожежної безпеки та евакуації"]
    )
    hygiene = by_title["Гігієнічна обробка рук за методикою ВООЗ"]
    tasks.request_signoff(session=session, actor=hire, task_id=hygiene)
    tasks.sign_off(session=session, actor=mentor, task_id=hygiene, comment="Усі 6 кроків, 40 секунд.")
    tasks.request_signoff(session=session, actor=hire, task_id=by_title["Постановка периферичного венозного катетера"])
    article = session.exec(select(KbArticle).where(KbArticle.slug == HAND_HYGIENE_SLUG)).first()
    if article is not None and "Прочитати протокол гігієни рук" in by_title:
        acknowledgements.acknowledge(session=session, user=hire, article=article)


def load(session: Session) -> None:
    """Create the template and the half-way new hire once."""
    people = {
        "manager": _person(session, "manager@kolo.local"),
        "mentor": _person(session, "nurse@kolo.local"),
        "hire": _person(session, "newhire@kolo.local"),
        "surgeon": _person(session, "surgeon@kolo.local"),
    }
    template = _template(session, people["manager"], people["surgeon"])
    if session.exec(
        select(OnboardingAssignment).where(
            OnboardingAssignment.user_id == people["hire"].id, OnboardingAssignment.template_id == template.id
        )
    ).first():
        return
    assert people["hire"].id is not None and template.id is not None  # both read from the database
    data = AssignmentCreate(
        user_id=people["hire"].id,
        template_id=template.id,
        start_date=_start_three_working_days_ago(),
        mentor_id=people["mentor"].id,
    )
    plan = assignments.assign_template(
        session=session, actor=people["manager"], data=data, holidays=get_settings().holidays
    )
    _half_way(session, plan, people)
