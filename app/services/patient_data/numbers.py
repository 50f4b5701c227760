"""Identifiers written as numbers: РНОКПП, УНЗР, passports and ID cards, phones, e-mails, medical-record numbers.

Each finder takes the normalized text (see normalize.py) and yields (kind, start, end)."""

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

import phonenumbers

Span = tuple[str, int, int]

_OLDEST_BIRTH = date(1900, 1, 1)
_EPOCH = date(1899, 12, 31)  # the five first digits of a РНОКПП count the days since then to the birth date

# Ten digits, plain or in groups separated by one space or hyphen, not inside a longer number.
_TEN_DIGITS = re.compile(r"(?<![\d.,/])(?<!\d[ -])\d(?:[ -]?\d){9}(?![ -]?\d)(?![.,/]\d)")
_THOUSANDS = re.compile(r"\d{1,3}(?: \d{3}){3}")  # 1 000 000 000 is an amount
_NANP = re.compile(r"\d{3}-\d{3}-\d{4}")  # 404-639-1075, a North American phone, in the English corpus


def _tax_check_digit_ok(digits: str) -> bool:
    weights = (-1, 5, 7, 9, 4, 6, 10, 5, 7)
    total = sum(w * int(d) for w, d in zip(weights, digits, strict=False))
    return total % 11 % 10 == int(digits[9])


def find_tax_numbers(text: str) -> Iterator[Span]:
    """РНОКПП: ten digits whose check digit is right and whose birth date (the first five) is plausible."""
    latest = (date.today() - _EPOCH).days
    for m in _TEN_DIGITS.finditer(text):
        written = m.group()
        digits = written.replace(" ", "").replace("-", "")
        if not ((_OLDEST_BIRTH - _EPOCH).days <= int(digits[:5]) <= latest and _tax_check_digit_ok(digits)):
            continue
        if _THOUSANDS.fullmatch(written) or _NANP.fullmatch(written):
            continue
        yield "tax_number", m.start(), m.end()


_UNZR = re.compile(r"(?<![\d-])((?:19|20)\d{2})(\d{2})(\d{2}) ?- ?(\d{5})(?![\d-])")


def find_unzr(text: str) -> Iterator[Span]:
    """УНЗР: `YYYYMMDD-NNNNN` whose date is a real day between 1900 and today."""
    for m in _UNZR.finditer(text):
        try:
            born = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            continue
        if _OLDEST_BIRTH <= born <= date.today():
            yield "unzr", m.start(), m.end()


_PASSPORT_WORDS = (
    r"паспорт\w*|id[ -]?карт\w*|айді[ -]?карт\w*|ід[ -]?карт\w*|id[ -]?card|identity card|посвідк\w*|"
    r"ідентифікаційн\w* карт\w*|passport\w*|закордонн\w*|травел|document (?:no|number)|номер документа|"
    r"документ\w*,? що посвідчує|id(?: no\.?| number)?"
)
# After a passport word, within a few words: the series and number, or the ID card's nine digits.
_NEAR_PASSPORT = re.compile(
    rf"(?<!\w)(?:{_PASSPORT_WORDS})(?!\w)[^\n\d]{{0,40}}?"
    r"(?<![^\W\d_])((?:[A-ZА-ЯІЇЄҐ]{2}[ -]?(?:№ ?)?\d{6})|\d{9}|\d{3} \d{3} \d{3})(?!\d)",
    re.IGNORECASE,
)
# An old Ukrainian passport needs no word: two Cyrillic capitals and six digits are distinctive.
_OLD_SERIES = re.compile(r"(?<![^\W\d_])[А-ЯІЇЄҐ]{2}[ -]?(?:№ ?)?\d{6}(?!\d)")


def find_passports(text: str) -> Iterator[Span]:
    """Passports: old series+number anywhere; foreign passports and ID cards (nine digits) after a passport word."""
    for m in _OLD_SERIES.finditer(text):
        yield "passport", m.start(), m.end()
    for m in _NEAR_PASSPORT.finditer(text):
        yield "passport", m.start(1), m.end(1)


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?![\w-])")


# Public addresses (government, a service's info desk), as the English corpus prints them; no patient writes from one.
_PUBLIC = re.compile(
    r"\.(?:gov|mil|gov\.ua|gov\.uk|europa\.eu|nhs\.uk)$|^[^@]*(?:info|contact|office|support|help|press|hotline|"
    r"webmaster|enquir|inquir|secretar|reception|kancel|priym)[^@]*@"
)


