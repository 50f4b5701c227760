"""Browser journeys through the feed: a question with a #tag, an @mention and an image that a colleague answers;
a training with a waiting list, RSVPs and its .ics file."""

import re
import struct
import zlib
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import icalendar
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.i18n import zone
from app.models.feed import Event, Post, Rsvp, RsvpStatus
from app.models.notifications import Notification
from app.models.types import utcnow
from app.models.users import User

NURSE_NAME = "Шевченко Марія Іванівна"
SURGEON_NAME = "Ткаченко Андрій Олегович"


def tiny_png(size: int = 8) -> bytes:
    """A real size×size PNG (a teal square), made by hand: signature, IHDR, one IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes((0, 128, 128)) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def handle_of(demo, email: str) -> str:  # type: ignore[no-untyped-def]
    """A person's @handle, as a colleague would read it from their profile."""
    with Session(demo.state.engine) as db:
        return db.exec(select(User).where(User.email == email)).one().handle


def open_post_form(page: Page):  # type: ignore[no-untyped-def]
    """Unfold "Написати допис" on the feed and return the form."""
    page.get_by_text("Написати допис").click()
    form = page.locator("form[action='/posts']")
    expect(form.get_by_role("button", name="Опублікувати")).to_be_visible()
    return form


def open_notifications(page: Page) -> None:
    """Press the bell in the header (it shows the unread count) and land on the notifications page."""
    page.locator("a.bell").click()
    expect(page.get_by_role("heading", name="Сповіщення")).to_be_visible()


def test_question_with_tag_mention_and_image_answered_by_colleague(people, demo) -> None:  # type: ignore[no-untyped-def]
    """The nurse asks a question with #перев'язка (typed with an ASCII apostrophe), an @mention of the surgeon and
    a photo; the tag is one whole link and filters the feed; the surgeon sees the bell, opens the mention, comments
    and reacts; the nurse sees the comment, the reaction and her notification of the comment."""
    surgeon_handle = handle_of(demo, "surgeon@kolo.local")
    body = f"Як правильно робити #перев'язка після операції? @{surgeon_handle} підкажете?"

    nurse = people.open("nurse@kolo.local")
    expect(nurse).to_have_url(re.compile(r"/$"))
    form = open_post_form(nurse)
    form.get_by_label("Текст").fill(body)
    form.get_by_label("Тип").select_option(label="Запитання")
    form.get_by_label("Додати зображення або PDF").set_input_files(
        files=[{"name": "shov.png", "mimeType": "image/png", "buffer": tiny_png(48)}]
    )
    people.shot(nurse, "question-written")
    form.get_by_role("button", name="Опублікувати").click()

    expect(nurse).to_have_url(re.compile(r"/posts/\d+$"))
    post_url = nurse.url.removeprefix(people.url)
    post = nurse.locator("article.post").first
    expect(post.locator(".kind")).to_have_text("Запитання")
    tag = post.get_by_role("link", name="#перев'язка", exact=True)
    expect(tag).to_be_visible()
    expect(post.get_by_role("link", name=f"@{surgeon_handle}", exact=True)).to_be_visible()
    image = post.get_by_role("img", name="shov.png")
    expect(image).to_be_visible()
    nurse.wait_for_function("img => img.complete && img.naturalWidth === 48", arg=image.element_handle())
    people.shot(nurse, "question-published")

    tag.click()
    expect(nurse.get_by_label("Мітка", exact=True)).to_have_value("перев’язка")
    listed = nurse.locator(".feed-list article.post")
    expect(listed.filter(has_text="Як правильно робити")).to_have_count(1)
    expect(listed.filter(has_text="наборами для перев’язки")).to_have_count(1)  # the demo question, typed with ’
    expect(listed).to_have_count(2)
    people.shot(nurse, "feed-filtered-by-tag")

    surgeon = people.open("surgeon@kolo.local")
    expect(surgeon.locator(".bell .bell-count")).to_be_visible()
    people.shot(surgeon, "surgeon-bell")
    open_notifications(surgeon)
    mention = surgeon.get_by_role("button", name=f"{NURSE_NAME} згадує вас у дописі")
    expect(mention).to_be_visible()
    people.shot(surgeon, "surgeon-notifications")
    mention.click()
    expect(surgeon).to_have_url(re.compile(re.escape(post_url) + "$"))
    expect(surgeon.locator("article.post .post-body")).to_contain_text("Як правильно робити")

    surgeon.get_by_label("Ваш коментар").fill("Спершу обробіть руки, потім шов — антисептиком від центру до країв.")
    surgeon.get_by_role("button", name="Коментувати").click()
    expect(surgeon.locator(".comment")).to_contain_text("від центру до країв")
    bar = surgeon.locator("article.post .reactions")
    bar.get_by_role("button", name="Реакція 👍").click()
    expect(bar.get_by_role("button", name="Реакція 👍")).to_have_attribute("aria-pressed", "true")
    expect(bar.get_by_role("button", name="Реакція 👍")).to_contain_text("1")
    people.shot(surgeon, "surgeon-commented-and-reacted")

    nurse.reload()
    expect(nurse.locator(".bell .bell-count")).to_be_visible()
    open_notifications(nurse)
    commented = nurse.get_by_role("button", name=f"{SURGEON_NAME} коментує ваш допис")
    expect(commented).to_be_visible()
    expect(nurse.get_by_role("button", name=f"{SURGEON_NAME} реагує на ваш допис")).to_be_visible()
    people.shot(nurse, "nurse-notifications")
    commented.click()
    expect(nurse).to_have_url(re.compile(re.escape(post_url) + "#comment-\\d+$"))
    comment = nurse.locator(".comment").filter(has_text="від центру до країв")
    expect(comment).to_contain_text(SURGEON_NAME)
    expect(nurse.locator("article.post .reactions").get_by_role("button", name="Реакція 👍")).to_contain_text("1")
    nurse.get_by_text("Хто відреагував").click()
    expect(nurse.get_by_role("listitem").filter(has_text=f"👍 {SURGEON_NAME}")).to_be_visible()
    people.shot(nurse, "nurse-sees-answer")

    with Session(demo.state.engine) as db:
        stored = db.exec(select(Post).where(Post.body == body)).one()
        assert stored.kind == "question"


