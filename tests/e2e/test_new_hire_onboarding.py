"""Journey: a new nurse works through her onboarding plan, and her mentor signs off a skill."""

import re

from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session, select

from app.config import get_settings
from app.demo import onboarding as demo_onboarding
from app.models.kb import ArticleCreate, PublishRequest
from app.models.onboarding import (
    Checklist,
    ChecklistSection,
    ChecklistTaskAdd,
    OnboardingAssignedTask,
    TaskKind,
    TaskStatus,
)
from app.services import users as users_service
from app.services.kb import articles, lifecycle
from app.services.onboarding import checklists

GUIDE = "Профілактика падінь пацієнтів"
READ_TASK = "Прочитати протокол профілактики падінь"
DO_TASK = "Знайти укладку для анафілактичного шоку та дефібрилятор"
SIGNOFF_TASK = "Ведення листка лікарських призначень"
NOTE = "Укладка — у шафі поста № 2, верхня полиця; дефібрилятор — біля процедурної."
HIRE, MENTOR = "Мельник Юлія Сергіївна", "Шевченко Марія Іванівна"
NOT_YET = "Покажіть ще раз, як відмічаєте скасовані призначення."


def _give_her_a_guide_to_acknowledge(engine) -> None:  # type: ignore[no-untyped-def]
    """The demo hire has already acknowledged the hand-hygiene protocol, so the head of therapy publishes a
    new protocol that asks for acknowledgement and adds a reading task for it to the demo template and its
    open plans (what "push to open plans" does in the template editor)."""
    with Session(engine) as db:
        manager = users_service.get_user_by_email(session=db, email="manager@kolo.local")
        assert manager is not None
        guide = articles.create_article(
            session=db,
            author=manager,
            data=ArticleCreate(
                title=GUIDE,
                requires_acknowledgement=True,
                tags=["безпека пацієнтів"],
                body="Оцініть ризик падіння за шкалою Морзе під час прийому пацієнта й після кожної зміни стану.\n\n"
                "- Ліжко в найнижчому положенні, бокові поручні підняті.\n- Дзвінок виклику в межах досяжності.\n",
            ),
        )
        lifecycle.publish(session=db, user=manager, article=guide, data=PublishRequest(major=True))
        template = db.exec(select(Checklist).where(Checklist.name == demo_onboarding.NAME)).one()
        section = db.exec(
            select(ChecklistSection).where(
                ChecklistSection.template_id == template.id,
                ChecklistSection.title == "Безпека пацієнтів і персоналу",
            )
        ).one()
        _, pushed = checklists.add_task(
            session=db,
            actor=manager,
            template=template,
            holidays=get_settings().holidays,
            data=ChecklistTaskAdd(
                title=READ_TASK,
                kind=TaskKind.read,
                due_offset_days=3,
                instructions="Прочитайте протокол і натисніть «Ознайомлений(-а)».",
                article_id=guide.id,
                section_id=section.id,
                push_to_open=True,
            ),
        )
        assert pushed == 1


def _task(page: Page, title: str) -> Locator:
    """The card of one task of the plan, found by its title."""
    return page.locator("article.onb-task").filter(has=page.get_by_role("heading", name=title, exact=True))


def _in_sight(card: Locator) -> None:
    """The card's title is where the page landed and nothing (such as the sticky header) covers it."""
    title = card.get_by_role("heading")
    expect(title).to_be_in_viewport()
    assert title.evaluate(
        "h => { const r = h.getBoundingClientRect();"
        " return h.contains(document.elementFromPoint(r.left + 8, r.top + r.height / 2)); }"
    ), "the task the person just changed is hidden under the header"


def _progress(area: Locator) -> int:
    """The percentage the progress line shows, e.g. «50% · 5 з 10 завдань виконано»."""
    text = area.locator(".onb-progress").first.inner_text()
    match = re.search(r"(\d+)\s*%", text)
    assert match, text
    return int(match.group(1))


