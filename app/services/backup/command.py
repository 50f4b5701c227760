"""`kolo backup PATH` and `kolo restore PATH [--force]`."""

import argparse
from pathlib import Path

from app.config import Settings
from app.services.backup.create import create_backup
from app.services.backup.manifest import Manifest
from app.services.backup.restore import restore_backup


def _describe(manifest: Manifest) -> str:
    return (
        f"{len(manifest.files)} files, {manifest.total_size / 1024 / 1024:.1f} MB: the {manifest.database} database "
        f"at schema revision {manifest.schema_revision}, made by Kolo {manifest.kolo_version} at "
        f"{manifest.created_at:%Y-%m-%d %H:%M:%S} UTC"
    )


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Write one archive of the database, the uploaded files and the secret key; print its path."""
    path, manifest = create_backup(settings=settings, destination=Path(args.path))
    print(f"{path}\n  {_describe(manifest)}")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Check an archive, restore it into the configured database and data folder, and rebuild the search index."""
    manifest = restore_backup(settings=settings, archive=Path(args.path), force=args.force)
    print(f"Restored {args.path}\n  {_describe(manifest)}")
    return 0


def add_backup_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add `kolo backup` to the command line."""
    parser = subparsers.add_parser(
        "backup", help="write one archive of the database, the uploaded files and the secret key (server may run)"
    )
    parser.add_argument("path", help="the archive to write, or a folder to write kolo-<UTC time>.tar.gz into")
    parser.set_defaults(func=cmd_backup)


def add_restore_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add `kolo restore` to the command line."""
    parser = subparsers.add_parser(
        "restore", help="restore an archive into an empty database and data folder (server stopped)"
    )
    parser.add_argument("path", help="an archive written by `kolo backup`")
    parser.add_argument(
        "--force", action="store_true", help="replace the database's rows and the uploaded files that are there"
    )
    parser.set_defaults(func=cmd_restore)
