"""A read task is done by acknowledging the guide's current major version: an older acknowledgement does not
count, and a new major version sends the new hire back to the guide."""

from sqlmodel import select

from app.models.onboarding import OnboardingAssignedTask, OnboardingAssignment, TaskKind, TaskStatus
from app.services.kb import acknowledgements
from tests.conftest import sign_in_page
from tests.kb.helpers import make_article, publish, save
from tests.onboarding.helpers import assign, make_template


def _guide(session, people):  # type: ignore[no-untyped-def]
    """Version 1 of a protocol everyone must acknowledge."""
    article = make_article(session, people["manager"], title="Гігієна рук", requires_acknowledgement=True)
    return publish(session, article, people["manager"])


def _new_version(session, people, article, *, major: bool = True):  # type: ignore[no-untyped-def]
    article = save(session, article, people["manager"], "Шістдесят секунд, не тридцять.")
    return publish(session, article, people["manager"], major=major)


def _read_task(session, plan) -> OnboardingAssignedTask:  # type: ignore[no-untyped-def]
    return session.exec(
        select(OnboardingAssignedTask)
        .where(OnboardingAssignedTask.assignment_id == plan.id, OnboardingAssignedTask.kind == TaskKind.read)
        .execution_options(populate_existing=True)
    ).one()


def _done(session, plan) -> int:  # type: ignore[no-untyped-def]
    return session.get(OnboardingAssignment, plan.id, populate_existing=True).done_tasks


class TestReadTaskVersions:
    def test_an_acknowledgement_of_an_old_major_version_does_not_count_at_assignment(self, session, people):
        article = _guide(session, people)
        acknowledgements.acknowledge(session=session, user=people["hire"], article=article)
        article = _new_version(session, people, article)
        plan = assign(session, people, make_template(session, people["manager"], article_id=article.id))
        assert _read_task(session, plan).status == TaskStatus.open and _done(session, plan) == 0
        acknowledgements.acknowledge(session=session, user=people["hire"], article=article)
        assert _read_task(session, plan).status == TaskStatus.done and _done(session, plan) == 1

    def test_a_new_major_version_reopens_the_read_task_until_it_is_acknowledged(self, session, new_client, people):
        article = _guide(session, people)
        plan = assign(session, people, make_template(session, people["manager"], article_id=article.id))
        acknowledgements.acknowledge(session=session, user=people["hire"], article=article)
        assert _read_task(session, plan).status == TaskStatus.done and _done(session, plan) == 1

        article = _new_version(session, people, article)
        task = _read_task(session, plan)
        assert task.status == TaskStatus.open and task.completed_at is None and _done(session, plan) == 0
        page = sign_in_page(new_client(), people["hire"].email).get(f"/onboarding/assignments/{plan.id}")
        card = page.text.split(f'id="task-{task.id}"')[0].rsplit("<article", 1)[1]
        assert "onb-open" in card and "щойно ви позначите «Ознайомлений(-а)»" in page.text

        acknowledgements.acknowledge(session=session, user=people["hire"], article=article)
        assert _read_task(session, plan).status == TaskStatus.done and _done(session, plan) == 1

    def test_an_editorial_version_keeps_the_read_task_done(self, session, people):
        article = _guide(session, people)
        plan = assign(session, people, make_template(session, people["manager"], article_id=article.id))
        acknowledgements.acknowledge(session=session, user=people["hire"], article=article)
        _new_version(session, people, article, major=False)
        assert _read_task(session, plan).status == TaskStatus.done and _done(session, plan) == 1
