"""Browser journey: search results that read well — a thread is one hit (its post, with the matching comment under
it), every hit says who wrote it, when and for which department, and colleagues are found by name and by the guide
they answer for, under «Люди»."""

import re

from playwright.sync_api import expect

from tests.search.conftest import is_indexed, wait_until


def _search(page, query: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_role("searchbox", name="Пошук у стрічці, базі знань і адаптації")
    box.fill(query)
    box.press("Enter")
    expect(page).to_have_title(re.compile(f"^{re.escape(query)} · Пошук"), timeout=15_000)


def test_nurse_reads_threads_authors_and_finds_a_colleague(people, demo) -> None:  # type: ignore[no-untyped-def]
    """The new hire searches for words only a colleague's comment holds: one hit, the post it answers, with
    «1 коментар збігається», the comment's words marked and its author's name and date in a muted line; opening it
    leads to that comment. She searches for the head of therapy by surname and finds him as a colleague (role,
    department) under «Люди»; then asks who answers for hand hygiene and finds the owner of that protocol."""
    wait_until(lambda: is_indexed(demo), timeout=20)
    newhire = people.open("newhire@kolo.local")
    newhire.locator(".main-nav").get_by_role("link", name="Пошук").click()

    _search(newhire, "пам’ятка біля маніпуляційної")
    hits = newhire.locator(".search-hits > li")
    expect(hits).to_have_count(1)
    expect(hits.first.locator(".search-kind")).to_have_text("Допис")
    reply = hits.first.locator(".search-reply")
    expect(reply.get_by_role("link", name="1 коментар збігається")).to_be_visible()
    expect(reply).to_contain_text("Шевченко Марія Іванівна")
    expect(reply.locator("mark").first).to_have_text(re.compile("пам’ятка", re.I))
    expect(hits.first.locator(".search-meta").first).to_contain_text(re.compile(r"\d{1,2} [а-яі]+ \d{4}"))
    people.shot(newhire, "thread-with-matching-comment")
    reply.get_by_role("link", name="1 коментар збігається").click()
    expect(newhire).to_have_url(re.compile(r"/posts/\d+#comment-\d+$"))

    newhire.go_back()
    _search(newhire, "Бондаренко")
    facets = newhire.locator(".search-facets")
    expect(facets.get_by_role("link", name="Люди")).to_be_visible()
    person = newhire.locator(".search-hits > li").filter(has=newhire.locator(".search-kind", has_text="Колега"))
    expect(person.get_by_role("link", name="Бондаренко Ігор Васильович")).to_be_visible()
    expect(person.locator(".search-meta")).to_contain_text("Терапевтичне відділення")
    people.shot(newhire, "colleague-by-name")
    facets.get_by_role("link", name="Люди").click()
    expect(newhire.locator(".search-hits > li .search-kind")).to_have_text(["Колега"])

    _search(newhire, "хто відповідає за гігієну рук")
    owner = newhire.locator(".search-hits > li").filter(has=newhire.locator(".search-kind", has_text="Колега"))
    expect(owner.first.get_by_role("link")).to_have_text(re.compile("Бондаренко Ігор Васильович"))
    people.shot(newhire, "owner-of-the-guide")
