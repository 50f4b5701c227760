"""Person names (Ukrainian and English) near a birth date, an age, a diagnosis word, a ward/bed number or a lab value:
a full name, or a surname after a courtesy title (пані Ковальчук, 81); never a clinician's after their title."""

import gzip
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.services.patient_data.context import bare_age_end, find_anchors

Span = tuple[str, int, int]

WORDLISTS = Path(__file__).resolve().parents[2] / "wordlists"
# How far (characters, same line) a name may sit from its birth date, age, diagnosis or ward; see docs/benchmarks.md.
WINDOW = 80
# A bare date right after a name ("Іван Петренко, 12.03.1985") is a birth date; a titled surname alone takes only
# context this close ("пані Ковальчук з 5 палати").
ADJACENT = 3

_TOKEN = re.compile(
    r"(?P<initials>(?<![^\W\d_])[A-ZА-ЯІЇЄҐ]\.(?: ?[A-ZА-ЯІЇЄҐ]\.)?)|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)*(?:-[^\W\d_]+)*)"
)
_CYRILLIC = re.compile(r"[а-яіїєґ]", re.IGNORECASE)
_PATRONYMIC = re.compile(r"(?:ович|евич|йович|ьович|ич)(?:а|у|ем|еві|і)?$|(?:івн|ївн|овн)(?:а|и|і|у|ою|о)$")
_SURNAME_UK = re.compile(
    r"(?:енк|єнк)(?:о|а|у|ові|ом)$|(?:чук|щук|юк|ук|як|ишин|ський|цький|зький)(?:а|у|ові|ом|ого|ому|им|ім)?$|"
    r"(?:ськ|цьк|зьк)(?:а|ої|ій|у|ою)$|(?:ов|ев|єв|ін|їн)(?:а|у|ої|ій|ою|им|ому|ого|ові|ом)?$"
)
_SURNAME_EN = re.compile(r"(?:enko|chuk|shchuk|iuk|yuk|skyi|skyy|ska|tskyi|tska|ov|ova|ev|eva|yn|yna|ovych|ych)$")
_TITLE_BEFORE = re.compile(
    r"(?:міністр\w*|президент\w*|голов\w*|прем'єр\w*|спікер\w*|секретар\w*|уповноважен\w*|депутат\w*|суд(?:дя|ді)|"
    r"ім\.|імені|академік\w*|president|minister|secretary|senator|sir|st\.|saint|named after|described by)[ ,.]*$",
    re.IGNORECASE,
)
_COURTESY = r"(?<![^\W_])(?:mr|mrs|ms|miss|mx|пан|пані|пана|панові|паном|панею)"
_COURTESY_WORD = re.compile(rf"{_COURTESY}(?![^\W_])", re.IGNORECASE)
_COURTESY_BEFORE = re.compile(rf"{_COURTESY}\.? +$", re.IGNORECASE)
# The case endings (and the feminine -ка) a clinician's title takes before a name: лікаря, лікарем, лікарка, лікарці.
_TITLE_ENDING = r"(?:а|я|у|ю|і|и|о|ем|ом|ою|ею|еві|ові|ка|ки|ці|ку|кою|ко|ям|ів|s)?"
_EPONYM_AFTER = re.compile(
    r"^(?:'s?)?(?: (?-i:[A-Z][a-z]+)){0,2} ?"
    r"(?:disease|syndrome|sign|law|palsy|test|disorder|lymphoma|sarcoma|tumou?r|ataxia|dystrophy|"
    r"foundation|institute|university|cent(?:er|re)|hospital|clinic|college|school|award|prize|society|association|"
    r"fund|program|trust|memorial|research|library|national|manual|guidelines?|фонд\w*|інститут\w*|університет\w*|центр\w*|лікарн\w*|"
    r"клінік\w*|премі\w*|хвороб\w*|синдром\w*)(?!\w)",
    re.IGNORECASE,
)


@cache
def _words(name: str) -> frozenset[str]:
    path = WORDLISTS / name
    text = gzip.decompress(path.read_bytes()).decode() if name.endswith(".gz") else path.read_text()
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@cache
def _clinician_before() -> re.Pattern[str]:
    titles = "|".join(re.escape(t) for t in sorted(_words("clinician-titles.txt"), key=len, reverse=True))
    return re.compile(
        rf"(?<![^\W_])(?:{titles}){_TITLE_ENDING}(?:-[^\W\d_]+)*(?: відділенн\w*| відділом)?[ ,.:]*$", re.IGNORECASE
    )


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    initials: bool

    @property
    def key(self) -> str:
        return self.text.lower()

    @property
    def capitalized(self) -> bool:
        return self.text[0].isupper()


def _given(token: _Token) -> bool:
    if token.initials:
        return False
    uk = bool(_CYRILLIC.search(token.text))
    return token.key in _words("given-names-uk.txt" if uk else "given-names-en.txt")


def _patronymic(token: _Token) -> bool:
    return not token.initials and token.capitalized and bool(_PATRONYMIC.search(token.key))


def _surname(token: _Token) -> bool:
    if token.initials:
        return False
    if _CYRILLIC.search(token.text):
        listed, suffix = token.key in _words("surnames-uk.txt.gz"), _SURNAME_UK.search(token.key)
    else:
        listed, suffix = token.key in _words("surnames-en.txt.gz"), _SURNAME_EN.search(token.key)
    return listed or (token.capitalized and bool(suffix))


