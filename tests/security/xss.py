"""The XSS corpus and what it takes to run it: payloads packed into a field's length, content made from them
through the services, and a browser page that records every script the payloads manage to run.

Content is made through the services (fast) and read in Chromium, many payloads to a page. A page counts as
breached when a payload calls `alert`, `confirm`, `prompt`, `print` or `open` (each is replaced by a recorder
before any of the page's own scripts run), opens a dialog, or leaves live markup in the document: an `on…`
handler, a `javascript:` URL, or an element that runs or embeds code and is not Kolo's own. The live-markup check
catches payloads that wait for a click or a hover as well as those that fire on load."""

import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import UploadFile
from sqlmodel import Session
from starlette.datastructures import Headers

from app.config import Settings
from app.errors import AppError
from app.models.feed import CommentCreate, EventCreate, EventFormat, PostCreate, PostKind
from app.models.kb import ArticleCreate, CategoryCreate
from app.models.onboarding import AssignmentCreate, ChecklistCreate, ChecklistTaskCreate, SectionCreate
from app.models.users import Role, User, UserCreate, UserUpdate
from app.pagination import encode_cursor
from app.services import uploads as uploads_service
from app.services import users as users_service
from app.services.feed import posts as feed_posts
from app.services.feed import social as feed_social
from app.services.kb import articles as kb_articles
from app.services.kb import categories as kb_categories
from app.services.onboarding import assignments, checklists
from app.services.search import gaps
from tests.factories import MONDAY, PASSWORD

PAYLOADS_FILE = Path(__file__).resolve().parent.parent / "data" / "xss_payloads.jsonl"
REASON = "XSS corpus: test text, no patient data"  # the guard holds back payloads that look like an e-mail or phone
FEED_PAGE = 20  # posts on a page of the feed
PEOPLE_OPENED = 20  # people whose edit page is opened; the list of people shows every name
HOOKED = ("alert", "confirm", "prompt", "print", "open")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f6ec"
    "9a0000000049454e44ae426082"
)

# Runs in every frame before the page's own scripts: the hooked functions only record that they were called.
RECORDER = f"""
window.__xss = [];
for (const name of {json.dumps(HOOKED)}) {{
  window[name] = function (...args) {{ window.__xss.push(name + "(" + String(args[0]).slice(0, 80) + ")"); }};
}}
"""

# Live markup a payload left behind. Kolo's own pages carry no inline handlers (the CSP forbids them) and load
# scripts only from /static with the response's nonce, so anything found here came from content.
LIVE_MARKUP = """
() => {
  // Through the prototypes' own getters: a payload's <form name=…> or <img name=…> may shadow the properties.
  const get = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
  const all = Document.prototype.querySelectorAll.call(document, "*");
  const attrsOf = get(Element.prototype, "attributes"), tagOf = get(Element.prototype, "localName");
  const found = [];
  const urlAttrs = ["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "poster", "background"];
  for (const el of all) try {
    const tag = tagOf.call(el);
    for (const attr of attrsOf.call(el)) {
      const name = attr.name.toLowerCase(), value = attr.value.replace(/[\\s\\u0000-\\u001f]+/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`<${tag} ${name}>`);
      else if (urlAttrs.includes(name) && /^(javascript|vbscript|data:text\\/html)/.test(value))
        found.push(`<${tag} ${name}=${value.slice(0, 40)}>`);
    }
    if (tag === "script") {
      const src = HTMLScriptElement.prototype.getAttribute.call(el, "src") || "";
      if (!get(HTMLElement.prototype, "nonce").call(el) || !(src === "" || src.startsWith("/static/")))
        found.push("<script> without Kolo's nonce");
    }
    if (["iframe", "frame", "object", "embed", "base", "portal"].includes(tag)) found.push(`<${tag}>`);
    const equiv = Element.prototype.getAttribute.call(el, "http-equiv") || "";
    if (tag === "meta" && equiv.toLowerCase() === "refresh") found.push("<meta refresh>");
  } catch (error) {
    found.push(`the check itself broke (${error}): a payload's script changed the page`);
  }
  return found;
}
"""


