"""Demo feed: the note that started Kolo, tips, a must-read announcement, a training with RSVPs, comments
and reactions — in Ukrainian, with a little English. Idempotent."""

from datetime import datetime, time, timedelta

from sqlmodel import Session, select

from app.i18n import zone
from app.models.feed import REACTIONS as ALLOWED_REACTIONS
from app.models.feed import CommentCreate, EventCreate, EventFormat, Post, PostCreate, PostKind, RsvpStatus
from app.models.types import utcnow
from app.models.users import Department, User
from app.services import feed as feed_service

SEED = """## Чому ми створили «Коло»

Кожного дня в нашій лікарні хтось знаходить кращий спосіб зробити звичну справу: швидше підготувати \
пацієнта до операції, зрозуміліше пояснити призначення, уникнути помилки під час передачі зміни. \
Та здебільшого це знання залишається в одному відділенні — у зошиті на посту, у розмові в ординаторській \
чи в особистих повідомленнях.

«Коло» — це один спільний простір для всього колективу:

- **поради й запитання** — те, що колеги з’ясували на практиці, видно всім, хто може цим скористатися;
- **оголошення** — важливе не губиться серед чатів, а обов’язкове до прочитання справді прочитане;
- **події** — навчання, семінари й профілактичні акції з записом і нагадуванням у календарі;
- **база знань** — погоджені настанови й протоколи в одному місці, з пошуком українською.

Медицина — командна робота. Що більше ми ділимося досвідом, то безпечніше й спокійніше нашим пацієнтам \
і нам самим. Пишіть, запитуйте, згадуйте колег через @ — і ласкаво просимо до «Кола»! #коло"""

HAND_HYGIENE = """**З понеділка діє оновлений порядок гігієнічної обробки рук.**

Основне:
1. Антисептик — щонайменше 20–30 секунд, до повного висихання.
2. П’ять моментів: перед контактом з пацієнтом, перед асептичною процедурою, після ризику контакту \
з біологічними рідинами, після контакту з пацієнтом, після контакту з оточенням пацієнта.
3. Нігті короткі, без лаку й накладних нігтів; без каблучок і годинників на зміні.

Повний текст протоколу — [у базі знань](/kb/hihiiena-ruk-medychnoho-personalu). Будь ласка, ознайомтеся й \
натисніть «Я прочитав(-ла)». \
#гігієна_рук #інфекційний_контроль"""

TIPS = [
    (
        "nurse@kolo.local",
        PostKind.tip,
        "Порада з досвіду: перед будь-якою процедурою звіряйте **два ідентифікатори** пацієнта — прізвище, ім’я, "
        "по батькові та дату народження — з браслетом і листком призначень. Номер палати ідентифікатором не є: "
        "пацієнтів переводять. Займає 10 секунд, а помилок стає значно менше. #безпека_пацієнта",
        [],
    ),
    (
        "surgeon@kolo.local",
        PostKind.question,
        "Колеги, хто вже працював з новими наборами для перев’язки, що надійшли минулого тижня? Чи зручні "
        "стерильні пакети для одноразового використання? @bondarenko.ihor, чи плануєте ви коротке навчання? "
        "#перев’язка",
        [],
    ),
    (
        "manager@kolo.local",
        PostKind.tip,
        "Нагадування для чергових: у разі анафілаксії адреналін 0,1 % вводять **внутрішньом’язово** в передньобокову "
        "поверхню стегна; доза для дорослих — 0,5 мг (0,5 мл). Протишокові набори перевіряємо щопонеділка, "
        "журнал — на посту. #невідкладна_допомога",
        ["Терапевтичне відділення"],
    ),
    (
        "newhire@kolo.local",
        PostKind.question,
        "Hello everyone! I joined the therapy department this week. Is there an English summary of the hand hygiene "
        "protocol for our visiting residents? Thank you! #onboarding",
        [],
    ),
]

COMMENTS = [
    (0, "manager@kolo.local", "Дякуємо, що запустили! Тепер оголошення не губитимуться у месенджерах."),
    (0, "nurse@kolo.local", "Нарешті одне місце для всього. Уже поділилася першою порадою 🙂"),
    (2, "nurse@kolo.local", "Дуже слушно. У нас на посту ще й пам’ятка біля маніпуляційної."),
    (3, "manager@kolo.local", "Так, проведемо 15-хвилинний інструктаж у четвер після планерки."),
    (5, "admin@kolo.local", "Welcome, Yuliia! The English summary is in the knowledge base, section “Guides”."),
]

REACTIONS = [
    (0, "nurse@kolo.local", "❤️"),
    (0, "surgeon@kolo.local", "👏"),
    (0, "manager@kolo.local", "👍"),
    (0, "pediatrician@kolo.local", "❤️"),
    (2, "manager@kolo.local", "👍"),
    (2, "newhire@kolo.local", "💡"),
    (3, "nurse@kolo.local", "👍"),
    (4, "nurse@kolo.local", "🙏"),
    (5, "nurse@kolo.local", "👏"),
]


def _kyiv(days: int, hour: int) -> datetime:
    day = (utcnow() + timedelta(days=days)).astimezone(zone("Europe/Kyiv")).date()
    return datetime.combine(day, time(hour, 0), tzinfo=zone("Europe/Kyiv"))


def _training() -> PostCreate:
    event = EventCreate(
        title="Базова підтримка життя у дітей (BLS)",
        format=EventFormat.training,
        starts_at=_kyiv(10, 14),
        ends_at=_kyiv(10, 17),
        place="Навчальний клас, корпус 2, каб. 214",
        capacity=3,
    )
    body = (
        "Практичний тренінг на манекенах: оцінка стану дитини, компресії й вентиляція для немовлят і дітей, "
        "використання АЗД. Кількість місць обмежена — відмітьте, будь ласка, чи будете. #навчання #СЛР"
    )
    return PostCreate(body=body, kind=PostKind.event, event=event)


def _campaign() -> PostCreate:
    event = EventCreate(
        title="Тиждень вакцинації проти грипу для персоналу",
        format=EventFormat.prevention_campaign,
        starts_at=_kyiv(5, 9),
        ends_at=_kyiv(9, 15),
        place="Кабінет щеплень, 1 поверх",
    )
    body = (
        "Щеплення проти грипу для працівників лікарні — безоплатно, без попереднього запису, у робочий час. "
        "Захищаємо себе й пацієнтів. #вакцинація #профілактика"
    )
    return PostCreate(body=body, kind=PostKind.event, event=event)


def load(session: Session) -> None:
    """Create the demo feed unless it is already there."""
    people = {u.email: u for u in session.exec(select(User)).all()}
    if "admin@kolo.local" not in people:
        return
    if session.exec(select(Post.id).where(Post.author_id == people["admin@kolo.local"].id)).first() is not None:
        return
    departments = {d.name: d.id for d in session.exec(select(Department)).all() if d.id is not None}
    admin, manager = people["admin@kolo.local"], people["manager@kolo.local"]
    posts = [
        feed_service.create_post(session=session, author=admin, data=PostCreate(body=SEED, kind=PostKind.announcement))
    ]
    feed_service.pin_post(session=session, user=admin, post=posts[0], pinned_until=None)
    posts.append(
        feed_service.create_post(
            session=session,
            author=manager,
            data=PostCreate(body=HAND_HYGIENE, kind=PostKind.announcement, must_read=True),
        )
    )
    for email, kind, body, names in TIPS:
        data = PostCreate(body=body, kind=kind, department_ids=[departments[n] for n in names if n in departments])
        posts.append(feed_service.create_post(session=session, author=people[email], data=data))
    posts.append(feed_service.create_post(session=session, author=people["pediatrician@kolo.local"], data=_training()))
    posts.append(feed_service.create_post(session=session, author=manager, data=_campaign()))
    _engage(session, people, posts)


def _engage(session: Session, people: dict[str, User], posts: list[Post]) -> None:
    for index, email, body in COMMENTS:
        feed_service.create_comment(
            session=session, user=people[email], post=posts[index], data=CommentCreate(body=body)
        )
    for index, email, emoji in REACTIONS:
        if emoji in ALLOWED_REACTIONS:
            feed_service.add_reaction(session=session, user=people[email], post=posts[index], emoji=emoji)
    for email in ("nurse@kolo.local", "surgeon@kolo.local"):
        feed_service.mark_read(session=session, user=people[email], post=posts[1])
    event, _post = feed_service.get_event_or_raise(
        session=session, user=people["admin@kolo.local"], event_id=_event_id(session, posts[6])
    )
    for email, status in (
        ("nurse@kolo.local", RsvpStatus.going),
        ("newhire@kolo.local", RsvpStatus.going),
        ("surgeon@kolo.local", RsvpStatus.maybe),
        ("manager@kolo.local", RsvpStatus.going),
        ("admin@kolo.local", RsvpStatus.going),
    ):
        feed_service.rsvp(session=session, user=people[email], event=event, status=status)


def _event_id(session: Session, post: Post) -> int:
    assert post.id is not None  # created by create_post
    event = feed_service.events_for_posts(session=session, post_ids=[post.id])[post.id]
    assert event.id is not None  # read from the database
    return event.id
