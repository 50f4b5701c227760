"""Browser journey: search that forgives typos and understands Ukrainian word forms, its filters, and the
content-gap loop (a search that found nothing → a guide request → the guide → the searcher is told)."""

import re

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models.search import GuideRequest, GuideRequestStatus
from tests.search.conftest import is_indexed, wait_until

MISSING = "як запобігти пролежням"
TYPED_FIRST = "як запоб"  # what the nurse and the new hire search for before they finish typing the question
GUIDE_TITLE = "Як запобігти пролежням у лежачих пацієнтів"
GUIDE_BODY = """Пролежні виникають там, де шкіра довго притиснута до ліжка: крижі, п'яти, лопатки, потилиця.

## Що робимо щозміни

1. Оцінюємо ризик за шкалою Брейден при надходженні та щодня.
2. Змінюємо положення тіла пацієнта щонайменше кожні 2 години; записуємо в лист спостереження.
3. Оглядаємо шкіру над кістковими виступами; почервоніння, що не зникає, — сигнал лікарю.
4. Тримаємо шкіру сухою й чистою, застосовуємо протипролежневий матрац.

Щоб запобігти пролежням, важливі також харчування й достатнє пиття.
"""


def _search(page: Page, query: str, *, typed: bool = False) -> None:
    """Type a query into the search box and press Enter, as a person does (`typed`: key by key after what is in
    the box, the titles suggested as they go)."""
    box = page.get_by_role("searchbox", name="Пошук у стрічці, базі знань і адаптації")
    if typed:
        if not query.startswith(box.input_value()):
            box.fill("")
        box.press("End")
        box.press_sequentially(query[len(box.input_value()) :])
    else:
        box.fill(query)
    box.press("Enter")
    expect(page).to_have_title(re.compile(f"^{re.escape(query)} · Пошук"), timeout=15_000)


def _unread(page: Page) -> int:
    """The number on the bell once it has loaded (the demo already left the person a few notifications)."""
    count = page.locator(".bell .bell-count")
    expect(count).to_have_text(re.compile(r"^\d+$"))
    return int(count.inner_text())


def _open_filters(page: Page) -> None:
    filters = page.locator("details.search-filters")
    if filters.get_attribute("open") is None:
        filters.locator("summary").click()
    expect(page.get_by_role("button", name="Застосувати")).to_be_visible()


