"""Single sign-on through the institution's OpenID Connect provider (the authorization-code flow with PKCE).

`begin` sends the person to the provider with a fresh state, nonce and PKCE verifier, which travel in a signed,
short-lived cookie; `finish` checks the state, trades the code for tokens (Authlib), verifies the ID token's
signature, issuer, audience, expiry and nonce (joserfc), and signs the person in: the provider's account
(issuer + `sub`) is linked to a Kolo account once, on the first sign-in, to the account with the same e-mail address
when the provider says it is verified, or to a new account. With a groups claim configured, each sign-in also sets
the person's role and departments from it."""

import base64
import hmac
import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import AppError, InvalidInput, PermissionDenied
from app.models.types import utcnow
from app.models.users import Department, Role, User, UserCreate, UserIdentity
from app.security import signature
from app.services import audit
from app.services import users as users_service
from app.services.auth import open_session

logger = logging.getLogger(__name__)

PENDING_SECONDS = 600  # from "Sign in with …" to coming back
METADATA_SECONDS = 3600  # the provider's discovery document and keys are read again after this
TIMEOUT_SECONDS = 10
ROLE_RANK = {Role.staff: 0, Role.manager: 1, Role.admin: 2}


class ProviderUnavailable(AppError):
    status_code = 502


@dataclass(frozen=True)
class _Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    keys: KeySet
    read_at: float


_providers: dict[str, _Provider] = {}


def provider_name(settings: Settings) -> str:
    """What the sign-in button calls the provider."""
    return settings.oidc_name or urlsplit(settings.oidc_issuer).hostname or settings.oidc_issuer


def _provider(settings: Settings, *, fresh: bool = False) -> _Provider:
    known = _providers.get(settings.oidc_issuer)
    if known and not fresh and time.monotonic() - known.read_at < METADATA_SECONDS:
        return known
    try:
        metadata = _get_json(settings.oidc_issuer + "/.well-known/openid-configuration")
        if metadata.get("issuer", "").rstrip("/") != settings.oidc_issuer:
            raise ValueError(f"the provider calls itself {metadata.get('issuer')!r}")
        provider = _Provider(
            issuer=metadata["issuer"],
            authorization_endpoint=metadata["authorization_endpoint"],
            token_endpoint=metadata["token_endpoint"],
            keys=KeySet.import_key_set(_get_json(metadata["jwks_uri"])),
            read_at=time.monotonic(),
        )
    except (requests.RequestException, ValueError, KeyError, TypeError, JoseError) as error:
        logger.warning("the identity provider %s cannot be read: %s", settings.oidc_issuer, error)
        raise ProviderUnavailable(
            "{provider} does not answer; sign in with your password or try again later.",
            provider=provider_name(settings),
        ) from error
    _providers[settings.oidc_issuer] = provider
    return provider


def _get_json(url: str) -> Any:
    answer = requests.get(url, timeout=TIMEOUT_SECONDS)
    answer.raise_for_status()
    return answer.json()


def _client(settings: Settings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.oidc_client_id,
        settings.oidc_client_secret or None,
        scope=settings.oidc_scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def _sign(secret: str, payload: dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    return body + "." + signature(secret, "oidc", body)


def _unsign(secret: str, value: str) -> dict[str, Any] | None:
    body, _, signed = value.rpartition(".")
    expected = signature(secret, "oidc", body)
    if not body or not hmac.compare_digest(expected.encode(), signed.encode()):
        return None
    payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body))
    return payload if time.time() - payload.get("at", 0) < PENDING_SECONDS else None


def begin(*, settings: Settings, redirect_uri: str, next_path: str) -> tuple[str, str]:
    """The provider's authorization URL to send the person to, and the cookie that remembers this attempt."""
    provider = _provider(settings)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    url, _ = _client(settings, redirect_uri).create_authorization_url(
        provider.authorization_endpoint, state=state, nonce=nonce, code_verifier=verifier
    )
    pending = {"state": state, "nonce": nonce, "verifier": verifier, "next": next_path, "at": time.time()}
    return url, _sign(settings.secret, pending)


@dataclass(frozen=True)
class SignedIn:
    user: User
    raw_session: str
    next_path: str


def finish(
    *,
    session: Session,
    settings: Settings,
    redirect_uri: str,
    cookie: str,
    state: str,
    code: str,
    ip: str = "",
    user_agent: str = "",
) -> SignedIn:
    """Check the provider's answer, find or create the person and open a session."""
    pending = _unsign(settings.secret, cookie)
    if pending is None or not hmac.compare_digest(pending["state"].encode(), state.encode()):  # bytes: any text
        raise InvalidInput("This sign-in was started too long ago or in another browser. Please start it again.")
    claims = _id_token_claims(settings, redirect_uri, code=code, verifier=pending["verifier"], nonce=pending["nonce"])
    user = _account(session, settings, claims, ip=ip)
    return SignedIn(user, open_session(session=session, user=user, ip=ip, user_agent=user_agent), pending["next"])


