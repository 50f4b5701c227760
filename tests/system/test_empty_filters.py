"""A filter left at "All…" is sent empty by the browser (`?role=&department=`) and means no filter, never a 422."""

from tests.factories import make_post
from tests.forms import find_form, submit
from tests.kb.helpers import make_article, publish


def test_admin_finds_a_colleague_by_name_with_the_other_filters_left_at_any(admin_page, staff) -> None:
    page = submit(admin_page, "/admin", "/admin", {"q": "Шевченко"})
    assert page.status_code == 200 and staff.email in page.text
    assert page.request.url.params.get("role") == "" == page.request.url.params.get("department")  # as sent


def test_kb_list_with_only_drafts_chosen(manager_page, session, manager) -> None:
    make_article(session, manager, title="Чернетка протоколу")
    page = submit(manager_page, "/kb", "/kb", {"status": "draft"})
    assert page.status_code == 200 and "Чернетка протоколу" in page.text


def test_acknowledgement_report_for_the_whole_audience(manager_page, session, manager, staff) -> None:
    article = make_article(session, manager, title="Протокол", requires_acknowledgement=True)
    publish(session, article, manager)
    report_path = "/kb/protokol/acknowledgements"
    form = find_form(manager_page.get(report_path).text, report_path, report_path)
    assert dict(form.fields).get("department_id") == ""  # "Уся аудиторія"
    page = submit(manager_page, report_path, report_path)
    assert page.status_code == 200 and staff.name in page.text


def test_api_filters_sent_empty_are_ignored(staff_client, session, staff) -> None:
    make_post(session, staff, body="Порада про маски")
    answer = staff_client.get("/api/v1/posts", params={"kind": "", "department_id": "", "tag": "", "cursor": ""})
    assert answer.status_code == 200 and len(answer.json()["items"]) == 1
