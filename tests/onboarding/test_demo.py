"""`kolo demo` brings a realistic template with every task kind and a new nurse half-way through it."""

from sqlmodel import select

from app.demo import load_demo
from app.models.onboarding import OnboardingAssignedTask, OnboardingAssignment


def test_demo_has_every_kind_and_a_half_way_new_hire_and_is_idempotent(session):
    load_demo(session)
    load_demo(session)
    (plan,) = session.exec(select(OnboardingAssignment)).all()
    kinds = {t.kind for t in session.exec(select(OnboardingAssignedTask)).all()}
    assert kinds == {"read", "do", "signoff", "meet"}
    assert plan.name == "Перший тиждень медичної сестри"
    assert 0.4 <= plan.done_tasks / plan.total_tasks <= 0.6
    requested = session.exec(select(OnboardingAssignedTask).where(OnboardingAssignedTask.status == "requested")).all()
    assert len(requested) == 1  # something waiting in the mentor's view
