"""Holding back text that looks like patient data.

Every write path that publishes text (posts, comments, events, article versions and the names of their files) calls
`screen()` before it saves. A finding refuses the write with `PatientDataSuspected` (422, the findings and their
spans), unless the author gives a reason to publish anyway: then the write goes on and `Screening.record()` audits
the override beside it."""

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import String, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.errors import InvalidInput
from app.i18n import N_
from app.models.patient_data import PatientDataRule
from app.models.users import User
from app.services import audit
from app.services.patient_data.detector import Detector, Directory

OVERRIDE_ACTION = "patient_data.published_anyway"
REASON_MIN, REASON_MAX = 3, 500
ASK_MESSAGE = N_("This looks like patient data. Remove it, or publish anyway and say why it may be published.")
RULE_LABEL = N_("text that matches this institution's rule “{name}”")
REASON_MESSAGE = N_("Say in {min} to {max} characters why this may be published.")
# What each kind of finding is, for the author (msgids); an institution's own pattern is shown by its name.
KIND_LABELS: dict[str, str] = {
    "tax_number": N_("a taxpayer number (РНОКПП)"),
    "unzr": N_("a demographic register number (УНЗР)"),
    "passport": N_("a passport number"),
    "phone": N_("a phone number"),
    "email": N_("an e-mail address that is not a colleague's"),
    "record_number": N_("a medical record number"),
    "person": N_("a person's name next to a birth date, an age, a diagnosis or a ward"),
}


@dataclass(frozen=True)
class FieldFinding:
    """A finding in one of the texts being written: `field` is its name ("body", "title", "file:12" …)."""

    field: str
    kind: str
    start: int
    end: int


class PatientDataSuspected(InvalidInput):
    """The text looks like it holds patient data; the author may edit it or publish anyway with a reason."""

    def __init__(self, findings: list[FieldFinding], texts: Mapping[str, str], message: str = ASK_MESSAGE) -> None:
        super().__init__(message, min=REASON_MIN, max=REASON_MAX)
        self.findings = findings
        self.texts = dict(texts)

    def extra(self) -> dict[str, object]:
        """What the API answers beside the message: each finding's field, kind and span."""
        return {"findings": [f.__dict__ for f in self.findings]}

    def segments(self, field: str) -> list[tuple[str, str | None]]:
        """A field's text cut into (piece, kind of finding or None), for showing it with the findings marked."""
        text, pieces, at = self.texts.get(field, ""), [], 0
        for finding in (f for f in self.findings if f.field == field):
            pieces += [(text[at : finding.start], None), (text[finding.start : finding.end], finding.kind)]
            at = finding.end
        return [piece for piece in [*pieces, (text[at:], None)] if piece[0]]

    @property
    def fields(self) -> list[str]:
        """The fields with findings, in the order they were written."""
        return list(dict.fromkeys(f.field for f in self.findings))

    @property
    def kinds(self) -> list[str]:
        """The kinds found, each once."""
        return list(dict.fromkeys(f.kind for f in self.findings))

    @staticmethod
    def label(kind: str) -> tuple[str, dict[str, str]]:
        """What a kind of finding is, for the author: a msgid and its params (an institution's rule by its name)."""
        return (KIND_LABELS[kind], {}) if kind in KIND_LABELS else (RULE_LABEL, {"name": kind})


@dataclass(frozen=True)
class Screening:
    """What `screen()` let through: nothing found, or findings published anyway for `reason`."""

    findings: list[FieldFinding]
    reason: str

    def record(self, *, session: Session, actor: User, target_type: str, target_id: int | None) -> None:
        """Audit an override beside the write it let through (nothing when nothing was found)."""
        if not self.findings:
            return
        audit.record(
            session=session,
            action=OVERRIDE_ACTION,
            actor=actor,
            target_type=target_type,
            target_id=target_id,
            detail={
                "reason": self.reason,
                "kinds": list(dict.fromkeys(f.kind for f in self.findings)),
                "fields": list(dict.fromkeys(f.field for f in self.findings)),
            },
        )


