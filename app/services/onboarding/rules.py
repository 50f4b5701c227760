"""Rules that assign a template automatically when someone joins a department."""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.errors import Conflict, InvalidInput, NotFound
from app.models.onboarding import OnboardingRule, RuleCreate
from app.models.users import User
from app.services import audit
from app.services import users as users_service
from app.services.onboarding.access import managed_department_ids, require_checklist_for, require_department_manager
from app.services.onboarding.checklists import get_checklist_or_raise
from app.services.transactions import all_or_nothing


def list_rules(*, session: Session, user: User, template_id: int | None = None) -> Sequence[OnboardingRule]:
    """The rules of the departments the user manages (all, for admins); only the template's, given `template_id`."""
    departments = managed_department_ids(session=session, user=user)
    query = select(OnboardingRule).order_by(col(OnboardingRule.department_id), col(OnboardingRule.id))
    if template_id is not None:
        query = query.where(OnboardingRule.template_id == template_id)
    rules = session.exec(query).all()
    return [r for r in rules if departments is None or r.department_id in departments]


@all_or_nothing
def create_rule(*, session: Session, actor: User, data: RuleCreate) -> OnboardingRule:
    """Assign `template_id` to everyone who joins `department_id` from now on."""
    users_service.get_department_or_raise(session=session, department_id=data.department_id)
    require_department_manager(session=session, user=actor, department_id=data.department_id)
    template = get_checklist_or_raise(session=session, template_id=data.template_id)
    require_checklist_for(user=actor, template=template, department_id=data.department_id)
    if data.mentor_id is not None:
        mentor = session.get(User, data.mentor_id)
        if mentor is None or not mentor.is_active:
            raise InvalidInput("The mentor does not exist or is inactive.")
    if session.exec(
        select(OnboardingRule).where(
            OnboardingRule.department_id == data.department_id, OnboardingRule.template_id == data.template_id
        )
    ).first():
        raise Conflict("This department already has a rule for this template.")
    rule = OnboardingRule.model_validate(data, update={"created_by_id": actor.id})
    session.add(rule)
    session.flush()
    audit.record(
        session=session,
        action="onboarding.rule_created",
        actor=actor,
        target_type="onboarding_rule",
        target_id=rule.id,
        detail=data.model_dump(),
    )
    session.commit()
    session.refresh(rule)
    return rule


def delete_rule(*, session: Session, actor: User, rule_id: int) -> None:
    """Stop assigning automatically; plans already made go on."""
    rule = session.get(OnboardingRule, rule_id)
    if rule is None:
        raise NotFound("This rule does not exist.")
    require_department_manager(session=session, user=actor, department_id=rule.department_id)
    audit.record(
        session=session,
        action="onboarding.rule_deleted",
        actor=actor,
        target_type="onboarding_rule",
        target_id=rule.id,
        detail={"department_id": rule.department_id, "template_id": rule.template_id},
    )
    session.delete(rule)
    session.commit()