def load_payloads() -> list[str]:
    """The corpus: one payload per line of tests/data/xss_payloads.jsonl, less those with a NUL character (Kolo
    refuses any text with one, app/db.py, so they would only take their packed neighbours down with them)."""
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    return [p for line in lines if line.strip() and "\x00" not in (p := json.loads(line)["payload"])]


def pack(payloads: Sequence[str], max_length: int, separator: str = " ") -> list[str]:
    """The payloads joined into as few values as fit `max_length` each; a payload longer than that is left out."""
    values: list[str] = []
    current = ""
    for payload in payloads:
        if len(payload) > max_length:
            continue
        joined = f"{current}{separator}{payload}" if current else payload
        if len(joined) > max_length:
            values.append(current)
            joined = payload
        current = joined
    return values + ([current] if current else [])


def chunk(payloads: Sequence[str], size: int) -> list[str]:
    """Markdown texts of `size` payloads each, one paragraph per payload."""
    return ["\n\n".join(payloads[i : i + size]) for i in range(0, len(payloads), size)]


@dataclass
class Corpus:
    """What was made from the payloads: per field how many values were stored and refused, and the pages to read."""

    stored: dict[str, int] = field(default_factory=dict)
    refused: dict[str, list[str]] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)

    def attempt(self, name: str, make: Callable[..., Any], **arguments: Any) -> Any:
        """Make one value of field `name` with `make(**arguments)`; a refusal (validation, the guard) is counted,
        not raised."""
        try:
            made = make(**arguments)
        except (AppError, ValueError) as error:
            arguments["session"].rollback()  # a refusal at the database leaves the session to be rolled back
            self.refused.setdefault(name, []).append(f"{type(error).__name__}: {str(error)[:100]}")
            return None
        self.stored[name] = self.stored.get(name, 0) + 1
        return made


def sign_up(db: Session, email: str, role: Role, name: str = "Тест Тестович", department_id: int | None = None) -> User:
    """An account with the tests' password."""
    data = UserCreate(email=email, name=name, role=role, department_ids=[department_id] if department_id else [])
    return users_service.create_user(session=db, data=data, actor=None, password=PASSWORD)


def make_posts(db: Session, corpus: Corpus, author: User, payloads: Sequence[str], settings: Settings) -> None:
    """Post bodies (Markdown, 30 payloads to a post), tags, upload file names, and comments on the first post."""
    tags = pack([p for p in payloads if len(p) <= 60], 60, separator="\n")
    names = pack(payloads, 190)
    bodies = chunk(payloads, 30)
    first = None
    for i, body in enumerate(bodies):
        upload_ids = [u.id for u in _uploads(db, corpus, author, names[i :: len(bodies)], settings)]
        data = PostCreate(
            body=body,
            kind=PostKind.tip,
            tags=tags[i :: len(bodies)][0].split("\n") if tags[i :: len(bodies)] else [],
            upload_ids=[u for u in upload_ids if u is not None],
            override_reason=REASON,
        )
        post = corpus.attempt("post body", feed_posts.create_post, session=db, author=author, data=data)
        if post is not None:
            corpus.pages.append(f"/posts/{post.id}")
            first = first or post
    if first is None:
        return
    for body in bodies:
        comment = CommentCreate(body=body, override_reason=REASON)
        corpus.attempt("comment", feed_social.create_comment, session=db, user=author, post=first, data=comment)


def _uploads(db: Session, corpus: Corpus, owner: User, names: Sequence[str], settings: Settings) -> Iterator[Any]:
    for name in names:
        file = UploadFile(io.BytesIO(PNG), filename=name + ".png", headers=Headers({"content-type": "image/png"}))
        upload = corpus.attempt(
            "upload file name", uploads_service.save_upload, session=db, settings=settings, owner=owner, file=file
        )
        if upload is not None:
            yield upload


