"""Hostile imports, each sent both through `kolo import` and through the import form: zip bombs (one entry packed a
thousandfold, zips inside zips), entries that leave the archive (`../`, absolute, Windows paths, links), names with
control characters that would drive the operator's terminal, binary files posing as Markdown, files over the limit.
Each is refused with a message (the form: 4xx; the command: a message and a non-zero exit) or skipped and named, and
nothing is written anywhere."""

import io
import os
import stat
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app import cli
from app.config import Settings
from app.models.kb import KbArticle
from tests.forms import submit

MB = 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    """What the person importing sees: the form's status (the command's exit code) and the text."""

    code: int
    text: str

    @property
    def refused(self) -> bool:
        """A 4xx page, or a command that failed."""
        return 400 <= self.code < 500 if self.code >= 100 else self.code != 0


Importer = Callable[[str, bytes], Outcome]


def _zip(entries: dict[str | zipfile.ZipInfo, str | bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _link(name: str, target: str) -> zipfile.ZipInfo:
    """A zip entry that unpacks as a symbolic link to `target`."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # Unix
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _nested_bomb(levels: int = 2) -> bytes:
    """A zip of zips (42.zip's shape): each level holds ten copies of the one below, the last a thousandfold text."""
    archive = _zip({"0.md": b"# " + b"0" * (2 * MB)})
    for _ in range(levels):
        archive = _zip({f"{n}.zip": archive for n in range(10)})
    return archive


GUIDE = "# Маски\n\nКоли носити."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """An upload limit of 1 MB (KOLO_MAX_UPLOAD_MB) for the import form."""
    settings.max_upload_mb = 1
    return settings


@pytest.fixture(params=["kolo import", "import form"])
def send(request, manager, manager_page, database_url, tmp_path, monkeypatch, capsys) -> Importer:  # type: ignore[no-untyped-def]
    """Import one file the way `request.param` does."""
    if request.param == "import form":

        def through_form(name: str, data: bytes) -> Outcome:
            page = submit(manager_page, "/kb/import", "/kb/import", files={"file": (name, data, "application/zip")})
            return Outcome(page.status_code, page.text)

        return through_form
    for key, value in (("DATABASE_URL", database_url), ("DATA_DIR", tmp_path / "data"), ("INDEX_DIR", tmp_path / "ix")):
        monkeypatch.setenv(f"KOLO_{key}", str(value))

    def through_command(name: str, data: bytes) -> Outcome:
        path = tmp_path / "sent" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        code = cli.main(["import", str(path), "--as", manager.email])
        out = capsys.readouterr()
        path.unlink()
        return Outcome(code, out.out + out.err)

    return through_command


def _files(root: Path) -> set[Path]:
    """Every file under `root` but the search indexes and the SQLite database's own (its journal comes and goes)."""
    return {
        path
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith("kolo.db") and not {"index", "ix"} & set(path.parts)
    }


def _titles(session: Session) -> list[str]:
    session.expire_all()
    return [a.title for a in session.exec(select(KbArticle).order_by(KbArticle.title)).all()]


REFUSED = {  # what is sent, and a piece of the refusal in each language the two ways speak
    "an entry packed a thousandfold": (
        _zip({"ok.md": GUIDE, "bomb.md": "# Б\n\n" + "x" * 2_000_000}),
        ("понад у 100 разів", "more than 100 times"),
    ),
    "only zips inside zips": (_zip({"inner.zip": _nested_bomb()}), ("немає файлів Markdown", "no Markdown")),
    "a relative path out": (_zip({"ok.md": GUIDE, "../../evil.md": GUIDE}), ("шлях за межі", "outside its folder")),
    "an absolute path": (_zip({"ok.md": GUIDE, "/etc/evil.md": GUIDE}), ("шлях за межі", "outside its folder")),
    "a Windows path out": (_zip({"ok.md": GUIDE, "..\\..\\evil.md": GUIDE}), ("шлях за межі", "outside its folder")),
    "a Windows drive": (_zip({"ok.md": GUIDE, "C:\\evil.md": GUIDE}), ("шлях за межі", "outside its folder")),
    "a link to a secret": (
        _zip({"ok.md": GUIDE, _link("key.md", "../../data/secret_key"): "../../data/secret_key"}),
        ("посилання", "a link"),
    ),
    "a link to a folder": (_zip({"ok.md": GUIDE, _link("etc", "/etc"): "/etc"}), ("посилання", "a link")),
    "a png named .zip": (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, ("пошкоджен", "damaged")),
    "html named .zip": (b"<html><script>alert(1)</script></html>", ("пошкоджен", "damaged")),
}


class TestRefused:
    @pytest.mark.parametrize("case", REFUSED)
    def test_nothing_is_imported_and_nothing_written(self, send, session, tmp_path, case):  # type: ignore[no-untyped-def]
        data, reasons = REFUSED[case]
        before = _files(tmp_path)
        outcome = send("guides.zip", data)
        assert outcome.refused and any(reason in outcome.text for reason in reasons), outcome
        assert _titles(session) == [] and _files(tmp_path) == before


class TestNeutralized:
    def test_a_zip_inside_the_zip_is_never_opened(self, send, session, tmp_path):  # type: ignore[no-untyped-def]
        before = _files(tmp_path)
        started = time.monotonic()
        outcome = send("guides.zip", _zip({"ok.md": GUIDE, "inner.zip": _nested_bomb()}))  # 200 MB inside
        assert time.monotonic() - started < 10 and not outcome.refused, outcome
        assert _titles(session) == ["Маски"] and _files(tmp_path) == before

    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("guides.zip", _zip({"ok.md": GUIDE, "inner.md": _zip({"a.md": "# " + "0" * 100_000})})),
            ("scan.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            ("guides.jsonl", '{"title": "Маски", "body": "Коли\\u0000 носити."}\n'.encode()),
        ],
    )
    def test_a_binary_file_posing_as_text_is_skipped_and_named(self, send, session, name, data):  # type: ignore[no-untyped-def]
        outcome = send(name, data)
        assert "схоже, це не текстовий файл" in outcome.text or "is it a binary file?" in outcome.text, outcome
        assert _titles(session) == (["Маски"] if name == "guides.zip" else [])

    def test_control_characters_in_names_are_shown_not_obeyed(self, send, session):  # type: ignore[no-untyped-def]
        escapes = "\x1b]0;pwned\x07\x1b[2J\u202e"
        skipped = send("guides.zip", _zip({"ok.md": GUIDE, f"{escapes}empty.md": ""}))
        refused = send("guides.zip", _zip({f"../{escapes}evil.md": GUIDE}))
        for outcome in (skipped, refused):
            assert "\\x1b]0;pwned\\x07\\x1b[2J\\u202e" in outcome.text, outcome
            assert not {"\x1b", "\x07", "\u202e"} & set(outcome.text)
        assert refused.refused and _titles(session) == ["Маски"]

    def test_a_file_name_that_leaves_the_folder_only_names_the_guide(self, send, session, tmp_path):  # type: ignore[no-untyped-def]
        before = _files(tmp_path)
        outcome = send(
            "..\\..\\evil.md",
            b"# \xd0\x9c\xd0\xb0\xd1\x81\xd0\xba\xd0\xb8\n\n\xd0\xa2\xd0\xb5\xd0\xba\xd1\x81\xd1\x82.",
        )
        assert not outcome.refused, outcome
        assert _titles(session) == ["Маски"] and _files(tmp_path) == before


class TestTooLarge:
    def test_the_form_refuses_a_file_over_the_upload_limit(self, manager_page, session):  # type: ignore[no-untyped-def]
        lines = "\n".join(f'{{"title": "Настанова {n}", "body": "{"x" * 100_000}"}}' for n in range(12)).encode()
        just_over = submit(manager_page, "/kb/import", "/kb/import", files={"file": ("g.jsonl", lines, "text/plain")})
        assert just_over.status_code == 422 and "Файл більший за 1 МБ" in just_over.text
        far_over = submit(
            manager_page, "/kb/import", "/kb/import", files={"file": ("g.jsonl", lines * 4, "text/plain")}
        )
        assert far_over.status_code == 413 and "Запит завеликий" in far_over.text
        assert _titles(session) == []

    def test_a_zip_over_the_import_limit_is_refused(self, send, session, monkeypatch):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("KOLO_KB_IMPORT_MAX_MB", "1")
        entries: dict[str | zipfile.ZipInfo, str | bytes] = {
            f"{n}.md": f"# Настанова {n}\n\n" + os.urandom(200_000).hex() for n in range(4)
        }  # 1.6 MB of text
        outcome = send("guides.zip", _zip(entries, zipfile.ZIP_STORED))
        reasons = ("Файл більший за 1 МБ", "unpacks to more than 1 MB")  # the form's upload limit; the command's
        assert outcome.refused and any(reason in outcome.text for reason in reasons), outcome
        assert _titles(session) == []
