"""Text rules for Ukrainian: alphabetical order, transliteration for slugs, normalization."""

import re
import unicodedata

UK_ALPHABET = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_UK_ORDER = {letter: index for index, letter in enumerate(UK_ALPHABET)}
APOSTROPHES = "’ʼ'`‘ʹ"
_APOSTROPHE_TO_ONE = str.maketrans({c: "’" for c in APOSTROPHES})

# The official transliteration (Cabinet of Ministers resolution No. 55, 2010).
_KMU_2010 = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
}
# At the start of a word these letters take their own spelling.
_KMU_2010_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def nfc(text: str) -> str:
    """Text as stored: Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def printable(text: str) -> str:
    """Text typed into a field (a search, a filter): control characters (NUL included) become spaces."""
    return "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)


def normalize_tag(tag: str, max_length: int = 60) -> str:
    """A tag as every domain stores it: NFC, lowercase, without '#', one apostrophe (’), spaces as '_'.

    `#гігієна_рук` in a post and «гігієна рук» typed in a guide's tag field become the same tag, which reads
    naturally in Ukrainian and stays one word in a hashtag and in a URL."""
    text = nfc(tag).translate(_APOSTROPHE_TO_ONE).strip().lstrip("#").strip().lower()
    return "_".join(text.split())[:max_length].strip("_")


def name_key(name: str) -> str:
    """A name as people compare names: NFC, any case, one apostrophe, spaces squeezed (for matching, not storing)."""
    return " ".join(nfc(name).translate(_APOSTROPHE_TO_ONE).casefold().split())


def uk_sort_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts Ukrainian letters in alphabet order (і, ї, є, ґ in their places), Latin after."""
    key: list[tuple[int, int | str]] = []
    for char in nfc(text).lower():
        if char in _UK_ORDER:
            key.append((1, _UK_ORDER[char]))
        elif char.isalnum():
            key.append((2, char))
        elif char in APOSTROPHES:
            continue
        else:
            key.append((0, char))
    return tuple(key)


def transliterate(text: str) -> str:
    """Ukrainian to Latin by the KMU 2010 table; `зг` is written `zgh`."""
    out: list[str] = []
    previous = ""
    for char in nfc(text):
        lower = char.lower()
        if lower in _KMU_2010:
            at_word_start = not previous.isalpha()
            latin = _KMU_2010_INITIAL[lower] if at_word_start and lower in _KMU_2010_INITIAL else _KMU_2010[lower]
            if lower == "г" and previous.lower() == "з":
                latin = "gh"
            out.append(latin.capitalize() if char != lower else latin)
        elif char in APOSTROPHES:
            continue
        else:
            out.append(char)
        previous = char
    return "".join(out)


def slugify(text: str, max_length: int = 80) -> str:
    """A URL slug: transliterated, lowercase, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", transliterate(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def csv_cell(value: object) -> object:
    """A value safe for a CSV cell: text a spreadsheet would run as a formula (= + - @ tab CR) gets a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
