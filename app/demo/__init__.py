"""Demo content: real Ukrainian departments, people and (from each domain) content. Idempotent."""

from sqlmodel import Session

from app.demo import feed, kb, onboarding, people

DEMO_PASSWORD = people.DEMO_PASSWORD


def load_demo(session: Session) -> list[tuple[str, str, str]]:
    """Load everything once; return the demo accounts as (e-mail, name, role)."""
    accounts = people.load(session)
    kb.load(session)
    onboarding.load(session)
    feed.load(session)
    return accounts