def _id_token_claims(settings: Settings, redirect_uri: str, *, code: str, verifier: str, nonce: str) -> dict[str, Any]:
    provider = _provider(settings)
    refused = ProviderUnavailable(
        "{provider} did not confirm the sign-in. Please try again.", provider=provider_name(settings)
    )
    try:
        tokens = _client(settings, redirect_uri).fetch_token(
            provider.token_endpoint, code=code, code_verifier=verifier, timeout=TIMEOUT_SECONDS
        )
    except (AuthlibBaseError, requests.RequestException, ValueError) as error:  # Authlib's errors, all of them
        logger.warning("the identity provider refused the code: %s", error)
        raise refused from error
    try:
        token = jwt.decode(tokens["id_token"], _keys_for(settings, provider, tokens["id_token"]))
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": settings.oidc_client_id},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(token.claims)
    except (KeyError, ValueError, JoseError) as error:
        logger.warning("an ID token from the identity provider failed its checks: %s", error)
        raise refused from error
    return token.claims


def _keys_for(settings: Settings, provider: _Provider, id_token: str) -> KeySet:
    """The provider's keys; read again once when the token names a key we do not have (the provider rotated)."""
    kid = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "==")).get("kid")
    if kid and not any(key.kid == kid for key in provider.keys):
        return _provider(settings, fresh=True).keys
    return provider.keys


def _account(session: Session, settings: Settings, claims: dict[str, Any], *, ip: str) -> User:
    identity = session.exec(
        select(UserIdentity).where(UserIdentity.issuer == settings.oidc_issuer, UserIdentity.subject == claims["sub"])
    ).first()
    user = session.get(User, identity.user_id) if identity else _link(session, settings, claims, ip=ip)
    assert user is not None  # the identity's user: deleting a person deletes their identities
    if not user.is_active:
        audit.record(session=session, action="login.failed", actor=user, subject=user.email, ip=ip)
        session.commit()
        raise PermissionDenied("Your account is deactivated. Ask your administrator.")
    if identity:
        identity.last_login_at = utcnow()
    _apply_groups(session, settings, user, claims)
    return user


def _link(session: Session, settings: Settings, claims: dict[str, Any], *, ip: str) -> User:
    """The first sign-in of this provider account: the Kolo account with its verified e-mail address, or a new one."""
    email = users_service.normalize_email(str(claims.get("email") or ""))
    if not email:
        raise InvalidInput("The identity provider did not tell Kolo your e-mail address. Ask your administrator.")
    user = users_service.get_user_by_email(session=session, email=email)
    if user is not None and claims.get("email_verified") is not True:
        raise PermissionDenied(
            "An account with the e-mail {email} exists, but the identity provider has not verified that address. "
            "Sign in with your password, or ask your administrator.",
            email=email,
        )
    if user is None:
        name = str(claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")])))
        try:
            data = UserCreate(email=email, name=name.strip()[:200] or email.split("@")[0])
        except ValidationError as error:
            raise InvalidInput(
                "The identity provider gave an e-mail address Kolo cannot use ({email}). Ask your administrator.",
                email=email,
            ) from error
        user = users_service.create_user(session=session, data=data, actor=None, ip=ip)
    assert user.id is not None  # read from or written to the database
    session.add(UserIdentity(issuer=settings.oidc_issuer, subject=claims["sub"], user_id=user.id))
    audit.record(
        session=session,
        action="user.identity_linked",
        actor=user,
        subject=email,
        target_type="user",
        target_id=user.id,
        ip=ip,
        detail={"issuer": settings.oidc_issuer},
    )
    session.flush()
    return user


def _apply_groups(session: Session, settings: Settings, user: User, claims: dict[str, Any]) -> None:
    """The role and departments the configured maps give the person's groups, at every sign-in."""
    if not settings.oidc_groups_claim:
        return
    groups = claims.get(settings.oidc_groups_claim) or []
    groups = [groups] if isinstance(groups, str) else [str(group) for group in groups]
    role = None
    if settings.oidc_group_roles:
        roles = [Role(settings.oidc_group_roles[g]) for g in groups if g in settings.oidc_group_roles]
        role = max(roles, key=ROLE_RANK.__getitem__, default=Role.staff)
    department_ids = None
    if settings.oidc_group_departments:
        names = {settings.oidc_group_departments[g] for g in groups if g in settings.oidc_group_departments}
        rows = session.exec(select(Department.id).where(col(Department.name).in_(names))).all() if names else []
        department_ids = sorted(i for i in rows if i is not None)
    users_service.set_from_directory(session=session, user=user, role=role, department_ids=department_ids)
