"""Hostile files sent through every way in — the upload API (post attachments, task evidence), the feed's form, an
article's attachment form and an onboarding task's evidence: disguised markup and polyglots, names that try to leave
the upload folder or fool the eye, files over the limit. Each is refused with a message or neutralized, nothing lands
outside the upload folder, and what is served can never run as a page."""

import io
import secrets
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from app.config import Settings
from app.models.onboarding import OnboardingAssignedTask
from app.models.uploads import Upload
from app.models.users import User
from tests.conftest import sign_in_page
from tests.factories import make_checklist, make_plan
from tests.forms import submit
from tests.kb.helpers import make_article, publish

PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89" + b"\0" * 32
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0" + b"\0" * 32 + b"\xff\xd9"
GIF = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n"
SCRIPT = b"<script>alert(document.cookie)</script>"
HTML = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>"
MB = 1024 * 1024


def _jar() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Main-Class: Evil\n")
        archive.writestr("Evil.class", b"\xca\xfe\xba\xbe")
    return buffer.getvalue()


# Markup that pretends to be an image or a PDF, by its name, its declared type or both: no magic bytes, refused.
DISGUISED = {
    "html named .png": ("photo.png", HTML, "image/png"),
    "html declared as octet-stream": ("photo.png", HTML, "application/octet-stream"),
    "svg named .png": ("photo.png", SVG, "image/png"),
    "svg without an xml declaration": ("photo.png", SVG.split(b"?>", 1)[1], "image/png"),
    "svg with script": ("diagram.svg", SVG, "image/svg+xml"),
    "html as itself": ("page.html", HTML, "text/html"),
    "html with a UTF-8 BOM": ("photo.jpg", b"\xef\xbb\xbf" + HTML, "image/jpeg"),
    "html after blank lines": ("scan.pdf", b"\n\n\n" + HTML + b"%PDF-1.7", "application/pdf"),
    "a png named .html": ("page.html", PNG, "text/html"),
    "a png named .svg": ("diagram.svg", PNG, "image/png"),
    "a png declared as html": ("photo.png", PNG, "text/html"),
    "a png declared as svg": ("photo.png", PNG, "image/svg+xml"),
    "a pdf named .png": ("photo.png", PDF, "image/png"),
    "a jar named .png": ("photo.png", _jar(), "image/png"),
}
# Files whose first bytes are really an image or a PDF, with markup or an archive after them (polyglots): they are
# kept under the type their bytes start with, and served so that no browser treats them as anything else.
POLYGLOTS = {
    "PNG + HTML": ("chart.png", PNG + HTML, "image/png"),
    "GIFAR": ("badge.gif", GIF + _jar(), "image/gif"),
    "PDF + JavaScript": (
        "protocol.pdf",
        PDF + b"2 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n/OpenAction 2 0 R\n",
        "application/pdf",
    ),
    "JPEG + HTML after the image": ("photo.jpg", JPEG + HTML, "image/jpeg"),
}

REASONS = ("Можна додати лише зображення", "але насправді це")  # no magic bytes; a name or type that lies
Sender = Callable[[str, bytes, str], Response]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """An upload limit of 1 MB (KOLO_MAX_UPLOAD_MB), so the oversized files stay small."""
    settings.max_upload_mb = 1
    return settings


@pytest.fixture
def guide(session: Session, manager: User):  # type: ignore[no-untyped-def]
    """A published guide the manager attaches files to."""
    return publish(session, make_article(session, manager, title="Вкладення"), manager)


@pytest.fixture
def task_id(session: Session, manager: User, staff: User) -> int:
    """The staff member's onboarding task ("do"), which takes a photo or a PDF as evidence."""
    make_plan(session, manager, hire=staff, checklist=make_checklist(session, manager))
    task = session.exec(select(OnboardingAssignedTask)).first()
    assert task is not None and task.id is not None
    return task.id


@pytest.fixture(params=["upload API", "post form", "article attachment form", "task evidence form"])
def send(request, staff_client, new_client, manager, guide, task_id) -> Sender:  # type: ignore[no-untyped-def]
    """Send one file through one way in, as its page or script does."""
    way = request.param
    if way == "upload API":
        return lambda name, data, kind: staff_client.post("/api/v1/uploads", files={"file": (name, data, kind)})
    if way == "post form":
        page = sign_in_page(new_client(), "nurse@kolo.test")
        return lambda name, data, kind: submit(
            page, "/", "/posts", {"body": "Схема"}, files={"files": (name, data, kind)}, follow_redirects=False
        )
    if way == "article attachment form":
        page = sign_in_page(new_client(), manager.email)
        return lambda name, data, kind: submit(
            page, "/kb/vkladennia", "/kb/vkladennia/attachments", files={"file": (name, data, kind)}
        )
    page = sign_in_page(new_client(), "nurse@kolo.test")
    return lambda name, data, kind: submit(
        page, "/onboarding", f"/onboarding/tasks/{task_id}/complete", files={"file": (name, data, kind)}
    )


def _files(settings: Settings, root: Path) -> set[Path]:
    """The files under `root`, but for the search index (which the indexer rebuilds meanwhile)."""
    return {path for path in root.rglob("*") if path.is_file() and settings.index_dir not in path.parents}


def _uploads(session: Session) -> list[Upload]:
    session.expire_all()
    return list(session.exec(select(Upload).order_by(Upload.id)).all())  # type: ignore[arg-type]


def _new_upload(session: Session, settings: Settings, root: Path, before: set[Path], response: Response) -> Upload:
    """The upload the request made; its bytes are the only new file, inside the upload folder."""
    assert response.status_code == 201, response.text
    upload = session.get(Upload, response.json()["id"])
    assert upload is not None
    assert _files(settings, root) - before == {settings.upload_dir / upload.stored_name}
    return upload


