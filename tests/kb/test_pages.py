"""Knowledge-base pages: each route renders for who may use it and refuses who may not."""

import re

from tests.conftest import sign_in
from tests.factories import make_user, set_article_departments
from tests.forms import find_form, parse, send, submit
from tests.kb.helpers import make_article, publish, save

CSRF_REFUSED = "ключа безпеки"  # the 403 page's text when a form came without its token


class TestBrowseAndRead:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get("/kb", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")

    def test_list_article_and_print(self, staff_client, session, manager):
        article = make_article(
            session, manager, title="Гігієна рук", body="## Кроки\n\n1. Нанесіть антисептик", tags=["гігієна"]
        )
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
        from app.services.users import department_ids_of

        set_article_departments(session, article, manager, department_ids_of(session=session, user=surgeon))
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
        article = make_article(
            session,
            manager,
            title="Руки",
            body="Див. [[antyseptyky]] <img src=x onerror=alert(1)> [x](javascript:alert(1))",
        )
        publish(session, article, manager)
        page = staff_client.get("/kb/ruky").text
        assert re.search(r'<a href="/kb/antyseptyky" class="wikilink"[^>]*>Антисептики</a>', page)
        assert "onerror=alert" not in page.replace("&lt;img src=x onerror=alert(1)&gt;", "")
        assert 'href="javascript:' not in page
        assert "Руки" in staff_client.get("/kb/antyseptyky").text  # linked from


class TestEditor:
    def test_new_article_from_template_and_save(self, staff_page):
        page = staff_page.get("/kb/new?template=protocol")
        assert page.status_code == 200 and "Показання та протипоказання" in page.text
        response = submit(
            staff_page,
            "/kb/new?template=protocol",
            "/kb/new",
            {"title": "Новий протокол", "body": "Текст", "action": "save"},
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"].startswith("/kb/novyi-protokol")

    def test_invalid_form_is_rerendered_with_typed_text(self, staff_page):
        response = submit(staff_page, "/kb/new", "/kb/new", {"title": "", "body": "Мій текст", "action": "save"})
        assert response.status_code == 422 and "Мій текст" in response.text

    def test_preview_without_js_and_with_htmx(self, staff_page):
        page = submit(
            staff_page,
            "/kb/new",
            "/kb/new",
            {"title": "X", "body": "**жирний** <script>x</script>", "action": "preview"},
        )
        assert page.status_code == 200
        assert "<strong>жирний</strong>" in page.text and "<script>x" not in page.text
        # The body's textarea posts to /kb/preview itself (hx-post); htmx sends the enclosing form's fields with it.
        editor = staff_page.get("/kb/new").text
        assert 'name="body" rows="18" hx-post="/kb/preview"' in editor
        fragment = send(
            staff_page,
            find_form(editor, "/kb/new", "/kb/new"),
            {"body": "# Заголовок"},
            to="/kb/preview",
            headers={"HX-Request": "true"},
        )
        assert fragment.status_code == 200 and fragment.text.strip() == "<h1>Заголовок</h1>"

    def test_conflict_keeps_both_texts(self, staff_page, session, staff, manager):
        article = make_article(session, staff, title="Спільна", body="Початок")
        base = article.head_revision_id
        editor = find_form(staff_page.get("/kb/spilna/edit").text, "/kb/spilna/edit", "/kb/spilna/edit")
        assert ("base_revision_id", str(base)) in editor.fields
        save(session, article, manager, "Версія керівника")  # while the staff member's editor is still open
        response = send(staff_page, editor, {"title": "Спільна", "body": "Моя версія", "action": "save"})
        assert response.status_code == 409
        assert "Моя версія" in response.text and "Версія керівника" in response.text

    def test_proposal_by_someone_else_blocks_a_second_editor(self, staff_client, session, manager):
        article = make_article(session, manager, title="Правила")
        publish(session, article, manager)
        other = make_user(session, email="other@kolo.test")
        save(session, article, other, "Пропозиція іншого")
        assert staff_client.get("/kb/pravyla/edit").status_code == 409


class TestManagerPages:
    def test_staff_gets_403_on_manager_pages(self, staff_page, session, manager):
        article = make_article(session, manager, requires_acknowledgement=True)
        publish(session, article, manager)
        for url in (
            "/kb/reports/reviews",
            "/kb/categories",
            "/kb/import",
            "/kb/hihiiena-ruk/acknowledgements",
            "/kb/hihiiena-ruk/acknowledgements.csv",
            "/kb/hihiiena-ruk/views",
        ):
            assert staff_page.get(url).status_code == 403, url
        page = staff_page.get("/kb/hihiiena-ruk").text
        forms, _ = parse(page, "/kb/hihiiena-ruk")
        manager_only = ("/kb/hihiiena-ruk/publish", "/kb/hihiiena-ruk/archive", "/kb/hihiiena-ruk/return")
        assert not {f.action for f in forms} & set(manager_only)  # the page offers staff none of these forms
        # Deliberately forged: the manager's forms sent with the token of the staff member's own acknowledge form,
        # so the refusal is about the role and not about a missing token.
        token = dict(find_form(page, "/kb/hihiiena-ruk/acknowledge", "/kb/hihiiena-ruk").fields)["csrf_token"]
        for url in manager_only:
            refused = staff_page.post(url, data={"csrf_token": token, "comment": "x"})
            assert refused.status_code == 403 and CSRF_REFUSED not in refused.text, url

    def test_manager_lifecycle_in_the_browser(self, staff_page, manager_page, session, staff):
        article = make_article(session, staff, title="Протокол", requires_acknowledgement=True)
        assert submit(staff_page, "/kb/protokol", "/kb/protokol/submit").status_code == 200
        assert "Протокол" in manager_page.get("/kb?status=pending").text
        published = submit(manager_page, "/kb/protokol", "/kb/protokol/publish", {"major": "major"})
        assert published.status_code == 200
        acknowledged = submit(staff_page, "/kb/protokol", "/kb/protokol/acknowledge")
        assert acknowledged.status_code == 200 and "/kb/protokol/acknowledge" not in acknowledged.text
        report = manager_page.get("/kb/protokol/acknowledgements")
        assert report.status_code == 200 and staff.name in report.text
        csv = manager_page.get("/kb/protokol/acknowledgements.csv")
        assert csv.headers["content-type"].startswith("text/csv") and staff.email in csv.text
        assert staff.name in manager_page.get("/kb/protokol/views").text
        assert submit(manager_page, "/kb/protokol", "/kb/protokol/reviewed").status_code == 200
        assert submit(manager_page, "/kb/protokol", "/kb/protokol/archive").status_code == 200
        assert "Протокол" not in manager_page.get("/kb").text
        assert article.id

    def test_history_diff_and_restore(self, manager_page, session, manager):
        article = make_article(session, manager, title="Текст", body="рядок один\nрядок два")
        first = article.head_revision_id
        save(session, article, manager, "рядок один\nрядок <b>три</b>")
        history = manager_page.get("/kb/tekst/history")
        assert history.status_code == 200 and "#2" in history.text
        assert 'data-label="Автор"' in history.text  # the phone layout labels each cell of a revision's card
        diff = submit(manager_page, "/kb/tekst/history", "/kb/tekst/diff")  # the two newest are ticked already
        assert "<ins>рядок &lt;b&gt;три&lt;/b&gt;</ins>" in diff.text and "<del>рядок два</del>" in diff.text
        revision = f"/kb/tekst/revisions/{first}"
        assert revision in parse(history.text, "/kb/tekst/history")[1]  # history links to the old revision's page
        restored = submit(manager_page, revision, f"{revision}/restore", follow_redirects=False)
        assert restored.status_code == 303
        assert "#3" in manager_page.get("/kb/tekst/history").text

    def test_categories_export_and_import(self, manager_page):
        added = submit(manager_page, "/kb/categories", "/kb/categories", {"name": "Інфекційний контроль"})
        assert added.status_code == 200 and "Інфекційний контроль" in added.text
        jsonl = (
            '{"title": "Маски", "body": "Коли носити маску.", "category": "Інфекційний контроль"}\n{oops\n'
            '{"title": "Без тексту"}\n'
        )
        result = submit(
            manager_page, "/kb/import", "/kb/import", files={"file": ("g.jsonl", jsonl.encode(), "application/json")}
        )
        assert result.status_code == 200
        assert "рядок 2: це не коректний JSON" in result.text and "рядок 3: немає тексту" in result.text
        categories = manager_page.get("/api/v1/kb/categories").json()
        export = manager_page.get(f"/kb/categories/{categories[0]['id']}/export")
        assert export.headers["content-type"] == "application/zip"
        import io
        import zipfile

        names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
        assert names == ["infektsiinyi-kontrol/masky.md"]


class TestAttachments:
    PDF = b"%PDF-1.4\n%test\n"

    def _attach(self, client, name: str, content: bytes):  # type: ignore[no-untyped-def]
        return submit(
            client,
            "/kb/vkladennia",
            "/kb/vkladennia/attachments",
            files={"file": (name, content, "application/pdf")},
            follow_redirects=False,
        )

    def test_editor_attaches_a_pdf_and_readers_can_download(self, manager_page, staff_page, session, manager):
        article = make_article(session, manager, title="Вкладення")
        publish(session, article, manager)
        assert self._attach(manager_page, "схема.pdf", self.PDF).status_code == 303
        page = staff_page.get("/kb/vkladennia").text
        upload_id = re.search(r'href="/uploads/(\d+)">схема.pdf', page).group(1)  # type: ignore[union-attr]
        assert staff_page.get(f"/uploads/{upload_id}").status_code == 200

    def test_fake_type_is_refused(self, manager_page, session, manager):
        make_article(session, manager, title="Вкладення")
        assert self._attach(manager_page, "x.pdf", b"<script>").status_code == 422

    def test_files_of_a_draft_are_hidden_from_others(self, manager_page, staff_page, session, manager):
        make_article(session, manager, title="Вкладення")
        assert self._attach(manager_page, "a.pdf", self.PDF).status_code == 303
        page = manager_page.get("/kb/vkladennia").text
        upload_id = re.search(r'href="/uploads/(\d+)"', page).group(1)  # type: ignore[union-attr]
        assert staff_page.get(f"/uploads/{upload_id}").status_code == 404


def test_the_owner_filter_offers_the_people_who_own_articles(staff_client, session, manager):
    make_user(session, email="orderly@kolo.test", name="Санітар Петро")  # owns nothing
    make_article(session, manager, title="Догляд за катетером")
    page = staff_client.get("/kb")
    owner_filter = re.search(r'<select name="owner">(.*?)</select>', page.text, re.S)
    assert owner_filter is not None and manager.name in owner_filter.group(1)
    assert "Санітар Петро" not in owner_filter.group(1)  # a thousand such names would bury the few owners
