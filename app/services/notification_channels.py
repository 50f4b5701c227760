"""How each person wants to hear of each category of notification: in the app only, by e-mail at once, or in a daily
digest at an hour of their choosing."""

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


CATEGORIES: tuple[Category, ...] = (
    Category("mentions", N_("Mentions of me"), ("mention",), "email"),
    Category("replies", N_("Replies and comments on my posts"), ("reply", "comment"), "digest"),
    Category("must_read", N_("Announcements that must be read"), ("must_read",), "email"),
    Category("acknowledgements", N_("Protocols to read and acknowledge"), ("kb.acknowledge", "kb.remind"), "email"),
    Category(
        "reviews", N_("Reviews of articles"), ("kb.submitted", "kb.returned", "kb.published", "kb.review_"), "digest"
    ),
    Category("onboarding", N_("Onboarding tasks and sign-offs"), ("onboarding.",), "email"),
    Category("events", N_("Events I am going to"), ("event_",), "email"),
    Category("other", N_("Everything else (reactions, guide requests)"), (), "app"),
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


def choices_of(setting: NotificationSetting | None) -> Choices:
    """A person's choices, the defaults filled in for what they never chose."""
    saved = setting.channels if setting else {}
    channels: dict[str, Channel] = {
        c.name: saved[c.name] if saved.get(c.name) in CHANNELS else c.default  # type: ignore[misc]
        for c in CATEGORIES
    }
    return Choices(channels=channels, digest_hour=setting.digest_hour if setting else DEFAULT_DIGEST_HOUR)


def read_choices(*, session: Session, user: User) -> Choices:
    """The user's choices."""
    return choices_of(session.get(NotificationSetting, user.id))


def save_choices(*, session: Session, user: User, channels: dict[str, str], digest_hour: int) -> Choices:
    """Keep the user's choices; an unknown category or channel, or an hour outside 0–23, is refused."""
    unknown = sorted(set(channels) - set(_BY_NAME))
    if unknown:
        raise InvalidInput("Unknown kind of notification: {name}.", name=unknown[0])
    if any(value not in CHANNELS for value in channels.values()):
        raise InvalidInput("Choose in the app, e-mail at once or a daily digest.")
    if not 0 <= digest_hour <= 23:
        raise InvalidInput("The digest hour is from 0 to 23.")
    assert user.id is not None
    setting = session.get(NotificationSetting, user.id) or NotificationSetting(user_id=user.id)
    setting.channels = {**choices_of(setting).channels, **channels}
    setting.digest_hour = digest_hour
    session.add(setting)
    session.commit()
    return choices_of(setting)


def deliveries(*, session: Session, recipient_ids: Iterable[int], kind: str) -> dict[int, str]:
    """How each of these people gets a notification of `kind` beside the bell: "email" or "digest" (absent: the app
    only), in one query."""
    ids = list(recipient_ids)
    category = category_of(kind)
    saved = {
        s.user_id: s for s in session.exec(select(NotificationSetting).where(col(NotificationSetting.user_id).in_(ids)))
    }
    out: dict[int, str] = {}
    for user_id in ids:
        channel = choices_of(saved.get(user_id)).channels[category.name]
        if channel != "app":
            out[user_id] = channel
    return out
