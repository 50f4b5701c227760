"""Browser journeys: an admin invites a nurse who signs in with her own password; a manager builds an onboarding
template, assigns it and exports the dashboard."""

import csv
import io
import re

from playwright.sync_api import expect
from sqlmodel import Session, select

from app.models.onboarding import OnboardingAssignment
from app.models.users import User
from tests.factories import make_user

NEW_PASSWORD = "Ранкова-зміна-2026"


def _shown_again(people, path: str) -> None:  # type: ignore[no-untyped-def]
    """A form Kolo sends back with its error answers 422, which Chromium logs as a console error: expected once."""
    logged = [e for e in people.errors if path in e and "status of 422" in e]
    assert len(logged) == 1, people.errors
    people.errors.remove(logged[0])


def test_admin_invites_a_nurse_who_sets_her_password_and_signs_in(people, viewport) -> None:  # type: ignore[no-untyped-def]
    """An admin invites a nurse from Administration (name, e-mail, role, department) and gets a one-time link; the
    nurse opens it signed out, first tries a password that is too short (the form stops it and stays, the Ukrainian
    hint beside it says why), then two that differ (Kolo's Ukrainian error, the form again), then a good one; she
    signs out and in again on the login page with it and sees her feed and her name; the admin finds her in the people
    list by name with the role and department filters left at «Будь-яка…», the whole row on screen on a phone too."""
    name, email = "Лисенко Олена Андріївна", "lysenko@kolo.local"
    admin = people.open("admin@kolo.local")
    admin.get_by_role("link", name="Адміністрування").click()
    expect(admin.get_by_role("heading", name="Люди")).to_be_visible()
    people.shot(admin, "admin-people")

    admin.get_by_role("button", name="Запросити людину").click()
    expect(admin.get_by_role("heading", name="Запросити людину")).to_be_visible()
    admin.get_by_label("Прізвище, ім’я, по батькові").fill(name)
    admin.get_by_label("Електронна пошта").fill(email)
    admin.get_by_role("radio", name="Працівник").check()
    admin.get_by_role("checkbox", name="Терапевтичне відділення").check()
    people.shot(admin, "invite-form")
    admin.get_by_role("button", name="Створити запрошення").click()
    expect(admin.get_by_role("heading", name=f"Запрошення для {name}")).to_be_visible()
    link = admin.get_by_label("Посилання-запрошення").input_value()
    assert re.search(r"/invite/[\w-]+$", link), link
    people.shot(admin, "invite-link")

    nurse = people.new_page()
    nurse.goto(link)
    expect(nurse.get_by_role("heading", name=f"Ласкаво просимо до Кола, {name}")).to_be_visible()
    expect(
        nurse.get_by_text("Від 10 до 256 символів; не поширений пароль і не ваше ім’я чи адреса пошти.")
    ).to_be_visible()
    nurse.get_by_label("Новий пароль").fill("коротко")
    nurse.get_by_label("Повторіть пароль").fill("коротко")
    nurse.get_by_role("button", name="Зберегти й увійти").click()
    # The page itself stops a short password (the browser's bubble, in the browser's language) and keeps the form.
    expect(nurse.get_by_label("Новий пароль")).to_have_value("коротко")
    assert nurse.get_by_label("Новий пароль").evaluate("el => el.validity.tooShort")
    assert nurse.url == link
    people.shot(nurse, "short-password-stopped")
    # Two passwords that differ reach Kolo, which answers in Ukrainian and shows the form again.
    nurse.get_by_label("Новий пароль").fill(NEW_PASSWORD)
    nurse.get_by_label("Повторіть пароль").fill(NEW_PASSWORD + "!")
    nurse.get_by_role("button", name="Зберегти й увійти").click()
    expect(nurse.get_by_text("Паролі не збігаються.")).to_be_visible()
    expect(nurse.get_by_role("heading", name=f"Ласкаво просимо до Кола, {name}")).to_be_visible()
    _shown_again(people, "/invite/")
    people.shot(nurse, "passwords-differ")

    nurse.get_by_label("Новий пароль").fill(NEW_PASSWORD)
    nurse.get_by_label("Повторіть пароль").fill(NEW_PASSWORD)
    nurse.get_by_role("button", name="Зберегти й увійти").click()
    expect(nurse.get_by_role("heading", name="Стрічка")).to_be_attached()
    people.shot(nurse, "first-sign-in")
    nurse.locator("details.site-menu summary").click()  # signing out is in «Меню», at any size
    nurse.get_by_role("button", name="Вийти").click()
    expect(nurse.get_by_role("heading", name="Вхід до Кола")).to_be_visible()

    nurse.get_by_label("Електронна пошта").fill(email)
    nurse.get_by_label("Пароль").fill(NEW_PASSWORD)
    nurse.get_by_role("button", name="Увійти").click()
    expect(nurse.get_by_role("heading", name="Стрічка")).to_be_attached()
    nurse.locator("details.site-menu summary").click()
    account = nurse.locator(".site-menu-panel").get_by_role("link", name="Мій профіль")
    expect(account).to_be_visible()
    people.shot(nurse, "signed-in-with-own-password")
    account.click()
    expect(nurse.get_by_label("Прізвище, ім’я, по батькові")).to_have_value(name)
    people.shot(nurse, "her-account")

    admin.get_by_role("button", name="Назад до списку людей").click()
    admin.get_by_role("searchbox", name="Ім’я або ел. пошта").fill("Лисенко")
    expect(admin.get_by_label("Роль")).to_have_value("")
    expect(admin.get_by_label("Відділення")).to_have_value("")
    admin.get_by_role("button", name="Фільтрувати").click()
    row = admin.get_by_role("row").filter(has_text=name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Терапевтичне відділення")
    expect(row.get_by_text("Активний")).to_be_in_viewport()  # on a phone too, not scrolled off to the right
    people.shot(admin, "admin-finds-her")


def test_manager_builds_a_template_assigns_it_and_exports_the_dashboard(people, demo) -> None:  # type: ignore[no-untyped-def]
    """A manager creates a checklist template for his department, adds a section and three tasks of different kinds
    (read a guide, do, meet), assigns it to a new colleague of Терапевтичне відділення with a mentor, sees her on the
    dashboard at 0% (filters at their defaults, then by department) and downloads the CSV, which names her."""
    hire = "Кравчук Ірина Степанівна"
    with Session(demo.state.engine) as db:
        make_user(db, email="kravchuk@kolo.local", name=hire, departments=["Терапевтичне відділення"])
    template_name = "Медична сестра терапії"
    manager = people.open("manager@kolo.local")
    manager.get_by_role("link", name="Адаптація").click()
    manager.get_by_role("link", name="Шаблони", exact=True).click()
    expect(manager.get_by_role("heading", name="Шаблони планів адаптації")).to_be_visible()
    manager.get_by_label("Назва").fill(template_name)
    manager.get_by_label("Опис").fill("Перший тиждень у терапевтичному відділенні.")
    people.shot(manager, "new-template")
    manager.get_by_role("button", name="Створити шаблон").click()
    expect(manager.get_by_role("heading", name=template_name)).to_be_visible()

    manager.get_by_text("Назва, опис і для кого він").click()
    manager.get_by_role("checkbox", name="Терапевтичне відділення").check()
    manager.get_by_role("button", name="Зберегти", exact=True).click()
    expect(manager.get_by_role("heading", name=template_name)).to_be_visible()

    manager.get_by_role("textbox", name="Назва розділу").fill("Перший день")
    manager.get_by_role("button", name="Додати розділ").click()
    expect(manager.get_by_role("heading", name="Перший день")).to_be_visible()
    expect(manager.get_by_role("status")).to_have_text("Розділ «Перший день» додано.")
    people.shot(manager, "section-added")
    # From here on the builder works in place: a page that reloaded would lose this mark.
    manager.evaluate("window.stillThisPage = true")

    section = manager.locator("section.onb-tpl-section").filter(has=manager.get_by_role("heading", name="Перший день"))
    tasks = [
        ("Прочитати настанову з гігієни рук", "Прочитати"),
        ("Отримати бейдж і форму", "Виконати"),
        ("Познайомитися зі старшою сестрою", "Зустріч"),
    ]
    for title, kind in tasks:
        adding = section.locator("details.onb-add-task")
        if adding.get_attribute("open") is None:
            adding.locator("summary").click()
        form = adding.locator("form")
        form.get_by_label("Назва").fill(title)
        form.get_by_label("Тип").select_option(label=kind)
        if kind == "Прочитати":
            form.get_by_label("Настанова для прочитання (для «Прочитати»)").select_option(
                label="Гігієна рук медичного персоналу"
            )
        if kind == "Зустріч":
            form.get_by_label("З ким зустрітися (для «Зустріч»)").select_option(label="Шевченко Марія Іванівна")
        form.get_by_label("Термін, робочих днів від початку").fill("2")
        form.get_by_role("button", name="Додати завдання").click()
        expect(manager.get_by_role("status")).to_have_text(f"Завдання «{title}» додано.")
        expect(section.locator("article.onb-task", has_text=title)).to_contain_text(kind)
    people.shot(manager, "three-tasks")

    section.get_by_role("button", name="Перемістити «Отримати бейдж і форму» вище").click()
    expect(manager.get_by_role("status")).to_have_text("«Отримати бейдж і форму» переміщено вище.")
    titles = section.locator("article.onb-task h4")
    expect(titles).to_have_text([tasks[1][0], tasks[0][0], tasks[2][0]])
    meet = section.locator("article.onb-task", has_text=tasks[2][0])
    meet.get_by_role("button", name="Редагувати").click()
    meet.get_by_label("Назва").fill("Познайомитися зі старшою медичною сестрою")
    meet.get_by_role("button", name="Зберегти завдання").click()
    expect(manager.get_by_role("status")).to_have_text(
        "Завдання «Познайомитися зі старшою медичною сестрою» збережено."
    )
    assert manager.evaluate("window.stillThisPage === true"), "the builder reloaded the page"
    people.shot(manager, "reordered-and-edited-in-place")

    manager.get_by_role("button", name="Копіювати").click()
    expect(manager.get_by_role("heading", name=f"{template_name} (копія)")).to_be_visible()
    expect(manager.get_by_role("status")).to_contain_text(f"Копію створено: «{template_name} (копія)»")
    expect(manager.locator("article.onb-task h4")).to_have_count(3)
    people.shot(manager, "template-copied")

    manager.get_by_role("link", name="Призначити", exact=True).click()
    expect(manager.get_by_role("heading", name="Призначити план адаптації")).to_be_visible()
    offered = manager.get_by_label("Новий працівник").locator("option").all_inner_texts()
    assert hire in offered and "Ткаченко Андрій Олегович" not in " ".join(offered), offered  # surgery is not his
    manager.get_by_label("Новий працівник").select_option(label=hire)
    manager.get_by_role("checkbox", name=template_name, exact=True).check()
    manager.get_by_label("Наставник").select_option(label="Шевченко Марія Іванівна")
    people.shot(manager, "assign-form")
    manager.get_by_role("button", name="Призначити").click()
    expect(manager.get_by_role("heading", name=hire)).to_be_visible()
    expect(manager.get_by_role("status")).to_contain_text(f"Призначено: «{template_name}».")
    expect(manager.get_by_text("0 з 3 завдань виконано")).to_be_visible()
    people.shot(manager, "plan-assigned")

    manager.get_by_role("link", name="Огляд", exact=True).click()
    expect(manager.get_by_role("heading", name="Огляд адаптації")).to_be_visible()
    filters = manager.get_by_role("search")
    expect(filters.get_by_label("Відділення")).to_have_value("")  # «Усі мої відділення»
    expect(filters.get_by_label("Шаблон")).to_have_value("")  # «Усі шаблони»
    row = manager.get_by_role("row").filter(has_text=hire)
    expect(row).to_contain_text("0%")
    expect(row).to_contain_text("наставник: Шевченко Марія Іванівна")
    people.shot(manager, "dashboard")

    filters.get_by_label("Відділення").select_option(label="Терапевтичне відділення")
    filters.get_by_role("button", name="Показати").click()
    expect(manager).to_have_url(re.compile(r"department=\d+"))
    expect(row).to_contain_text("0%")
    people.shot(manager, "dashboard-filtered")

    with manager.expect_download() as download_info:
        manager.get_by_role("button", name="Експортувати CSV").click()
    download = download_info.value
    text = download.path().read_text(encoding="utf-8-sig")
    header, *lines = csv.reader(io.StringIO(text))
    assert header[:3] == ["№ плану", "Новий працівник", "План"], header  # headings in the manager's language
    mine = [dict(zip(header, line, strict=True)) for line in lines if line[1] == hire]
    assert len(mine) == 1, text
    assert mine[0]["План"] == template_name and mine[0]["Наставник"] == "Шевченко Марія Іванівна", mine
    assert mine[0]["Виконано, %"] == "0" and mine[0]["Усього завдань"] == "3", mine

    with Session(demo.state.engine) as db:
        person = db.exec(select(User).where(User.name == hire)).one()
        plan = db.exec(select(OnboardingAssignment).where(OnboardingAssignment.user_id == person.id)).one()
        assert plan.total_tasks == 3 and plan.done_tasks == 0
