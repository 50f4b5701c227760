"""The institution's own patient-data rules: admins add and remove regular expressions (audited); the guard reads
them on every write, so a change holds from the next one.

A rule runs over every text anyone publishes, so a pattern that could take long is refused before it is saved: it
must compile, stay under the length limit, match no empty text, contain no back-references or repetitions nested
in repetitions (the shapes of catastrophic backtracking), and get through long adversarial texts within a time budget
in a separate process (Python's `re` cannot be interrupted, so a slow pattern is stopped by killing that process)."""

import re
import re._constants as sre_constants  # type: ignore[import-not-found]  # the parser of `re`; typeshed has no stubs
import re._parser as sre_parse  # type: ignore[import-not-found]  # (the public sre_parse is deprecated since 3.11)
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from app.errors import Conflict, InvalidInput, NotFound
from app.models.patient_data import PatientDataRule, PatientDataRuleCreate
from app.models.users import User
from app.services import audit
from app.services.patient_data.guard import KIND_LABELS
from app.services.transactions import all_or_nothing

PATTERN_MAX = 300
TIME_BUDGET_SECONDS = 1.0
ADVERSARIAL_LENGTH = 20_000
# Run in a fresh interpreter: every long text of one repeated character class, with a character at the end that
# stops most patterns from matching (the case where backtracking tries everything).
_PROBE = """
import re, sys
pattern = re.compile(sys.argv[1], re.IGNORECASE)
n = int(sys.argv[2])
for unit in ("a", "1", " ", "а", "a1", "1 ", "-1", "aA", ".", "_", "\\n", "a a", "1-"):
    for tail in ("!", "\\x00", "a", "1"):
        for _ in pattern.finditer(unit * (n // len(unit)) + tail):
            pass
"""
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}


def list_rules(*, session: Session) -> Sequence[PatientDataRule]:
    """The institution's rules, by name."""
    return session.exec(select(PatientDataRule).order_by(col(PatientDataRule.name))).all()


def _nested_repeat(items: Any, inside: bool) -> bool:
    """Whether a repetition that can repeat more than once sits inside another one, or a back-reference is used."""
    for op, value in items:
        if op == sre_constants.GROUPREF or op == sre_constants.GROUPREF_EXISTS:
            return True
        if op in _REPEATS:
            low, high, body = value
            many = high is sre_constants.MAXREPEAT or high > 1
            if (many and inside) or _nested_repeat(body, inside or many):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _nested_repeat(value[-1], inside):
                return True
        elif op == sre_constants.BRANCH:
            if any(_nested_repeat(branch, inside) for branch in value[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT) and _nested_repeat(value[1], inside):
            return True
    return False


def _fast_enough(pattern: str) -> bool:
    """Whether the pattern gets through the adversarial texts within the time budget."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _PROBE, pattern, str(ADVERSARIAL_LENGTH)],
            timeout=TIME_BUDGET_SECONDS,
            capture_output=True,
        )
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def check_pattern(pattern: str) -> re.Pattern[str]:
    """The compiled pattern, or InvalidInput saying plainly why it cannot be a rule."""
    if len(pattern) > PATTERN_MAX:
        raise InvalidInput("A pattern has at most {max} characters.", max=PATTERN_MAX)
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise InvalidInput("This is not a valid regular expression: {problem}.", problem=str(exc)) from None
    if compiled.search("") is not None:
        raise InvalidInput("The pattern matches empty text, so it would hold back everything.")
    if _nested_repeat(sre_parse.parse(pattern, re.IGNORECASE), inside=False):
        raise InvalidInput(
            "The pattern repeats a repetition or refers back to a group; such patterns can take minutes on a "
            "long text. Write it without them, e.g. [0-9]{6} instead of ([0-9]+)+."
        )
    if not _fast_enough(pattern):
        raise InvalidInput(
            "The pattern took longer than {seconds} s on a long test text; it would slow down every post. "
            "Make it simpler.",
            seconds=TIME_BUDGET_SECONDS,
        )
    return compiled


@all_or_nothing
def add_rule(*, session: Session, actor: User, data: PatientDataRuleCreate) -> PatientDataRule:
    """Add a rule (admins); it holds from the next write."""
    name = " ".join(data.name.split())
    if not name:
        raise InvalidInput("Give the rule a name.")
    if name.lower() in KIND_LABELS:
        raise Conflict("«{name}» is already one of the guard's own kinds.", name=name)
    check_pattern(data.pattern)
    if session.exec(select(PatientDataRule.id).where(PatientDataRule.name == name)).first() is not None:
        raise Conflict("A rule named «{name}» already exists.", name=name)
    rule = PatientDataRule(name=name, pattern=data.pattern, created_by_id=actor.id)
    session.add(rule)
    session.flush()
    audit.record(
        session=session,
        action="patient_data.rule_created",
        actor=actor,
        target_type="patient_data_rule",
        target_id=rule.id,
        detail={"name": name, "pattern": data.pattern},
    )
    session.commit()
    session.refresh(rule)
    return rule


@all_or_nothing
def remove_rule(*, session: Session, actor: User, rule_id: int) -> None:
    """Remove a rule (admins); texts it matched are let through from the next write."""
    rule = session.get(PatientDataRule, rule_id)
    if rule is None:
        raise NotFound("No such rule.")
    audit.record(
        session=session,
        action="patient_data.rule_deleted",
        actor=actor,
        target_type="patient_data_rule",
        target_id=rule.id,
        detail={"name": rule.name, "pattern": rule.pattern},
    )
    session.delete(rule)
    session.commit()