def make_events(db: Session, corpus: Corpus, author: User, payloads: Sequence[str]) -> None:
    """Events whose title, place and link (after https://) are packed payloads, read on the feed's pages."""
    titles, places, links = pack(payloads, 200), pack(payloads, 300), pack(payloads, 480)
    start, ids = datetime(2030, 3, 10, 10, 0), []
    for i in range(len(titles)):
        event = EventCreate(
            title=titles[i],
            format=EventFormat.training,
            starts_at=start + timedelta(days=i),
            ends_at=start + timedelta(days=i, hours=2),
            place=places[i % len(places)] if i < len(places) else "Актова зала",
            link="https://kolo.test/" + links[i] if i < len(links) else "",
        )
        data = PostCreate(body="Подія", kind=PostKind.event, event=event, override_reason=REASON)
        post = corpus.attempt("event", feed_posts.create_post, session=db, author=author, data=data)
        if post is not None:
            ids.append(post.id)
    # the feed lists them newest first, 20 to a page: each page starts below the last id of the one before
    newest_first = sorted(ids, reverse=True)
    starts = [newest_first[0] + 1] + newest_first[FEED_PAGE - 1 :: FEED_PAGE]
    corpus.pages += ["/?" + urlencode({"cursor": encode_cursor(start)}) for start in starts]


def make_articles(db: Session, corpus: Corpus, author: User, payloads: Sequence[str]) -> None:
    """Knowledge-base drafts: packed titles, Markdown bodies of 30 payloads and packed tags."""
    titles, bodies = pack(payloads, 200), chunk(payloads, 30)
    tags = pack([p for p in payloads if len(p) <= 60], 60, separator="\n")
    for i in range(max(len(titles), len(bodies))):
        data = ArticleCreate(
            title=titles[i % len(titles)],
            body=bodies[i] if i < len(bodies) else "",
            slug=f"xss-{i}",
            tags=tags[i].split("\n")[:20] if i < len(tags) else [],
            override_reason=REASON,
        )
        article = corpus.attempt("article", kb_articles.create_article, session=db, author=author, data=data)
        if article is not None:
            corpus.pages.append(f"/kb/{article.slug}")


def make_categories(db: Session, corpus: Corpus, manager: User, payloads: Sequence[str]) -> None:
    """Knowledge-base categories named by packed payloads, all on the categories page."""
    for name in pack(payloads, 120):
        data = CategoryCreate(name=name)
        corpus.attempt("KB category", kb_categories.create_category, session=db, user=manager, data=data)
    corpus.pages += ["/kb/categories", "/kb"]


def make_checklist(db: Session, corpus: Corpus, manager: User, hire: User, payloads: Sequence[str]) -> None:
    """One onboarding checklist: packed section and task titles, task instructions of 30 payloads; assigned to the
    hire, so the plan shows the tasks as the hire reads them."""
    instructions = chunk(payloads, 30)
    tasks = [
        ChecklistTaskCreate(title=title, instructions=instructions[i] if i < len(instructions) else "")
        for i, title in enumerate(pack(payloads, 300))
    ]
    sections = [SectionCreate(title=title) for title in pack(payloads, 200)]
    sections[0].tasks = tasks
    data = ChecklistCreate(name="Перший тиждень", sections=sections)
    template = corpus.attempt("checklist", checklists.create_checklist, session=db, actor=manager, data=data)
    if template is None:
        return
    plan = AssignmentCreate(user_id=hire.id, template_id=template.id, start_date=MONDAY)  # type: ignore[arg-type]
    assignment = corpus.attempt("assignment", assignments.assign, session=db, actor=manager, data=plan, holidays=())
    db.commit()
    corpus.pages.append(f"/onboarding/templates/{template.id}")
    if assignment is not None:
        corpus.pages.append(f"/onboarding/assignments/{assignment.id}")