def test_training_with_waiting_list_and_calendar_file(people, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The manager announces a training with 2 places; the nurse and the new colleague say they go, the surgeon
    lands on the waiting list; the nurse cancels, the surgeon is going now and told so; the manager sees the
    attendees, and the .ics file downloads with the training's title."""
    title = "Тренінг з догляду за центральним венозним катетером"
    day = (utcnow() + timedelta(days=14)).astimezone(zone("Europe/Kyiv")).date()

    manager = people.open("manager@kolo.local")
    form = open_post_form(manager)
    form.get_by_label("Текст").fill(
        "Запрошую на практичний тренінг: догляд за ЦВК, зміна пов’язки, профілактика "
        "інфекцій. Місць обмаль — записуйтеся!"
    )
    form.get_by_label("Тип").select_option(label="Подія")
    form.get_by_text("Дані події (для типу «Подія»)").click()
    form.get_by_label("Назва події").fill(title)
    form.get_by_label("Формат").select_option(label="Тренінг")
    form.get_by_label("Кількість місць", exact=True).fill("2")
    form.get_by_label("Початок").fill(f"{day.isoformat()}T10:00")
    form.get_by_label("Кінець").fill(f"{day.isoformat()}T12:00")
    form.get_by_label("Місце", exact=True).fill("Навчальний клас, корпус 1")
    people.shot(manager, "training-written")
    form.get_by_role("button", name="Опублікувати").click()

    expect(manager).to_have_url(re.compile(r"/posts/\d+$"))
    box = manager.get_by_role("region", name="Подія")
    expect(box.get_by_role("link", name=title)).to_be_visible()
    expect(box).to_contain_text("Тренінг")
    expect(box).to_contain_text("/ 2")
    people.shot(manager, "training-published")

    def rsvp_going(email: str):  # type: ignore[no-untyped-def]
        page = people.open(email)
        page.locator("article.post").filter(has_text=title).get_by_role("link", name=title).click()
        expect(page).to_have_url(re.compile(r"/events/\d+$"))
        page.get_by_role("button", name="Піду", exact=True).click()
        return page

    nurse = rsvp_going("nurse@kolo.local")
    expect(nurse.get_by_role("button", name="Піду", exact=True)).to_have_attribute("aria-pressed", "true")
    people.shot(nurse, "nurse-going")
    newhire = rsvp_going("newhire@kolo.local")
    expect(newhire.get_by_role("button", name="Піду", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(newhire.get_by_role("region", name="Подія")).to_contain_text("Місць немає")
    people.shot(newhire, "newhire-going-full")
    surgeon = rsvp_going("surgeon@kolo.local")
    expect(surgeon.get_by_role("region", name="Подія").get_by_text("Ви в листі очікування")).to_be_visible()
    expect(surgeon.get_by_role("button", name="Піду", exact=True)).to_have_attribute("aria-pressed", "false")
    people.shot(surgeon, "surgeon-waiting-list")

    nurse.reload()
    nurse.get_by_role("button", name="Не піду").click()
    expect(nurse.get_by_role("button", name="Не піду")).to_have_attribute("aria-pressed", "true")
    people.shot(nurse, "nurse-cancelled")

    surgeon.reload()
    expect(surgeon.get_by_role("button", name="Піду", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(surgeon.get_by_role("region", name="Подія").get_by_text("Ви в листі очікування")).to_have_count(0)
    expect(surgeon.locator(".bell .bell-count")).to_be_visible()
    people.shot(surgeon, "surgeon-promoted")
    open_notifications(surgeon)
    seat = surgeon.get_by_role("button", name=f"Звільнилося місце: ви йдете на «{title}»")
    expect(seat).to_be_visible()
    people.shot(surgeon, "surgeon-notified")
    seat.click()
    expect(surgeon).to_have_url(re.compile(r"/events/\d+$"))

    manager.get_by_role("link", name=title).click()
    attendees = manager.get_by_role("table")
    expect(attendees.get_by_role("row").filter(has_text=SURGEON_NAME)).to_contain_text("Піду")
    expect(attendees.get_by_role("row").filter(has_text=NURSE_NAME)).to_contain_text("Не піду")
    expect(attendees.get_by_role("row").filter(has_text="Мельник Юлія Сергіївна")).to_contain_text("Піду")
    people.shot(manager, "attendees")
    with manager.expect_download() as download_info:
        manager.get_by_role("button", name="Додати в календар").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    [entry] = icalendar.Calendar.from_ical(saved.read_bytes()).walk(
        "VEVENT"
    )  # long lines come folded, as RFC 5545 says
    assert str(entry["summary"]) == title
    with Session(demo.state.engine) as db:
        manager_zone = zone(db.exec(select(User).where(User.email == "manager@kolo.local")).one().timezone)
    starts = datetime.combine(day, time(10, 0), tzinfo=manager_zone).astimezone(UTC)
    assert entry["dtstart"].dt == starts  # 10:00 as the manager typed it, in UTC

    with Session(demo.state.engine) as db:
        event = db.exec(select(Event).where(Event.title == title)).one()
        statuses = {r.user_id: r.status for r in db.exec(select(Rsvp).where(Rsvp.event_id == event.id))}
        assert sorted(statuses.values()) == sorted([RsvpStatus.going, RsvpStatus.going, RsvpStatus.declined])
        surgeon_id = db.exec(select(User.id).where(User.email == "surgeon@kolo.local")).one()
        assert (
            db.exec(
                select(Notification).where(Notification.recipient_id == surgeon_id, Notification.kind == "event_seat")
            ).first()
            is not None
        )


def flash_says(page: Page, text: str) -> None:
    """The short message at the bottom of the screen says `text` (it fades by itself after a few seconds)."""
    expect(page.locator("#flash")).to_contain_text(text)


def test_read_rsvp_and_delete_in_place_with_folded_filters(people) -> None:  # type: ignore[no-untyped-def]
    """The new colleague confirms the must-read announcement where she is in the feed: the button turns into "Ви
    прочитали", a message says so, and the page neither reloads nor jumps. The nurse answers "Піду" on an event card
    in the feed in place, finds the filters folded behind "Фільтри" (showing how many are on), and deleting her
    comment asks first."""
    newhire = people.open("newhire@kolo.local")
    announcement = newhire.locator("article.post.must-read").filter(has_text="гігієнічної обробки рук").first
    read = announcement.get_by_role("button", name="Я прочитав(-ла)")
    read.scroll_into_view_if_needed()
    newhire.evaluate("window.scrollBy(0, 120)")  # reading it, a little further down
    newhire.evaluate("window.koloSamePage = true")
    before = newhire.evaluate("window.scrollY")
    top = announcement.bounding_box()["y"]  # type: ignore[index]
    people.shot(newhire, "must-read-before")
    article = newhire.locator(f"#{announcement.get_attribute('id')}")
    read.click()
    expect(article.get_by_text("Ви прочитали")).to_be_visible()
    expect(article.get_by_role("button", name="Я прочитав(-ла)")).to_have_count(0)
    expect(article).not_to_have_class(re.compile(r"must-read"))
    flash_says(newhire, "Позначено як прочитане. Дякуємо!")
    assert newhire.evaluate("window.koloSamePage") is True  # answered in place, not by loading the feed again
    assert abs(newhire.evaluate("window.scrollY") - before) <= 2  # and the feed did not jump to the top
    assert abs(article.bounding_box()["y"] - top) <= 2  # type: ignore[index]  # nor the post under her thumb
    people.shot(newhire, "must-read-done-in-place")

    nurse = people.open("nurse@kolo.local")
    filters = nurse.locator("details.feed-filters-box")
    expect(filters.get_by_text("Фільтри")).to_be_visible()
    expect(filters.get_by_label("Тип")).to_be_hidden()  # folded: the first post is right under the composer
    expect(nurse.get_by_text("Написати допис")).to_be_visible()
    people.shot(nurse, "feed-filters-folded")
    card = nurse.locator("article.post").filter(has_text="Тиждень вакцинації проти грипу").first
    going = card.get_by_role("button", name="Піду", exact=True)
    going.scroll_into_view_if_needed()
    nurse.evaluate("window.koloSamePage = true")
    going.click()
    expect(card.get_by_role("button", name="Піду", exact=True)).to_have_attribute("aria-pressed", "true")
    flash_says(nurse, "Ви йдете на «Тиждень вакцинації проти грипу для персоналу».")
    expect(nurse).to_have_url(re.compile(r"/$"))
    assert nurse.evaluate("window.koloSamePage") is True
    people.shot(nurse, "rsvp-in-place")

    filters.get_by_text("Фільтри").click()
    filters.get_by_label("Тип").select_option(label="Подія")
    filters.get_by_role("button", name="Показати").click()
    expect(nurse.locator("details.feed-filters-box")).to_have_attribute("open", "")
    expect(nurse.locator("details.feed-filters-box summary .badge")).to_have_text("1")
    expect(nurse.locator(".feed-list article.post .kind").first).to_have_text("Подія")
    people.shot(nurse, "feed-filtered-open")

    card = nurse.locator("article.post").filter(has_text="Тиждень вакцинації проти грипу").first
    card.get_by_role("link", name=re.compile(r"коментар")).click()
    nurse.get_by_label("Ваш коментар").fill("Я прийду в обідню перерву.")
    nurse.get_by_role("button", name="Коментувати").click()
    flash_says(nurse, "Коментар додано.")
    mine = nurse.locator(".comment").filter(has_text="Я прийду в обідню перерву.")
    expect(mine).to_be_visible()
    mine.get_by_role("button", name="Видалити").click()  # the first tap only asks
    question = mine.get_by_text("Видалити цей коментар? Цього не можна скасувати.")
    expect(question).to_be_visible()
    expect(mine).to_be_visible()
    people.shot(nurse, "comment-delete-asks")
    mine.get_by_role("button", name="Так, видалити").click()
    flash_says(nurse, "Коментар видалено.")
    expect(nurse.locator(".comment").filter(has_text="Я прийду в обідню перерву.")).to_have_count(0)
    people.shot(nurse, "comment-deleted")
