"""Browser journey: the page shell a nurse holds in one hand — a one-line header (brand, search, bell, «Меню»), the
sections in a bar under the thumb, the header search box with `/`, arrow keys and Enter, a dark theme that follows
the system or a choice that survives a reload, tables that turn into cards, and tap targets a finger can hit. It also
leaves the screenshots the issue asks for: home, an article, a plan, search results and the people list, at phone and
desk size, light and dark, in tests/e2e/screens/screens-<page>-<size>-<theme>.png."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENS, VIEWPORTS
from tests.search.conftest import is_indexed, wait_until

HYGIENE = "Гігієна рук медичного персоналу"


def _no_sideways_scroll(page: Page, viewport: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"], f"{page.url} scrolls sideways ({width}px)"


def _background_is_dark(page: Page) -> bool:
    """Whether the page is drawn light on dark: the body's background is darker than its text."""
    luminance = """(c) => { const [r, g, b] = c.match(/\\d+/g).map(Number);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; }"""
    return bool(
        page.evaluate(
            f"""() => {{ const l = {luminance}; const s = getComputedStyle(document.body);
                return l(s.backgroundColor) < 80 && l(s.color) > 170; }}"""
        )
    )


def test_the_header_is_one_line_and_its_menu_and_sections_work(people, viewport) -> None:  # type: ignore[no-untyped-def]
    """A nurse's header is one row at any size, with the search button (phone) or box (desk), the bell and «Меню»
    in reach; the sections take her to the knowledge base (a bar at the bottom on a phone); «Меню» holds her
    profile, the language and the theme, and folds away with Escape."""
    nurse = people.open("nurse@kolo.local")
    header = nurse.get_by_role("banner")
    people.shot(nurse, "header")
    box = header.bounding_box()
    assert box is not None and box["height"] <= 64, f"the header is {box} high: more than one line"
    if viewport == "phone":
        expect(header.locator(".search-toggle")).to_be_visible()
        bar = nurse.locator(".main-nav").bounding_box()
        bottom = VIEWPORTS["phone"]["height"] - 1
        assert bar is not None and bar["y"] + bar["height"] >= bottom, "the sections are not along the bottom"
    else:
        expect(header.get_by_role("combobox", name="Пошук у Колі")).to_be_visible()
    expect(header.locator(".bell")).to_be_visible()

    nurse.get_by_role("navigation", name="Головне меню").get_by_role("link", name="База знань").click()
    expect(nurse.get_by_role("heading", name="База знань", level=1)).to_be_visible()

    menu = header.locator("details.site-menu")
    menu.locator("summary").click()
    panel = nurse.locator(".site-menu-panel")
    expect(panel.get_by_role("button", name="Вийти")).to_be_visible()
    expect(panel.get_by_role("button", name="English")).to_be_visible()
    expect(panel.get_by_role("button", name="Темна")).to_be_visible()
    people.shot(nurse, "menu-open")
    nurse.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    menu.locator("summary").click()
    panel.get_by_role("link", name="Мій профіль").click()
    expect(nurse.get_by_role("heading", name="Мій профіль", level=1)).to_be_visible()
    as_system = nurse.locator("#appearance").get_by_role("button", name="Як у системі")
    expect(as_system).to_have_attribute("aria-pressed", "true")


def test_slash_opens_the_search_box_and_the_arrows_open_a_suggestion(people, demo, viewport) -> None:  # type: ignore[no-untyped-def]
    """`/` jumps to the header search box (not while she types in a field); titles are suggested as she types,
    ArrowDown picks the first, Enter opens it; Escape folds the list; Enter with nothing picked searches."""
    wait_until(lambda: is_indexed(demo), timeout=20)
    nurse = people.open("nurse@kolo.local")
    nurse.goto("/account")
    name = nurse.get_by_label("Прізвище, ім’я, по батькові")
    name.press("End")
    name.press("/")
    expect(name).to_be_focused()  # a slash typed in a field stays there
    expect(name).to_have_value(re.compile("/$"))

    nurse.locator("h1").click()
    nurse.keyboard.press("/")
    box = nurse.get_by_role("combobox", name="Пошук у Колі")
    expect(box).to_be_focused()
    box.press_sequentially("гігієна", delay=30)
    options = nurse.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    people.shot(nurse, "suggestions")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(".+"))
    title = options.first.inner_text()
    box.press("Enter")
    expect(nurse.get_by_role("heading", level=1)).to_contain_text(title.split("\n")[-1].strip()[:20])

    nurse.keyboard.press("/")
    box.fill("гігієна рук")
    expect(options.first).to_be_visible()
    box.press("Escape")
    box.press("Enter")
    expect(nurse).to_have_title(re.compile("^гігієна рук · Пошук"))


