"""Who may see and change an onboarding plan (the new hire, their mentor, managers of its department), and who may
change or use a checklist template (the managers of its departments)."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, false, or_, true
from sqlmodel import Session, col

from app.errors import InvalidInput, NotFound, PermissionDenied
from app.models.onboarding import Checklist, OnboardingAssignment
from app.models.users import Department, User
from app.services import users as users_service


def managed_department_ids(*, session: Session, user: User) -> list[int] | None:
    """The departments whose plans the user manages: None for admins (all), [] for non-managers."""
    if user.is_admin:
        return None
    if not user.is_manager:
        return []
    return users_service.department_ids_of(session=session, user=user)


def managed_departments(*, session: Session, user: User) -> list[Department]:
    """The departments the user manages (every one for admins), in the order of the department list."""
    managed = managed_department_ids(session=session, user=user)
    return [d for d in users_service.list_departments(session=session) if managed is None or d.id in managed]


def can_manage(*, session: Session, user: User, assignment: OnboardingAssignment) -> bool:
    """Admins, and managers of the plan's department."""
    departments = managed_department_ids(session=session, user=user)
    return departments is None or (assignment.department_id is not None and assignment.department_id in departments)


def can_view(*, session: Session, user: User, assignment: OnboardingAssignment) -> bool:
    """The new hire, their mentor, and whoever manages the plan."""
    return may_view(user=user, assignment=assignment, managed=managed_department_ids(session=session, user=user))


def may_view(*, user: User, assignment: OnboardingAssignment, managed: list[int] | None) -> bool:
    """The read rule of a plan and its tasks, given `managed = managed_department_ids(user)`: the new hire, their
    mentor, admins, and the managers of the plan's department. `viewable_clause` is its SQL twin,
    `plan_index_keys` its search keys."""
    if user.id in (assignment.user_id, assignment.mentor_id):
        return True
    return managed is None or (assignment.department_id is not None and assignment.department_id in managed)


def viewable_clause(*, user: User, managed: list[int] | None) -> ColumnElement[bool]:
    """An SQL condition on OnboardingAssignment that holds where `may_view` does."""
    if managed is None:
        return true()
    mine = or_(col(OnboardingAssignment.user_id) == user.id, col(OnboardingAssignment.mentor_id) == user.id)
    return or_(mine, col(OnboardingAssignment.department_id).in_(managed)) if managed else mine


def plan_index_keys(assignment: OnboardingAssignment) -> list[str]:
    """The search keys of a plan's tasks (see app/services/search/keys.py), where `may_view` holds: the new hire, the
    mentor, admins, and the managers of the plan's department ("managers:<department>")."""
    keys = [f"user:{assignment.user_id}"]
    if assignment.mentor_id is not None:
        keys.append(f"user:{assignment.mentor_id}")
    keys.append("role:admin")
    if assignment.department_id is not None:
        keys.append(f"managers:{assignment.department_id}")
    return keys


def get_assignment_or_raise(
    *, session: Session, user: User, assignment_id: int, for_update: bool = False
) -> OnboardingAssignment:
    """A plan the user may see, or NotFound (others' plans do not exist for them)."""
    assignment = session.get(OnboardingAssignment, assignment_id, with_for_update=for_update)
    if assignment is None or not can_view(session=session, user=user, assignment=assignment):
        raise NotFound("This onboarding plan does not exist, or you cannot see it.")
    return assignment


def require_manager_of(*, session: Session, user: User, assignment: OnboardingAssignment) -> None:
    """PermissionDenied unless the user manages this plan."""
    if not can_manage(session=session, user=user, assignment=assignment):
        raise PermissionDenied("Only a manager of this department can do this.")


def require_department_manager(*, session: Session, user: User, department_id: int) -> None:
    """PermissionDenied unless the user manages this department."""
    departments = managed_department_ids(session=session, user=user)
    if departments is not None and department_id not in departments:
        raise PermissionDenied("Only a manager of this department can do this.")


def can_change_checklist(*, session: Session, user: User, department_ids: Sequence[int]) -> bool:
    """Admins; a manager only when every department of the template is theirs (one for the whole hospital: admins)."""
    departments = managed_department_ids(session=session, user=user)
    return departments is None or (bool(department_ids) and set(department_ids) <= set(departments))


def require_checklist_editor(*, session: Session, user: User, template: Checklist) -> None:
    """PermissionDenied unless the user may change this template."""
    if not can_change_checklist(session=session, user=user, department_ids=template.department_ids):
        raise PermissionDenied("Only a manager of every department of this checklist template can change it.")


def check_checklist_departments(*, session: Session, user: User, department_ids: Sequence[int]) -> None:
    """InvalidInput unless the user may give a template these departments (a manager: only their own, at least one)."""
    if can_change_checklist(session=session, user=user, department_ids=department_ids):
        return
    if not department_ids:
        raise InvalidInput(
            "Choose at least one of your departments: only administrators change a checklist "
            "template for the whole hospital."
        )
    raise InvalidInput("You can choose only the departments you manage.")


def can_read_checklist(*, user: User, template: Checklist) -> bool:
    """The read rule of a checklist template: managers and admins read every template in use (archived ones are
    gone). `checklist_readable_clause` is its SQL twin, `checklist_index_keys` its search keys."""
    return user.is_manager and template.archived_at is None


def checklist_readable_clause(*, user: User) -> ColumnElement[bool]:
    """An SQL condition on Checklist that holds where `can_read_checklist` does."""
    return col(Checklist.archived_at).is_(None) if user.is_manager else false()


def checklist_index_keys(template: Checklist) -> list[str]:
    """The search keys of a template in use (see app/services/search/keys.py): managers; admins hold the key too."""
    return ["role:manager"]


def serves(template: Checklist, department_id: int | None) -> bool:
    """Whether the template is for this department (a template for no department is for every one)."""
    return not template.department_ids or department_id in template.department_ids


def may_use_checklist(*, user: User, template: Checklist, department_id: int | None) -> bool:
    """Admins use any template for any department; managers only one that is for that department."""
    return user.is_admin or serves(template, department_id)


def rule_departments(*, user: User, template: Checklist, managed: Sequence[Department]) -> list[Department]:
    """Among the departments the user manages, those they may make an automatic rule for with this template."""
    return [d for d in managed if may_use_checklist(user=user, template=template, department_id=d.id)]


def require_checklist_for(*, user: User, template: Checklist, department_id: int | None) -> None:
    """PermissionDenied unless the user may use the template for this department."""
    if not may_use_checklist(user=user, template=template, department_id=department_id):
        raise PermissionDenied("This checklist template belongs to other departments.")
