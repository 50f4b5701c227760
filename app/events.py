"""A tiny in-process event bus, so one domain can react to another without importing it.

Handlers run synchronously inside the emitting service's transaction (they must not commit); `app.wiring`
subscribes every one of them. Events: "article.acknowledged" (session, user, article_id, version),
"article.published" (session, article_id, actor, major), "user.departments_changed" (session, user,
added_department_ids), "user.deactivated" and "user.reactivated" (session, user).
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

_handlers: dict[str, list[Callable[..., None]]] = defaultdict(list)


def subscribe(event: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """`subscribe(event)(handler)`: call the handler whenever `event` is emitted (once, however often subscribed)."""

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        if handler not in _handlers[event]:
            _handlers[event].append(handler)
        return handler

    return register


def emit(event: str, **kwargs: Any) -> None:
    """Call every handler of `event` with these keyword arguments."""
    for handler in list(_handlers[event]):
        handler(**kwargs)
