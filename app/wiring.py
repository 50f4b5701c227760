"""What reacts to what, in one place: the handlers of domain events and the periodic jobs.

`wire()` runs before anything else in every entry point: `create_app()` (each server worker, the tests) and the
`kolo` command. Calling it again changes nothing. No module subscribes or schedules anything when it is imported."""

from app import events
from app.scheduler import register_job
from app.search import gaps
from app.services.kb import reviews
from app.services.onboarding import hooks, reminders, tasks

HOURLY = 3600.0
DAILY = 24 * HOURLY


def wire() -> None:
    """Subscribe every event handler and register every periodic job (idempotent)."""
    events.subscribe("article.acknowledged")(tasks.complete_reading)
    events.subscribe("article.published")(tasks.reopen_reading)
    events.subscribe("article.published")(gaps.close_answered_requests)
    events.subscribe("user.departments_changed")(hooks.assign_by_rules)
    events.subscribe("user.deactivated")(hooks.pause_on_deactivation)
    events.subscribe("user.reactivated")(hooks.resume_on_reactivation)
    register_job("kb.review_reminders", every_seconds=HOURLY)(reviews.send_review_reminders)
    register_job("onboarding.reminders", every_seconds=HOURLY)(reminders.send_reminders)
    register_job("search.log_retention", every_seconds=DAILY)(gaps.delete_old_searches)
