"""The `kolo` command: serve, migrate, user add/erase, token, demo (and each domain's own commands)."""

import argparse
import getpass
import logging
import sys

from sqlmodel import Session

from app.commands import COMMANDS
from app.config import Settings, get_settings
from app.db import make_engine
from app.errors import AppError
from app.migrations import upgrade
from app.models.users import Role, UserCreate
from app.services.users import TOKEN_VALID_DAYS
from app.wiring import install

logger = logging.getLogger("kolo")


def _session(settings: Settings) -> Session:
    return Session(make_engine(settings.database_url))


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Bring the database schema up to date."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate, then run the server (with N worker processes)."""
    import uvicorn

    cmd_migrate(args, settings)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level="info",
    )
    return 0


def read_password(prompt: str = "Password: ") -> str:
    """The first line of stdin when piped (a second identical line is accepted), else asked twice."""
    if not sys.stdin.isatty():
        lines = sys.stdin.read().splitlines()
        if not lines:
            raise AppError("No password on standard input.")
        if len(lines) > 1 and lines[1] and lines[1] != lines[0]:
            raise AppError("The two passwords differ.")
        return lines[0]
    first = getpass.getpass(prompt)
    if getpass.getpass("Repeat: ") != first:
        raise AppError("The two passwords differ.")
    return first


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    """Create an account with a password; departments named for the first time are created."""
    from app.services import users as users_service

    password = read_password()
    with _session(settings) as session:
        ids = [users_service.ensure_department(session=session, name=d).id for d in args.department or []]
        data = UserCreate(
            email=args.email, name=args.name, role=Role(args.role), department_ids=[i for i in ids if i is not None]
        )
        user = users_service.create_user(session=session, data=data, actor=None, password=password)
        print(f"Created {user.email} (@{user.handle}, {user.role})")
    return 0


def cmd_user_erase(args: argparse.Namespace, settings: Settings) -> int:
    """Erase a departed person (personal data removed, the institution's records kept under a pseudonym)."""
    from app.services import users as users_service
    from app.services.privacy import erasure

    with _session(settings) as session:
        user = users_service.get_user_by_email(session=session, email=args.email)
        if user is None:
            raise AppError("No user with the e-mail {email}.", email=args.email)
        if not args.yes and (not sys.stdin.isatty() or input("Type the e-mail again to confirm: ") != args.email):
            raise AppError("Not confirmed: nothing was erased (pass --yes to confirm without a prompt).")
        counts = erasure.erase_user(session=session, settings=settings, user=user, actor=None)
        removed = ", ".join(f"{name} {n}" for name, n in vars(counts).items())
        print(f"Erased: the account is now {user.name} <{user.email}>; removed {removed}")
    return 0


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    """Print a new personal API token for a user, alone on its line (valid for --days, 0: no expiry)."""
    from app.services import users as users_service

    with _session(settings) as session:
        user = users_service.get_user_by_email(session=session, email=args.email)
        if user is None:
            raise AppError("No user with the e-mail {email}.", email=args.email)
        print(users_service.create_token(session=session, user=user, name="CLI", valid_days=args.days or None))
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Load the demo content (idempotent) and print the demo accounts."""
    from app.demo import DEMO_PASSWORD, load_demo

    cmd_migrate(args, settings)
    with _session(settings) as session:
        accounts = load_demo(session)
    print(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, name, role in accounts:
        print(f"  {email:<28} {role:<8} {name}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="kolo", description="Kolo, the staff hub of a hospital.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate and run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--proxy-headers",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="take the client's address and scheme from X-Forwarded-For/-Proto (default: on)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="comma-separated addresses of the proxies whose X-Forwarded-* headers are believed",
    )
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    user = sub.add_parser("user", help="manage accounts").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="create an account (password from stdin or prompted)")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=[r.value for r in Role], default="staff")
    add.add_argument("--department", action="append", help="repeatable; created when new")
    add.set_defaults(func=cmd_user_add)
    erase = user.add_parser("erase", help="erase a departed person's personal data (kept records get a pseudonym)")
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="confirm without a prompt")
    erase.set_defaults(func=cmd_user_erase)
    token = sub.add_parser("token", help="print a new personal API token")
    token.add_argument("email")
    token.add_argument("--days", type=int, default=TOKEN_VALID_DAYS, help="how long the token is valid; 0: no expiry")
    token.set_defaults(func=cmd_token)
    sub.add_parser("demo", help="load demo content").set_defaults(func=cmd_demo)
    for add_parser in COMMANDS.values():
        add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `kolo` console script."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    install()  # every command reacts to events as the server does (e.g. `user add` assigns onboarding by rules)
    args = build_parser().parse_args(argv)
    settings = get_settings()
    try:
        return int(args.func(args, settings) or 0)
    except AppError as exc:
        print(f"kolo: {exc.detail('en')}", file=sys.stderr)
        return 1
    except ValueError as exc:  # pydantic validation of CLI input
        print(f"kolo: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
