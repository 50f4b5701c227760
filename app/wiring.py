"""What plugs into what, in one place: searchable sources, who may read uploaded files, the handlers of domain
events, the periodic jobs and the domains' `kolo` commands.

`install()` runs before anything else in every entry point: `create_app()` (each server worker, the tests) and the
`kolo` command. Calling it again changes nothing (every registry is keyed by name). No module registers anything
when it is imported: `tests/system/test_architecture.py` proves it."""

from app import audit_cli, events, kb_cli
from app.commands import add_command
from app.scheduler import register_job
from app.search import outbox, reindex
from app.search.sources import register as register_source
from app.services import push, uploads
from app.services.backup import command as backup_command
from app.services.feed import access as feed_access
from app.services.feed import search as feed_search
from app.services.kb import access as kb_access
from app.services.kb import attachments, reviews
from app.services.kb import search as kb_search
from app.services.mail import compose, sending
from app.services.onboarding import hooks, reminders, tasks
from app.services.onboarding import search as onboarding_search
from app.services.patient_data import command as patient_data_command
from app.services.patient_data import scan as patient_data_scan
from app.services.people import search as people_search
from app.services.search import gaps

HOURLY = 3600.0
DAILY = 24 * HOURLY
MAIL_TURN = 30.0  # a mail "at once" or a push leaves within a minute


def install() -> None:
    """Register everything (idempotent)."""
    _search_sources()
    _upload_checks()
    _event_handlers()
    _jobs()
    _commands()
    _scan_read_rules()


def _search_sources() -> None:
    for source in (
        feed_search.PostSource(),
        feed_search.CommentSource(),
        feed_search.EventSource(),
        kb_search.ArticleSource(),
        onboarding_search.ChecklistSource(),
        onboarding_search.TaskSource(),
        people_search.PersonSource(),
    ):
        register_source(source)
    outbox.register_related("article", people_search.owner_keys)


def _upload_checks() -> None:
    uploads.register_access_check("post", feed_access.can_read_file)
    uploads.register_access_check("article", attachments.can_read_file)
    uploads.register_access_check(tasks.UPLOAD_KIND, tasks.can_read_file)


def _event_handlers() -> None:
    events.subscribe("article.acknowledged")(tasks.complete_reading)
    events.subscribe("article.published")(tasks.reopen_reading)
    events.subscribe("article.published")(gaps.close_answered_requests)
    events.subscribe("user.departments_changed")(hooks.assign_by_rules)
    events.subscribe("user.deactivated")(hooks.pause_on_deactivation)
    events.subscribe("user.reactivated")(hooks.resume_on_reactivation)


def _jobs() -> None:
    register_job("kb.review_reminders", every_seconds=HOURLY)(reviews.send_review_reminders)
    register_job("onboarding.reminders", every_seconds=HOURLY)(reminders.send_reminders)
    register_job("search.log_retention", every_seconds=DAILY)(gaps.delete_old_searches)
    register_job("mail.compose", every_seconds=MAIL_TURN)(compose.compose_job)
    register_job("mail.send", every_seconds=MAIL_TURN)(sending.send_job)
    register_job("push.send", every_seconds=MAIL_TURN)(push.send_job)


def _commands() -> None:
    add_command("import", kb_cli.add_parser)
    add_command("reindex", reindex.add_parser)
    add_command("scan", patient_data_command.add_parser)
    add_command("audit", audit_cli.add_parser)
    add_command("backup", backup_command.add_backup_parser)
    add_command("restore", backup_command.add_restore_parser)


def _scan_read_rules() -> None:
    patient_data_scan.register_read_rule(
        "post", lambda user, departments: feed_access.readable_clause(user=user, department_ids=departments)
    )
    patient_data_scan.register_read_rule(
        "article", lambda user, departments: kb_access.readable_clause(user=user, user_departments=departments)
    )
