"""Who may see and change an onboarding plan: the new hire, their mentor, and managers of its department."""

from sqlmodel import Session

from app.errors import NotFound, PermissionDenied
from app.models.onboarding import OnboardingAssignment
from app.models.users import User
from app.services import users as users_service


def managed_department_ids(*, session: Session, user: User) -> list[int] | None:
    """The departments whose plans the user manages: None for admins (all), [] for non-managers."""
    if user.is_admin:
        return None
    if not user.is_manager:
        return []
    return users_service.department_ids_of(session=session, user=user)


def can_manage(*, session: Session, user: User, assignment: OnboardingAssignment) -> bool:
    """Admins, and managers of the plan's department."""
    departments = managed_department_ids(session=session, user=user)
    return departments is None or (assignment.department_id is not None and assignment.department_id in departments)


def can_view(*, session: Session, user: User, assignment: OnboardingAssignment) -> bool:
    """The new hire, their mentor, and whoever manages the plan."""
    if user.id in (assignment.user_id, assignment.mentor_id):
        return True
    return can_manage(session=session, user=user, assignment=assignment)


def get_assignment_or_raise(*, session: Session, user: User, assignment_id: int,
                            for_update: bool = False) -> OnboardingAssignment:
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
