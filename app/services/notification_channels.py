"""How each person wants to hear of each category of notification: in the app only, by e-mail at once, or in a daily
digest at an hour of their choosing; and which categories are also pushed to their phones and desktops."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, col, select

from app.errors import InvalidInput
from app.i18n import N_
from app.models.notifications import NotificationSetting
from app.models.users import User

Channel = Literal["app", "email", "digest"]
CHANNELS: tuple[Channel, ...] = ("app", "email", "digest")
DEFAULT_DIGEST_HOUR = 8


@dataclass(frozen=True)
class Category:
    name: str
    label: str  # an English msgid
    kinds: tuple[str, ...]  # a kind ending in "." stands for every kind it begins
    default: Channel
    pushed: bool  # pushed to the person's devices unless they choose otherwise


CATEGORIES: tuple[Category, ...] = (
    Category("mentions", N_("Mentions of me"), ("mention",), "email", True),
    Category("replies", N_("Replies and comments on my posts"), ("reply", "comment"), "digest", False),
    Category("must_read", N_("Announcements that must be read"), ("must_read",), "email", True),
    Category(
        "acknowledgements", N_("Protocols to read and acknowledge"), ("kb.acknowledge", "kb.remind"), "email", True
    ),
    Category(
        "reviews",
        N_("Reviews of articles"),
        ("kb.submitted", "kb.returned", "kb.published", "kb.review_"),
        "digest",
        False,
    ),
    Category("onboarding", N_("Onboarding tasks and sign-offs"), ("onboarding.",), "email", True),
    Category("events", N_("Events I am going to"), ("event_",), "email", True),
    Category("other", N_("Everything else (reactions, guide requests)"), (), "app", False),
)
_BY_NAME = {c.name: c for c in CATEGORIES}


def category_of(kind: str) -> Category:
    """The category a notification's kind belongs to ("other" for the rest)."""
    for category in CATEGORIES:
        if any(kind == k or (k.endswith((".", "_")) and kind.startswith(k)) for k in category.kinds):
            return category
    return _BY_NAME["other"]


@dataclass(frozen=True)
class Choices:
    channels: dict[str, Channel]  # every category's channel
    digest_hour: int
    push: frozenset[str]  # the categories pushed to the person's devices


@dataclass(frozen=True)
class Delivery:
    """How one notification reaches one person beside the bell."""

    mail: str | None  # "email", "digest" or None
    push: bool


def choices_of(setting: NotificationSetting | None) -> Choices:
    """A person's choices, the defaults filled in for what they never chose."""
    saved = setting.channels if setting else {}
    channels: dict[str, Channel] = {
        c.name: saved[c.name] if saved.get(c.name) in CHANNELS else c.default  # type: ignore[misc]
        for c in CATEGORIES
    }
    pushed = setting.push if setting and setting.push is not None else [c.name for c in CATEGORIES if c.pushed]
    return Choices(
        channels=channels,
        digest_hour=setting.digest_hour if setting else DEFAULT_DIGEST_HOUR,
        push=frozenset(name for name in pushed if name in _BY_NAME),
    )


def read_choices(*, session: Session, user: User) -> Choices:
    """The user's choices."""
    return choices_of(session.get(NotificationSetting, user.id))


def save_choices(
    *, session: Session, user: User, channels: dict[str, str], digest_hour: int, push: list[str] | None = None
) -> Choices:
    """Keep the user's choices (`push` None: as they were); an unknown category or channel, or an hour outside 0–23,
    is refused."""
    unknown = sorted((set(channels) | set(push or ())) - set(_BY_NAME))
    if unknown:
        raise InvalidInput("Unknown kind of notification: {name}.", name=unknown[0])
    if any(value not in CHANNELS for value in channels.values()):
        raise InvalidInput("Choose in the app, e-mail at once or a daily digest.")
    if not 0 <= digest_hour <= 23:
        raise InvalidInput("The digest hour is from 0 to 23.")
    assert user.id is not None
    setting = session.get(NotificationSetting, user.id) or NotificationSetting(user_id=user.id)
    current = choices_of(setting)
    setting.channels = {**current.channels, **channels}
    setting.digest_hour = digest_hour
    setting.push = sorted(current.push if push is None else set(push))
    session.add(setting)
    session.commit()
    return choices_of(setting)


def deliveries(*, session: Session, recipient_ids: Iterable[int], kind: str) -> dict[int, Delivery]:
    """How each of these people gets a notification of `kind` beside the bell, in one query."""
    ids = list(recipient_ids)
    category = category_of(kind)
    query = select(NotificationSetting).where(col(NotificationSetting.user_id).in_(ids))
    saved = {s.user_id: s for s in session.exec(query)}
    out: dict[int, Delivery] = {}
    for user_id in ids:
        choices = choices_of(saved.get(user_id))
        channel = choices.channels[category.name]
        out[user_id] = Delivery(mail=None if channel == "app" else channel, push=category.name in choices.push)
    return out
