"""Settings from `KOLO_*` environment variables or `.env`; nothing else reads os.environ."""

import secrets
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "kolo"}


class Settings(BaseSettings):
    """Everything Kolo can be configured with."""

    model_config = SettingsConfigDict(env_file=".env", env_prefix="KOLO_", extra="ignore")

    environment: str = "development"
    data_dir: Path = Path("data")
    database_url: str = ""
    index_dir: Path = Path("search_index")
    secret_key: str = ""
    max_upload_mb: int = 25
    max_body_mb: int = 2  # a request without files (JSON, forms): a 200,000-character article, percent-encoded
    session_idle_hours: float = 8
    session_absolute_days: float = 7
    invite_valid_days: int = 7
    login_failures_per_minute: int = 10  # per account and address (then 429); across addresses attempts are slowed
    login_address_attempts_per_minute: int = 100  # one address, all accounts: a ward behind one NAT address
    login_max_delay_seconds: float = 3  # the longest wait added to an attempt on an account under attack
    default_language: str = "uk"
    default_timezone: str = "Europe/Kyiv"
    start_indexer: bool = True
    run_scheduler: bool = True
    holidays: list[date] = []  # KOLO_HOLIDAYS='["2026-12-25"]': not working days for onboarding due dates
    kb_review_months: int = 12
    kb_two_person_rule: bool = False  # a manager never publishes a text they wrote: another manager approves it
    kb_import_max_mb: int = 50  # what one import may unpack to, in total
    search_gap_min_people: int = 2  # a query shows on the gap report once this many people searched for it
    search_log_days: int = 90  # searches are deleted after this many days
    base_url: str = ""  # e.g. https://kolo.hospital.ua: absolute links are built from it, never from the Host header
    allowed_hosts: list[str] = []  # KOLO_ALLOWED_HOSTS='["kolo.lan"]' or '["*"]'; default: this machine's names
    force_https: bool = False  # Secure cookies and HSTS even when uvicorn sees plain HTTP (TLS ends at a proxy)
    # Single sign-on through the institution's OpenID Connect provider: off until the issuer is set
    oidc_issuer: str = ""  # e.g. https://login.hospital.ua/realms/staff (its /.well-known/openid-configuration)
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_name: str = ""  # the provider on the sign-in button ("Увійти через …"); default: the issuer's host
    oidc_scopes: str = "openid email profile"
    oidc_groups_claim: str = ""  # e.g. "groups": the claim whose values the two maps below read
    # KOLO_OIDC_GROUP_ROLES='{"kolo-managers": "manager"}'
    oidc_group_roles: dict[str, Literal["admin", "manager", "staff"]] = {}
    oidc_group_departments: dict[str, str] = {}  # KOLO_OIDC_GROUP_DEPARTMENTS='{"surgery": "Хірургія"}'
    sso_required: bool = False  # only the provider signs people in, but for the break-glass accounts
    sso_break_glass: list[str] = []  # KOLO_SSO_BREAK_GLASS='["admin@hospital.ua"]': may still use a password
    # Notifications by e-mail: off until the SMTP server is set (links in mails need KOLO_BASE_URL)
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"  # "tls": TLS from the start (port 465)
    smtp_username: str = ""  # with a password: log in (AUTH) after TLS
    smtp_password: str = ""
    smtp_ca_file: str = ""  # the authority that signed the server's certificate, when not one the system trusts
    smtp_timeout_seconds: float = 20
    mail_from: str = ""  # e.g. "Kolo <kolo@hospital.ua>"; default: kolo@ and the base URL's host
    # Web Push to phones and desktops: off until a contact is set (push services ask for one, in the VAPID claims)
    push_contact: str = ""  # e.g. "mailto:it@hospital.ua"
    push_http_hosts: list[str] = []  # push endpoints allowed over plain http (an on-premises relay); others: https

    @model_validator(mode="after")
    def _fill_defaults(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'kolo.db'}"
        if self.secret_key.lower() in PLACEHOLDER_SECRETS and self.environment != "development":
            raise ValueError("KOLO_SECRET_KEY is a placeholder; set a long random value")
        if self.smtp_host and not self.base_url:
            raise ValueError("KOLO_SMTP_HOST is set but KOLO_BASE_URL is not: mails link to Kolo by its address")
        if self.smtp_host and not self.mail_from:
            self.mail_from = f"Kolo <kolo@{urlsplit(self.base_url).hostname}>"
        return self

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value.strip().rstrip("/"))
        if value and (parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query):
            raise ValueError("KOLO_BASE_URL must look like https://kolo.example.org (no path)")
        return parts.geturl()

    @field_validator("oidc_issuer")
    @classmethod
    def _check_issuer(cls, value: str) -> str:
        parts = urlsplit(value.strip().rstrip("/"))
        if value and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise ValueError("KOLO_OIDC_ISSUER must be the provider's URL, e.g. https://login.hospital.ua/realms/staff")
        return parts.geturl()

    @property
    def sso_enabled(self) -> bool:
        """Single sign-on is offered once the provider and this client are configured."""
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def mail_enabled(self) -> bool:
        """E-mail notifications are offered once an SMTP server is configured."""
        return bool(self.smtp_host)

    @property
    def push_enabled(self) -> bool:
        """Web Push is offered once a contact for the push services is configured."""
        return bool(self.push_contact)

    @property
    def vapid_key_path(self) -> Path:
        """This server's VAPID signing key, generated into the data folder on first use."""
        return self.data_dir / "vapid_private.pem"

    @property
    def trusted_hosts(self) -> list[str]:
        """The Host headers Kolo answers: the allowed ones (by default this machine's and the test client's) and the
        base URL's."""
        hosts = self.allowed_hosts or ["127.0.0.1", "localhost", "testserver"]
        base_host = urlsplit(self.base_url).hostname
        return [*hosts, base_host] if base_host and base_host not in hosts else hosts

    @property
    def upload_dir(self) -> Path:
        """Where uploaded files live: inside the data folder, never under /static."""
        return self.data_dir / "uploads"

    @property
    def max_upload_bytes(self) -> int:
        """The upload size limit in bytes."""
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_body_bytes(self) -> int:
        """The size limit in bytes of a request without files (and of the form fields that come with a file)."""
        return self.max_body_mb * 1024 * 1024

    @cached_property
    def secret(self) -> str:
        """The signing secret: configured, or generated once and kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


def get_settings() -> Settings:
    """A fresh Settings read from the environment (the app keeps its own in app.state)."""
    return Settings()
