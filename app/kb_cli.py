"""`kolo import PATH [--as EMAIL] [--category C] [--override-reason TEXT]`: guides as published articles, with
a progress bar."""

import argparse
import sys
from pathlib import Path

from sqlmodel import Session, col, select
from tqdm import tqdm

from app.config import Settings
from app.db import make_engine
from app.errors import AppError
from app.migrations import upgrade
from app.models.users import Role, User
from app.services import users as users_service
from app.services.kb import importing


def _importer(session: Session, email: str | None) -> User:
    if email:
        user = users_service.get_user_by_email(session=session, email=email)
        if user is None:
            raise AppError("No user with the e-mail {email}.", email=email)
        return user
    admin = session.exec(
        select(User).where(User.role == Role.admin, col(User.is_active)).order_by(col(User.id))
    ).first()
    if admin is None:
        raise AppError("Say who imports with --as EMAIL (no administrator exists yet).")
    return admin


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import a folder or zip of Markdown files, or a JSONL file; report bad entries and skip them."""
    upgrade(settings.database_url)
    with Session(make_engine(settings.database_url)) as session:
        user = _importer(session, args.as_email)
        total, items = importing.read_path(Path(args.path))
        try:
            with tqdm(total=total, unit="article", file=sys.stderr, desc="import") as bar:
                result = importing.import_items(
                    session=session,
                    author=user,
                    items=items,
                    category=args.category or "",
                    review_months=settings.kb_review_months,
                    progress=bar.update,
                    override_reason=args.override_reason,
                )
        except importing.ImportHeldBack as held:
            for entry in held.entries:
                print(f"possible patient data in {entry.where}: {', '.join(entry.kinds)}", file=sys.stderr)
            print("Nothing imported: remove it, or import anyway with --override-reason TEXT.", file=sys.stderr)
            return 1
    for problem in result.problems:
        print(f"skipped {problem.where}: {problem.message}", file=sys.stderr)
    print(f"Imported {len(result.created)} articles; skipped {len(result.problems)}.")
    for use in result.categories:
        print(f"Category {use.path} ({'new' if use.created else 'existing'}): {use.articles} articles.")
    return 1 if result.problems else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `kolo import` to the command line."""
    parser = sub.add_parser("import", help="import guides (Markdown folder/zip or JSONL) as published articles")
    parser.add_argument("path", help="a folder or .zip of Markdown files, a .md file or a .jsonl file")
    parser.add_argument("--as", dest="as_email", metavar="EMAIL", help="who imports and owns them (a manager)")
    parser.add_argument("--category", help="category for entries without one (Parent/Child)")
    parser.add_argument(
        "--override-reason", metavar="TEXT", help="why entries that look like patient data may be imported (audited)"
    )
    parser.set_defaults(func=cmd_import)
