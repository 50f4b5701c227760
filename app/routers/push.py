"""Web Push subscriptions of one's browsers: the server's key to subscribe with, adding and removing a device."""

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from app.deps import CurrentAuth, CurrentUser, SessionDep, SettingsDep
from app.errors import NotFound
from app.services import push

api = APIRouter(prefix="/api/v1/push", tags=["account"])


class PushKey(BaseModel):
    public_key: str  # the applicationServerKey for PushManager.subscribe()


class SubscriptionKeys(BaseModel):
    p256dh: str = Field(min_length=1, max_length=200)
    auth: str = Field(min_length=1, max_length=100)


class SubscriptionIn(BaseModel):
    """What PushSubscription.toJSON() gives in the browser."""

    endpoint: str = Field(min_length=1, max_length=2000)
    keys: SubscriptionKeys


class SubscriptionOut(BaseModel):
    endpoint: str = Field(min_length=1, max_length=2000)


def _require_push(settings: SettingsDep) -> None:
    if not settings.push_enabled:
        raise NotFound("Push notifications are not set up on this server.")


@api.get("/key", response_model=PushKey)
def read_push_key(settings: SettingsDep, user: CurrentUser) -> PushKey:
    """The server's public VAPID key (404 while push is not set up)."""
    _require_push(settings)
    return PushKey(public_key=push.public_key(settings))


@api.post("/subscriptions", status_code=204)
def create_push_subscription(
    session: SessionDep, settings: SettingsDep, auth: CurrentAuth, data: SubscriptionIn
) -> Response:
    """Push to this browser (the chosen categories) while it stays signed in."""
    _require_push(settings)
    push.subscribe(
        session=session,
        settings=settings,
        user=auth.user,
        session_id=auth.user_session.id if auth.user_session else None,
        endpoint=data.endpoint,
        p256dh=data.keys.p256dh,
        auth=data.keys.auth,
    )
    return Response(status_code=204)


@api.post("/subscriptions/remove", status_code=204)
def delete_push_subscription(session: SessionDep, user: CurrentUser, data: SubscriptionOut) -> Response:
    """Stop pushing to this browser."""
    push.unsubscribe(session=session, user=user, endpoint=data.endpoint)
    return Response(status_code=204)