def test_the_theme_turns_dark_survives_a_reload_and_can_follow_the_system(people, viewport) -> None:  # type: ignore[no-untyped-def]
    """The nurse picks «Темна» in the menu: the page turns dark at once and stays dark after a reload; «Як у
    системі» then follows the device, dark when the phone is in dark mode and light when it is not."""
    nurse = people.open("nurse@kolo.local")
    nurse.emulate_media(color_scheme="light")
    assert not _background_is_dark(nurse)
    nurse.locator("details.site-menu summary").click()
    nurse.locator(".site-menu-panel").get_by_role("button", name="Темна").click()
    expect(nurse.locator("html")).to_have_attribute("data-theme", "dark")
    assert _background_is_dark(nurse)
    people.shot(nurse, "dark-menu")
    nurse.wait_for_load_state("networkidle")
    nurse.reload()
    expect(nurse.locator("html")).to_have_attribute("data-theme", "dark")
    assert _background_is_dark(nurse)

    nurse.goto("/account")
    nurse.locator("#appearance").get_by_role("button", name="Як у системі").click()
    expect(nurse.locator("html")).not_to_have_attribute("data-theme", re.compile("."))
    assert not _background_is_dark(nurse)
    nurse.emulate_media(color_scheme="dark")
    assert _background_is_dark(nurse)
    nurse.wait_for_load_state("networkidle")
    nurse.reload()
    assert _background_is_dark(nurse)
    as_system = nurse.locator("#appearance").get_by_role("button", name="Як у системі")
    expect(as_system).to_have_attribute("aria-pressed", "true")


def test_tables_are_cards_on_a_phone_and_nothing_scrolls_sideways(people, viewport) -> None:  # type: ignore[no-untyped-def]
    """The people list, the audit log, the acknowledgements and the onboarding dashboard: at phone size each row
    is a card with its labels and the page does not scroll sideways; at a desk they stay tables."""
    admin = people.open("admin@kolo.local")
    manager = people.open("manager@kolo.local")
    pages = [
        (admin, "/admin"),
        (admin, "/admin/audit"),
        (manager, "/onboarding/dashboard"),
        (manager, "/kb/hihiiena-ruk-medychnoho-personalu/acknowledgements"),
    ]
    for page, path in pages:
        page.goto(path)
        table = page.locator("main table").first
        expect(table).to_be_visible()
        _no_sideways_scroll(page, viewport)
        head = table.locator("thead")
        row = table.locator("tbody tr").first
        if viewport == "phone":
            expect(head).to_be_hidden()
            assert row.evaluate("r => getComputedStyle(r).display") == "block", f"{path}: rows are not cards"
            labelled = table.locator("td[data-label]:not([data-label=''])").first
            label = labelled.get_attribute("data-label")
            before = labelled.evaluate("td => getComputedStyle(td, '::before').content")
            assert label and label in before, f"{path}: a card line has no label"
        else:
            expect(head).to_be_visible()
        people.shot(page, "table-" + path.strip("/").replace("/", "-"))


def test_controls_are_big_enough_for_a_finger(people, viewport) -> None:  # type: ignore[no-untyped-def]
    """On a phone the sections, the search button, the bell, «Меню», the reactions, the read button, the menu's
    language and theme buttons and a checkbox's label are each at least 44×44 px."""
    if viewport != "phone":
        pytest.skip("44 px is the rule for a finger on a phone; a desk is used with a mouse")
    nurse = people.open("nurse@kolo.local")
    samples = {
        "section": nurse.locator(".main-nav a").first,
        "bell": nurse.locator(".site-header .bell"),
        "menu": nurse.locator("details.site-menu summary"),
        "reaction": nurse.locator("button.reaction").first,
    }
    if viewport == "phone":
        samples["search button"] = nurse.locator(".search-toggle")
    for name, control in samples.items():
        _at_least_44(control, name)
    nurse.locator("details.site-menu summary").click()
    panel = nurse.locator(".site-menu-panel")
    for name in ("English", "Темна", "Вийти"):
        _at_least_44(panel.get_by_role("button", name=name), name, width=name != "English")
    _at_least_44(panel.get_by_role("link", name="Мій профіль"), "profile link")
    nurse.goto("/account")
    _at_least_44(nurse.locator("label:has(> input[type=checkbox])").first, "checkbox label", width=False)


def _at_least_44(control, name: str, width: bool = True) -> None:  # type: ignore[no-untyped-def]
    expect(control).to_be_visible()
    box = control.bounding_box()
    assert box is not None and box["height"] >= 44 and (not width or box["width"] >= 44), f"{name}: {box}"


SCREEN_PAGES = [
    ("home", "nurse@kolo.local", "/"),
    ("article", "nurse@kolo.local", "/kb/hihiiena-ruk-medychnoho-personalu"),
    ("plan", "newhire@kolo.local", "/onboarding"),
    ("search", "nurse@kolo.local", "/search?q=гігієна+рук"),
    ("people", "admin@kolo.local", "/admin"),
]


def test_screens_of_the_main_pages_light_and_dark(people, demo, viewport) -> None:  # type: ignore[no-untyped-def]
    """Home, an article, a plan, search results and the admin people list, light and dark, in Ukrainian: none
    scrolls sideways, each is drawn in the chosen theme, and each is saved for a person to look at."""
    wait_until(lambda: is_indexed(demo), timeout=20)
    signed_in: dict[str, Page] = {}
    for name, email, path in SCREEN_PAGES:
        page = signed_in.get(email) or signed_in.setdefault(email, people.open(email))
        for theme in ("light", "dark"):
            page.context.add_cookies([{"name": "kolo_theme", "value": theme, "url": people.url}])
            page.goto(path)
            page.wait_for_load_state("networkidle")
            expect(page.locator("html")).to_have_attribute("data-theme", theme)
            assert _background_is_dark(page) == (theme == "dark"), f"{name} is not {theme}"
            _no_sideways_scroll(page, viewport)
            SCREENS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENS / f"screens-{name}-{viewport}-{theme}.png"), full_page=True)
