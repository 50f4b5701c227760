"""Pydantic's validation messages in the reader's language, and the fields named as the forms label them.

Pydantic writes its messages in English ("String should have at most 200 characters"). Each error carries a `type`
and a `ctx` with its limits, so a message is rebuilt from those in the reader's language; English keeps pydantic's own
words. A field is named by its form label ("Відділення"), never by its attribute (`department_ids`).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from app.i18n import N_, format_number, gettext, ngettext

# Where a value came from, not a field: left out of a field's path.
SOURCES = ("body", "query", "path", "form", "header", "cookie")

# A message per pydantic error type (msgids; `{limit}` and the like come from the error's ctx).
MESSAGES: dict[str, str] = {
    "missing": N_("this field is required"),
    "string_type": N_("enter text"),
    "string_pattern_mismatch": N_("the format is not right"),
    "string_unicode": N_("the text holds characters that cannot be read"),
    "int_parsing": N_("enter a whole number"),
    "int_type": N_("enter a whole number"),
    "int_from_float": N_("enter a whole number"),
    "float_parsing": N_("enter a number"),
    "float_type": N_("enter a number"),
    "decimal_parsing": N_("enter a number"),
    "finite_number": N_("enter a number"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "bool_parsing": N_("answer yes or no"),
    "bool_type": N_("answer yes or no"),
    "enum": N_("choose one of the offered options"),
    "literal_error": N_("choose one of the offered options"),
    "date_parsing": N_("enter a date"),
    "date_type": N_("enter a date"),
    "date_from_datetime_parsing": N_("enter a date"),
    "date_from_datetime_inexact": N_("enter a date without a time"),
    "datetime_parsing": N_("enter a date and time"),
    "datetime_type": N_("enter a date and time"),
    "datetime_from_date_parsing": N_("enter a date and time"),
    "datetime_object_invalid": N_("enter a date and time"),
    "time_parsing": N_("enter a time"),
    "time_type": N_("enter a time"),
    "timezone_aware": N_("give the time with its time zone"),
    "datetime_range": N_("the year must be between {first} and {last}"),
    "url_parsing": N_("enter a web address (URL)"),
    "url_type": N_("enter a web address (URL)"),
    "url_scheme": N_("enter a web address (URL)"),
    "uuid_parsing": N_("the identifier is not valid"),
    "json_invalid": N_("the request is not valid JSON"),
    "json_type": N_("the request is not valid JSON"),
    "model_type": N_("a set of fields is expected here"),
    "model_attributes_type": N_("a set of fields is expected here"),
    "dict_type": N_("a set of fields is expected here"),
    "list_type": N_("a list is expected here"),
    "extra_forbidden": N_("this field is not expected"),
    "value_error": N_("the value is not valid"),
    "assertion_error": N_("the value is not valid"),
}
FALLBACK = N_("the value is not valid")

# Messages that depend on a count, by error type: the ctx key holding the count, and the message for a count (written
# out as ngettext calls so that both forms are extracted for translation).
COUNTED: dict[str, tuple[str, Callable[[str, int], str]]] = {
    "string_too_short": (
        "min_length",
        lambda lang, n: ngettext(lang, "at least {n} character", "at least {n} characters", n),
    ),
    "string_too_long": (
        "max_length",
        lambda lang, n: ngettext(lang, "at most {n} character", "at most {n} characters", n),
    ),
    "too_short": (
        "min_length",
        lambda lang, n: ngettext(lang, "choose at least {n} item", "choose at least {n} items", n),
    ),
    "too_long": ("max_length", lambda lang, n: ngettext(lang, "at most {n} item", "at most {n} items", n)),
}

# The label each input field has in Kolo's forms (msgids); a field not named here is left unnamed.
FIELD_LABELS: dict[str, str] = {
    "email": N_("E-mail"),
    "name": N_("Name"),
    "role": N_("Role"),
    "handle": N_("Handle (for @mentions)"),
    "department_ids": N_("Departments"),
    "department_id": N_("Department"),
    "is_active": N_("Active"),
    "language": N_("Language"),
    "timezone": N_("Time zone"),
    "password": N_("Password"),
    "password2": N_("Repeat the password"),
    "expires_in_days": N_("Valid for"),
    "title": N_("Title"),
    "body": N_("Text"),
    "text": N_("Text"),
    "comment": N_("Comment"),
    "note": N_("Comment"),
    "reason": N_("Reason"),
    "close_reason": N_("Reason"),
    "tags": N_("Tags"),
    "extra_tags": N_("Tags"),
    "kind": N_("Kind"),
    "category": N_("Category"),
    "category_id": N_("Category"),
    "owner_id": N_("Owner"),
    "change_note": N_("What changed"),
    "review_due": N_("Review due"),
    "review_interval_months": N_("Review every (months)"),
    "requires_acknowledgement": N_("Requires acknowledgement"),
    "description": N_("Description"),
    "instructions": N_("Instructions"),
    "link": N_("Link"),
    "place": N_("Place"),
    "capacity": N_("Places"),
    "starts_at": N_("Starts"),
    "ends_at": N_("Ends"),
    "event_title": N_("Title"),
    "event_starts_at": N_("Starts"),
    "event_ends_at": N_("Ends"),
    "event_place": N_("Place"),
    "event_link": N_("Link"),
    "event_capacity": N_("Places"),
    "event_format": N_("Format"),
    "format": N_("Format"),
    "pinned_until": N_("Pinned until"),
    "must_read": N_("Must read"),
    "user_id": N_("Person"),
    "mentor_id": N_("Mentor"),
    "meet_user_id": N_("Whom to meet"),
    "template_id": N_("Plan"),
    "template_ids": N_("Plans"),
    "start_date": N_("Start date"),
    "due_date": N_("Due date"),
    "due_offset_days": N_("Due on day"),
    "article_id": N_("Guide"),
    "section_id": N_("Section"),
    "query": N_("Search query"),
    "emoji": N_("Reaction"),
}

# Where one model names a field differently from the rest: a person's name is a full name, a token's its own name.
MODEL_LABELS: dict[tuple[str, str], str] = {
    ("UserCreate", "name"): N_("Full name"),
    ("UserUpdate", "name"): N_("Full name"),
    ("ProfileUpdate", "name"): N_("Full name"),
    ("NewUserForm", "name"): N_("Full name"),
    ("UserEditForm", "name"): N_("Full name"),
    ("ProfileForm", "name"): N_("Full name"),
    ("TokenForm", "name"): N_("Token name"),
    ("TokenCreate", "name"): N_("Token name"),
    ("DepartmentForm", "name"): N_("New department"),
    ("PasswordForm", "current"): N_("Current password"),
    ("PasswordForm", "new"): N_("New password"),
    ("PasswordForm", "new2"): N_("Repeat the password"),
}


def field_path(loc: Sequence[Any]) -> list[str]:
    """The names in an error's location, without where the value came from or list positions."""
    return [str(part) for part in loc if isinstance(part, str) and part not in SOURCES]


