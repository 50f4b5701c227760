"""An institution's own patterns for the patient-data guard (its record-number or bed-code formats …)."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.types import created_at_field


class PatientDataRule(SQLModel, table=True):
    """A regular expression whose matches are held back like patient data, shown to authors by its name."""

    __tablename__ = "patient_data_rule"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)
    pattern: str = Field(max_length=300)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()


class PatientDataRuleCreate(SQLModel):
    name: str = Field(min_length=1, max_length=60)
    pattern: str = Field(min_length=1, max_length=300)


class PatientDataRulePublic(SQLModel):
    id: int
    name: str
    pattern: str
    created_at: datetime
