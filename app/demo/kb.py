"""Demo knowledge base: a hand-hygiene protocol that requires acknowledgement, a welcome guide for new
colleagues and a few articles of Ukrainian health law (source noted). Idempotent."""

import json
from pathlib import Path

from sqlmodel import Session, select

from app.models.kb import ArticleCreate, ArticleUpdate, KbArticle, KbRevision, PublishRequest
from app.models.users import User
from app.services.kb import articles, categories, lifecycle

DATA = Path(__file__).resolve().parent / "data"

HAND_HYGIENE = """Протокол для всіх працівників, які контактують з пацієнтами або їхнім оточенням. Ґрунтується на
настановах ВООЗ щодо гігієни рук у сфері охорони здоров’я (WHO Guidelines on Hand Hygiene in Health Care, 2009).

## П’ять моментів для гігієни рук (ВООЗ)

1. **Перед контактом з пацієнтом.**
2. **Перед асептичною процедурою** — до встановлення катетера, ін’єкції, перев’язки.
3. **Після ризику контакту з біологічними рідинами** — і після зняття рукавичок.
4. **Після контакту з пацієнтом.**
5. **Після контакту з оточенням пацієнта** — ліжком, приліжковим столиком, монітором, навіть без дотику до пацієнта.

## Чим обробляти

- Спиртовий антисептик — основний спосіб, якщо руки не забруднені видимо. Тривалість: **20–30 секунд**.
- Мило й вода — коли руки видимо забруднені, після туалету, при підозрі на *Clostridioides difficile* чи норовірус.
  Тривалість миття: **40–60 секунд**.
- Рукавички не замінюють гігієну рук.

## Техніка обробки: шість кроків

Наберіть у долоню стільки антисептику, щоб покрити всю поверхню рук, і розтирайте, доки руки не висохнуть.

1. Долоня до долоні.
2. Права долоня на тильний бік лівої кисті з переплетеними пальцями — і навпаки.
3. Долоня до долоні з переплетеними пальцями.
4. Тильний бік зігнутих пальців до протилежної долоні, пальці зчеплені.
5. Обертальне розтирання великого пальця лівої руки в стиснутій правій долоні — і навпаки.
6. Обертальне розтирання подушечок стиснутих пальців правої руки по лівій долоні — і навпаки.

## Вимоги до рук

- Нігті короткі, без лаку й накладних нігтів.
- Без каблучок, браслетів і годинника під час роботи з пацієнтами.
- Пошкоджену шкіру закрийте водонепроникною пов’язкою; для догляду використовуйте крем для рук.

## Контроль

Старша медична сестра відділення щомісяця проводить спостереження за дотриманням гігієни рук
(форма спостереження ВООЗ) і обговорює результати на нараді відділення.

Див. також: [[laskavo-prosymo-do-kolektyvu]].
"""

WELCOME = """Раді, що ви з нами! Ця настанова допоможе зорієнтуватися в перші дні.

## Перший день

- Отримайте бейдж і шафку у відділі кадрів (адміністративний корпус, каб. 104).
- Ваш наставник покаже відділення, пости й евакуаційні виходи.
- Увійдіть у Коло: тут стрічка новин, база знань і ваш план адаптації.

## Перший тиждень

- Прочитайте й підтвердіть ознайомлення з протоколом [[hihiiena-ruk-medychnoho-personalu]].
- Пройдіть інструктаж з охорони праці та пожежної безпеки.
- Ознайомтеся з правами пацієнта: [[lykarska-taiemnytsia]] та [[zghoda-na-medychne-vtruchannia]].

## До кого звертатися

- Наставник — щодо щоденної роботи.
- Старша медична сестра — графік, відпустки, засоби захисту.
- Запитання, на які не знайшли відповіді, ставте у стрічці з позначкою «Запитання».
"""


def _publish(session: Session, manager: User, data: ArticleCreate, slug: str, source: str = "") -> KbArticle:
    article = articles.create_article(session=session, author=manager, data=data.model_copy(update={"slug": slug}))
    if source:
        article.source = source
        session.add(article)
        session.commit()
    return lifecycle.publish(session=session, user=manager, article=article, data=PublishRequest(major=True))


def load(session: Session) -> None:
    """Create the demo articles that do not exist yet."""
    manager = session.exec(select(User).where(User.email == "manager@kolo.local")).first()
    if manager is None or session.exec(select(KbArticle.id).limit(1)).first() is not None:
        return
    protocols = categories.find_or_create(session=session, path="Клінічні протоколи/Інфекційний контроль")
    newcomers = categories.find_or_create(session=session, path="Адаптація")
    law = categories.find_or_create(session=session, path="Законодавство")
    session.commit()
    hygiene = _publish(
        session,
        manager,
        ArticleCreate(
            title="Гігієна рук медичного персоналу",
            body=HAND_HYGIENE.replace("20–30", "20"),
            category=protocols.id if protocols else None,
            tags=["гігієна рук", "інфекційний контроль"],
            requires_acknowledgement=True,
        ),
        "hihiiena-ruk-medychnoho-personalu",
    )
    articles.save_article(
        session=session,
        user=manager,
        article=hygiene,
        data=ArticleUpdate(
            base_revision_id=hygiene.head_revision_id,
            body=HAND_HYGIENE,
            change_note="Тривалість обробки антисептиком — 20–30 секунд, як у настановах ВООЗ",
        ),
    )
    lifecycle.publish(session=session, user=manager, article=hygiene, data=PublishRequest(major=True))
    _publish(
        session,
        manager,
        ArticleCreate(
            title="Ласкаво просимо до колективу",
            body=WELCOME,
            category=newcomers.id if newcomers else None,
            tags=["адаптація"],
        ),
        "laskavo-prosymo-do-kolektyvu",
    )
    for line in (DATA / "uk_laws_extract.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        title = row["title"].split(" — ", 1)[-1].split(". ", 1)[-1]
        slug = {
            "Лікарська таємниця": "lykarska-taiemnytsia",
            "Згода на медичне втручання": "zghoda-na-medychne-vtruchannia",
        }.get(title, "")
        body = f"{row['body']}\n\n*Основи законодавства України про охорону здоров’я.*\n"
        _publish(
            session,
            manager,
            ArticleCreate(
                title=title, body=body, category=law.id if law else None, tags=["законодавство", "права пацієнта"]
            ),
            slug or title,
            source=row["url"],
        )
    _refresh_links(session)


def _refresh_links(session: Session) -> None:
    # The guides link each other; links to an article published later are recorded now.
    for article in session.exec(select(KbArticle)).all():
        revision = session.get(KbRevision, article.current_revision_id)
        if revision is not None:
            articles.set_links(session, article, revision.body)
    session.commit()
