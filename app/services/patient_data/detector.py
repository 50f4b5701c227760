"""Finding likely patient identifiers in a text: the guard's one entry point.

Every finder works on `normalize(text)`, which has the same length as the text, so a finding's offsets index the
original. Where findings overlap, the more specific kind keeps the characters (an РНОКПП inside a person's span
cuts that span)."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from app.services.patient_data import context, names, numbers
from app.services.patient_data.normalize import normalize


@dataclass(frozen=True)
class Finding:
    """One suspicious span of a text: `text[start:end]` looks like a `kind` of patient identifier."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Directory:
    """What the detector knows of the staff: their names, e-mails and work phones, and the institution's e-mail
    domains. None of these is a finding on its own."""

    names: tuple[str, ...] = ()
    emails: frozenset[str] = frozenset()
    phones: tuple[str, ...] = ()
    email_domains: frozenset[str] = frozenset()


# Earlier kinds keep the characters they share with later ones (0XX… that passes the РНОКПП check is a phone).
_PRIORITY = ("phone", "tax_number", "unzr", "passport", "email", "record_number", "person")


@dataclass
class Detector:
    """A detector for one institution: its staff directory and its own extra patterns (kind -> regular expression)."""

    directory: Directory = field(default_factory=Directory)
    extra_patterns: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def _patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        return [(kind, re.compile(p, re.IGNORECASE)) for kind, p in self.extra_patterns.items()]

    @cached_property
    def _staff_phones(self) -> frozenset[str]:
        return frozenset(k for k in map(numbers.phone_key, self.directory.phones) if k)

    @cached_property
    def _staff_names(self) -> tuple[tuple[str, ...], ...]:
        return names.staff_stems(self.directory.names)

    def find(self, text: str) -> list[Finding]:
        """The suspicious spans of `text`, by position, not overlapping."""
        norm = normalize(text)
        d = self.directory
        spans = [
            *numbers.find_tax_numbers(norm),
            *numbers.find_unzr(norm),
            *numbers.find_passports(norm),
            *numbers.find_phones(norm, self._staff_phones),
            *numbers.find_emails(
                norm, frozenset(e.lower() for e in d.emails), frozenset(x.lower() for x in d.email_domains)
            ),
            *numbers.find_record_numbers(norm),
            *names.find_persons(norm, self._staff_names, context.table_rows_with_context(text)),
            *(
                (kind, m.start(), m.end())
                for kind, p in self._patterns
                for m in p.finditer(norm)
                if m.end() > m.start()
            ),
        ]
        return _without_overlaps(norm, spans)


def _without_overlaps(text: str, spans: Iterable[tuple[str, int, int]]) -> list[Finding]:
    """Give each character to the most specific span that covers it; what is left of a span (if it holds a letter
    or a digit) stays a finding. Configured patterns come first."""
    ranked = sorted(spans, key=lambda s: (_PRIORITY.index(s[0]) if s[0] in _PRIORITY else -1, s[1], -s[2]))
    taken: list[tuple[int, int]] = []
    found: list[Finding] = []
    for kind, start, end in ranked:
        pieces = [(start, end)]
        for t_start, t_end in taken:
            pieces = [p for a, b in pieces for p in ((a, min(b, t_start)), (max(a, t_end), b)) if p[0] < p[1]]
        for a, b in pieces:
            if any(c.isalnum() for c in text[a:b]):
                found.append(Finding(kind, a, b))
                taken.append((a, b))
    return sorted(found, key=lambda f: f.start)
