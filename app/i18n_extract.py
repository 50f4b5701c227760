"""Extract every translatable message of Kolo (code and templates) into a catalog."""

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir

from app.templating import ROOT

ERROR_CLASSES = (
    "AppError",
    "Unauthorized",
    "PermissionDenied",
    "NotFound",
    "Conflict",
    "InvalidInput",
    "TooManyRequests",
    "RevisionConflict",
)
KEYWORDS = {"_": None, "gettext": (2,), "ngettext": (2, 3), "N_": None, **{name: (1,) for name in ERROR_CLASSES}}
METHOD_MAP = [("app/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]


def extract_catalog() -> Catalog:
    """All msgids Kolo shows, with where they come from."""
    catalog = Catalog(project="Kolo", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        METHOD_MAP,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog
