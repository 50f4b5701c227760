"""Journey: a nurse signs in, her phone keeps the protocols she must know and the feed; in a basement without a
connection she reads the hand-hygiene protocol and the feed under «Немає з’єднання — збережено …»; a page that is
not kept lists what is; she signs out, and the next person on the phone reads none of her pages."""

import re
import time

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models.users import User

PROTOCOL = "/kb/hihiiena-ruk-medychnoho-personalu"
TITLE = "Гігієна рук медичного персоналу"
SAVED = re.compile(r"Немає з’єднання — збережено \d{1,2} \S+ .*\d{2}:\d{2}")

KEPT = """async () => {
  const kept = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith("kolo-person-")) continue;
    for (const request of await (await caches.open(name)).keys()) kept.push(name + " " + new URL(request.url).pathname);
  }
  return kept.sort();
}"""


# The service worker is active (navigator.serviceWorker.ready never settles where none registers: wait 15 s at most).
READY = """() => Promise.race([
  navigator.serviceWorker.ready.then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), 15000)),
])"""


def _ready(page: Page) -> None:
    assert page.evaluate(READY), "no service worker became active"


def _kept(page: Page) -> list[str]:
    """`kolo-person-<id> <path>` for every page the phone keeps for someone."""
    return list(page.evaluate(KEPT))


def _wait_until_kept(page: Page, expected: list[str]) -> None:
    """The service worker is ready and has kept these pages (it fetches them in turn after the page asked)."""
    _ready(page)
    deadline = time.monotonic() + 20
    while sorted(expected) != _kept(page) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert _kept(page) == sorted(expected)


def _user_id(demo, email: str) -> int:  # type: ignore[no-untyped-def]
    with Session(demo.state.engine) as db:
        return int(db.exec(select(User.id).where(User.email == email)).one() or 0)


def test_a_nurse_reads_her_protocol_offline_and_the_next_person_reads_none_of_her_pages(people, demo) -> None:  # type: ignore[no-untyped-def]
    nurse_id, surgeon_id = _user_id(demo, "nurse@kolo.local"), _user_id(demo, "surgeon@kolo.local")
    phone = people.open("nurse@kolo.local")
    mine = f"kolo-person-{nurse_id}"
    _wait_until_kept(phone, [f"{mine} /", f"{mine} {PROTOCOL}", f"{mine} /offline"])

    # In the basement: the protocol she must know, whole, with the time it was saved.
    phone.context.set_offline(True)
    phone.goto(PROTOCOL)
    expect(phone.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(phone.get_by_role("heading", name="П’ять моментів для гігієни рук (ВООЗ)")).to_be_visible()
    banner = phone.locator(".offline-banner")
    expect(banner).to_contain_text(SAVED)
    expect(banner).to_contain_text("Кнопки, що надсилають дані, запрацюють, щойно з’єднання відновиться.")
    expect(phone.get_by_role("button", name="Ознайомлений(-а)")).to_be_disabled()
    people.shot(phone, "protocol-offline")

    # The feed's first page, as she last saw it.
    phone.get_by_role("navigation", name="Головне меню").get_by_role("link", name="Стрічка").click()
    expect(phone.locator(".offline-banner")).to_contain_text(SAVED)
    expect(phone.get_by_role("link", name=TITLE).first).to_be_visible()  # «Ще треба прочитати»
    people.shot(phone, "feed-offline")

    # A page the phone has not kept: it says so and lists what it has.
    phone.get_by_role("navigation", name="Головне меню").get_by_role("link", name="База знань").click()
    expect(phone.get_by_role("heading", name="Не збережено на цьому пристрої", level=1)).to_be_visible()
    expect(phone.locator(".offline-banner")).to_have_text("Немає з’єднання.")
    people.shot(phone, "not-kept-offline")
    phone.locator(".offline-kept").get_by_role("link", name=TITLE).click()
    expect(phone.get_by_role("heading", name=TITLE, level=1)).to_be_visible()

    # Back online the page comes from Kolo again; she signs out and the phone forgets her pages.
    phone.context.set_offline(False)
    phone.goto("/")
    expect(phone.locator(".offline-banner")).to_have_count(0)
    phone.get_by_role("banner").locator("details.site-menu summary").click()
    phone.get_by_role("button", name="Вийти").click()
    phone.wait_for_url(re.compile(r"/login"))
    assert _kept(phone) == []

    # The next person on this phone, still without a connection, gets none of the nurse's pages.
    _ready(phone)
    phone.context.set_offline(True)
    phone.goto(PROTOCOL)
    expect(phone.get_by_role("heading", name="Не збережено на цьому пристрої", level=1)).to_be_visible()
    expect(phone.get_by_text("Увійдіть, поки є з’єднання")).to_be_visible()
    expect(phone.get_by_text("П’ять моментів")).to_have_count(0)
    expect(phone.get_by_text("Шевченко Марія Іванівна")).to_have_count(0)
    people.shot(phone, "signed-out-offline")

    # A surgeon signs in on it: the phone keeps his pages, under his name only.
    phone.context.set_offline(False)
    phone.goto("/login")
    phone.get_by_label("Електронна пошта").fill("surgeon@kolo.local")
    phone.get_by_label("Пароль").fill("kolo-demo-2026")
    phone.get_by_role("button", name="Увійти").click()
    phone.wait_for_url(lambda url: "/login" not in url)
    his = f"kolo-person-{surgeon_id}"
    _wait_until_kept(phone, [f"{his} /", f"{his} {PROTOCOL}", f"{his} /offline"])
    phone.context.set_offline(True)
    phone.goto("/")
    expect(phone.locator(".offline-banner")).to_contain_text(SAVED)
    expect(phone.locator(".menu-name")).to_have_text("Ткаченко Андрій Олегович")
    phone.context.set_offline(False)
