"""`kolo scan [--json]`: list what is already published and looks like patient data, so it can be cleaned up."""

import argparse
import json
from collections import Counter

from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.services.patient_data.scan import ScanResult, Suspect, scan


def _as_json(suspect: Suspect) -> dict[str, object]:
    item = suspect.item
    return {
        "what": item.source,
        "id": item.id,
        "link": item.link,
        "kinds": suspect.kinds,
        "written_at": item.written_at.isoformat(),
        "snippets": [{"field": name, "text": "".join(p for p, _ in pieces)} for name, pieces in suspect.snippets],
        "findings": [
            {"field": name, "kind": kind, "text": piece}
            for name, pieces in suspect.snippets
            for piece, kind in pieces
            if kind
        ],
    }


def _summary(result: ScanResult) -> dict[str, object]:
    return {
        "checked": result.checked,
        "suspects": len(result.suspects),
        "by_what": dict(Counter(s.item.source for s in result.suspects)),
        "by_kind": dict(Counter(kind for s in result.suspects for kind in s.kinds)),
    }


def _print_text(result: ScanResult) -> None:
    for suspect in result.suspects:
        item = suspect.item
        print(f"{item.source} {item.id}  {item.link}  {', '.join(suspect.kinds)}")
        print(f"    {suspect.text}")
    summary = _summary(result)
    print(f"Checked {result.checked} items; suspects: {len(result.suspects)}.")
    for label in ("by_what", "by_kind"):
        counts = summary[label]
        assert isinstance(counts, dict)
        if counts:
            print(f"  {label.replace('_', ' ')}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def cmd_scan(args: argparse.Namespace, settings: Settings) -> int:
    """Check every post, comment, event and article revision with the patient-data detector and list the suspects."""
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            result = scan(session=session, viewer=None)
    finally:
        engine.dispose()
    if args.json:
        body = {"suspects": [_as_json(s) for s in result.suspects], "summary": _summary(result)}
        print(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        _print_text(result)
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add `kolo scan` to the command line."""
    parser = subparsers.add_parser(
        "scan", help="list published posts, comments, events and article revisions that look like patient data"
    )
    parser.add_argument("--json", action="store_true", help="print the suspects and the counts as JSON")
    parser.set_defaults(func=cmd_scan)
