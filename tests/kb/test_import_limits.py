"""Import refuses bombs and escapes: too many entries, too much unpacked text, suspicious compression, lying headers,
paths out of the archive, YAML aliases, oversized front matter, and links out of an imported folder."""

import io
import random
import time
import zipfile
from pathlib import Path

import pytest
from sqlmodel import select

from app import cli
from app.models.kb import KbArticle, KbRevision
from tests.forms import submit


def _zip(entries: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(page, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return submit(page, "/kb/import", "/kb/import", files={"file": (name, data, "application/octet-stream")})


def _titles(session) -> list[str]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return [a.title for a in session.exec(select(KbArticle).order_by(KbArticle.title)).all()]


def _prose(words: int, seed: int) -> str:
    """Text that packs about as well as real prose (random words), unlike a run of one letter."""
    rng = random.Random(seed)
    vocabulary = ["рука", "маска", "пацієнт", "палата", "антисептик", "рукавички", "зміна", "лікар", "сестра", "доза"]
    return " ".join(rng.choice(vocabulary) + str(rng.randint(0, 999)) for _ in range(words))


class TestZipBombs:
    def test_an_entry_that_unpacks_a_thousandfold_refuses_the_zip(self, session, manager_page):
        bomb = _zip({"ok.md": "# Маски\n\nКоли носити.", "bomb.md": "# Б\n\n" + "x" * 2_000_000})
        page = _upload(manager_page, "g.zip", bomb)
        assert page.status_code == 422
        assert "bomb.md" in page.text and "понад у 100 разів" in page.text and "нічого не імпортовано" in page.text
        assert _titles(session) == []  # not even the good entry: all or nothing

    def test_more_unpacked_text_than_the_limit_refuses_the_zip(self, session, manager_page, monkeypatch):
        monkeypatch.setenv("KOLO_KB_IMPORT_MAX_MB", "1")
        entries = {f"{n:02}.md": f"# Настанова {n}\n\n{_prose(12_000, n)}" for n in range(12)}  # ~100 KB each
        page = _upload(manager_page, "g.zip", _zip(entries))
        assert page.status_code == 422 and "понад 1 МБ" in page.text and "розділіть його" in page.text
        assert _titles(session) == []

    def test_more_than_two_thousand_entries_refuse_the_zip(self, session, manager_page):
        entries: dict[str, str | bytes] = {f"img/{n}.txt": "" for n in range(2001)}
        entries["guide.md"] = "# Маски\n\nКоли носити."
        page = _upload(manager_page, "g.zip", _zip(entries))
        assert page.status_code == 422 and "понад 2000 записів" in page.text
        assert _titles(session) == []

    def test_a_header_that_lies_about_the_size_is_a_damaged_zip_not_a_500(self, session, manager_page):
        data = bytearray(_zip({"a.md": "# Маски\n\n" + "x" * 1_000_000}))
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local and central header: 100 bytes
            at = data.index(signature) + offset
            data[at : at + 4] = (100).to_bytes(4, "little")
        page = _upload(manager_page, "g.zip", bytes(data))
        assert page.status_code == 422 and "пошкоджен" in page.text
        assert _titles(session) == []

    @pytest.mark.parametrize("where", ["packed text", "end record"])
    def test_a_damaged_zip_is_refused_not_a_500(self, session, manager_page, where):
        data = bytearray(_zip({"a.md": "# Маски\n\nКоли носити."}))
        at = 30 + len("a.md") + 1 if where == "packed text" else data.rindex(b"PK\x05\x06") + 19
        data[at] = 0x80  # a broken deflate stream; a directory offset past the start (zipfile's ValueError)
        page = _upload(manager_page, "g.zip", bytes(data))
        assert page.status_code == 422 and "пошкоджен" in page.text
        assert _titles(session) == []

    @pytest.mark.parametrize("name", ["../../data/evil.md", "/etc/evil.md", "C:/evil.md", "a\\..\\..\\evil.md"])
    def test_an_entry_outside_the_archive_refuses_the_zip(self, session, manager_page, name):
        page = _upload(manager_page, "g.zip", _zip({"ok.md": "# Маски\n\nКоли носити.", name: "# Зло\n\nТекст."}))
        assert page.status_code == 422 and "шлях за межі його папки" in page.text
        assert _titles(session) == []

    def test_a_bzip2_entry_is_refused_with_a_reason(self, session, manager_page):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
            archive.writestr("a.md", "# Маски\n\nКоли носити.")
        page = _upload(manager_page, "g.zip", buffer.getvalue())
        assert page.status_code == 422 and "deflate" in page.text
        assert _titles(session) == []

    def test_an_ordinary_zip_still_imports(self, session, manager_page):
        entries = {f"{n}.md": f"# Настанова {n}\n\n{_prose(300, n)}" for n in range(3)}
        page = _upload(manager_page, "g.zip", _zip(entries))
        assert page.status_code == 200 and "3 статті" in page.text
        assert _titles(session) == ["Настанова 0", "Настанова 1", "Настанова 2"]


class TestSingleFiles:
    def test_a_markdown_file_over_5_mb_is_skipped(self, session, manager_page):
        page = _upload(manager_page, "g.md", ("# Маски\n\n" + "x" * 6_000_000).encode())
        assert page.status_code == 200 and "g.md: файл більший за 5 МБ" in page.text
        assert _titles(session) == []


class TestFrontMatter:
    def test_yaml_aliases_are_refused_quickly(self, session, manager_page):
        layers = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
        for n in range(1, 9):
            layers.append(f"{chr(97 + n)}: &{chr(97 + n)} [{', '.join([f'*{chr(96 + n)}'] * 9)}]")
        front = "\n".join(layers) + "\ntitle: *i\n"  # 9^9 strings if expanded: a minute before the fix
        started = time.monotonic()
        page = _upload(manager_page, "g.md", f"---\n{front}---\nТекст.\n".encode())
        assert time.monotonic() - started < 5 and page.status_code == 200
        assert "g.md: у блоці метаданих на початку не можна вживати якорі" in page.text
        assert _titles(session) == []

    def test_front_matter_over_16_kb_is_skipped(self, session, manager_page):
        page = _upload(manager_page, "g.md", f"---\ntitle: {'я' * 9000}\n---\nТекст.\n".encode())
        assert page.status_code == 200 and "більший за 16 КБ" in page.text
        assert _titles(session) == []

    @pytest.mark.parametrize("value", ["1" * 5000, "[" * 5000])  # an int past Python's digit limit; deep nesting
    def test_front_matter_python_cannot_load_is_invalid_yaml_not_a_500(self, session, manager_page, value):
        page = _upload(manager_page, "g.md", f"---\ntitle: {value}\n---\nТекст.\n".encode())
        assert page.status_code == 200 and "некоректний YAML" in page.text
        assert _titles(session) == []

    def test_json_nested_too_deeply_is_a_skipped_line_not_a_500(self, session, manager_page):
        data = b'{"title": "\xd0\x9c", "body": "B"}\n' + b"[" * 100_000 + b"\n"
        page = _upload(manager_page, "g.jsonl", data)
        assert page.status_code == 200 and "рядок 2" in page.text
        assert _titles(session) == ["М"]


def _kolo_import(monkeypatch, database_url: str, tmp_path: Path, folder: Path, email: str) -> int:  # type: ignore[no-untyped-def]
    for name, value in (
        ("DATABASE_URL", database_url),
        ("DATA_DIR", str(tmp_path / "data")),
        ("INDEX_DIR", str(tmp_path / "index")),
    ):
        monkeypatch.setenv(f"KOLO_{name}", value)
    return cli.main(["import", str(folder), "--as", email])


class TestFolder:
    def test_a_link_to_a_secret_outside_the_folder_is_skipped_and_named(  # type: ignore[no-untyped-def]
        self, session, manager, database_url, tmp_path, monkeypatch, capsys
    ):
        secret = tmp_path / "data" / "secret_key"
        secret.parent.mkdir(exist_ok=True)
        secret.write_text("TOP-SECRET-KEY")
        (tmp_path / "outside").mkdir()
        (tmp_path / "outside" / "keys.md").write_text("# Ключі\n\nTOP-SECRET-DIR")
        guides = tmp_path / "guides"
        guides.mkdir()
        (guides / "masks.md").write_text("# Маски\n\nКоли носити.")
        (guides / "leak.md").symlink_to(secret)
        (guides / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
        assert _kolo_import(monkeypatch, database_url, tmp_path, guides, manager.email) == 1
        err = capsys.readouterr().err
        assert "skipped leak.md: a link; links are not followed" in err and "skipped linked: a link" in err
        assert _titles(session) == ["Маски"]
        bodies = " ".join(r.body for r in session.exec(select(KbRevision)).all())
        assert "TOP-SECRET" not in bodies

    def test_a_folder_over_the_limit_exits_with_a_message_and_imports_nothing(  # type: ignore[no-untyped-def]
        self, session, manager, database_url, tmp_path, monkeypatch, capsys
    ):
        monkeypatch.setenv("KOLO_KB_IMPORT_MAX_MB", "1")
        guides = tmp_path / "guides"
        guides.mkdir()
        for n in range(3):
            (guides / f"{n}.md").write_text(f"# Настанова {n}\n\n" + "x" * 400_000)
        assert _kolo_import(monkeypatch, database_url, tmp_path, guides, manager.email) == 1
        assert "kolo: The import unpacks to more than 1 MB" in capsys.readouterr().err
        assert _titles(session) == []

    def test_a_file_over_the_limit_exits_with_a_message_and_imports_nothing(  # type: ignore[no-untyped-def]
        self, session, manager, database_url, tmp_path, monkeypatch, capsys
    ):
        monkeypatch.setenv("KOLO_KB_IMPORT_MAX_MB", "1")
        lines = tmp_path / "guides.jsonl"
        lines.write_text("\n".join(f'{{"title": "Настанова {n}", "body": "{"x" * 200_000}"}}' for n in range(6)))
        assert _kolo_import(monkeypatch, database_url, tmp_path, lines, manager.email) == 1
        assert "kolo: The import unpacks to more than 1 MB" in capsys.readouterr().err
        assert _titles(session) == []