def find_emails(text: str, staff: frozenset[str], domains: frozenset[str]) -> Iterator[Span]:
    """E-mail addresses, but not the staff's own nor any at the institution's domains or their subdomains."""
    for m in _EMAIL.finditer(text):
        address = m.group().lower().strip(".")
        domain = address.rpartition("@")[2]
        if address in staff or any(domain == d or domain.endswith("." + d) for d in domains) or _PUBLIC.search(address):
            continue
        yield "email", m.start(), m.start() + len(m.group().rstrip("."))


_RECORD_WORDS = (
    r"істор\w* хвороб\w*|іст\. ?хв\.?|істор\w* розвитку дитини|істор\w* пологів|"
    r"і ?/ ?х|і\. ?х\.|іх(?= ?№)|"
    r"(?:мед\.|медичн\w*) ?карт\w*|медкарт\w*|(?:амбулаторн\w*|амб\.) ?карт\w*|"
    r"карт\w* (?:стаціонарного|амбулаторного) (?:хворого|пацієнта)|"
    r"карт(?:а|и|і|у|ою|к[аиуо]|ці|кою)(?: (?:хворого|пацієнта)|(?= ?(?:№|#)))|"
    r"mrn|medical record(?: number| no\.?)?|med\. record|case history(?: number| no\.?)?|case (?=no\b|number|#)|"
    r"hospital (?:number|no\.?)|patient (?:id|number|no\.?)|chart (?:number|no\.?)"
)
_RECORD = re.compile(
    rf"(?<!\w)(?:{_RECORD_WORDS})(?:(?!форм|наказ|form)[^\n\d№#.;:!?()«»\"]){{0,30}}?"
    r"(?:(?:№|#|no\.?|nr\.?|number|номер|num\.?)\s?)?:?\s?"
    r"([A-ZА-ЯІЇЄҐ]{0,3}[-/]?\d[\d/-]*(?:[A-ZА-ЯІЇЄҐ]\b)?)",
    re.IGNORECASE,
)
_FORM_CODE = re.compile(r"\d{3}(?:-\d)?/[оуoy]\b", re.IGNORECASE)
# A card that is not a patient's record: an ID card (a passport), a bank or travel card.
_OTHER_CARD = re.compile(
    r"(?:id|ід|айді|sim|сім)[ -]?$|(?:ідентифікаційн|банківськ|платіжн|кредитн|дисконтн|проїзн)\w* $", re.IGNORECASE
)


def find_record_numbers(text: str) -> Iterator[Span]:
    """Medical-record and case-history numbers written with their words, from the words to the number."""
    for m in _RECORD.finditer(text):
        number = m.group(1)
        if _FORM_CODE.match(text, m.start(1)) or not number.strip("-/"):
            continue
        if m.group().lower().startswith("карт") and _OTHER_CARD.search(text, max(0, m.start() - 30), m.start()):
            continue
        yield "record_number", m.start(), m.end(1) - (len(number) - len(number.rstrip("-/")))


_MIN_PHONE_DIGITS = 9
# The old trunk prefix 8 before a 0XX number (8 050 123 45 67, 8(044)…), which phonenumbers does not read.
_OLD_TRUNK = re.compile(r"(?<![\d+])8(?=[ -]?\(?0[1-9])")
_TRUNK_BEFORE = re.compile(r"(?<![\d+])8[ -]?$")


@lru_cache(maxsize=512)
def phone_key(written: str) -> str | None:
    """A phone number in E.164 (a Ukrainian one when written without a country code), or None if it is none."""
    try:
        number = phonenumbers.parse(_OLD_TRUNK.sub(" ", written), "UA")
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Lines anyone may call: toll-free (0 800…), premium and shared-cost numbers are an organisation's, never a patient's.
_PUBLIC_LINES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
    }
)


def find_phones(text: str, staff: frozenset[str]) -> Iterator[Span]:
    """Ukrainian phone numbers in any of their written forms (with the old trunk prefix 8 too), but not the staff's
    work phones nor toll-free and other public lines."""
    if sum(c.isdigit() for c in text) < _MIN_PHONE_DIGITS:
        return
    for match in phonenumbers.PhoneNumberMatcher(_OLD_TRUNK.sub(" ", text), "UA"):
        number = match.number
        if number.country_code != 380 or phonenumbers.number_type(number) in _PUBLIC_LINES:
            continue
        if phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) in staff:
            continue
        trunk = _TRUNK_BEFORE.search(text, max(0, match.start - 2), match.start)
        yield "phone", trunk.start() if trunk else match.start, match.end
