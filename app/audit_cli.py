"""`kolo audit verify`: recompute the audit log's hash chain; name the first entry changed, removed or added outside
Kolo (exit 1), or say how many entries it verified and up to when (exit 0)."""

import argparse
from datetime import UTC, datetime

from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.services.audit_chain import BreakKind, ChainBreak, Verification, verify

_BROKEN = {
    BreakKind.CHANGED: "entry #{id} ({at}, place {seq} in the chain) was changed",
    BreakKind.REMOVED: "place {seq} in the chain, before entry #{id} ({at}), was removed",
    BreakKind.UNCHAINED: "entry #{id} ({at}) was added outside Kolo (it has no place in the chain)",
}


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _verified(result: Verification) -> str:
    if result.last_at is None:
        return "verified 0 entries"
    return f"verified {result.entries} entries up to {_when(result.last_at)} (last hash {result.last_hash[:16]})"


def report(result: Verification) -> str:
    """What `kolo audit verify` prints for a check's result."""
    if result.broken is None:
        verified = _verified(result)
        return verified[:1].upper() + verified[1:] + "; none changed, removed or added outside Kolo."
    broken: ChainBreak = result.broken
    what = _BROKEN[broken.kind].format(id=broken.event_id, at=_when(broken.created_at), seq=broken.seq)
    return f"The audit log is broken: {what}. Before it: {_verified(result)}."


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Check the whole audit chain: 0 when it is intact, 1 at its first break."""
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            result = verify(session=session)
    finally:
        engine.dispose()
    print(report(result))
    return 0 if result.broken is None else 1


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add `kolo audit verify` to the command line."""
    parser = subparsers.add_parser("audit", help="the audit log")
    actions = parser.add_subparsers(dest="audit_command", required=True)
    check = actions.add_parser("verify", help="check that no audit entry was changed, removed or added outside Kolo")
    check.set_defaults(func=cmd_audit_verify)
