"""The seeded world the authorization matrix calls into: two departments, the four roles plus a colleague and an
outsider, and for every kind of row a path names one of the caller's own, a colleague's, another department's and an
unpublished one. Seeded once through the API (so every rule applies); each route then runs on a copy."""

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_token, make_user

ROLES = ("anonymous", "staff", "manager", "admin")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@dataclass
class World:
    """Path values per case (`own` per role), and each signed-in role's credentials."""

    own: dict[str, dict[str, Any]] = field(default_factory=dict)  # role -> the caller's own rows
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)  # case -> rows of that case
    tokens: dict[str, str] = field(default_factory=dict)  # role -> API token
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)  # role -> session cookies
    csrf: dict[str, str] = field(default_factory=dict)  # role -> the CSRF token its pages render
    ids: dict[str, int] = field(default_factory=dict)  # named people and departments


def _ok(response: Any) -> Any:
    assert response.status_code in (200, 201), f"{response.request.method} {response.request.url}: {response.text}"
    return response.json()


class _Seeder:
    def __init__(self, client: TestClient, session: Session) -> None:
        self.client = client
        self.session = session
        self.tokens: dict[str, str] = {}

    def person(self, key: str, email: str, name: str, role: str, departments: list[str]) -> int:
        user = make_user(self.session, email=email, name=name, role=role, departments=departments)
        self.tokens[key] = make_token(self.session, user)["Authorization"]
        assert user.id is not None
        user_id = user.id
        self.session.close()  # hold no SQLite lock while the API writes
        return user_id

    def api(self, who: str, method: str, path: str, **kwargs: Any) -> Any:
        return _ok(self.client.request(method, path, headers={"Authorization": self.tokens[who]}, **kwargs))

    def post(self, who: str, body: str, departments: list[int] | None = None, **extra: Any) -> Any:
        return self.api(who, "POST", "/api/v1/posts", json={"body": body, "department_ids": departments or [], **extra})

    def event(self, who: str, title: str, departments: list[int] | None = None) -> Any:
        window = {"title": title, "starts_at": "2030-01-10T09:00:00Z", "ends_at": "2030-01-10T10:00:00Z"}
        return self.post(who, f"Подія: {title}", departments, kind="event", event=window)["event"]

    def upload(self, who: str) -> int:
        files = {"file": ("схема.png", PNG, "image/png")}
        return int(self.api(who, "POST", "/api/v1/uploads", files=files)["id"])

    def article(self, who: str, title: str, departments: list[int] | None = None, publish: bool = True) -> Any:
        data = {"title": title, "body": "Тридцять секунд.", "requires_acknowledgement": True}
        article = self.api(who, "POST", "/api/v1/articles", json={**data, "department_ids": departments or []})
        if publish:
            self.api("admin", "POST", f"/api/v1/articles/{article['id']}/publish", json={"major": True})
        revision = self.api("admin", "GET", f"/api/v1/articles/{article['id']}/revisions")["items"][0]
        return {"article_id": article["id"], "slug": article["slug"], "revision_id": revision["id"]}

    def template(self, who: str, name: str, department: int) -> Any:
        task = {"title": "Отримати бейдж", "kind": "do"}
        data = {"name": name, "department_ids": [department], "sections": [{"title": "День перший", "tasks": [task]}]}
        template = self.api(who, "POST", "/api/v1/onboarding/templates", json=data)
        section = template["sections"][0]
        return {
            "template_id": template["id"],
            "section_id": section["id"],
            "template_task_id": section["tasks"][0]["id"],
        }

    def plan(self, who: str, hire: int, template_id: int, department: int) -> Any:
        data = {"user_id": hire, "template_id": template_id, "start_date": "2030-01-06", "department_id": department}
        plan = self.api(who, "POST", "/api/v1/onboarding/assignments", json=data)
        return {"assignment_id": plan["id"], "assigned_task_id": plan["tasks"][0]["id"]}

    def own_items(self, who: str, kind: str) -> list[Any]:
        return list(self.api(who, "GET", f"/api/v1/{kind}")["items"])


