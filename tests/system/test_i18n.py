"""Every message Kolo shows has a Ukrainian translation; dates and numbers follow the language."""

from datetime import UTC, datetime

from app import i18n
from app.i18n_extract import extract_catalog


def test_every_message_in_code_and_templates_is_translated_to_ukrainian():
    translations = i18n.translations("uk")
    missing = [m.id for m in extract_catalog() if m.id and not _translated(translations, m.id)]
    assert missing == []


def _translated(translations, message_id) -> bool:  # type: ignore[no-untyped-def]
    """Whether a msgid (or a (singular, plural) pair from an ngettext call) has its Ukrainian."""
    if isinstance(message_id, tuple):
        singular, plural = message_id[:2]
        return (
            translations.ngettext(singular, plural, 1) != singular
            and translations.ngettext(singular, plural, 5) != plural
        )
    return translations.gettext(message_id) != message_id or message_id == "Kolo API"


def test_placeholders_survive_translation():
    for message in extract_catalog():
        if message.id and "{" in message.id:
            translated = i18n.translations("uk").gettext(message.id)
            assert sorted(_fields(translated)) == sorted(_fields(message.id)), message.id


def _fields(text: str) -> list[str]:
    import string

    return [field for _, field, _, _ in string.Formatter().parse(text) if field]


def test_dates_in_ukrainian_and_english_in_the_users_zone():
    moment = datetime(2026, 11, 26, 12, 5, tzinfo=UTC)
    assert i18n.format_datetime(moment, "uk", "Europe/Kyiv") == "26 листопада 2026, 14:05"
    assert i18n.format_datetime(moment, "en", "Europe/Kyiv") == "26 Nov 2026, 14:05"


def test_numbers_use_the_languages_separators():
    assert i18n.format_number(12345.5, "uk") == "12\xa0345,5"
    assert i18n.format_number(12345.5, "en") == "12,345.5"


def test_accept_language_negotiation_prefers_the_browsers_weights():
    assert i18n.negotiate("en-GB,en;q=0.9,uk;q=0.8") == "en"
    assert i18n.negotiate("de-DE,uk;q=0.5,en;q=0.4") == "uk"
    assert i18n.negotiate("fr") == "uk"
    assert i18n.negotiate("en;q=bad") == "uk"


def test_no_message_is_translated_two_ways_in_different_catalogs():
    """The catalogs are merged into one table, so a msgid translated differently in two of them shows one domain's
    words in the other domain ("People" once read «Людей» on the admin page)."""
    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, object]] = {}
    clashes = []
    for path in sorted((i18n.LOCALES_DIR / "uk" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not message.string:
                    continue
                key = str(message.id)
                if key in seen and seen[key][1] != message.string:
                    clashes.append(f"{key!r}: {seen[key][0]} {seen[key][1]!r} / {path.name} {message.string!r}")
                seen.setdefault(key, (path.name, message.string))
    assert clashes == []