# Mail services anyone can sign up to: a colleague's address there says nothing of whose the others are.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "ukr.net",
        "i.ua",
        "meta.ua",
        "outlook.com",
        "hotmail.com",
        "yahoo.com",
        "icloud.com",
        "proton.me",
        "protonmail.com",
        "gmx.net",
        "bigmir.net",
        "email.ua",
        "yandex.ru",
        "mail.ru",
    }
)


DIRECTORIES_KEPT = 4  # one per database a process serves, and a spare while the staff change
_directories: OrderedDict[str, Directory] = OrderedDict()
_directories_lock = threading.Lock()  # writes run in the thread pool
_DIRECTORY_COLUMNS = (col(User.name), col(User.email), col(User.work_phone))
_name, _email, _phone = (cast(func.length(column), String) + ":" + column for column in _DIRECTORY_COLUMNS)
_VERSION_QUERY = sa_select(func.coalesce(func.aggregate_strings(_name + _email + _phone, ""), ""))


def staff_directory(session: Session) -> Directory:
    """Everyone who works here, as the detector needs them: their names, e-mails and work phones, and the
    institution's own mail domains (those of staff addresses, but not public mail services), are not patient data.
    Read again only when the users' rows have changed (see `_directory_version`)."""
    version = _directory_version(session)  # before the rows: rows read after it are never older than it
    with _directories_lock:
        if (known := _directories.get(version)) is not None:
            _directories.move_to_end(version)
            return known
    directory = _read_directory(session)
    with _directories_lock:
        _directories[version] = directory
        while len(_directories) > DIRECTORIES_KEPT:
            _directories.popitem(last=False)
    return directory


def _directory_version(session: Session) -> str:
    """The directory's columns of every user, folded by the database into one string (each value behind its length,
    so no two directories fold alike).

    `user` has no updated-at column, and its count and largest id do not move when someone changes their name or
    work phone on their profile (which is not audited either); the folded columns change exactly when the directory
    does. The database folds 2,000 people in about a quarter of the time it takes to hand them over row by row."""
    return session.execute(_VERSION_QUERY).scalar_one()


def _read_directory(session: Session) -> Directory:
    rows = session.exec(select(*_DIRECTORY_COLUMNS)).all()
    emails = frozenset(email.lower() for _, email, _ in rows)
    domains = frozenset(email.rpartition("@")[2] for email in emails) - PUBLIC_MAIL_DOMAINS
    return Directory(
        names=tuple(name for name, _, _ in rows),
        emails=emails,
        phones=tuple(phone for _, _, phone in rows if phone),
        email_domains=domains,
    )


def detector(session: Session) -> Detector:
    """The detector for this institution: its staff directory and its own rules, as they are now."""
    rules = session.exec(select(PatientDataRule.name, PatientDataRule.pattern)).all()
    return _prepared(staff_directory(session), tuple((name, pattern) for name, pattern in rules))


@lru_cache(maxsize=4)
def _prepared(directory: Directory, rules: tuple[tuple[str, str], ...]) -> Detector:
    """One detector per directory and rules: it prepares the staff's phones and names once (a 2,000-person directory
    costs tens of milliseconds), not on every write."""
    return Detector(directory=directory, extra_patterns=dict(rules))


def find(*, session: Session, texts: Mapping[str, str]) -> list[FieldFinding]:
    """The findings in each named text."""
    check = detector(session)
    return [
        FieldFinding(field, f.kind, f.start, f.end) for field, text in texts.items() if text for f in check.find(text)
    ]


def screen(*, session: Session, texts: Mapping[str, str], override_reason: str | None) -> Screening:
    """Check the texts about to be written; refuse them when they look like patient data and no reason was given."""
    findings = find(session=session, texts=texts)
    reason = " ".join((override_reason or "").split())
    if not findings:
        return Screening(findings=[], reason="")
    if not reason:
        raise PatientDataSuspected(findings, texts)
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise PatientDataSuspected(findings, texts, REASON_MESSAGE)
    return Screening(findings=findings, reason=reason)
