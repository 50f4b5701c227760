"""Settings from `KOLO_*` environment variables or `.env`; nothing else reads os.environ."""

import secrets
from datetime import date
from functools import cached_property
from pathlib import Path

from pydantic import model_validator
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
    session_idle_hours: float = 8
    session_absolute_days: float = 7
    invite_valid_days: int = 7
    login_failures_per_minute: int = 10
    default_language: str = "uk"
    default_timezone: str = "Europe/Kyiv"
    start_indexer: bool = True
    run_scheduler: bool = True
    holidays: list[date] = []  # KOLO_HOLIDAYS='["2026-12-25"]': not working days for onboarding due dates
    kb_review_months: int = 12
    kb_two_person_rule: bool = False  # a manager never publishes a text they wrote: another manager approves it

    @model_validator(mode="after")
    def _fill_defaults(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'kolo.db'}"
        if self.secret_key.lower() in PLACEHOLDER_SECRETS and self.environment != "development":
            raise ValueError("KOLO_SECRET_KEY is a placeholder; set a long random value")
        return self

    @property
    def upload_dir(self) -> Path:
        """Where uploaded files live: inside the data folder, never under /static."""
        return self.data_dir / "uploads"

    @property
    def max_upload_bytes(self) -> int:
        """The upload size limit in bytes."""
        return self.max_upload_mb * 1024 * 1024

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
