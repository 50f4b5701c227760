"""Checklist templates: build them, edit them (each edit is a new version), push added tasks to open plans."""

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app.errors import InvalidInput, NotFound, PermissionDenied
from app.models.onboarding import (
    AssignmentStatus,
    Checklist,
    ChecklistCreate,
    ChecklistPublic,
    ChecklistSection,
    ChecklistTask,
    ChecklistTaskAdd,
    ChecklistTaskCreate,
    ChecklistTaskPublic,
    ChecklistUpdate,
    OnboardingAssignment,
    SectionPublic,
    TaskKind,
)
from app.models.types import utcnow
from app.models.users import Department, Role, User
from app.search import outbox
from app.services import audit
from app.services.onboarding import access
from app.services.onboarding.articles import check_article
from app.services.onboarding.copying import copy_task
from app.services.transactions import all_or_nothing
from app.text import nfc, uk_sort_key


def list_checklists(*, session: Session) -> list[Checklist]:
    """Templates in use, in Ukrainian alphabetical order."""
    rows = session.exec(select(Checklist).where(col(Checklist.archived_at).is_(None))).all()
    return sorted(rows, key=lambda t: uk_sort_key(t.name))


def usable_checklists(*, session: Session, user: User) -> list[Checklist]:
    """Templates in use that the user may assign: for the whole hospital or for a department they manage."""
    managed = access.managed_department_ids(session=session, user=user)
    return [t for t in list_checklists(session=session) if managed is None or any(access.serves(t, d) for d in managed)]


def get_checklist_or_raise(*, session: Session, template_id: int) -> Checklist:
    """The template with this id, or NotFound."""
    template = session.get(Checklist, template_id)
    if template is None or template.archived_at is not None:
        raise NotFound("This checklist template does not exist.")
    return template


def get_editable_checklist_or_raise(*, session: Session, user: User, template_id: int) -> Checklist:
    """The template with this id, or NotFound; PermissionDenied unless the user may change it."""
    template = get_checklist_or_raise(session=session, template_id=template_id)
    access.require_checklist_editor(session=session, user=user, template=template)
    return template


def checklist_structure(
    *, session: Session, template: Checklist
) -> list[tuple[ChecklistSection | None, list[ChecklistTask]]]:
    """Sections in order, each with its tasks in order (tasks without a section come first)."""
    sections = session.exec(
        select(ChecklistSection)
        .where(ChecklistSection.template_id == template.id)
        .order_by(col(ChecklistSection.position))
    ).all()
    tasks = session.exec(
        select(ChecklistTask)
        .where(ChecklistTask.template_id == template.id)
        .order_by(col(ChecklistTask.position), col(ChecklistTask.id))
    ).all()
    grouped: list[tuple[ChecklistSection | None, list[ChecklistTask]]] = []
    loose = [t for t in tasks if t.section_id is None]
    if loose:
        grouped.append((None, loose))
    for section in sections:
        grouped.append((section, [t for t in tasks if t.section_id == section.id]))
    return grouped


def checklist_public(*, session: Session, template: Checklist) -> ChecklistPublic:
    """What the API shows of a template, with its sections and tasks."""
    assert template.id is not None  # read from the database
    sections = [
        SectionPublic(
            id=s.id if s and s.id is not None else 0,
            title=s.title if s else "",
            tasks=[ChecklistTaskPublic.model_validate(t, from_attributes=True) for t in tasks],
        )
        for s, tasks in checklist_structure(session=session, template=template)
    ]
    return ChecklistPublic(
        id=template.id,
        name=template.name,
        description=template.description,
        target_roles=template.target_roles,
        department_ids=template.department_ids,
        version=template.version,
        url=f"/onboarding/templates/{template.id}",
        sections=sections,
    )


def _check_targets(*, session: Session, roles: Sequence[str], department_ids: Sequence[int]) -> None:
    unknown_roles = set(roles) - {str(r) for r in Role}
    if unknown_roles:
        raise InvalidInput("Unknown role: {roles}.", roles=", ".join(sorted(unknown_roles)))
    if department_ids:
        known = set(session.exec(select(Department.id).where(col(Department.id).in_(department_ids))).all())
        if missing := set(department_ids) - known:
            raise InvalidInput("Unknown department: {ids}.", ids=", ".join(map(str, sorted(missing))))


