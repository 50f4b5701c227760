"""Sign-in limits count per clock minute; a test that crosses a minute's end would start a fresh count."""

import pytest

from app.services import auth as auth_service


@pytest.fixture(autouse=True)
def frozen_throttle_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every attempt in a test falls in the same throttling minute."""
    minute = auth_service.current_minute()
    monkeypatch.setattr(auth_service, "current_minute", lambda: minute)