def seed(client: TestClient, session: Session) -> World:
    """Make the world through the API and sign every role in (a page session and an API token each)."""
    s = _Seeder(client, session)
    world = World()
    people = {
        "staff": ("nurse@kolo.test", "Шевченко Марія", "staff", ["Терапія"]),
        "manager": ("head@kolo.test", "Бондаренко Ігор", "manager", ["Терапія"]),
        "admin": ("admin@kolo.test", "Коваленко Оксана", "admin", ["Терапія"]),
        "colleague": ("colleague@kolo.test", "Ткаченко Олена", "staff", ["Терапія"]),
        "outsider": ("surgeon@kolo.test", "Литвин Петро", "staff", ["Хірургія"]),
        "surgery_head": ("surgery-head@kolo.test", "Гнатюк Роман", "manager", ["Хірургія"]),
    }
    world.ids = {key: s.person(key, *spec) for key, spec in people.items()}
    departments = {d["name"]: d["id"] for d in s.api("admin", "GET", "/api/v1/departments")["items"]}
    therapy, surgery = departments["Терапія"], departments["Хірургія"]
    world.ids.update(therapy=therapy, surgery=surgery)

    therapy_template = s.template("manager", "Перший тиждень у терапії", therapy)
    surgery_template = s.template("surgery_head", "Перший тиждень у хірургії", surgery)
    colleague_post = s.post("colleague", "Порада колеги")
    surgery_post = s.post("outsider", "Лише для хірургії", [surgery])
    for role in ("staff", "manager", "admin"):
        post = s.post(role, f"Допис ({role})")
        comment = s.api(role, "POST", f"/api/v1/posts/{colleague_post['id']}/comments", json={"body": "Дякую"})
        s.api("colleague", "POST", f"/api/v1/posts/{post['id']}/comments", json={"body": "Корисно"})
        hire = world.ids[role]
        plan = s.plan("admin", hire, therapy_template["template_id"], therapy)
        world.own[role] = {
            "post_id": post["id"],
            "comment_id": comment["id"],
            "event_id": s.event(role, f"Нарада ({role})")["id"],
            "upload_id": s.upload(role),
            **s.article(role, f"Чернетка ({role})", publish=False),
            **plan,
            "user_id": hire,
            "department_id": therapy,
            "token_id": s.own_items(role, "tokens")[0]["id"],
            "notification_id": s.own_items(role, "notifications")[0]["id"],
        }
    colleague_comment = s.api("colleague", "POST", f"/api/v1/posts/{colleague_post['id']}/comments", json={"body": "!"})
    surgery_comment = s.api("outsider", "POST", f"/api/v1/posts/{surgery_post['id']}/comments", json={"body": "!"})
    colleague_plan = s.plan("manager", world.ids["colleague"], therapy_template["template_id"], therapy)
    surgery_plan = s.plan("surgery_head", world.ids["outsider"], surgery_template["template_id"], surgery)
    world.cases["other"] = {
        "post_id": colleague_post["id"],
        "comment_id": colleague_comment["id"],
        "event_id": s.event("colleague", "Семінар для всіх")["id"],
        "upload_id": s.upload("colleague"),
        **s.article("manager", "Гігієна рук"),
        **colleague_plan,
        **therapy_template,
        "user_id": world.ids["colleague"],
        "department_id": therapy,
        "token_id": s.own_items("colleague", "tokens")[0]["id"],
        "notification_id": s.own_items("colleague", "notifications")[0]["id"],
    }
    world.cases["dept"] = {
        "post_id": surgery_post["id"],
        "comment_id": surgery_comment["id"],
        "event_id": s.event("surgery_head", "Лише для хірургії", [surgery])["id"],
        **s.article("surgery_head", "Протокол хірургії", [surgery]),
        **surgery_plan,
        **surgery_template,
        "user_id": world.ids["outsider"],
        "department_id": surgery,
    }
    world.cases["draft"] = s.article("colleague", "Чернетка колеги", publish=False)
    category = s.api("manager", "POST", "/api/v1/kb/categories", json={"name": "Інфекційний контроль"})
    onboarding_rule = s.api(
        "manager", "POST", "/api/v1/onboarding/rules", json={"department_id": therapy, **_only(therapy_template)}
    )
    pattern = {"name": "Номер картки", "pattern": "КАРТ-\\d{6}"}
    patient_rule = s.api("admin", "POST", "/api/v1/patient-data/rules", json=pattern)
    synonyms = s.api("manager", "POST", "/api/v1/search/synonyms", json={"terms": ["розклад", "графік"]})
    world.cases["-"] = {
        "category_id": category["id"],
        "onboarding_rule_id": onboarding_rule["id"],
        "patient_rule_id": patient_rule["id"],
        "group_id": synonyms["id"],
        "token": "no-such-invite",
        **therapy_template,
    }
    for role in ("colleague", "staff", "manager", "admin"):
        world.tokens[role] = s.tokens[role]
        email = people[role][0]
        client.cookies.clear()
        login = _ok(client.post("/api/v1/auth/login", json={"email": email, "password": "Correct-Horse-42!"}))
        world.csrf[role] = login["csrf_token"]
        world.cookies[role] = dict(client.cookies)
        world.own.setdefault(role, world.cases["other"])["session_id"] = s.own_items(role, "sessions")[0]["id"]
    client.cookies.clear()
    return world


def _only(template: dict[str, Any]) -> dict[str, Any]:
    return {"template_id": template["template_id"]}
