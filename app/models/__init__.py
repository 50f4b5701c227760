"""All table models; importing this package registers them on SQLModel.metadata."""

from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# One line per domain.
import app.models.audit  # noqa: E402,F401
import app.models.feed  # noqa: E402,F401
import app.models.kb  # noqa: E402,F401
import app.models.notifications  # noqa: E402,F401
import app.models.onboarding  # noqa: E402,F401
import app.models.patient_data  # noqa: E402,F401
import app.models.scheduler  # noqa: E402,F401
import app.models.search  # noqa: E402,F401
import app.models.synonyms  # noqa: E402,F401
import app.models.uploads  # noqa: E402,F401
import app.models.users  # noqa: E402,F401
