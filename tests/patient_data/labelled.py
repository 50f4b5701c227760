"""The hand-written labelled sets of the patient-data detector (tests/patient_data/*.jsonl) and how they are scored.

A line is `{"text", "spans": [{"kind", "start", "end"}], "note"}`, with an optional `"directory"` (the staff names,
e-mails, phones and mail domains the detector knows for it); a line without spans is a clean text. A labelled span
is found when a finding overlaps it; a clean text with any finding is a false positive."""

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from app.services.patient_data.detector import Detector, Directory

HERE = Path(__file__).resolve().parent
KINDS = {"tax_number", "unzr", "passport", "phone", "email", "record_number", "person"}


@dataclass(frozen=True)
class Sample:
    """One labelled text: the identifier spans it holds (none for a clean text) and its staff directory."""

    text: str
    spans: tuple[tuple[str, int, int], ...]
    note: str
    directory: Directory


@dataclass
class Score:
    """Identifiers found (a finding overlaps the span; `right`: one of its kind), per kind, and clean texts flagged."""

    total: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    clean: int = 0
    flagged: list[tuple[str, str, str]] = field(default_factory=list)
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    stray: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of labelled identifiers a finding overlaps."""
        return sum(self.found.values()) / sum(self.total.values())

    @property
    def fp_rate(self) -> float:
        """Share of clean texts with any finding."""
        return len({text for _, _, text in self.flagged}) / self.clean


def _directory(row: dict[str, dict[str, list[str]]]) -> Directory:
    entries = row.get("directory", {})
    return Directory(
        names=tuple(entries.get("names", ())),
        emails=frozenset(entries.get("emails", ())),
        phones=tuple(entries.get("phones", ())),
        email_domains=frozenset(entries.get("email_domains", ())),
    )


@cache
def load(name: str) -> tuple[Sample, ...]:
    """Every sample of the set tests/patient_data/<name>.jsonl."""
    rows = [json.loads(line) for line in (HERE / f"{name}.jsonl").read_text().splitlines()]
    return tuple(
        Sample(
            text=row["text"],
            spans=tuple((s["kind"], s["start"], s["end"]) for s in row["spans"]),
            note=row["note"],
            directory=_directory(row),
        )
        for row in rows
    )


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two half-open character ranges share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def score(samples: tuple[Sample, ...] | list[Sample]) -> Score:
    """Run the detector over the samples and count what it found, missed and flagged."""
    result = Score()
    for sample in samples:
        findings = Detector(directory=sample.directory).find(sample.text)
        if not sample.spans:
            result.clean += 1
            result.flagged += [(f.kind, sample.text[f.start : f.end], sample.text) for f in findings]
            continue
        for kind, start, end in sample.spans:
            hits = [f for f in findings if overlaps((f.start, f.end), (start, end))]
            result.total[kind] += 1
            result.found[kind] += bool(hits)
            result.right[kind] += any(f.kind == kind for f in hits)
            if not hits:
                result.missed.append((kind, sample.text[start:end], sample.text))
        for f in findings:
            if not any(overlaps((f.start, f.end), (a, b)) for _, a, b in sample.spans):
                result.stray.append((f.kind, sample.text[f.start : f.end], sample.text))
    return result
