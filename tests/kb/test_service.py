"""Knowledge-base rules: search visibility, reminders, import parsing, CSV safety, the acknowledgement event."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from app import events
from app.errors import InvalidInput
from app.models.kb import ArticleUpdate, KbAcknowledgement
from app.models.notifications import Notification
from app.services import users as users_service
from app.services.kb import acknowledgements, articles, importing, reviews
from app.services.kb.search import ArticleSource
from tests.factories import make_user, set_article_departments
from tests.kb.helpers import make_article, publish


class TestSearchSource:
    def test_draft_is_for_author_and_managers_published_for_its_audience(self, session, staff, manager):
        article = make_article(session, staff, body="Чернетка")
        source = ArticleSource()
        doc = source.load(session, [article.id])[0]
        assert set(doc.visibility) == {"role:manager", "role:admin", f"user:{staff.id}"}
        publish(session, article, manager)
        assert source.load(session, [article.id])[0].visibility == ["all"]
        surgeon = make_user(session, email="o@kolo.test", departments=["Хірургія"])
        therapy = users_service.department_ids_of(session=session, user=manager)
        set_article_departments(session, article, manager, therapy)
        assert f"dept:{therapy[0]}" in source.load(session, [article.id])[0].visibility
        assert source.readable_ids(session, surgeon, [article.id]) == set()
        assert source.readable_ids(session, staff, [article.id]) == {article.id}
        assert source.readable_ids(session, manager, [article.id]) == {article.id}

    def test_archived_leaves_the_index_and_is_never_a_hit(self, session, manager):
        from app.services.kb import lifecycle

        article = make_article(session, manager)
        publish(session, article, manager)
        lifecycle.archive(session=session, user=manager, article=article)
        source = ArticleSource()
        assert source.load(session, [article.id]) == [] and article.id not in source.all_ids(session)
        assert source.readable_ids(session, manager, [article.id]) == set()  # a stale index entry is dropped


class TestSettingsOnlySave:
    def test_unchanged_text_with_settings_changes_only_the_settings(self, session, manager):
        article = make_article(session, manager)
        head = article.head_revision_id
        data = ArticleUpdate(
            base_revision_id=head, title=article.title, body="Тридцять секунд.", tags=[], requires_acknowledgement=True
        )
        articles.save_article(session=session, user=manager, article=article, data=data)
        assert (article.requires_acknowledgement, article.head_revision_id) == (True, head)

    def test_unchanged_text_alone_is_refused(self, session, manager):
        article = make_article(session, manager)
        data = ArticleUpdate(base_revision_id=article.head_revision_id, title=article.title, body="Тридцять секунд.")
        with pytest.raises(InvalidInput):
            articles.save_article(session=session, user=manager, article=article, data=data)


class TestReminders:
    def test_owner_is_reminded_once_per_day(self, session, manager):
        article = make_article(session, manager)
        publish(session, article, manager)
        article.review_due = date.today() - timedelta(days=2)
        session.add(article)
        session.commit()
        now = datetime.now(UTC)
        assert reviews.send_review_reminders(session=session, now=now) == 1
        assert reviews.send_review_reminders(session=session, now=now) == 0
        rows = session.exec(
            select(Notification).where(
                Notification.recipient_id == manager.id, Notification.kind == "kb.review_overdue"
            )
        ).all()
        assert len(rows) == 1
        assert reviews.review_report(session=session, user=manager)[0].overdue is True


class TestAcknowledgementEvent:
    def test_event_is_emitted_with_the_version(self, session, staff, manager):
        seen = []
        events.subscribe("article.acknowledged")(lambda **kw: seen.append((kw["article_id"], kw["version"])))
        article = make_article(session, manager, requires_acknowledgement=True)
        publish(session, article, manager)
        acknowledgements.acknowledge(session=session, user=staff, article=article)
        assert (article.id, 1) in seen
        assert session.exec(select(KbAcknowledgement)).one().version == 1

    def test_csv_defuses_formulas(self, session, manager):
        make_user(session, email="x@kolo.test", name='=HYPERLINK("http://evil")', departments=["Терапія"])
        article = make_article(session, manager, requires_acknowledgement=True)
        publish(session, article, manager)
        data = acknowledgements.report(session=session, user=manager, article=article)
        text = acknowledgements.report_csv(data, language="uk", tz="Europe/Kyiv")
        assert "\n'=HYPERLINK" in text.replace('"', "")


class TestImportParsing:
    def test_jsonl_bad_lines_are_reported_by_number(self):
        _, items = importing.read_bytes("x.jsonl", b'{"title": "A", "body": "B"}\n\n{oops\n{"title": "C"}\n')
        parsed = list(items)
        assert parsed[0].title == "A"
        assert [(p.where, p.message[:5]) for p in parsed[1:]] == [("line 3", "not v"), ("line 4", "no bo")]

    def test_markdown_front_matter(self):
        parsed = importing.parse_markdown("a.md", "---\ntitle: Маски\ntags: [інфекції]\ncategory: A/B\n---\nТекст\n")
        assert (parsed.title, parsed.tags, parsed.category, parsed.body) == ("Маски", ["інфекції"], "A/B", "Текст\n")