class TestDisguisedMarkup:
    def test_is_refused_with_a_reason_and_nothing_is_kept(self, send, session, settings, tmp_path):  # type: ignore[no-untyped-def]
        before = _files(settings, tmp_path)
        wrong = {}
        for case, (name, data, kind) in DISGUISED.items():
            response = send(name, data, kind)
            if response.status_code != 422 or not any(reason in response.text for reason in REASONS):
                wrong[case] = (response.status_code, response.text[:200])
        assert wrong == {}
        assert _uploads(session) == [] and _files(settings, tmp_path) == before


class TestPolyglots:
    def test_is_served_as_what_it_starts_with_never_as_a_page(self, staff_client, session, settings, tmp_path):  # type: ignore[no-untyped-def]
        for name, data, kind in POLYGLOTS.values():
            before = _files(settings, tmp_path)
            created = staff_client.post("/api/v1/uploads", files={"file": (name, data, kind)})
            upload = _new_upload(session, settings, tmp_path, before, created)
            served = staff_client.get(created.json()["url"])
            assert served.status_code == 200 and served.content == data
            assert served.headers["content-type"] == kind == upload.content_type
            assert served.headers["x-content-type-options"] == "nosniff"
            policy = [part.strip() for part in served.headers["content-security-policy"].split(";")]
            assert "sandbox" in policy and "default-src 'none'" in policy  # opened as a page, nothing in it runs
            disposition = served.headers["content-disposition"]
            assert disposition.startswith("inline" if kind.startswith("image/") else "attachment"), name


NAMES = [  # (the name sent, the name shown); {canary} is a name found nowhere else
    ("../../../../{canary}.png", "{canary}.png"),
    ("/tmp/{canary}.png", "{canary}.png"),
    ("..\\..\\..\\{canary}.png", "{canary}.png"),
    ("C:\\Windows\\{canary}.png", "{canary}.png"),
    ("\\\\server\\share\\{canary}.png", "{canary}.png"),
    ("..", "file.png"),
    ("../", "file.png"),
    ("схема\x00.png", "схема.png"),
    ("a\x07\x1b[2J\tb\x7f.png", "a[2Jb.png"),
    ("report\u202egnp.png", "reportgnp.png"),  # an RTL override: shown as "reportpng.png" otherwise
    ("\u202e\u200b\u2066.png", "file.png"),
    ("протокол" * 31 + ".png", "протокол" * 24 + "прот.png"),  # cut to 200 characters, the extension kept
    ("scan", "scan.png"),  # the real type's extension added: the download opens with the right program
]


def _raw_upload(client: TestClient, name: str, data: bytes) -> Response:
    """Upload with the name's bytes as they are (a browser or httpx would percent-encode control characters)."""
    head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="' + name.encode() + b'"\r\n'
    body = head + b"Content-Type: image/png\r\n\r\n" + data + b"\r\n--b--\r\n"
    return client.post("/api/v1/uploads", content=body, headers={"Content-Type": "multipart/form-data; boundary=b"})


class TestNames:
    def test_a_name_is_cleaned_and_the_file_stays_in_the_upload_folder(self, staff_client, session, settings, tmp_path):  # type: ignore[no-untyped-def]
        for sent, shown in NAMES:
            canary = "kolo-canary-" + secrets.token_hex(4)
            before = _files(settings, tmp_path)
            created = _raw_upload(staff_client, sent.format(canary=canary), PNG)
            upload = _new_upload(session, settings, tmp_path, before, created)
            assert created.json()["filename"] == upload.filename == shown.format(canary=canary), repr(sent)
            assert not list(Path("/tmp").glob(f"{canary}*")) and not list(tmp_path.parent.rglob(f"{canary}*"))
            disposition = staff_client.get(created.json()["url"]).headers["content-disposition"]
            assert disposition.isprintable() and "\\" not in disposition, disposition

    def test_a_name_longer_than_a_part_header_may_be_is_refused(self, staff_client, session):  # type: ignore[no-untyped-def]
        response = _raw_upload(staff_client, "протокол" * 300 + ".png", PNG)  # 4.8 KB: no file system has such names
        assert response.status_code == 400 and response.json()["detail"] == "Запит не вдалося зрозуміти."
        assert _uploads(session) == []

    def test_a_name_whose_real_extension_is_not_the_contents_is_refused(self, staff_client, session):  # type: ignore[no-untyped-def]
        for name in ["invoice\u202efdp.exe", "photo.png\x00.html", "photo.png.html", "photo.png\u202e.html"]:
            response = _raw_upload(staff_client, name, PNG)
            assert response.status_code == 422, response.text
            assert "але насправді це" in response.text and response.json()["detail"].isprintable(), repr(name)
        assert _uploads(session) == []


class TestTooLarge:
    def test_is_refused_by_its_size_and_nothing_is_kept(self, send, session, settings, tmp_path):  # type: ignore[no-untyped-def]
        before = _files(settings, tmp_path)
        just_over = send("big.png", PNG + b"\0" * MB, "image/png")  # the file is over; the request is not
        assert just_over.status_code == 413 and "Файл більший за 1 МБ" in just_over.text, just_over.text[:300]
        far_over = send("huge.png", PNG + b"\0" * (4 * MB), "image/png")  # refused before the body is read
        assert far_over.status_code == 413 and "Запит завеликий" in far_over.text, far_over.text[:300]
        assert _uploads(session) == [] and _files(settings, tmp_path) == before
