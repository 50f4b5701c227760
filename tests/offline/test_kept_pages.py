"""What a person's device keeps to read offline: the protocols they must know (asked of them, or acknowledged by
them) and the feed, only to them; a copy kept for the device is no reader; signing out empties the device."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models.kb import ArticleUpdate, KbView
from app.models.users import User
from app.services.kb import acknowledgements, lifecycle
from app.services.kb import articles as kb_articles
from app.services.users import department_ids_of
from tests.conftest import sign_in, sign_in_page
from tests.factories import make_article, make_user, publish_article, set_article_departments
from tests.forms import submit


@pytest.fixture
def surgeon(session: Session) -> User:
    return make_user(session, email="surgeon@kolo.test", name="Ткаченко Андрій", departments=["Хірургія"])


@pytest.fixture
def library(session: Session, manager: User, staff: User, admin: User, surgeon: User) -> None:
    """Protocols of every kind: asked of everyone; acknowledged by the nurse and no longer asked of anyone; never
    asked; Surgery's; a draft; acknowledged by the nurse and since archived."""

    def protocol(slug: str, *, ask: bool = True, published: bool = True):  # type: ignore[no-untyped-def]
        article = make_article(session, manager, title=slug, slug=slug, requires_acknowledgement=ask)
        return publish_article(session, article, manager) if published else article

    protocol("asked")
    acknowledged = protocol("acknowledged")
    acknowledgements.acknowledge(session=session, user=staff, article=acknowledged)
    kb_articles.save_article(
        session=session, user=manager, article=acknowledged, data=ArticleUpdate(requires_acknowledgement=False)
    )
    protocol("not-asked", ask=False)
    surgery = protocol("surgery-only")
    set_article_departments(session, surgery, admin, department_ids_of(session=session, user=surgeon))
    protocol("draft", published=False)
    archived = protocol("archived")
    acknowledgements.acknowledge(session=session, user=staff, article=archived)
    lifecycle.archive(session=session, user=manager, article=archived)


def _kept(client: TestClient) -> list[str]:
    return [article["url"] for article in client.get("/api/v1/offline/articles").json()["articles"]]


def test_the_list_holds_exactly_the_protocols_the_person_must_know(
    client: TestClient, new_client, library, staff: User, surgeon: User
) -> None:  # type: ignore[no-untyped-def]
    nurse = sign_in(client, staff.email)
    answer = nurse.get("/api/v1/offline/articles").json()
    assert answer["user_id"] == staff.id and answer["feed_url"] == "/"
    assert answer["articles"] == [
        {"title": "acknowledged", "url": "/kb/acknowledged"},
        {"title": "asked", "url": "/kb/asked"},
    ]
    assert _kept(sign_in(new_client(), surgeon.email)) == ["/kb/asked", "/kb/surgery-only"]


def test_signed_out_the_list_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/offline/articles")
    assert response.status_code == 401 and response.json()["error"] == "Unauthorized"


def test_the_offline_page_lists_the_kept_protocols_and_signed_out_names_no_one(
    client: TestClient, new_client, library, staff: User
) -> None:  # type: ignore[no-untyped-def]
    anonymous = new_client().get("/offline").text
    assert "Не збережено на цьому пристрої" in anonymous and "Увійдіть, поки є з’єднання" in anonymous
    page = sign_in(client, staff.email).get("/offline").text
    assert 'href="/kb/asked"' in page and 'href="/kb/acknowledged"' in page and 'href="/kb/not-asked"' not in page


def test_a_copy_kept_for_the_device_counts_no_view(client: TestClient, session: Session, library, staff) -> None:  # type: ignore[no-untyped-def]
    nurse = sign_in(client, staff.email)
    assert nurse.get("/kb/asked", headers={"X-Kolo-Offline-Copy": "1"}).status_code == 200
    views = select(KbView).where(col(KbView.user_id) == staff.id)
    assert session.exec(views).all() == []
    assert nurse.get("/kb/asked").status_code == 200
    assert len(session.exec(views).all()) == 1


def test_signing_out_tells_the_browser_to_empty_the_sites_caches_and_storage(
    client: TestClient, new_client, staff: User
) -> None:  # type: ignore[no-untyped-def]
    page = sign_in_page(client, staff.email)
    answer = submit(page, "/", "/logout", {}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["clear-site-data"] == '"cache", "storage"'
    api = sign_in(new_client(), staff.email)
    assert api.post("/api/v1/auth/logout").headers["clear-site-data"] == '"cache", "storage"'