def _check_task(*, session: Session, actor: User, data: ChecklistTaskCreate, linked_id: int | None = None) -> None:
    if not data.title.strip():
        raise InvalidInput("The task needs a title.")
    if data.kind == TaskKind.read:
        check_article(session=session, user=actor, article_id=data.article_id, linked_id=linked_id)
    if data.kind == TaskKind.meet:
        if data.meet_user_id is None or session.get(User, data.meet_user_id) is None:
            raise InvalidInput("A meeting task must name the person to meet.")


def _new_task(
    *,
    session: Session,
    actor: User,
    template: Checklist,
    section_id: int | None,
    position: int,
    data: ChecklistTaskCreate,
) -> ChecklistTask:
    _check_task(session=session, actor=actor, data=data)
    assert template.id is not None  # stored (flushed) before its tasks are added
    task = ChecklistTask(
        template_id=template.id,
        section_id=section_id,
        position=position,
        title=nfc(data.title.strip()),
        instructions=nfc(data.instructions),
        kind=data.kind,
        due_offset_days=data.due_offset_days,
        article_id=data.article_id if data.kind == TaskKind.read else None,
        meet_user_id=data.meet_user_id if data.kind == TaskKind.meet else None,
        added_in_version=template.version,
    )
    session.add(task)
    return task


@all_or_nothing
def create_checklist(*, session: Session, actor: User, data: ChecklistCreate) -> Checklist:
    """Create a template with its sections and tasks; a manager's is for their departments unless they name some."""
    department_ids = (
        sorted(set(data.department_ids)) or access.managed_department_ids(session=session, user=actor) or []
    )
    _check_targets(session=session, roles=data.target_roles, department_ids=department_ids)
    access.check_checklist_departments(session=session, user=actor, department_ids=department_ids)
    template = Checklist(
        name=nfc(data.name.strip()),
        description=nfc(data.description),
        target_roles=list(data.target_roles),
        department_ids=department_ids,
        created_by_id=actor.id,
    )
    session.add(template)
    session.flush()
    assert template.id is not None  # the flush gave it its id
    position = 0
    for index, section_data in enumerate(data.sections):
        section = ChecklistSection(
            template_id=template.id,
            title=nfc(section_data.title.strip()),
            position=index,
        )
        session.add(section)
        session.flush()
        for task_data in section_data.tasks:
            _new_task(
                session=session,
                actor=actor,
                template=template,
                section_id=section.id,
                position=position,
                data=task_data,
            )
            position += 1
    _changed(session=session, template=template, actor=actor, action="onboarding.template_created", bump=False)
    session.commit()
    session.refresh(template)
    return template


def _changed(
    *,
    session: Session,
    template: Checklist,
    actor: User,
    action: str,
    bump: bool = True,
    detail: dict[str, object] | None = None,
) -> None:
    if bump:
        template.version += 1
    template.updated_at = utcnow()
    session.add(template)
    session.flush()
    outbox.enqueue(session, f"template:{template.id}")
    audit.record(
        session=session,
        action=action,
        actor=actor,
        subject=template.name,
        target_type="onboarding_template",
        target_id=template.id,
        detail={"version": template.version, **(detail or {})},
    )


@all_or_nothing
def update_checklist(*, session: Session, actor: User, template: Checklist, data: ChecklistUpdate) -> Checklist:
    """Change a template's name, description or targets; assigned plans keep what they were given."""
    access.require_checklist_editor(session=session, user=actor, template=template)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    _check_targets(
        session=session, roles=changes.get("target_roles", []), department_ids=changes.get("department_ids", [])
    )
    if "department_ids" in changes:
        changes["department_ids"] = sorted(set(changes["department_ids"]))
        access.check_checklist_departments(session=session, user=actor, department_ids=changes["department_ids"])
    for field in ("name", "description"):
        if field in changes:
            changes[field] = nfc(changes[field].strip() if field == "name" else changes[field])
    template.sqlmodel_update(changes)
    _changed(session=session, template=template, actor=actor, action="onboarding.template_updated")
    session.commit()
    session.refresh(template)
    return template


@all_or_nothing
def add_section(*, session: Session, actor: User, template: Checklist, title: str) -> ChecklistSection:
    """Add a section at the end of the template."""
    access.require_checklist_editor(session=session, user=actor, template=template)
    title = nfc(title.strip())
    if not title:
        raise InvalidInput("The section needs a title.")
    assert template.id is not None  # read from the database
    last = session.exec(
        select(func.max(ChecklistSection.position)).where(ChecklistSection.template_id == template.id)
    ).one()
    section = ChecklistSection(
        template_id=template.id,
        title=title[:200],
        position=(last if last is not None else -1) + 1,
    )
    session.add(section)
    _changed(session=session, template=template, actor=actor, action="onboarding.template_updated")
    session.commit()
    session.refresh(section)
    return section


