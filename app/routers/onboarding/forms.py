"""The onboarding pages' HTML forms: text kept as typed (to show again on a mistake), turned into service input."""

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.errors import InvalidInput
from app.models.onboarding import (
    AssignmentCreate,
    ChecklistCreate,
    ChecklistTaskAdd,
    ChecklistTaskCreate,
    ChecklistUpdate,
    RuleCreate,
)
from app.routers.forms import form_ids


class AssignForm(BaseModel):
    """Give someone one or more plans: a person, the templates ticked, a start date and a mentor."""

    user_id: str = ""
    start_date: str = ""
    mentor_id: str = ""
    template_ids: list[str] = []

    def typed(self) -> dict[str, Any]:
        """What was typed, as the form shows it again."""
        return {
            "user_id": self.user_id,
            "start_date": self.start_date,
            "mentor_id": self.mentor_id or None,
            "template_ids": form_ids(self.template_ids),
        }

    def to_creates(self) -> list[AssignmentCreate]:
        """One plan per ticked template."""
        typed = self.typed()
        return [AssignmentCreate.model_validate({**typed, "template_id": t}) for t in typed["template_ids"]]


class ChecklistForm(BaseModel):
    """A new, empty checklist template."""

    name: str = ""
    description: str = ""

    def typed(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description}

    def to_create(self) -> ChecklistCreate:
        return ChecklistCreate.model_validate(self.typed())


class ChecklistEditForm(BaseModel):
    """A template's name, description and target roles and departments."""

    name: str = ""
    description: str = ""
    target_roles: list[str] = []
    department_ids: list[str] = []

    def to_update(self) -> ChecklistUpdate:
        return ChecklistUpdate.model_validate(self.model_dump())


class SectionForm(BaseModel):
    title: str = ""


class TaskForm(BaseModel):
    """A task of a template (added or changed): its kind, text, due day and what it points to."""

    title: str = ""
    instructions: str = ""
    kind: str = "do"
    due_offset_days: str = ""
    article_id: str = ""
    meet_user_id: str = ""
    section_id: str = ""
    push_to_open: str = ""

    def typed(self) -> dict[str, Any]:
        """What was typed (numbers that are not numbers left out), as the form shows it again and the models read it."""

        def number(value: str) -> int | None:
            value = value.strip()
            return int(value) if value.lstrip("-").isdigit() else None

        return {
            "title": self.title,
            "instructions": self.instructions,
            "kind": self.kind,
            "due_offset_days": number(self.due_offset_days) or 0,
            "article_id": number(self.article_id),
            "meet_user_id": number(self.meet_user_id),
            "section_id": number(self.section_id),
            "push_to_open": self.push_to_open == "on",
        }

    def to_add(self) -> ChecklistTaskAdd:
        """A new task (with its section, and whether open plans get it too)."""
        return ChecklistTaskAdd.model_validate(self.typed())

    def to_change(self) -> ChecklistTaskCreate:
        """A task changed in place."""
        return ChecklistTaskCreate.model_validate(self.typed())


class MentorForm(BaseModel):
    """Give a plan another mentor."""

    mentor_id: int


class CloseForm(BaseModel):
    """Close a plan early, saying why."""

    reason: str = ""


class DueDateForm(BaseModel):
    """Move one task of a plan to a later day, with a reason."""

    task_id: int
    due_date: str = ""
    reason: str = ""

    def day(self) -> date:
        """The new due day, typed as YYYY-MM-DD."""
        try:
            return date.fromisoformat(self.due_date)
        except ValueError:
            raise InvalidInput("Dates are written as YYYY-MM-DD.") from None


class CompleteForm(BaseModel):
    """Tick a task, with an optional note (the file comes as its own field); then back to `next`."""

    note: str = Field(default="", max_length=2000)
    next: str = ""


class BackForm(BaseModel):
    """A button that only says where to go back to (`next`, a page of Kolo)."""

    next: str = ""


class SignoffForm(BaseModel):
    """Confirm a competency, with an optional comment; then back to `next`."""

    comment: str = Field(default="", max_length=2000)
    next: str = ""


class NotYetForm(BaseModel):
    """Answer a request with "not yet", saying what is still missing; then back to `next`."""

    comment: str = Field(default="", max_length=2000)
    next: str = ""


class MoveForm(BaseModel):
    """Move a template task one place up or down in its section (the button's value)."""

    direction: Literal["up", "down"]


class RuleForm(BaseModel):
    """Assign a template to everyone who joins a department."""

    department_id: str = ""
    mentor_id: str = ""

    def to_create(self, template_id: int) -> RuleCreate:
        return RuleCreate.model_validate(
            {"department_id": self.department_id, "template_id": template_id, "mentor_id": self.mentor_id or None}
        )
