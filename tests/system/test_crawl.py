"""Every page reachable by links, as each demo person: none answers an error, every form that posts carries the token
the page rendered, and every GET form submitted with its defaults (filters left at "All…") is answered."""

from collections import deque

import pytest
from sqlmodel import Session

from app.demo import DEMO_PASSWORD, load_demo
from tests.forms import parse, submit

PEOPLE = ("admin@kolo.local", "manager@kolo.local", "nurse@kolo.local", "newhire@kolo.local")
NOT_PAGES = ("/logout", "/static/", "/uploads/", "/docs", "/redoc", "/openapi.json")
DOWNLOADS = (".csv", ".ics", ".zip")
MAX_PAGES = 250


@pytest.mark.parametrize("email", PEOPLE)
def test_every_page_and_form_answers(client, email: str) -> None:  # type: ignore[no-untyped-def]
    with Session(client.app.state.engine) as db:  # type: ignore[attr-defined]
        load_demo(db)
    signed_in = submit(client, "/login", "/login", {"email": email, "password": DEMO_PASSWORD})
    assert signed_in.status_code == 200 and "/login" not in str(signed_in.url), signed_in.text[:300]

    problems: list[str] = []
    seen: set[str] = set()
    queue, forms_posting, forms_get = deque(["/"]), 0, 0
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, headers={"Accept": "text/html"})
        if response.status_code >= 400:
            problems.append(f"GET {path}: {response.status_code}")
            continue
        if path.endswith(DOWNLOADS) or "text/html" not in response.headers.get("content-type", ""):
            continue
        forms, links = parse(response.text, path)
        queue.extend(
            link for link in links if link.startswith("/") and not link.startswith(NOT_PAGES) and link not in seen
        )
        for form in forms:
            if form.method == "post":
                forms_posting += 1
                if not dict(form.fields).get("csrf_token"):
                    problems.append(f"{path}: the form posting to {form.action} has no CSRF token")
            elif form.submittable and not form.action.startswith(NOT_PAGES):
                forms_get += 1
                answer = client.get(form.action.split("?")[0], params=form.fields, headers={"Accept": "text/html"})
                if answer.status_code >= 400:
                    problems.append(f"{path}: GET form {form.action} with its defaults answers {answer.status_code}")
    print(f"\n{email}: {len(seen)} pages, {forms_posting} posting forms, {forms_get} GET forms submitted")
    assert len(seen) > 20, f"the crawl found only {sorted(seen)}"
    assert problems == [], "\n".join(sorted(set(problems)))
