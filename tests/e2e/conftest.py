"""Browser journeys: a live Kolo with the demo content, Debian's Chromium, people who sign in through the login page.

Each journey runs at phone size (390×844) and at desk size (1366×900), in Ukrainian. `people.open(email)` gives a
signed-in page of its own (its own cookies, like a second phone); `shot(page, "step")` saves a screenshot under
tests/e2e/screens/ for a person to look at."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from app.demo import DEMO_PASSWORD, load_demo
from tests.browser import live_server

SCREENS = Path(__file__).resolve().parent / "screens"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    """The device size the journey runs at."""
    return str(request.param)


@pytest.fixture
def demo(app) -> object:  # type: ignore[no-untyped-def]
    """The app with the demo departments, people and content, as `make run` shows it."""
    with Session(app.state.engine) as db:
        load_demo(db)
    return app


@pytest.fixture
def kolo_url(demo) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The demo Kolo served on a local port (search indexer and all)."""
    with live_server(demo) as url:
        yield url


class People:
    """Signed-in browser pages, one context (cookie jar) per person, with their script errors collected."""

    def __init__(self, chromium, url: str, viewport: str, test_name: str) -> None:  # type: ignore[no-untyped-def]
        self.chromium, self.url, self.viewport = chromium, url, viewport
        self.prefix = re.sub(r"[^\w-]+", "_", test_name)
        self.contexts: list[object] = []
        self.errors: list[str] = []
        self.step = 0

    def new_page(self):  # type: ignore[no-untyped-def]
        """A fresh, signed-out page at this journey's size, in Ukrainian."""
        context = self.chromium.new_context(
            viewport=VIEWPORTS[self.viewport],
            locale="uk-UA",  # type: ignore[attr-defined]
            base_url=self.url,
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: self.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
        return page

    def open(self, email: str, password: str = DEMO_PASSWORD):  # type: ignore[no-untyped-def]
        """A page signed in as `email` through the login form, as the person would."""
        page = self.new_page()
        page.goto("/login")
        page.get_by_label("Електронна пошта").fill(email)
        page.get_by_label("Пароль").fill(password)
        page.get_by_role("button", name="Увійти").click()
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    def shot(self, page, name: str) -> None:  # type: ignore[no-untyped-def]
        """Save what the person sees now, and check the page does not scroll sideways."""
        self.step += 1
        SCREENS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENS / f"{self.prefix}-{self.step:02d}-{name}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[self.viewport]["width"], f"{name}: the page scrolls sideways ({width}px)"

    def close(self) -> None:
        for context in self.contexts:
            context.close()  # type: ignore[attr-defined]


@pytest.fixture
def people(chromium, kolo_url: str, viewport: str, request: pytest.FixtureRequest) -> Iterator[People]:  # type: ignore[no-untyped-def]
    """The journey's people; at the end no page may have logged a script or CSP error."""
    crowd = People(chromium, kolo_url, viewport, request.node.name)
    yield crowd
    crowd.close()
    assert crowd.errors == [], crowd.errors
