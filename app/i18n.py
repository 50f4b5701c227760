"""Ukrainian and English: Babel catalogs under app/locales, compiled in memory at start."""

import gettext as gettext_module
import io
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("uk", "en")
DEFAULT_LANGUAGE = "uk"
LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; it is translated where it is shown."""
    return message


YES, NO = N_("yes"), N_("no")  # a yes/no value in a table or a spreadsheet cell


@cache
def translations(language: str) -> gettext_module.NullTranslations:
    """All of a language's catalogs (one .po per domain) merged into one translation table."""
    merged: gettext_module.NullTranslations = gettext_module.NullTranslations()
    for po_path in sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        table = gettext_module.GNUTranslations(buffer)
        table.add_fallback(merged)
        merged = table
    return merged


def gettext(language: str, message: str, **params: object) -> str:
    """Translate `message` into `language` and fill in `{name}` placeholders (a date as the language writes it)."""
    text = translations(language).gettext(message)
    return text.format(**_shown(params, language)) if params else text


def _shown(params: dict[str, object], language: str) -> dict[str, object]:
    """Placeholder values as a reader sees them: a calendar date (or its ISO text, as params are stored) in words."""
    shown = dict(params)
    for key, value in params.items():
        if isinstance(value, str) and ISO_DAY.fullmatch(value):
            value = date.fromisoformat(value)
        if isinstance(value, date) and not isinstance(value, datetime):
            shown[key] = format_day(value, language)
    return shown


def ngettext(language: str, singular: str, plural: str, n: int, **params: object) -> str:
    """Translate a message that depends on a count; `{n}` is filled in."""
    text = translations(language).ngettext(singular, plural, n)
    return text.format(n=format_number(n, language), **_shown(params, language))


def negotiate(accept_language: str | None) -> str:
    """The best of Kolo's languages for an Accept-Language header; Ukrainian when unsure."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def zone(name: str | None) -> ZoneInfo:
    """A time zone by name, Kyiv when unknown."""
    try:
        return ZoneInfo(name or "Europe/Kyiv")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Kyiv")


def format_datetime(value: datetime | None, language: str, tz: str | None) -> str:
    """`26 листопада 2026, 14:05` / `26 Nov 2026, 14:05` in the user's zone."""
    if value is None:
        return ""
    local = value.astimezone(zone(tz))
    pattern = "d MMMM y, HH:mm" if language == "uk" else "d MMM y, HH:mm"
    return babel_format_datetime(local, pattern, locale=Locale.parse(language))


def format_date(value: datetime | date | None, language: str, tz: str | None) -> str:
    """A date alone, in the user's zone (a calendar date, such as a review due date, as it is)."""
    if value is None:
        return ""
    return format_day(value.astimezone(zone(tz)) if isinstance(value, datetime) else value, language)


def format_day(value: date | None, language: str) -> str:
    """A calendar date: `1 грудня 2026` / `1 Dec 2026`."""
    if value is None:
        return ""
    return babel_format_date(value, "d MMMM y" if language == "uk" else "d MMM y", locale=Locale.parse(language))


def format_sheet_datetime(value: datetime | None, language: str, tz: str | None) -> str:
    """A time for a spreadsheet cell, in the user's zone, as spreadsheets of the language read it: `26.11.2026 14:05`
    / `2026-11-26 14:05`."""
    if value is None:
        return ""
    return value.astimezone(zone(tz)).strftime("%d.%m.%Y %H:%M" if language == "uk" else "%Y-%m-%d %H:%M")


def format_sheet_date(value: date | None, language: str) -> str:
    """A calendar date for a spreadsheet cell: `26.11.2026` / `2026-11-26`."""
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y") if language == "uk" else value.isoformat()


def format_number(value: float, language: str) -> str:
    """A number with the language's separators."""
    return format_decimal(value, locale=Locale.parse(language))