@all_or_nothing
def add_task(
    *, session: Session, actor: User, template: Checklist, data: ChecklistTaskAdd, holidays: Collection[date]
) -> tuple[ChecklistTask, int]:
    """Add a task (to the end of its section); with `push_to_open`, also to every open plan from this template.

    Returns the task and how many open plans received it."""
    access.require_checklist_editor(session=session, user=actor, template=template)
    section = session.get(ChecklistSection, data.section_id) if data.section_id is not None else None
    if data.section_id is not None and (section is None or section.template_id != template.id):
        raise InvalidInput("This section does not belong to the template.")
    template.version += 1
    last = session.exec(select(func.max(ChecklistTask.position)).where(ChecklistTask.template_id == template.id)).one()
    task = _new_task(
        session=session,
        actor=actor,
        template=template,
        section_id=data.section_id,
        position=(last if last is not None else -1) + 1,
        data=data,
    )
    session.flush()
    pushed = (
        _push(
            session=session, actor=actor, task=task, section_title=section.title if section else "", holidays=holidays
        )
        if data.push_to_open
        else 0
    )
    _changed(
        session=session,
        template=template,
        actor=actor,
        action="onboarding.task_added",
        bump=False,
        detail={"task": task.title, "pushed_to": pushed},
    )
    session.commit()
    session.refresh(task)
    return task, pushed


@all_or_nothing
def update_task(
    *, session: Session, actor: User, template: Checklist, task_id: int, data: ChecklistTaskCreate
) -> ChecklistTask:
    """Edit a task in place (a new template version); plans that already have a copy keep theirs."""
    access.require_checklist_editor(session=session, user=actor, template=template)
    task = session.get(ChecklistTask, task_id)
    if task is None or task.template_id != template.id:
        raise NotFound("This task does not exist.")
    _check_task(session=session, actor=actor, data=data, linked_id=task.article_id)
    task.sqlmodel_update(
        {
            "title": nfc(data.title.strip()),
            "instructions": nfc(data.instructions),
            "kind": data.kind,
            "due_offset_days": data.due_offset_days,
            "article_id": data.article_id if data.kind == TaskKind.read else None,
            "meet_user_id": data.meet_user_id if data.kind == TaskKind.meet else None,
        }
    )
    session.add(task)
    _changed(
        session=session, template=template, actor=actor, action="onboarding.task_updated", detail={"task": task.title}
    )
    session.commit()
    session.refresh(task)
    return task


def _push(*, session: Session, actor: User, task: ChecklistTask, section_title: str, holidays: Collection[date]) -> int:
    """Copy the task into the open plans from its template that the actor manages; returns how many."""
    query = select(OnboardingAssignment).where(
        OnboardingAssignment.template_id == task.template_id, OnboardingAssignment.status == AssignmentStatus.open
    )
    managed = access.managed_department_ids(session=session, user=actor)
    if managed is not None:
        query = query.where(col(OnboardingAssignment.department_id).in_(managed))
    assignments = session.exec(query).all()
    for assignment in assignments:
        copy_task(
            session=session,
            assignment=assignment,
            task=task,
            section_title=section_title,
            position=task.position,
            holidays=holidays,
        )
        # A counter moved by SQL, never read-modify-write: ticks may be landing at the same moment.
        session.execute(
            update(OnboardingAssignment)
            .where(col(OnboardingAssignment.id) == assignment.id)
            .values(total_tasks=OnboardingAssignment.total_tasks + 1)
        )
    return len(assignments)


def remove_task(*, session: Session, actor: User, template: Checklist, task_id: int) -> str:
    """Remove a task from the template (returns its title); plans that already have a copy keep it."""
    access.require_checklist_editor(session=session, user=actor, template=template)
    task = session.get(ChecklistTask, task_id)
    if task is None or task.template_id != template.id:
        raise NotFound("This task does not exist.")
    session.delete(task)
    _changed(
        session=session, template=template, actor=actor, action="onboarding.task_removed", detail={"task": task.title}
    )
    session.commit()
    return task.title


def archive_checklist(*, session: Session, actor: User, template: Checklist) -> None:
    """Stop offering a template; plans made from it go on."""
    access.require_checklist_editor(session=session, user=actor, template=template)
    template.archived_at = utcnow()
    _changed(session=session, template=template, actor=actor, action="onboarding.template_archived", bump=False)
    session.commit()


