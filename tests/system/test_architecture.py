"""The house holds: the import arrows of pyproject.toml's [tool.importlinter] (layers, a search engine that knows no
domain, no package cycles), and nothing plugs itself in when it is imported (`app.wiring.install` does it all)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

IMPORT_EVERYTHING = """
import importlib, pkgutil
import app
for module in pkgutil.walk_packages(app.__path__, "app."):
    importlib.import_module(module.name)
from app import events, scheduler
from app.commands import COMMANDS
from app.search.outbox import RELATED
from app.search.sources import SOURCES
from app.services.uploads import ACCESS_CHECKS
from app.services.patient_data.scan import READ_RULES
registered = {
    "search sources": sorted(SOURCES),
    "related search documents": sorted(RELATED),
    "upload checks": sorted(ACCESS_CHECKS),
    "event handlers": sorted(e for e, handlers in events._handlers.items() if handlers),
    "jobs": [job.name for job in scheduler.JOBS],
    "commands": sorted(COMMANDS),
    "scan read rules": sorted(READ_RULES),
}
print(registered)
assert not any(registered.values())
from app.wiring import install
install()
assert set(SOURCES) == {"post", "comment", "event", "article", "task", "template", "person"}, SOURCES
assert set(RELATED) == {"article"}
assert set(COMMANDS) == {"import", "reindex", "scan", "audit", "backup", "restore"}
assert set(READ_RULES) == {"post", "article"}
assert {job.name for job in scheduler.JOBS} == {
    "kb.review_reminders", "onboarding.reminders", "search.log_retention", "mail.compose", "mail.send", "push.send"
}
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_every_import_follows_the_arrows_and_no_package_imports_its_importer():
    linted = _run(str(Path(sys.executable).with_name("lint-imports")), "--no-cache")
    assert linted.returncode == 0, linted.stdout[-4000:] + linted.stderr[-2000:]
    assert "3 kept, 0 broken" in linted.stdout


def test_importing_every_module_registers_nothing_until_install_is_called():
    imported = _run(sys.executable, "-c", IMPORT_EVERYTHING)
    assert imported.returncode == 0, imported.stdout + imported.stderr
