"""The article editor's form: typed text kept as typed, turned into service input."""

from pydantic import BaseModel

from app.errors import InvalidInput
from app.models.kb import ArticleCreate, ArticleUpdate, CategoryCreate, ChangeKind, PublishRequest
from app.routers.forms import form_ids


class ReasonForm(BaseModel):
    """Why text or a file name that looks like patient data may be published anyway; the editor, publishing,
    importing, restoring and attaching all carry it."""

    override_reason: str = ""

    def reason(self) -> str | None:
        """The reason as the service reads it (None: none given)."""
        return self.override_reason[:500] or None


class ArticleForm(ReasonForm):
    title: str = ""
    body: str = ""
    tags: str = ""
    category: str = ""
    department_ids: list[str] = []
    owner_id: str = ""
    requires_acknowledgement: str = ""
    review_interval_months: str = ""
    change_note: str = ""
    base_revision_id: str = ""
    action: str = "save"
    template: str = ""
    guide: str = ""  # the guide request a new article answers (its searchers are counted above the form)

    def tag_list(self) -> list[str]:
        """Tags typed with commas."""
        return [t for t in (p.strip() for p in self.tags.split(",")) if t]

    def _int(self, value: str, message: str) -> int | None:
        if not value.strip():
            return None
        if not value.strip().isdigit():
            raise InvalidInput(message)
        return int(value)

    def _common(self) -> dict[str, object]:
        return {
            "tags": self.tag_list(),
            "category": self._int(self.category, "This category does not exist."),
            "department_ids": form_ids(self.department_ids),
            "requires_acknowledgement": self.requires_acknowledgement == "on",
            "review_interval_months": self._int(
                self.review_interval_months, "The review interval is a number of months from 1 to 60."
            ),
            "change_note": self.change_note,
            "override_reason": self.reason(),
        }

    def to_create(self) -> ArticleCreate:
        """Input for a new draft."""
        owner = self._int(self.owner_id, "The owner must be an active person.")
        return ArticleCreate.model_validate(
            {"title": self.title, "body": self.body, "owner_id": owner, **self._common()}
        )

    def to_update(self, *, with_settings: bool) -> ArticleUpdate:
        """Input for a save: the text always, the settings when the editor may change them."""
        data: dict[str, object] = {
            "base_revision_id": self._int(self.base_revision_id, "Reload the page."),
            "title": self.title,
            "body": self.body,
            **self._common(),
        }
        if with_settings:
            owner = self._int(self.owner_id, "The owner must be an active person.")
            if owner is not None:
                data["owner_id"] = owner
        else:
            for key in ("category", "department_ids", "requires_acknowledgement", "review_interval_months"):
                data.pop(key)
        return ArticleUpdate.model_validate(data)


class PublishForm(ReasonForm):
    """Publish as a major version (readers acknowledge it again; a change note says what changed) or an editorial
    one; nothing is chosen for the manager."""

    kind: str = ""
    change_note: str = ""

    def to_request(self) -> PublishRequest:
        kind = ChangeKind(self.kind) if self.kind in set(ChangeKind) else None
        return PublishRequest(kind=kind, change_note=self.change_note[:500], override_reason=self.reason())


class AcknowledgeForm(BaseModel):
    """ "I have read and understood", and where to return afterwards (a path of this site, e.g. one's plan)."""

    next: str = ""


class ReturnForm(BaseModel):
    """Send a draft or proposed change back to its author, saying what should be changed."""

    comment: str = ""

    def text(self) -> str:
        """The comment (it must say something)."""
        if not self.comment.strip():
            raise InvalidInput("Write what should be changed.")
        return self.comment[:2000]


class PreviewForm(BaseModel):
    """The Markdown being typed, for the live preview."""

    body: str = ""


class ImportForm(ReasonForm):
    """The category imported articles go to (the file comes as its own field), and why entries that look like
    patient data may be imported anyway."""

    category: str = ""

    def category_id(self) -> int | None:
        return int(self.category) if self.category.isdigit() else None


class CategoryForm(BaseModel):
    """A new category, or a subcategory of `parent_id`."""

    name: str = ""
    parent_id: str = ""

    def to_create(self) -> CategoryCreate:
        parent = int(self.parent_id) if self.parent_id.isdigit() else None
        return CategoryCreate.model_construct(name=self.name[:120], parent_id=parent)