def _lowercase_name(token: _Token) -> bool:
    """Ukrainian names typed in lowercase still count when the lists know them; English ones never (may, will…)."""
    key = token.key
    return bool(_CYRILLIC.search(key)) and (key in _words("given-names-uk.txt") or key in _words("surnames-uk.txt.gz"))


def _is_name(run: Sequence[_Token]) -> bool:
    """Whether these adjacent tokens make a full name: given name and surname (either order, with a patronymic or
    a middle initial), or a surname with initials."""
    words = [t for t in run if not t.initials]
    if any(not t.capitalized and not _lowercase_name(t) for t in words):
        return False
    if len(words) == 1:
        return len(run) == 2 and _surname(words[0]) and words[0].capitalized
    if len(words) == 3:
        patronymic = [t for t in words if _patronymic(t)]
        rest = [t for t in words if t not in patronymic]
        return len(patronymic) == 1 and any(_given(t) for t in rest) and any(_surname(t) for t in rest)
    if len(words) == 2 and len(run) - len(words) <= 1:
        first, second = words
        return (_given(first) and _surname(second)) or (_surname(first) and _given(second))
    return False


def _tokens(text: str) -> list[_Token]:
    return [
        _Token(m.start(), m.end(), m.group(), m.lastgroup == "initials")
        for m in _TOKEN.finditer(text)
        if m.lastgroup == "initials" or m.group()[0].isupper() or len(m.group()) > 2
    ]


def _names(text: str) -> Iterator[tuple[int, int, bool]]:
    """Spans of names, longest first at each place, not overlapping: (start, end, full), where a name that is not
    full is a lone surname after a courtesy title."""
    tokens = _tokens(text)
    i = 0
    while i < len(tokens):
        for size in (3, 2):
            run = tokens[i : i + size]
            joined = len(run) == size and all(
                text[a.end : b.start].strip() == "" and "\n" not in text[a.end : b.start]
                for a, b in zip(run, run[1:], strict=False)
            )
            if joined and _is_name(run) and not _excluded(text, run[0].start, run[-1].end):
                yield run[0].start, run[-1].end, True
                i += size
                break
        else:
            token = tokens[i]
            if _surname(token) and token.capitalized and _titled(text, token.start):
                yield token.start, token.end, False  # пані Ковальчук, Mr Brown: a title and a surname
            i += 1


def _titled(text: str, start: int) -> bool:
    """Whether a courtesy title (Mr, Mrs, пан, пані…) stands right before `start`."""
    return bool(_COURTESY_BEFORE.search(text, max(0, start - 8), start))


def _excluded(text: str, start: int, end: int) -> bool:
    """A name of an official (a law's signature), of a clinician (after their title), an eponym or an institution
    named after someone."""
    return bool(
        _TITLE_BEFORE.search(text, max(0, start - 30), start)
        or _clinician_before().search(text, max(0, start - 60), start)
        or _EPONYM_AFTER.match(text[end : end + 40])
    )


def find_persons(
    text: str, staff: Sequence[Sequence[str]], table_rows: Sequence[tuple[int, int]] = ()
) -> Iterator[Span]:
    """A name (see `_names`) that is not a staff member's, with its nearest context on the same line, as one span;
    a full name in one of `table_rows` (a table whose header names the context) counts with the rest of its row."""
    anchors = find_anchors(text)
    if not anchors and not table_rows and not _COURTESY_WORD.search(text):
        return
    for start, end, full in _names(text):
        if _is_staff(text[start:end], staff) or any(a < end and start < b for a, b, _ in anchors):
            continue  # a staff member, or a "name" that is itself a diagnosis (Deep Vein Thrombosis)
        row = next(((a, b) for a, b in table_rows if a <= start and end <= b), None)
        if full and row is not None:
            yield "person", start, row[1]
            continue
        near = [
            (a_start, a_end)
            for a_start, a_end, adjacent_only in anchors
            if _gap_ok(text, (start, end), (a_start, a_end), WINDOW if full and not adjacent_only else ADJACENT)
        ]
        age_end = bare_age_end(text, end) if _titled(text, start) else None
        if age_end is not None:
            near.append((end, age_end))
        if near:
            yield "person", min(start, *(a for a, _ in near)), max(end, *(b for _, b in near))


def _gap_ok(text: str, name: tuple[int, int], anchor: tuple[int, int], window: int) -> bool:
    gap = text[name[1] : anchor[0]] if anchor[0] >= name[1] else text[anchor[1] : name[0]]
    if anchor[0] < name[1] and anchor[1] > name[0]:
        return False
    return len(gap) <= window and "\n" not in gap


def _stem(word: str) -> str:
    word = word.lower().strip(".")
    return word[: max(3, len(word) - 2)] if len(word) > 3 else word


def _is_staff(name: str, staff: Sequence[Sequence[str]]) -> bool:
    """Whether every word of `name` (in any case form) belongs to one staff member's name."""
    words = [_stem(w) for w in re.split(r"[\s.]+", name) if len(w) > 1]
    return any(
        all(any(w.startswith(s) or s.startswith(w) for s in member) for w in words) for member in staff if member
    )


def staff_stems(names: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The staff's names as stems, for `find_persons`."""
    return tuple(tuple(_stem(w) for w in re.split(r"[\s.]+", n) if len(w) > 1) for n in names)
