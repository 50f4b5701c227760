"""Search sources for onboarding: checklist templates with their task instructions (for managers), and each
plan's assigned tasks (for whoever may see the plan: the new hire, their mentor, the managers of its department,
admins). The keys are those of app/services/onboarding/access.py, beside the read rules they follow."""

from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.markdown import plain_text, render_markdown
from app.models.onboarding import Checklist, OnboardingAssignedTask, OnboardingAssignment
from app.models.users import User
from app.search.index import SearchDoc
from app.services.onboarding import access, checklists


def _text(markdown: str) -> str:
    return plain_text(render_markdown(markdown))


class ChecklistSource:
    kind = "template"

    def load(self, session: Session, ids: list[int]) -> list[SearchDoc]:
        """Templates in use, with every task's title and instructions."""
        rows = session.exec(
            select(Checklist).where(col(Checklist.id).in_(ids), col(Checklist.archived_at).is_(None))
        ).all()
        docs = []
        for template in rows:
            parts = [_text(template.description)]
            for section, tasks in checklists.checklist_structure(session=session, template=template):
                parts += [section.title] if section else []
                parts += [f"{t.title}\n{_text(t.instructions)}" for t in tasks]
            docs.append(
                SearchDoc(
                    key=f"template:{template.id}",
                    kind="template",
                    title=template.name,
                    body="\n".join(p for p in parts if p),
                    visibility=access.checklist_index_keys(template),
                    author_id=template.created_by_id,
                    department_ids=list(template.department_ids),
                    status=f"v{template.version}",
                    created_at=template.created_at,
                    updated_at=template.updated_at,
                    url=f"/onboarding/templates/{template.id}",
                )
            )
        return docs

    def all_ids(self, session: Session) -> Iterable[int]:
        """Every template in use."""
        rows = session.exec(
            select(Checklist.id).where(col(Checklist.archived_at).is_(None)).order_by(col(Checklist.id))
        ).all()
        return [i for i in rows if i is not None]

    def readable_ids(self, session: Session, user: User | None, ids: list[int]) -> set[int]:
        """Managers and admins read every template in use."""
        if user is None or not ids:
            return set()
        query = select(Checklist.id).where(col(Checklist.id).in_(ids), access.checklist_readable_clause(user=user))
        return {i for i in session.exec(query).all() if i is not None}


class TaskSource:
    kind = "task"

    def load(self, session: Session, ids: list[int]) -> list[SearchDoc]:
        """Assigned tasks, each visible to whoever may see its plan."""
        rows = session.exec(
            select(OnboardingAssignedTask, OnboardingAssignment)
            .join(OnboardingAssignment)
            .where(col(OnboardingAssignedTask.id).in_(ids))
        ).all()
        return [
            SearchDoc(
                key=f"task:{task.id}",
                kind="task",
                title=task.title,
                body=f"{plan.name}\n{task.section_title}\n{_text(task.instructions)}",
                visibility=access.plan_index_keys(plan),
                author_id=plan.user_id,
                status=str(task.status),
                created_at=plan.created_at,
                updated_at=task.completed_at or plan.created_at,
                url=f"/onboarding/assignments/{plan.id}#task-{task.id}",
            )
            for task, plan in rows
        ]

    def all_ids(self, session: Session) -> Iterable[int]:
        """Every assigned task."""
        rows = session.exec(select(OnboardingAssignedTask.id).order_by(col(OnboardingAssignedTask.id))).all()
        return [i for i in rows if i is not None]

    def readable_ids(self, session: Session, user: User | None, ids: list[int]) -> set[int]:
        """Tasks of plans the user may see now (their own, their mentees', their departments')."""
        if user is None or not ids:
            return set()
        managed = access.managed_department_ids(session=session, user=user)
        query = (
            select(OnboardingAssignedTask.id)
            .join(OnboardingAssignment)
            .where(col(OnboardingAssignedTask.id).in_(ids), access.viewable_clause(user=user, managed=managed))
        )
        return {i for i in session.exec(query).all() if i is not None}
