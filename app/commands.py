"""The `kolo` subcommands that domains bring (import, reindex…): `app.wiring` adds them by name, `app.cli` builds
its parser from them."""

import argparse
from collections.abc import Callable

AddParser = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
COMMANDS: dict[str, AddParser] = {}


def add_command(name: str, add_parser: AddParser) -> None:
    """Offer `kolo <name>`: `add_parser(subparsers)` adds its arguments and sets `func(args, settings)`."""
    COMMANDS[name] = add_parser
