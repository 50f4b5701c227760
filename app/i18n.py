"""Ukrainian and English: Babel catalogs under app/locales, compiled in memory at start."""

import gettext as gettext_module
import io
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("uk", "en")
DEFAULT_LANGUAGE = "uk"
LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}


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


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; it is translated where it is shown."""
    return message


def gettext(language: str, message: str, **params: object) -> str:
    """Translate `message` into `language` and fill in `{name}` placeholders."""
    text = translations(language).gettext(message)
    return text.format(**params) if params else text


def ngettext(language: str, singular: str, plural: str, n: int, **params: object) -> str:
    """Translate a message that depends on a count; `{n}` is filled in."""
    text = translations(language).ngettext(singular, plural, n)
    return text.format(n=format_number(n, language), **params)


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


def format_date(value: datetime | None, language: str, tz: str | None) -> str:
    """A date alone, in the user's zone."""
    if value is None:
        return ""
    return babel_format_date(
        value.astimezone(zone(tz)), "d MMMM y" if language == "uk" else "d MMM y", locale=Locale.parse(language)
    )


def format_number(value: float, language: str) -> str:
    """A number with the language's separators."""
    return format_decimal(value, locale=Locale.parse(language))
