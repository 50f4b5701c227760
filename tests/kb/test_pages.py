"""Knowledge-base pages: each route renders for who may use it and refuses who may not."""

import re

from tests.conftest import sign_in
from tests.factories import make_user
from tests.kb.helpers import make_article, publish, save


def _form_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


class TestBrowseAndRead:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get("/kb", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")

    def test_list_article_and_print(self, staff_client, session, manager):
        article = make_article(session, manager, title="Гігієна рук", body="## Кроки\n\n1. Нанесіть антисептик",
                               tags=["гігієна"])
        publish(session, article, manager)
        assert "Гігієна рук" in staff_client.get("/kb").text
        assert "Гігієна рук" in staff_client.get("/kb?tag=гігієна").text
        page = staff_client.get("/kb/hihiiena-ruk")
        assert page.status_code == 200 and "Нанесіть антисептик" in page.text
        assert staff_client.get("/kb/hihiiena-ruk/print").status_code == 200

    def test_department_article_is_404_for_others(self, staff_client, session, manager, new_client):
        surgeon = make_user(session, email="surgeon@kolo.test", departments=["Хірургія"])
        article = make_article(session, surgeon, title="Для хірургії")
        publish(session, article, manager)
        from app.models.kb import ArticleUpdate
        from app.services.kb import articles
        from app.services.users import department_ids_of
        articles.save_article(session=session, user=manager, article=article,
                              data=ArticleUpdate(department_ids=department_ids_of(session=session, user=surgeon)))
        assert staff_client.get("/kb/dlia-khirurhii").status_code == 404
        assert staff_client.get("/kb/dlia-khirurhii/history").status_code == 404
        assert "Для хірургії" not in staff_client.get("/kb").text
        assert sign_in(new_client(), surgeon.email).get("/kb/dlia-khirurhii").status_code == 200

    def test_someone_elses_draft_is_404(self, staff_client, session, manager):
        make_article(session, manager, title="Чернетка керівника")
        assert staff_client.get("/kb/chernetka-kerivnyka").status_code == 404

    def test_markdown_is_sanitized_and_wikilinks_resolve(self, staff_client, session, manager):
        target = make_article(session, manager, title="Антисептики")
        publish(session, target, manager)
        article = make_article(session, manager, title="Руки",
                               body="Див. [[antyseptyky]] <img src=x onerror=alert(1)> [x](javascript:alert(1))")
        publish(session, article, manager)
        page = staff_client.get("/kb/ruky").text
        assert re.search(r'<a href="/kb/antyseptyky" class="wikilink"[^>]*>Антисептики</a>', page)
        assert "onerror=alert" not in page.replace("&lt;img src=x onerror=alert(1)&gt;", "")
        assert 'href="javascript:' not in page
        assert "Руки" in staff_client.get("/kb/antyseptyky").text  # linked from


class TestEditor:
    def test_new_article_from_template_and_save(self, staff_client):
        page = staff_client.get("/kb/new?template=protocol")
        assert page.status_code == 200 and "Показання та протипоказання" in page.text
        response = staff_client.post("/kb/new", data={"title": "Новий протокол", "body": "Текст",
                                                      "csrf_token": _form_token(page.text)}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/kb/novyi-protokol")

    def test_invalid_form_is_rerendered_with_typed_text(self, staff_client):
        token = _form_token(staff_client.get("/kb/new").text)
        response = staff_client.post("/kb/new", data={"title": "", "body": "Мій текст", "csrf_token": token})
        assert response.status_code == 422 and "Мій текст" in response.text

    def test_preview_without_js_and_with_htmx(self, staff_client):
        token = _form_token(staff_client.get("/kb/new").text)
        page = staff_client.post("/kb/new", data={"title": "X", "body": "**жирний** <script>x</script>",
                                                  "action": "preview", "csrf_token": token})
        assert "<strong>жирний</strong>" in page.text and "<script>x" not in page.text
        fragment = staff_client.post("/kb/preview", data={"body": "# Заголовок", "csrf_token": token})
        assert fragment.text.strip() == "<h1>Заголовок</h1>"

    def test_conflict_keeps_both_texts(self, staff_client, session, staff, manager):
        article = make_article(session, staff, title="Спільна", body="Початок")
        base = article.head_revision_id
        save(session, article, manager, "Версія керівника")
        token = _form_token(staff_client.get("/kb/spilna/edit").text)
        response = staff_client.post("/kb/spilna/edit", data={"title": "Спільна", "body": "Моя версія",
                                                              "base_revision_id": str(base), "csrf_token": token})
        assert response.status_code == 409
        assert "Моя версія" in response.text and "Версія керівника" in response.text

    def test_proposal_by_someone_else_blocks_a_second_editor(self, staff_client, session, manager):
        article = make_article(session, manager, title="Правила")
        publish(session, article, manager)
        other = make_user(session, email="other@kolo.test")
        save(session, article, other, "Пропозиція іншого")
        assert staff_client.get("/kb/pravyla/edit").status_code == 409


class TestManagerPages:
    def test_staff_gets_403_on_manager_pages(self, staff_client, session, manager):
        article = make_article(session, manager, requires_acknowledgement=True)
        publish(session, article, manager)
        for url in ("/kb/reports/reviews", "/kb/categories", "/kb/import", "/kb/hihiiena-ruk/acknowledgements",
                    "/kb/hihiiena-ruk/acknowledgements.csv", "/kb/hihiiena-ruk/views"):
            assert staff_client.get(url).status_code == 403, url
        token = _form_token(staff_client.get("/kb").text)
        for url in ("/kb/hihiiena-ruk/publish", "/kb/hihiiena-ruk/archive", "/kb/hihiiena-ruk/return"):
            assert staff_client.post(url, data={"csrf_token": token, "comment": "x"}).status_code == 403, url

    def test_manager_lifecycle_in_the_browser(self, staff_client, manager_client, session, staff):
        article = make_article(session, staff, title="Протокол", requires_acknowledgement=True)
        token = _form_token(staff_client.get("/kb/protokol").text)
        staff_client.post("/kb/protokol/submit", data={"csrf_token": token})
        mtoken = _form_token(manager_client.get("/kb/protokol").text)
        assert "Протокол" in manager_client.get("/kb?status=pending").text
        manager_client.post("/kb/protokol/publish", data={"csrf_token": mtoken, "major": "major"})
        staff_client.post("/kb/protokol/acknowledge", data={"csrf_token": token})
        report = manager_client.get("/kb/protokol/acknowledgements")
        assert report.status_code == 200 and staff.name in report.text
        csv = manager_client.get("/kb/protokol/acknowledgements.csv")
        assert csv.headers["content-type"].startswith("text/csv") and staff.email in csv.text
        assert staff.name in manager_client.get("/kb/protokol/views").text
        manager_client.post("/kb/protokol/reviewed", data={"csrf_token": mtoken})
        manager_client.post("/kb/protokol/archive", data={"csrf_token": mtoken})
        assert "Протокол" not in manager_client.get("/kb").text
        assert article.id

    def test_history_diff_and_restore(self, manager_client, session, manager):
        article = make_article(session, manager, title="Текст", body="рядок один\nрядок два")
        first = article.head_revision_id
        save(session, article, manager, "рядок один\nрядок <b>три</b>")
        history = manager_client.get("/kb/tekst/history")
        assert history.status_code == 200 and "#2" in history.text
        assert 'data-label="Автор"' in history.text  # the phone layout labels each cell of a revision's card
        diff = manager_client.get(f"/kb/tekst/diff?old={first}&new={article.head_revision_id}")
        assert "<ins>рядок &lt;b&gt;три&lt;/b&gt;</ins>" in diff.text and "<del>рядок два</del>" in diff.text
        token = _form_token(history.text)
        restored = manager_client.post(f"/kb/tekst/revisions/{first}/restore", data={"csrf_token": token},
                                       follow_redirects=False)
        assert restored.status_code == 303
        assert "#3" in manager_client.get("/kb/tekst/history").text

    def test_categories_export_and_import(self, manager_client):
        token = _form_token(manager_client.get("/kb/categories").text)
        manager_client.post("/kb/categories", data={"csrf_token": token, "name": "Інфекційний контроль"})
        jsonl = ('{"title": "Маски", "body": "Коли носити маску.", "category": "Інфекційний контроль"}\n{oops\n'
                 '{"title": "Без тексту"}\n')
        result = manager_client.post("/kb/import", data={"csrf_token": token},
                                     files={"file": ("g.jsonl", jsonl.encode(), "application/json")})
        assert result.status_code == 200
        assert "рядок 2: це не коректний JSON" in result.text and "рядок 3: немає тексту" in result.text
        categories = manager_client.get("/api/v1/kb/categories").json()
        export = manager_client.get(f"/kb/categories/{categories[0]['id']}/export")
        assert export.headers["content-type"] == "application/zip"
        import io
        import zipfile
        names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
        assert names == ["infektsiinyi-kontrol/masky.md"]


class TestAttachments:
    PDF = b"%PDF-1.4\n%test\n"

    def test_editor_attaches_a_pdf_and_readers_can_download(self, manager_client, staff_client, session, manager):
        article = make_article(session, manager, title="Вкладення")
        publish(session, article, manager)
        token = _form_token(manager_client.get("/kb/vkladennia").text)
        response = manager_client.post("/kb/vkladennia/attachments", data={"csrf_token": token},
                                       files={"file": ("схема.pdf", self.PDF, "application/pdf")})
        assert response.status_code == 200 or response.status_code == 303
        page = staff_client.get("/kb/vkladennia").text
        upload_id = re.search(r'href="/uploads/(\d+)">схема.pdf', page).group(1)  # type: ignore[union-attr]
        assert staff_client.get(f"/uploads/{upload_id}").status_code == 200

    def test_fake_type_is_refused(self, manager_client, session, manager):
        make_article(session, manager, title="Вкладення")
        token = _form_token(manager_client.get("/kb/vkladennia").text)
        response = manager_client.post("/kb/vkladennia/attachments", data={"csrf_token": token},
                                       files={"file": ("x.pdf", b"<script>", "application/pdf")})
        assert response.status_code == 422

    def test_files_of_a_draft_are_hidden_from_others(self, manager_client, staff_client, session, manager):
        make_article(session, manager, title="Вкладення")
        token = _form_token(manager_client.get("/kb/vkladennia").text)
        manager_client.post("/kb/vkladennia/attachments", data={"csrf_token": token},
                            files={"file": ("a.pdf", self.PDF, "application/pdf")})
        page = manager_client.get("/kb/vkladennia").text
        upload_id = re.search(r'href="/uploads/(\d+)"', page).group(1)  # type: ignore[union-attr]
        assert staff_client.get(f"/uploads/{upload_id}").status_code == 404