def field_label(loc: Sequence[Any], language: str, model: str = "") -> str:
    """The form label of the innermost named field of an error's location (as `model`, the form or input model, names
    it), or "" when Kolo has none for it."""
    for name in reversed(field_path(loc)):
        if (model, name) in MODEL_LABELS:
            return gettext(language, MODEL_LABELS[(model, name)])
        if name in FIELD_LABELS:
            return gettext(language, FIELD_LABELS[name])
    return ""


def error_message(error: Mapping[str, Any], language: str) -> str:
    """What is wrong with one field, in `language` (English: pydantic's own words)."""
    if language == "en":
        return str(error.get("msg", ""))
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind in COUNTED:
        key, counted = COUNTED[kind]
        count = int(ctx.get(key, 0))
        if kind == "string_too_short" and count == 1:  # an empty required text: say so, not "at least 1 character"
            return gettext(language, MESSAGES["missing"])
        return counted(language, count)
    if kind == "value_error" and ctx.get("error") is not None:
        inner = str(ctx["error"])
        translated = gettext(language, inner)
        if translated != inner:
            return translated
    params = {key: _number(key, v, language) for key, v in ctx.items()}
    try:
        return gettext(language, MESSAGES.get(kind, FALLBACK), **params)
    except (KeyError, IndexError):
        return gettext(language, FALLBACK)


def describe(
    errors: Iterable[Mapping[str, Any]], language: str, *, model: str = "", with_path: bool = False
) -> list[str]:
    """One line per error: "Назва — не більше ніж 200 символів". `with_path` adds the field's own name for API callers
    ("Назва (title) — …")."""
    lines = []
    for error in errors:
        loc = error.get("loc", ())
        label = field_label(loc, language, model)
        path = ".".join(field_path(loc))
        if with_path and path:
            label = f"{label} ({path})" if label else path
        message = error_message(error, language)
        lines.append(f"{label} — {message}" if label else _capitalized(message))
    return lines


def _number(key: str, value: Any, language: str) -> Any:
    """A limit with the language's separators (100 000), but a year as it is written (2999)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and key not in ("first", "last"):
        return format_number(value, language)
    return value


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