def make_people(db: Session, corpus: Corpus, admin: User, payloads: Sequence[str]) -> None:
    """People whom the admin renames to packed payloads and gives packed handles; the list shows them all."""
    handles = pack(payloads, 40)
    for i, name in enumerate(pack(payloads, 200)):
        person = sign_up(db, f"person{i}@kolo.test", Role.staff)
        data = UserUpdate(name=name)
        corpus.attempt("profile name", users_service.update_user, session=db, user=person, data=data, actor=admin)
        if i < len(handles):
            handle = UserUpdate(handle=handles[i])
            corpus.attempt(
                "profile handle", users_service.update_user, session=db, user=person, data=handle, actor=admin
            )
        if i < PEOPLE_OPENED:
            corpus.pages.append(f"/admin/users/{person.id}")
    corpus.pages += ["/admin", "/account"]


def make_searches(db: Session, corpus: Corpus, people: Sequence[User], payloads: Sequence[str]) -> None:
    """Search pages for packed queries, and the same queries run by enough people to reach the gap report."""
    departments = [users_service.ensure_department(session=db, name=name).id for name in ("Терапія", "Хірургія")]
    db.commit()
    for i, text in enumerate(pack(payloads, 500)):
        logged = [
            corpus.attempt(
                "search query",
                gaps.log_query,
                session=db,
                user=person,
                department_ids=[departments[i % 2]],
                text=text,
                result_count=0,
                shown=False,
            )
            for person in people
        ]
        if all(logged):
            corpus.pages.append("/search?" + urlencode({"q": text}))
    corpus.pages += [f"/search/gaps?department={d}" for d in departments]


def seed(db: Session, settings: Settings, payloads: Sequence[str], *, admin_email: str) -> Iterator[Corpus]:
    """Every kind of content made from the payloads, by an admin (whose own name is a payload too), one kind at a
    time: the caller reads each kind's pages before the next is made (a checklist's page lists everyone as a
    possible person to meet, so it is read before the people are made)."""
    admin = sign_up(db, admin_email, Role.admin, name=payloads[0][:200])
    hire = sign_up(db, "hire@kolo.test", Role.staff)
    steps: list[Callable[[Corpus], None]] = [
        lambda corpus: make_posts(db, corpus, admin, payloads, settings),
        lambda corpus: make_events(db, corpus, admin, payloads),
        lambda corpus: make_articles(db, corpus, admin, payloads),
        lambda corpus: make_categories(db, corpus, admin, payloads),
        lambda corpus: make_checklist(db, corpus, admin, hire, payloads),
        lambda corpus: make_people(db, corpus, admin, payloads),
        lambda corpus: make_searches(db, corpus, [admin, hire], payloads),
    ]
    for step in steps:
        corpus = Corpus()
        step(corpus)
        yield corpus


@dataclass
class Breach:
    """What a payload managed on one page."""

    page: str
    calls: list[str]
    markup: list[str]


def read_pages(chromium: Any, url: str, email: str, pages: Sequence[str]) -> list[Breach]:
    """Sign in as `email` and open every page with the recorder in place; the pages where a payload got through.
    The browser ignores the CSP, so the escaping and the sanitizer alone must hold."""
    context = chromium.new_context(base_url=url, locale="uk-UA", bypass_csp=True)
    context.set_default_timeout(15_000)
    context.add_init_script(RECORDER)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}({dialog.message[:80]})")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("popup", lambda popup: dialogs.append(f"popup({popup.url[:80]})"))
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda u: "/login" not in u)
    breaches = []
    try:
        for path in pages:
            dialogs.clear()
            page.goto(path, wait_until="load")
            page.wait_for_timeout(30)  # handlers queued by onload/onerror/autofocus run after the load event
            calls = dialogs + page.evaluate("window.__xss || []")
            markup = page.evaluate(LIVE_MARKUP)
            if calls or markup:
                breaches.append(Breach(path, calls, markup))
    finally:
        context.close()
    return breaches
