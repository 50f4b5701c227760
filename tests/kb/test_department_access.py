"""Department-only articles: read inside their departments only, by members, their managers, author, owner, admins."""

import pytest

from app.models.users import UserUpdate
from app.services.kb.search import ArticleSource
from app.services.search.keys import reader_keys
from app.services.users import department_ids_of, update_user
from tests.conftest import sign_in
from tests.factories import set_article_departments
from tests.kb.helpers import make_article, publish


@pytest.fixture
def therapy_only(session, manager, staff):
    """A published protocol for Therapy that asks for acknowledgement, written by a Therapy nurse."""
    article = make_article(
        session, staff, title="Протокол терапії", body="Лише для терапії.", requires_acknowledgement=True
    )
    set_article_departments(session, article, manager, department_ids_of(session=session, user=manager))
    return publish(session, article, manager)


class TestOtherDepartmentsManager:
    def test_cannot_open_it_by_page_or_api(self, new_client, surgery_head, therapy_only):
        client = sign_in(new_client(), surgery_head.email)
        for url in (
            "/kb/protokol-terapii",
            "/kb/protokol-terapii/history",
            "/kb/protokol-terapii/print",
            "/kb/protokol-terapii/acknowledgements",
            "/kb/protokol-terapii/acknowledgements.csv",
            "/kb/protokol-terapii/views",
            f"/api/v1/articles/{therapy_only.id}",
            f"/api/v1/articles/{therapy_only.id}/acknowledgements",
            f"/api/v1/articles/{therapy_only.id}/revisions",
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/api/v1/articles/{therapy_only.id}/archive").status_code == 404

    def test_does_not_see_it_in_lists(self, new_client, surgery_head, therapy_only):
        client = sign_in(new_client(), surgery_head.email)
        assert "Протокол терапії" not in client.get("/kb").text
        assert all(a["id"] != therapy_only.id for a in client.get("/api/v1/articles").json()["items"])
        assert "Протокол терапії" not in client.get("/kb/reports/reviews").text

    def test_search_keeps_it_from_them(self, session, surgery_head, manager, staff, admin, therapy_only):
        source = ArticleSource()
        keys = source.load(session, [therapy_only.id])[0].visibility
        assert "role:manager" not in keys and "all" not in keys
        assert source.readable_ids(session, surgery_head, [therapy_only.id]) == set()
        for reader in (manager, staff, admin):
            assert source.readable_ids(session, reader, [therapy_only.id]) == {therapy_only.id}


class TestReadersInside:
    def test_the_departments_manager_and_admins_read_it_and_its_report(
        self, manager_client, admin_client, therapy_only
    ):
        assert manager_client.get("/kb/protokol-terapii").status_code == 200
        csv = manager_client.get("/kb/protokol-terapii/acknowledgements.csv")
        assert csv.status_code == 200 and "nurse@kolo.test" in csv.text
        assert admin_client.get("/kb/protokol-terapii").status_code == 200
        assert any(a["id"] == therapy_only.id for a in admin_client.get("/api/v1/articles").json()["items"])


class TestDrafts:
    def test_a_department_draft_is_for_its_author_and_its_departments_managers(
        self, session, new_client, staff, manager, surgery_head
    ):
        therapy = department_ids_of(session=session, user=staff)
        draft = make_article(session, staff, title="Чернетка терапії", department_ids=therapy)
        assert sign_in(new_client(), manager.email).get("/kb/chernetka-terapii").status_code == 200
        assert sign_in(new_client(), surgery_head.email).get("/kb/chernetka-terapii").status_code == 404
        keys = set(ArticleSource().load(session, [draft.id])[0].visibility)
        assert "role:manager" not in keys and "all" not in keys

        def finds(user):  # type: ignore[no-untyped-def]
            return bool(keys & set(reader_keys(user, department_ids_of(session=session, user=user))))

        assert finds(manager) and finds(staff) and not finds(surgery_head)
        # Joining the department is enough for search to find the draft: nothing is re-indexed.
        update_user(
            session=session,
            user=surgery_head,
            actor=manager,
            data=UserUpdate(department_ids=[*department_ids_of(session=session, user=surgery_head), *therapy]),
        )
        assert finds(surgery_head)

    def test_a_draft_for_everyone_is_still_seen_by_every_manager(self, session, new_client, staff, surgery_head):
        make_article(session, staff, title="Чернетка для всіх")
        assert sign_in(new_client(), surgery_head.email).get("/kb/chernetka-dlia-vsikh").status_code == 200