def test_nurse_search_gap_becomes_a_guide(people, demo) -> None:  # type: ignore[no-untyped-def]
    """A nurse searches with a typo (and is offered «Можливо, ви мали на увазі…»), with an inflected form (the same
    guide, the word highlighted), narrows by type and by department, submits the filters left at «Усе» / «Усі
    відділення», and finds nothing about preventing pressure ulcers. The manager sees that search among the searches
    that found nothing (once a colleague of hers asked the same; a surgeon's search is not his to see, and no name
    is shown), requests a guide, writes and publishes it; the nurse's bell tells her, and the notification
    opens the new guide."""
    wait_until(lambda: is_indexed(demo), timeout=20)  # the journey is not about the indexer catching up
    nurse = people.open("nurse@kolo.local")
    unread = _unread(nurse)

    # A typo: «гігєна» for «гігієна»; the protocol is found and the right spelling offered.
    nurse.locator(".main-nav").get_by_role("link", name="Пошук").click()
    expect(nurse).to_have_url(re.compile(r"/search$"))
    _search(nurse, "гігєна рук")
    hits = nurse.locator(".search-hits > li")
    expect(nurse.get_by_text("Можливо, ви мали на увазі")).to_be_visible(timeout=15_000)
    expect(nurse.locator(".search-suggestion").get_by_role("link", name="гігієна рук")).to_be_visible()
    expect(hits.get_by_role("link", name="Гігієна рук медичного персоналу")).to_be_visible(timeout=15_000)
    people.shot(nurse, "typo-did-you-mean")
    nurse.locator(".search-suggestion").get_by_role("link", name="гігієна рук").click()
    expect(nurse.get_by_role("searchbox")).to_have_value("гігієна рук")
    protocol = hits.filter(has=nurse.get_by_role("link", name="Гігієна рук медичного персоналу"))
    expect(protocol.locator("mark").first).to_have_text(re.compile("гігієна", re.I))
    people.shot(nurse, "suggestion-followed")

    # An inflected form the text does not have («рукавичками»; the protocol says «рукавичок», «Рукавички»). The nurse
    # mentors the demo new hire, so the hire's hand-hygiene task (a shorter text: it ranks first) is found too.
    _search(nurse, "рукавичками")
    expect(hits).to_have_count(2, timeout=15_000)
    expect(hits.get_by_role("link", name="Гігієна рук медичного персоналу")).to_be_visible()
    expect(hits.filter(has_text="Завдання адаптації")).to_have_count(1)
    expect(hits.first.locator(".search-snippet mark").first).to_have_text(re.compile(r"^рукавич", re.I))
    people.shot(nurse, "inflected-form-highlighted")

    # Only guides: the announcement about hand hygiene drops out, the protocol stays.
    _search(nurse, "гігієна рук")
    expect(hits.filter(has_text="Допис")).to_have_count(1)
    _open_filters(nurse)
    nurse.get_by_label("Тип").select_option(label="Стаття")
    nurse.get_by_role("button", name="Застосувати").click()
    expect(nurse.get_by_text("Фільтри (1)")).to_be_visible()
    expect(hits).to_have_count(1)
    expect(hits.first.locator(".search-kind")).to_have_text("Стаття")
    expect(hits.get_by_role("link", name="Гігієна рук медичного персоналу")).to_be_visible()
    people.shot(nurse, "only-guides")

    # By department: the reminder about anaphylaxis was written for the Therapy department only.
    _search(nurse, "адреналіну")
    _open_filters(nurse)
    nurse.get_by_label("Тип").select_option(label="Усе")
    nurse.get_by_label("Відділення").select_option(label="Хірургічне відділення")
    nurse.get_by_role("button", name="Застосувати").click()
    expect(nurse.get_by_text("Нічого не знайдено за запитом «адреналіну».")).to_be_visible()
    people.shot(nurse, "other-department-nothing")
    nurse.get_by_label("Відділення").select_option(label="Терапевтичне відділення")
    nurse.get_by_role("button", name="Застосувати").click()
    expect(hits).to_have_count(1)
    expect(hits.first.locator("mark").first).to_have_text("адреналін")
    people.shot(nurse, "own-department")

    # The filters set back to «Усе» / «Усі відділення» and applied: everything again, no error.
    nurse.get_by_label("Тип").select_option(label="Усе")
    nurse.get_by_label("Відділення").select_option(label="Усі відділення")
    nurse.get_by_role("button", name="Застосувати").click()
    expect(nurse).to_have_url(re.compile(r"department=&"))
    expect(nurse.get_by_text(re.compile(r"^Фільтри$"))).to_be_visible()
    expect(hits).to_have_count(1)
    expect(nurse.locator(".notice.error")).to_have_count(0)
    people.shot(nurse, "filters-all")

    # A clinical question the demo has no guide for. The nurse presses Enter before she has typed it all, then
    # finishes the question: one search, not two.
    _search(nurse, TYPED_FIRST, typed=True)
    _search(nurse, MISSING, typed=True)
    expect(nurse.get_by_text(f"Нічого не знайдено за запитом «{MISSING}».")).to_be_visible()
    expect(nurse.get_by_text("0 результатів")).to_be_visible()
    expect(nurse.get_by_text("Керівники бачать пошуки без результату")).to_be_visible()
    expect(nurse.get_by_role("link", name="Пошуки без результату")).to_have_count(0)
    notice, box = nurse.locator(".search-results .notice").bounding_box(), nurse.locator(".search-box").bounding_box()
    assert notice and box and notice["width"] > box["width"] * 0.9, "the notice is squeezed into the facets' column"
    people.shot(nurse, "nothing-found")

    # A new hire of the same ward asks the same question in her words (after the same hasty Enter), and so does a
    # surgeon of another department.
    for email, question in (("newhire@kolo.local", "Як запобігти пролежням?"), ("surgeon@kolo.local", MISSING)):
        colleague = people.open(email)
        colleague.locator(".main-nav").get_by_role("link", name="Пошук").click()
        _search(colleague, TYPED_FIRST, typed=True)
        _search(colleague, question, typed=True)
        expect(colleague.get_by_text(f"Нічого не знайдено за запитом «{question}».")).to_be_visible()

    # The manager finds that search among the ones that found nothing and asks for a guide.
    manager = people.open("manager@kolo.local")
    manager.locator(".main-nav").get_by_role("link", name="Пошук").click()
    manager.get_by_role("link", name="Пошуки без результату").click()
    expect(manager.get_by_role("heading", name="Пошуки без результату", level=1)).to_be_visible()
    # One row: the two forms of the question are one gap, and what was searched before it was typed is none.
    expect(manager.locator("table.search-gaps tbody tr")).to_have_count(1)
    row = manager.get_by_role("row").filter(has=manager.get_by_role("link", name=MISSING, exact=True))
    expect(row).to_have_count(1)
    # Two people of his department asked it (the surgeon is not his to see), and no name is shown.
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    expect(row.get_by_role("cell").nth(2)).to_have_text("2")
    expect(row.get_by_role("cell").nth(3)).to_have_text("2")
    expect(manager.get_by_text(re.compile("завжди без імен"))).to_be_visible()
    # It found nothing: the manager may make it a synonym of a word the documents use.
    synonym = row.get_by_role("link", name=f"Додати «{MISSING}» як синонім до…")
    expect(synonym).to_have_attribute("href", re.compile(r"^/search/synonyms/new\?term="))
    people.shot(manager, "gaps")
    row.get_by_text("Запит на настанову").click()
    expect(row.get_by_label("Назва")).to_have_value(MISSING)
    row.get_by_label("Назва").fill("Профілактика пролежнів")
    row.get_by_label("Хто напише").select_option(label="Бондаренко Ігор Васильович")
    people.shot(manager, "guide-request-form")
    row.get_by_role("button", name="Надіслати запит").click()
    expect(manager.locator("#flash")).to_have_text("Запит на настанову створено; відповідальному надіслано сповіщення.")
    expect(row.get_by_text("Запитано")).to_be_visible()
    requests = manager.get_by_role("listitem").filter(has_text="Профілактика пролежнів")
    expect(requests).to_contain_text("відкрито")
    people.shot(manager, "guide-requested")

    # The manager writes the guide himself: the request opens the editor with its title, and how many people
    # searched for it (the surgeon too: everyone who searched is told when it is published), never who.
    requests.get_by_role("link", name="Написати настанову").click()
    expect(manager.get_by_role("heading", name="Нова стаття", level=1)).to_be_visible()
    expect(manager.get_by_label("Назва")).to_have_value("Профілактика пролежнів")
    expect(manager.get_by_role("status").filter(has_text="шукали це")).to_have_text("3 людини шукали це")
    people.shot(manager, "guide-editor")
    manager.get_by_label("Назва").fill(GUIDE_TITLE)
    manager.get_by_label("Текст (Markdown)").fill(GUIDE_BODY)
    manager.get_by_label("Мітки").fill("пролежні, догляд")
    expect(manager.locator("#kb-preview h2")).to_have_text("Що робимо щозміни")
    people.shot(manager, "guide-written")
    manager.get_by_role("button", name="Зберегти").click()
    expect(manager.get_by_role("heading", name=GUIDE_TITLE, level=1)).to_be_visible()
    expect(manager.locator("#flash")).to_have_text("Чернетку збережено.")
    expect(manager.locator(".kb-meta")).to_contain_text("Чернетка")
    manager.get_by_text("Погодити й опублікувати", exact=True).first.click()
    manager.get_by_role("button", name="Погодити й опублікувати").click()
    expect(manager.locator(".kb-meta")).to_contain_text("Опубліковано")
    people.shot(manager, "guide-published")
    manager.locator(".main-nav").get_by_role("link", name="Пошук").click()
    manager.get_by_role("link", name="Пошуки без результату").click()
    answered = manager.get_by_role("listitem").filter(has_text="Профілактика пролежнів")
    expect(answered).to_contain_text("виконано")
    people.shot(manager, "request-answered")
    answered.get_by_role("link", name="стаття").click()
    expect(manager.get_by_role("heading", name=GUIDE_TITLE, level=1)).to_be_visible()

    # The nurse's bell: the guide she searched for is published; the notification opens it.
    nurse.get_by_role("navigation").get_by_role("link", name="Стрічка").click()
    bell = nurse.get_by_role("link", name=re.compile("^Сповіщення"))
    expect(bell.locator(".bell-count")).to_have_text(str(unread + 1))
    people.shot(nurse, "bell")
    bell.click()
    notice = nurse.get_by_role("button", name=re.compile("Настанову, яку ви шукали, опубліковано"))
    expect(notice).to_contain_text(f"«{GUIDE_TITLE}»")
    people.shot(nurse, "notification")
    notice.click()
    expect(nurse.get_by_role("heading", name=GUIDE_TITLE, level=1)).to_be_visible()
    expect(nurse.get_by_role("heading", name="Що робимо щозміни")).to_be_visible()
    people.shot(nurse, "guide-opened")

    with Session(demo.state.engine) as session:
        request = session.exec(select(GuideRequest).where(GuideRequest.query == MISSING)).one()
        assert request.status == GuideRequestStatus.closed and request.article_id is not None