def test_new_hire_reads_ticks_asks_and_mentor_signs_off(demo, people) -> None:  # type: ignore[no-untyped-def]
    """The new hire signs in and sees "My onboarding" on the feed with her progress; she opens the protocol linked
    from a reading task and acknowledges it, and back in her plan the reading task is done; she marks a task done
    with a note and asks for a sign-off on a skill. Her mentor opens the mentoring view, sees the request and
    confirms the skill. The new hire reloads: the sign-off is done and her progress is higher than at the start."""
    _give_her_a_guide_to_acknowledge(demo.state.engine)

    hire = people.open("newhire@kolo.local")
    banner = hire.locator("section.onb-banner")
    expect(hire.get_by_role("heading", name=f"Моя адаптація: {demo_onboarding.NAME}")).to_be_visible()
    expect(banner.locator(".onb-progress")).to_contain_text("5 з 10 завдань виконано")
    start = _progress(banner)
    people.shot(hire, "feed-my-onboarding")

    banner.get_by_role("button", name="Продовжити адаптацію").click()
    expect(hire.get_by_role("heading", name="Моя адаптація", exact=True)).to_be_visible()
    plan = hire.locator("section.onb-plan")
    assert _progress(plan) == start
    reading = _task(hire, READ_TASK)
    expect(reading).to_contain_text("Буде виконано, щойно ви позначите «Ознайомлений(-а)».")
    people.shot(hire, "my-onboarding")

    reading.get_by_role("button", name=f"Відкрити настанову: {GUIDE}").click()
    expect(hire.get_by_role("heading", name=GUIDE, level=1)).to_be_visible()
    people.shot(hire, "protocol-to-acknowledge")
    hire.get_by_role("button", name="Ознайомлений(-а)").click()
    # Acknowledging from a reading task brings her back to her plan, at that task, with a message that it worked.
    expect(hire).to_have_url(re.compile(r"/onboarding#task-\d+$"))
    expect(hire.get_by_role("heading", name="Моя адаптація", exact=True)).to_be_visible()
    expect(hire.locator("#flash")).not_to_be_empty()
    reading = _task(hire, READ_TASK)
    expect(reading.locator(".onb-due")).to_contain_text("Виконано")
    expect(reading.get_by_role("button", name=f"Відкрити настанову: {GUIDE}")).to_have_count(0)
    # Finished tasks fold away under «Виконані (N)» in their section; the landing opens the one she just did.
    expect(reading.locator("xpath=ancestor::details[contains(@class, 'onb-finished')]")).to_have_count(1)
    after_reading = _progress(plan)
    assert after_reading > start
    people.shot(hire, "back-on-plan-after-acknowledging")

    doing = _task(hire, DO_TASK)
    doing.get_by_label("Коротка примітка (необов’язково)").fill(NOTE)
    doing.get_by_role("button", name="Позначити виконаним").click()
    expect(hire.get_by_role("status")).to_have_text(f"«{DO_TASK}» — виконано.")
    doing = _task(hire, DO_TASK)
    expect(doing.locator(".onb-due")).to_contain_text("Виконано")
    _in_sight(doing)
    expect(doing).to_contain_text(f"Примітка: {NOTE}")
    expect(doing.get_by_role("button", name="Скасувати: ще не виконано")).to_be_visible()
    assert _progress(plan) > after_reading
    people.shot(hire, "task-done-with-note")

    skill = _task(hire, SIGNOFF_TASK)
    skill.get_by_role("button", name="Попросити підтвердити").click()
    expect(hire.get_by_role("status")).to_contain_text("Наставника попрошено підтвердити")
    skill = _task(hire, SIGNOFF_TASK)
    expect(skill).to_contain_text("Очікує підтвердження наставника")
    _in_sight(skill)
    expect(skill.get_by_role("button", name="Попросити підтвердити")).to_have_count(0)
    before_signoff = _progress(plan)
    people.shot(hire, "signoff-requested")

    mentor = people.open("nurse@kolo.local")
    mentor.locator(".main-nav").get_by_role("link", name="Адаптація").click()
    mentor.get_by_role("navigation", name="Адаптація").get_by_role("link", name="Наставництво").click()
    expect(mentor.get_by_role("heading", name="Наставництво", level=1)).to_be_visible()
    request = _task(mentor, SIGNOFF_TASK)
    expect(request).to_contain_text(HIRE)
    people.shot(mentor, "mentor-sees-request")
    # Not yet: the mentor says what is missing instead of confirming.
    request.get_by_role("button", name="Ще ні…").click()
    request.get_by_label("Чого ще бракує?").fill(NOT_YET)
    people.shot(mentor, "mentor-writes-not-yet")
    request.get_by_role("button", name="Надіслати «ще ні»").click()
    expect(mentor.get_by_role("status")).to_contain_text("повертається новому працівникові")
    expect(_task(mentor, SIGNOFF_TASK)).to_have_count(0)
    people.shot(mentor, "mentor-said-not-yet")

    hire.reload()
    skill = _task(hire, SIGNOFF_TASK)
    expect(skill.locator(".onb-answer")).to_contain_text(f"Ще ні — {MENTOR}: {NOT_YET}")
    people.shot(hire, "hire-reads-not-yet")
    skill.get_by_role("button", name="Попросити ще раз").click()
    expect(_task(hire, SIGNOFF_TASK)).to_contain_text("Очікує підтвердження наставника")

    mentor.reload()
    request = _task(mentor, SIGNOFF_TASK)
    request.get_by_label("Коментар (необов’язково)").fill("Призначення відмічає правильно, пропуски повідомляє.")
    request.get_by_role("button", name="Підтвердити навичку").click()
    expect(mentor.get_by_role("status")).to_have_text("Підтверджено; ваш підопічний отримав сповіщення.")
    expect(_task(mentor, SIGNOFF_TASK)).to_have_count(0)
    mentee = mentor.locator("article.onb-mentee").filter(has_text=HIRE)
    expect(mentee).to_be_visible()
    assert _progress(mentee) > before_signoff
    people.shot(mentor, "mentor-signed-off")

    hire.reload()
    skill = _task(hire, SIGNOFF_TASK)
    expect(skill.locator(".onb-due")).to_contain_text(f"Виконано · {MENTOR}")
    expect(skill).to_contain_text("Призначення відмічає правильно")
    finish = _progress(hire.locator("section.onb-plan"))
    assert finish > before_signoff > start
    people.shot(hire, "signoff-done-progress-up")

    with Session(demo.state.engine) as db:
        rows = {
            t.title: t
            for t in db.exec(
                select(OnboardingAssignedTask).where(
                    OnboardingAssignedTask.title.in_([READ_TASK, DO_TASK, SIGNOFF_TASK])
                )
            ).all()
        }  # type: ignore[attr-defined]
        assert {t.status for t in rows.values()} == {TaskStatus.done}
        assert rows[DO_TASK].note == NOTE
