"""Browser journey: nothing English or technical in the Ukrainian interface — the audit log says what happened in
words and names whom it concerns, with the log's code only beside it."""

import re

from playwright.sync_api import expect


def test_the_audit_log_reads_in_ukrainian(people) -> None:  # type: ignore[no-untyped-def]
    admin = people.open("admin@kolo.local")
    admin.goto(re.sub(r"^(https?://[^/]+).*$", r"\1/admin/audit", admin.url))
    people.shot(admin, "audit-log")
    row = admin.locator("table.audit-log tbody tr").filter(has_text="Увійшов(-ла)").first
    expect(row).to_be_visible()
    expect(row.get_by_role("link", name=re.compile("^Коваленко Оксана")).first).to_be_visible()
    expect(row.locator("code")).to_have_text("login.succeeded")  # the log's own code only beside the words
    admin.get_by_label("Дія").select_option(label="Увійшов(-ла)")
    admin.get_by_role("button", name="Фільтрувати").click()
    expect(admin.locator("table.audit-log tbody tr").first).to_contain_text("Увійшов(-ла)")
    people.shot(admin, "audit-log-filtered")