def get_section_or_raise(*, session: Session, template: Checklist, section_id: int) -> ChecklistSection:
    """A section of this template, or NotFound."""
    section = session.get(ChecklistSection, section_id)
    if section is None or section.template_id != template.id:
        raise NotFound("This section does not exist.")
    return section


@all_or_nothing
def rename_section(
    *, session: Session, actor: User, template: Checklist, section_id: int, title: str
) -> ChecklistSection:
    """Give a section another title (a new version; assigned plans keep the title they were given)."""
    access.require_checklist_editor(session=session, user=actor, template=template)
    section = get_section_or_raise(session=session, template=template, section_id=section_id)
    title = nfc(title.strip())
    if not title:
        raise InvalidInput("The section needs a title.")
    section.title = title[:200]
    session.add(section)
    _changed(
        session=session, template=template, actor=actor, action="onboarding.section_renamed", detail={"title": title}
    )
    session.commit()
    session.refresh(section)
    return section


def remove_section(*, session: Session, actor: User, template: Checklist, section_id: int) -> None:
    """Remove a section and its tasks from the template; plans that already have copies keep them."""
    access.require_checklist_editor(session=session, user=actor, template=template)
    section = get_section_or_raise(session=session, template=template, section_id=section_id)
    tasks = session.exec(select(ChecklistTask).where(ChecklistTask.section_id == section.id)).all()
    for task in tasks:
        session.delete(task)
    session.delete(section)
    _changed(
        session=session,
        template=template,
        actor=actor,
        action="onboarding.section_removed",
        detail={"title": section.title, "tasks": len(tasks)},
    )
    session.commit()


def move_task(*, session: Session, actor: User, template: Checklist, task_id: int, up: bool) -> ChecklistTask:
    """Swap a task with the one before (`up`) or after it in its section (a new version: new plans get the order)."""
    access.require_checklist_editor(session=session, user=actor, template=template)
    tasks = list(
        session.exec(
            select(ChecklistTask)
            .where(ChecklistTask.template_id == template.id)
            .order_by(col(ChecklistTask.position), col(ChecklistTask.id))
        ).all()
    )
    task = next((t for t in tasks if t.id == task_id), None)
    if task is None:
        raise NotFound("This task does not exist.")
    for index, each in enumerate(tasks):  # positions may repeat (older templates): number them first
        each.position = index
    siblings = [t for t in tasks if t.section_id == task.section_id]
    at = siblings.index(task)
    other_at = at - 1 if up else at + 1
    if 0 <= other_at < len(siblings):
        other = siblings[other_at]
        task.position, other.position = other.position, task.position
        session.add_all(tasks)
        _changed(
            session=session,
            template=template,
            actor=actor,
            action="onboarding.task_moved",
            detail={"task": task.title, "direction": "up" if up else "down"},
        )
        session.commit()
    session.refresh(task)
    return task


def copy_checklist(*, session: Session, actor: User, template: Checklist, name: str) -> Checklist:
    """A new template (version 1, no rules, no plans) with all the sections and tasks of this one, named `name`; for
    the same departments when the actor may change those, else for the actor's own."""
    if not actor.is_manager:
        raise PermissionDenied("Only managers can do this.")
    same = access.can_change_checklist(session=session, user=actor, department_ids=template.department_ids)
    department_ids = template.department_ids if same else access.managed_department_ids(session=session, user=actor)
    copy = Checklist(
        name=nfc(name.strip())[:200] or template.name,
        description=template.description,
        target_roles=list(template.target_roles),
        department_ids=sorted(department_ids or []),
        created_by_id=actor.id,
    )
    session.add(copy)
    session.flush()
    assert copy.id is not None  # the flush gave it its id
    for section, tasks in checklist_structure(session=session, template=template):
        new_section = None
        if section is not None:
            new_section = ChecklistSection(template_id=copy.id, title=section.title, position=section.position)
            session.add(new_section)
            session.flush()
        for task in tasks:
            fields = task.model_dump(exclude={"id", "template_id", "section_id", "added_in_version"})
            session.add(
                ChecklistTask(
                    **fields,
                    template_id=copy.id,
                    section_id=new_section.id if new_section else None,
                    added_in_version=1,
                )
            )
    _changed(
        session=session,
        template=copy,
        actor=actor,
        action="onboarding.template_copied",
        bump=False,
        detail={"from": template.id},
    )
    session.commit()
    session.refresh(copy)
    return copy
