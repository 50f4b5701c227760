"""Uploaded files: stored on disk under a generated name, attached to one piece of content."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.types import created_at_field


class Upload(SQLModel, table=True):
    """A file someone uploaded; readable by its owner until attached, then by whoever can read the target."""

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    stored_name: str = Field(max_length=80, unique=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=60)
    size: int
    target_key: str | None = Field(default=None, max_length=60, index=True)
    created_at: datetime = created_at_field()

    @property
    def is_image(self) -> bool:
        """Images are shown inline; everything else is downloaded."""
        return self.content_type.startswith("image/")


class UploadPublic(SQLModel):
    id: int
    url: str
    filename: str
    content_type: str
    size: int
    is_image: bool
    target_key: str | None
    created_at: datetime
