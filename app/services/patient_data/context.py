"""What makes a name a patient's: a birth date, an age, a diagnosis word, a ward/bed number or a lab value nearby."""

import re
from functools import cache
from pathlib import Path

WORDLISTS = Path(__file__).resolve().parents[2] / "wordlists"

_MONTHS_UK = "січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня"
_MONTHS_EN = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|" + (
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_YEAR = r"(?:19|20)\d{2}"
_NUMERIC_DATE = rf"(?:\d{{1,2}}[./-]\d{{1,2}}[./-]{_YEAR}|{_YEAR}-\d{{2}}-\d{{2}})"
_DATE = (
    rf"(?:{_NUMERIC_DATE}|\d{{1,2}} (?:{_MONTHS_UK}|{_MONTHS_EN})\.?,? {_YEAR}|(?:{_MONTHS_EN})\.? \d{{1,2}},? {_YEAR})"
)
_AGE_NUMBER = r"(?<![\d.,])(?:1[01]\d|120|\d{1,2})"
_BIRTH = (
    rf"(?:{_DATE}|{_YEAR}) ?(?:р\.|року|рік)? ?(?:р\. ?н\.?|н\.|народження)|"
    rf"(?:дата народження|д\. ?н\.|д/н|народ\w+|dob|d\.o\.b\.?|date of birth|birth ?date|born(?: on| in)?|b\.)"
    rf" ?[:-]? ?(?:{_DATE}|{_YEAR})"
)
_AGE = (
    rf"{_AGE_NUMBER} ?-? ?(?:річн\w*|рок(?:ів|и|у)|рік|р\.(?! ?н)|р(?![\w./])|міс(?:яц\w*|\.)|"
    rf"(?:year|yr|month|week|day)s?[- ]old|y\.? ?o\.?|y/o|yrs?|years? of age)(?!\w)|"
    rf"(?:віком|у віці|вік|aged?) ?:? ?{_AGE_NUMBER}(?!\d)"
)
_WARD_WORD = r"(?:палат\w*|пал\.|ліжк\w*|ліж\.|бокс\w*)"
# The number after its word (палата № 5, bed 3) or, in Ukrainian, before it as an ordinal (з 8-ї палати, у 3 палаті).
_WARD = (
    rf"(?:{_WARD_WORD}|ward|bed|bay) ?(?:№|#|no\.?)? ?\d+(?!\d)|"
    rf"\d{{1,3}}(?:-?(?:й|ї|а|я|ій|ої|у|ю|го|му|ому|ого|ою))? ?{_WARD_WORD}(?!\w)"
)
# A lab value or a clinical measure with its number: гемоглобін 98, тиск 180/100, SpO2 91%, glucose 12.4.
_MEASURE = (
    r"(?:гемоглобін\w*|hb|hgb|ha?emoglobin|тиск\w*|ат|ад|bp|blood pressure|spo2|сатурац\w*|пульс\w*|чсс|"
    r"heart rate|pulse|глюкоз\w*|цук(?:ор|ру) (?:в )?крові|glucose|креатинін\w*|creatinine|лейкоцит\w*|wbc|"
    r"тромбоцит\w*|plt|мно|inr|срб|crp|калі[йюя]|натрі[йюя]|білірубін\w*|температур\w*|temp)"
    r" ?(?:[:=-] ?)?\d{1,3}(?:[.,]\d{1,2})?(?:/\d{2,3})?(?: ?%)?(?![\d%])"
)
_ROOM = r"room ?(?:#|no\.?)? ?\d+(?!\d)"  # a room is a hospital room only right beside a name


@cache
def _diagnosis_stems() -> str:
    stems = []
    for name in ("diagnoses-uk.txt", "diagnoses-en.txt"):
        lines = (WORDLISTS / name).read_text().splitlines()
        stems += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    # A short stem (рак, грип, віл) takes at most a case ending, so раку is a diagnosis and ракета is not.
    return "|".join(
        re.escape(s) + (r"\w{0,2}(?!\w)" if len(s) <= 4 else r"[\w'-]*") for s in sorted(stems, key=len, reverse=True)
    )


@cache
def _anchors() -> re.Pattern[str]:
    return re.compile(
        rf"(?<![^\W_])(?:(?P<near>{_BIRTH}|{_AGE}|{_WARD}|{_MEASURE}|{_diagnosis_stems()})"
        rf"|(?P<adjacent>{_NUMERIC_DATE}|{_ROOM}))",
        re.IGNORECASE,
    )


def find_anchors(text: str) -> list[tuple[int, int, bool]]:
    """Each birth date, age, diagnosis word, ward/bed number or lab value of `text`: (start, end, adjacent_only),
    where a bare date or a room number only counts right beside a name."""
    return [(m.start(), m.end(), m.lastgroup == "adjacent") for m in _anchors().finditer(text)]


_BARE_AGE = re.compile(rf"(?:, ?| ?\()({_AGE_NUMBER})(?:\)|(?=[,;.](?!\d)))")


def bare_age_end(text: str, pos: int) -> int | None:
    """Where a bare age right at `pos` ends (", 70," or " (82)"), or None: after a courtesy title and a name, a bare
    number is the person's age."""
    m = _BARE_AGE.match(text, pos)
    return m.end(1) if m else None


# A Markdown table whose header names a birth date, an age, a ward or a diagnosis: each row's name is a patient's.
_TABLE_LINE = re.compile(r"^[ \t]*\|.*$", re.MULTILINE)
_TABLE_SEPARATOR = re.compile(r"^[ \t|:-]+$")
_HEADER_CONTEXT = re.compile(
    rf"(?<!\w)(?:вік|років|{_WARD_WORD}|діагноз\w*|д\. ?н\.|р\. ?н\.|дата народження|народж\w*|"
    r"age|dob|d\.o\.b\.?|date of birth|birth ?date|born|ward|bed|bay|diagnosis|dx)(?!\w)",
    re.IGNORECASE,
)


def table_rows_with_context(text: str) -> list[tuple[int, int]]:
    """The body rows (start, end) of each Markdown table in the ORIGINAL `text` (its pipes) whose header row names a
    birth date, an age, a ward/bed or a diagnosis."""
    rows: list[tuple[int, int]] = []
    block: list[re.Match[str]] = []
    for line in [*_TABLE_LINE.finditer(text), None]:
        if line is not None and (not block or text[block[-1].end() : line.start()] == "\n"):
            block.append(line)
            continue
        if block and _HEADER_CONTEXT.search(block[0].group()):
            rows += [(m.start(), m.end()) for m in block[1:] if not _TABLE_SEPARATOR.match(m.group())]
        block = [line] if line is not None else []
    return rows
