"""Journey: a clinical protocol from a template to a second major version, with read-and-acknowledge."""

import re

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.demo import DEMO_PASSWORD
from app.models.kb import KbAcknowledgement, KbArticle
from tests.factories import make_user

TITLE = "Протокол профілактики падінь пацієнтів"
PURPOSE = "Знизити кількість падінь пацієнтів у стаціонарі та травм від них."
OLD_STEP = "1. Оцінити ризик падіння за шкалою Морзе під час госпіталізації."
NEW_STEP = "1. Оцінити ризик падіння за шкалою Морзе під час госпіталізації та після кожного переведення."
CHANGE_NOTE = "Повторна оцінка ризику після кожного переведення"


def _open_summary(page: Page, text: str) -> None:
    """Unfold a collapsed panel (<details>) the way a person taps its heading."""
    summary = page.locator("summary").filter(has_text=text)
    if summary.locator("xpath=..").get_attribute("open") is None:
        summary.click()


def _open_kb(page: Page) -> None:
    """The main navigation's «База знань»."""
    page.get_by_role("banner").get_by_role("link", name="База знань").click()
    expect(page.get_by_role("heading", name="База знань", level=1)).to_be_visible()


def _acknowledge(people, page: Page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A reader on the article presses «Ознайомлений(-а)» and sees it confirmed."""
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("Ця стаття обов’язкова до прочитання.")).to_be_visible()
    people.shot(page, f"{name}-asked-to-acknowledge")
    page.get_by_role("button", name="Ознайомлений(-а)").click()
    expect(page.locator("#flash")).to_have_text(f"Дякуємо: ви ознайомилися з «{TITLE}», версія 1.0.")
    expect(page.get_by_text("Ви ознайомилися з версією 1.")).to_be_visible()
    expect(page.get_by_role("button", name="Ознайомлений(-а)")).to_have_count(0)
    people.shot(page, f"{name}-acknowledged")


def test_protocol_lifecycle(people, demo) -> None:  # type: ignore[no-untyped-def]
    """A manager writes a protocol from the clinical-protocol template (live preview), saves the draft and submits it
    for review; a second manager of the department ticks «readers must acknowledge» and publishes it; two nurses of
    the audience acknowledge it; the author publishes a major version with a change note; the acknowledgement report
    (whole audience, then one department) shows the nurse pending again; the history lists the revisions, the diff
    shows the change, and restoring the first revision works and says so."""
    with Session(demo.state.engine) as db:
        make_user(
            db,
            email="deputy@kolo.local",
            name="Кравчук Ольга Степанівна",
            role="manager",
            departments=["Терапевтичне відділення"],
            password=DEMO_PASSWORD,
        )

    # The manager starts a new article from the clinical-protocol template.
    author = people.open("manager@kolo.local")
    _open_kb(author)
    author.get_by_role("button", name="Нова стаття").click()
    author.get_by_role("link", name="Клінічний протокол").click()
    expect(author.get_by_role("heading", name="Нова стаття", level=1)).to_be_visible()
    body = author.get_by_label("Текст (Markdown)")
    expect(body).to_have_value(re.compile("## Мета"))
    people.shot(author, "template-opened")

    author.get_by_label("Назва").fill(TITLE)
    text = body.input_value()
    text = text.replace("Для чого цей протокол і якого результату для пацієнта він має досягти.", PURPOSE)
    text = text.replace(
        "1.\n2.\n3.",
        f"{OLD_STEP}\n2. Позначити ліжко пацієнта з високим ризиком.\n3. Пояснити пацієнтові, як кликати допомогу.",
    )
    body.fill(text)
    preview = author.get_by_role("region", name="Попередній перегляд")
    expect(preview.get_by_role("heading", name="Порядок дій")).to_be_visible()
    expect(preview.get_by_text(PURPOSE)).to_be_visible()
    people.shot(author, "live-preview")

    author.get_by_label("Терапевтичне відділення").check()
    author.get_by_label("Хірургічне відділення").check()
    people.shot(author, "draft-filled")
    author.get_by_role("button", name="Зберегти", exact=True).click()
    expect(author.locator("#flash")).to_have_text("Чернетку збережено.")
    expect(author.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(author.locator(".kb-meta").get_by_text("Чернетка")).to_be_visible()
    people.shot(author, "draft-saved")

    author.get_by_role("button", name="Надіслати на погодження").click()
    expect(author.locator("#flash")).to_have_text("Надіслано на погодження. Погоджувачі отримали сповіщення.")
    expect(author.locator(".kb-meta").get_by_text("На погодженні")).to_be_visible()
    people.shot(author, "submitted-for-review")

    # A second manager of the department finds it waiting, asks for acknowledgement and publishes it.
    deputy = people.open("deputy@kolo.local")
    _open_kb(deputy)
    deputy.get_by_role("navigation", name="База знань").get_by_role("link", name="Очікують погодження").click()
    deputy.get_by_role("link", name=TITLE).click()
    expect(deputy.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    people.shot(deputy, "reviewer-opens")
    deputy.get_by_role("button", name="Редагувати").click()
    _open_summary(deputy, "Розділ, аудиторія, відповідальний, перегляд")
    deputy.get_by_label("Працівники мають підтвердити ознайомлення").check()
    people.shot(deputy, "reviewer-ticks-acknowledgement")
    deputy.get_by_role("button", name="Зберегти", exact=True).click()
    expect(deputy.locator("#flash")).to_have_text("Збережено.")
    _open_summary(deputy, "Погодити й опублікувати")
    people.shot(deputy, "reviewer-publish-panel")
    expect(deputy.get_by_text("Перша публікація — це версія 1.0.")).to_be_visible()
    deputy.get_by_role("button", name="Погодити й опублікувати").click()
    expect(deputy.locator("#flash")).to_have_text(f"«{TITLE}» опубліковано, версія 1.0.")
    expect(deputy.locator(".kb-meta").get_by_text("Опубліковано")).to_be_visible()
    expect(deputy.locator(".kb-meta").get_by_text("Версія 1.0")).to_be_visible()
    people.shot(deputy, "published")

    # The nurse follows her notification; the new colleague finds it in the knowledge base.
    nurse = people.open("nurse@kolo.local")
    nurse.get_by_role("link", name="Сповіщення").click()
    nurse.get_by_role("button", name=f"Прочитайте й підтвердьте ознайомлення: «{TITLE}», версія 1.0.").click()
    _acknowledge(people, nurse, "nurse")
    newhire = people.open("newhire@kolo.local")
    _open_kb(newhire)
    # The knowledge base puts what she still has to read above the articles.
    newhire.get_by_role("region", name=re.compile("Ще треба прочитати")).get_by_role("link", name=TITLE).click()
    _acknowledge(people, newhire, "newhire")

    # The author changes a step and publishes it as a major version with a change note.
    author.get_by_role("button", name="Редагувати").click()
    expect(author.get_by_role("heading", name="Редагування статті", level=1)).to_be_visible()
    author.get_by_label("Текст (Markdown)").fill(
        author.get_by_label("Текст (Markdown)").input_value().replace(OLD_STEP, NEW_STEP)
    )
    author.get_by_label("Примітка до змін").fill(CHANGE_NOTE)
    people.shot(author, "major-edit")
    author.get_by_role("button", name="Зберегти", exact=True).click()
    expect(author.locator("#flash")).to_have_text("Збережено.")
    expect(author.locator(".kb-meta").get_by_text("Готуються зміни")).to_be_visible()
    _open_summary(author, "Погодити й опублікувати")
    # Nothing is chosen for the manager; the panel says how many people a major change asks again.
    expect(author.get_by_role("radio", name=re.compile("^Суттєва"))).not_to_be_checked()
    expect(author.get_by_role("radio", name=re.compile("^Редакційна"))).not_to_be_checked()
    asked_again = re.compile(r"Повторно ознайомитися попросять людей: \d+ \(з них поточну версію вже")
    expect(author.get_by_text(asked_again)).to_be_visible()
    author.get_by_role("radio", name=re.compile("^Суттєва")).check()
    expect(author.get_by_role("textbox", name="Примітка до змін")).to_have_value(CHANGE_NOTE)
    people.shot(author, "major-publish-panel")
    author.get_by_role("button", name="Погодити й опублікувати").click()
    expect(author.locator("#flash")).to_have_text(f"«{TITLE}» опубліковано, версія 2.0.")
    expect(author.locator(".kb-meta").get_by_text("Версія 2.0")).to_be_visible()
    expect(author.get_by_text(NEW_STEP[3:])).to_be_visible()
    people.shot(author, "major-published")

    # The acknowledgement report: the whole audience, then one department; the nurse is pending again.
    author.get_by_role("link", name="Ознайомлення").click()
    expect(author.get_by_role("heading", name="Ознайомлення", level=1)).to_be_visible()
    author.get_by_label("Відділення").select_option(label="Уся аудиторія")
    author.get_by_role("button", name="Показати").click()
    expect(author.get_by_text("Чинна версія: 2")).to_be_visible()
    pending = author.locator(".kb-missing")
    expect(pending.get_by_role("listitem").filter(has_text="Шевченко Марія Іванівна")).to_contain_text(
        "ознайомлені лише з версією 1"
    )
    table = author.locator("table.kb-acks tbody")
    expect(table.locator("tr").filter(has_text="Шевченко Марія Іванівна")).to_contain_text("застаріле")
    # The surgeon is in the audience but not in this manager's department: his name is not theirs to see.
    expect(table.locator("tr").filter(has_text="Ткаченко Андрій Олегович")).to_have_count(0)
    expect(author.get_by_label("Відділення").locator("option", has_text="Хірургічне")).to_have_count(0)
    people.shot(author, "report-whole-audience")
    # The manager reminds those who have not read it (himself aside); a second reminder waits for tomorrow.
    author.get_by_role("button", name="Нагадати").click()
    expect(author.locator("#flash")).to_have_text("Нагадування надіслано (отримувачів: 3).")
    expect(author.get_by_text("Нагадування про цю статтю сьогодні вже надіслано.")).to_be_visible()
    expect(author.get_by_role("button", name="Нагадати")).to_be_disabled()
    people.shot(author, "reminded")
    author.get_by_label("Відділення").select_option(label="Терапевтичне відділення")
    author.get_by_role("button", name="Показати").click()
    expect(author.get_by_label("Відділення")).to_have_value(re.compile(r"\d+"))
    expect(pending.get_by_role("listitem").filter(has_text="Шевченко Марія Іванівна")).to_be_visible()
    expect(pending.get_by_role("listitem").filter(has_text="Мельник Юлія Сергіївна")).to_be_visible()
    people.shot(author, "report-one-department")

    # History, the diff between the two versions, and restoring the first text.
    author.get_by_role("link", name=TITLE).click()
    author.get_by_role("link", name="Історія змін").click()
    expect(author.get_by_role("heading", name="Історія змін", level=1)).to_be_visible()
    rows = author.locator("table.kb-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(CHANGE_NOTE)
    expect(rows.nth(0)).to_contain_text("2.0")
    expect(rows.nth(1)).to_contain_text("1.0")
    people.shot(author, "history")
    author.get_by_label("Порівняти від редакції 1").check()
    author.get_by_label("Порівняти з редакцією 2").check()
    author.get_by_role("button", name="Порівняти вибрані").click()
    expect(author.get_by_role("heading", name="Зміни", level=1)).to_be_visible()
    expect(author.locator("table.kb-diff ins")).to_have_text(NEW_STEP)
    expect(author.locator("table.kb-diff del")).to_have_text(OLD_STEP)
    expect(author.get_by_text(CHANGE_NOTE)).to_be_visible()
    people.shot(author, "diff")

    author.get_by_role("link", name="Історія змін").click()
    author.get_by_role("link", name="#1", exact=True).click()
    expect(author.get_by_text(OLD_STEP[3:])).to_be_visible()
    people.shot(author, "old-revision")
    author.get_by_role("button", name="Відновити цей текст як нову редакцію").click()
    expect(author.locator("#flash")).to_have_text(
        "Текст редакції 1 знову став найновішим. Опублікуйте його, щоб його побачили читачі."
    )
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("відновлено з №1")
    people.shot(author, "restored")

    with Session(demo.state.engine) as db:
        article = db.exec(select(KbArticle).where(KbArticle.title == TITLE)).one()
        acks = db.exec(select(KbAcknowledgement).where(KbAcknowledgement.article_id == article.id)).all()
        assert (article.current_major, article.requires_acknowledgement) == (2, True)
        assert sorted(a.version for a in acks) == [1, 1]
