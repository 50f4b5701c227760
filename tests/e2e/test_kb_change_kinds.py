"""Journey: the kind of a change is chosen on purpose. A typo fix published as editorial keeps the nurse's
acknowledgement; a major change with a note puts the protocol back on her home page's "still to read", where she opens
it, sees the note and the changed passages marked, acknowledges it, and it leaves the list."""

import re

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models.kb import ArticleCreate, PublishRequest
from app.models.users import Department
from app.services import users as users_service
from app.services.kb import acknowledgements, articles, lifecycle

TITLE = "Протокол катетеризації периферичних вен"
SLUG = "protokol-katetieryzatsii"
BODY = (
    "## Порядок дій\n\n"
    "Оберіть найменший катетер, достатній для призначеної терапії.\n\n"
    "Обробіть шкіру антисептиком і дочекайтеся висихання — щонайменше 30 секунд.\n\n"
    "Зафіксуйте катетер прозорою пов’язкою й позначте дату встановлення."
)
OLD_STEP = "Зафіксуйте катетер прозорою пов’язкою й позначте дату встановлення."
NEW_STEP = "Зафіксуйте катетер прозорою пов’язкою, позначте дату й час встановлення та оглядайте місце щозміни."
ADDED = "Замініть катетер не пізніше ніж через 96 годин або одразу за ознак флебіту."
NOTE = "Огляд місця встановлення щозміни і заміна катетера не пізніше 96 годин"


def _protocol_she_has_acknowledged(engine) -> None:  # type: ignore[no-untyped-def]
    """The head of therapy's protocol for the department, already acknowledged by the nurse (version 1.0)."""
    with Session(engine) as db:
        manager = users_service.get_user_by_email(session=db, email="manager@kolo.local")
        nurse = users_service.get_user_by_email(session=db, email="nurse@kolo.local")
        therapy = db.exec(select(Department).where(Department.name == "Терапевтичне відділення")).one()
        assert manager is not None and nurse is not None and therapy.id is not None
        data = ArticleCreate(
            title=TITLE, slug=SLUG, body=BODY, requires_acknowledgement=True, department_ids=[therapy.id]
        )
        article = articles.create_article(session=db, author=manager, data=data)
        lifecycle.publish(session=db, user=manager, article=article, data=PublishRequest())
        acknowledgements.acknowledge(session=db, user=nurse, article=article)


def _edit(page: Page, old: str, new: str) -> None:
    """The manager opens the editor, changes the text and saves it."""
    page.get_by_role("button", name="Редагувати").click()
    body = page.get_by_label("Текст (Markdown)")
    body.fill(body.input_value().replace(old, new))
    page.get_by_role("button", name="Зберегти", exact=True).click()
    expect(page.locator("#flash")).to_have_text("Збережено.")


def _publish_panel(page: Page) -> None:
    summary = page.locator("summary").filter(has_text="Погодити й опублікувати")
    if summary.locator("xpath=..").get_attribute("open") is None:
        summary.click()


def _to_read(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name=re.compile("Ще треба прочитати"))


def test_kb_change_kinds(people, demo) -> None:  # type: ignore[no-untyped-def]
    """Editorial keeps acknowledgements; major asks again with a note and marked passages, from the home page."""
    _protocol_she_has_acknowledged(demo.state.engine)
    manager = people.open("manager@kolo.local")
    manager.goto(f"/kb/{SLUG}")

    # A typo fix: the manager chooses "editorial" on purpose; nothing was chosen for him.
    _edit(manager, "Оберіть найменший", "Оберіть найменший за розміром")
    _publish_panel(manager)
    editorial = manager.get_by_role("radio", name=re.compile("^Редакційна"))
    major = manager.get_by_role("radio", name=re.compile("^Суттєва"))
    expect(editorial).not_to_be_checked()
    expect(major).not_to_be_checked()
    expect(manager.get_by_text("Повторно ознайомитися попросять людей:")).to_be_visible()
    people.shot(manager, "publish-panel-nothing-chosen")
    editorial.check()
    manager.get_by_role("button", name="Погодити й опублікувати").click()
    expect(manager.locator("#flash")).to_have_text(f"«{TITLE}» опубліковано, версія 1.1.")
    people.shot(manager, "editorial-published")

    nurse = people.open("nurse@kolo.local")
    expect(nurse.get_by_role("link", name=TITLE)).to_have_count(0)  # not asked again for a typo
    nurse.goto(f"/kb/{SLUG}")
    expect(nurse.get_by_text("Ви ознайомилися з версією 1.")).to_be_visible()

    # A real change: "major" needs a note, and readers will see it.
    manager.goto(f"/kb/{SLUG}")
    _edit(manager, OLD_STEP, f"{NEW_STEP}\n\n{ADDED}")
    _publish_panel(manager)
    manager.get_by_role("radio", name=re.compile("^Суттєва")).check()
    manager.get_by_role("textbox", name="Примітка до змін").fill(NOTE)
    people.shot(manager, "major-with-note")
    manager.get_by_role("button", name="Погодити й опублікувати").click()
    expect(manager.locator("#flash")).to_have_text(f"«{TITLE}» опубліковано, версія 2.0.")

    # The nurse finds it on her home page, above the posts.
    nurse.goto("/")
    waiting = _to_read(nurse)
    expect(waiting.get_by_role("link", name=TITLE)).to_be_visible()
    expect(waiting.locator("li").filter(has_text=TITLE)).to_contain_text("Нова версія — прочитайте ще раз")
    people.shot(nurse, "home-still-to-read")
    waiting.get_by_role("link", name=TITLE).click()
    changes = nurse.get_by_role("region", name=re.compile("Що змінилося від версії 1.1"))
    expect(changes).to_contain_text(NOTE)
    expect(nurse.locator(".kb-changed")).to_contain_text(NEW_STEP)
    expect(nurse.locator("ins.kb-added")).to_contain_text(ADDED)
    people.shot(nurse, "changes-marked")
    nurse.locator(".kb-changed summary").filter(has_text="Як було раніше").click()
    expect(nurse.locator(".kb-changed .kb-was")).to_have_text(OLD_STEP)
    nurse.get_by_role("button", name="Ознайомлений(-а)").click()
    expect(nurse.locator("#flash")).to_have_text(f"Дякуємо: ви ознайомилися з «{TITLE}», версія 2.0.")
    people.shot(nurse, "acknowledged-again")

    nurse.goto("/")
    expect(nurse.get_by_role("link", name=TITLE)).to_have_count(0)
    people.shot(nurse, "home-after")
