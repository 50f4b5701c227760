"""Import guides as published articles: Markdown files (folder or zip, optional YAML front matter) or JSONL."""

import io
import json
import os
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, BinaryIO

import yaml
from sqlmodel import Session

from app.config import Settings, get_settings
from app.errors import InvalidInput
from app.models.kb import TITLE_MAX, ArticleStatus, KbArticle, KbRevision
from app.models.types import utcnow
from app.models.users import User
from app.search.outbox import enqueue
from app.services import audit
from app.services.kb import access, categories
from app.services.kb.articles import add_months, clean_tags, set_links, set_visible_tags, unique_slug
from app.services.kb.lifecycle import today
from app.services.patient_data import guard
from app.services.patient_data.guard import PatientDataSuspected
from app.services.transactions import all_or_nothing
from app.text import nfc

MARKDOWN_SUFFIXES = {".md", ".markdown"}
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 100  # an entry may unpack to at most 100 times its packed size (Markdown packs about 4:1)
MAX_FRONT_MATTER = 16 * 1024
CHUNK = 64 * 1024
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}  # bzip2 and lzma cannot be unpacked in bounded steps
# what zipfile raises for a damaged archive (negative offsets, truncated records, undecodable names)
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, IndexError, struct.error)
BATCH = 200
EXCERPT = 40  # characters shown on each side of what looks like patient data in a held-back import


@dataclass(frozen=True)
class ImportItem:
    where: str  # "line 6" or a file name, for messages
    title: str
    body: str
    tags: list[str] = field(default_factory=list)
    category: str = ""
    slug: str = ""
    source: str = ""
    line: int | None = None  # a JSONL entry's line number


@dataclass(frozen=True)
class ImportProblem:
    """A skipped entry: where (a file name, or "line N" with `line` set) and why (an English msgid with params)."""

    where: str
    msgid: str
    params: dict[str, str] = field(default_factory=dict)
    line: int | None = None

    @property
    def message(self) -> str:
        """Why, in English (the CLI's report)."""
        return self.msgid.format(**self.params)


@dataclass
class CategoryUse:
    """A category the import put articles into: `Parent/Child`, whether the import created it, how many articles."""

    path: str
    created: bool
    articles: int = 0

    @property
    def label(self) -> str:
        """The path as a page shows it: `Parent / Child`."""
        return self.path.replace("/", " / ")


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    categories: list[CategoryUse] = field(default_factory=list)


@dataclass(frozen=True)
class HeldEntry:
    """An entry of a held-back import: where (a file name, or "line N" with `line` set), the kinds of what looks like
    patient data in it, and each finding with a little text around it, cut as (piece, kind of finding or None)."""

    where: str
    line: int | None
    kinds: list[str]
    excerpts: list[list[tuple[str, str | None]]]


class ImportHeldBack(PatientDataSuspected):
    """Some entries of an import look like they hold patient data, so nothing was imported; one reason lets the
    whole import go ahead. `entries` are those entries."""

    def __init__(self, held: PatientDataSuspected, items: list[ImportItem]) -> None:
        super().__init__(held.findings, held.texts, held.message)
        lines = {item.where: item.line for item in items}
        self.entries = [
            HeldEntry(
                where=where,
                line=lines.get(where),
                kinds=list(dict.fromkeys(f.kind for f in held.findings if f.field == where)),
                excerpts=[_excerpt(held.texts[where], f) for f in held.findings if f.field == where][:3],
            )
            for where in held.fields
        ]


def _excerpt(text: str, finding: guard.FieldFinding) -> list[tuple[str, str | None]]:
    """The finding with up to EXCERPT characters of text on each side."""
    before = text[max(finding.start - EXCERPT, 0) : finding.start]
    after = text[finding.end : finding.end + EXCERPT]
    return [
        (("…" if finding.start > EXCERPT else "") + before, None),
        (text[finding.start : finding.end], finding.kind),
        (after + ("…" if finding.end + EXCERPT < len(text) else ""), None),
    ]


Parsed = ImportItem | ImportProblem
Entry = tuple[str, bytes | ImportProblem]  # a file's name and its bytes, or why it is skipped unread


class _AliasRefused(yaml.YAMLError):
    """The front matter uses an anchor or an alias."""


class _PlainLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: 400 bytes of nested aliases no longer cost seconds."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Refuse an alias or an anchored node before composing it."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasRefused
        return super().compose_node(parent, index)


@dataclass
class _Budget:
    """What an import may still unpack, in bytes; taking more refuses the whole import."""

    left: int

    @classmethod
    def from_settings(cls) -> "_Budget":
        """The budget of one import: `KOLO_KB_IMPORT_MAX_MB`."""
        return cls(get_settings().kb_import_max_mb * 1024 * 1024)

    def take(self, size: int) -> None:
        """Count `size` more bytes, refusing the import once the total passes the limit."""
        self.left -= size
        if self.left < 0:
            raise InvalidInput(
                "The import unpacks to more than {mb} MB; split it into smaller parts.",
                mb=get_settings().kb_import_max_mb,
            )


def _item(where: str, data: dict[str, Any], body: str, line: int | None = None) -> Parsed:
    title = nfc(str(data.get("title") or "").strip())
    if not title:
        return ImportProblem(where, "no title", line=line)
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(",")
    if not isinstance(tags, list):
        return ImportProblem(where, "tags must be a list", line=line)
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    item = ImportItem(
        where=where,
        title=title,
        body=nfc(body),
        tags=clean_tags([str(t) for t in tags]),
        category=str(data.get("category") or ""),
        slug=str(data.get("slug") or ""),
        source=str(data.get("source") or data.get("url") or "")[:500],
        line=line,
    )
    if any("\x00" in text for text in (item.title, item.body, item.category, item.slug, item.source, *item.tags)):
        return ImportProblem(where, "holds the NUL character; is it a binary file?", line=line)
    return item


def parse_jsonl_line(number: int, line: str) -> Parsed | None:
    """One JSONL line as an item, a problem (with its line number), or None for a blank line."""
    if not line.strip():
        return None
    where = f"line {number}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return ImportProblem(where, "not valid JSON ({error})", {"error": exc.msg}, line=number)
    except RecursionError:
        return ImportProblem(where, "not valid JSON ({error})", {"error": "nested too deeply"}, line=number)
    if not isinstance(data, dict):
        return ImportProblem(where, "not a JSON object", line=number)
    if not isinstance(data.get("body"), str) or not data["body"].strip():
        return ImportProblem(where, "no body", line=number)
    return _item(where, data, data["body"], line=number)


def parse_markdown(name: str, text: str) -> Parsed:
    """A Markdown file: optional `---` YAML front matter; the title from it, the first heading or the file name."""
    data: dict[str, Any] = {}
    body = text.lstrip("\ufeff")
    if body.startswith("---\n"):
        head, sep, rest = body[4:].partition("\n---")
        if not sep:
            return ImportProblem(name, "front matter is not closed with ---")
        loaded = _front_matter(name, head)
        if isinstance(loaded, ImportProblem):
            return loaded
        data, body = loaded, rest.partition("\n")[2]
    if not data.get("title"):
        first = body.lstrip().partition("\n")
        if first[0].startswith("# "):
            data["title"], body = first[0][2:], first[2]
        else:
            data["title"] = PurePosixPath(name).stem.replace("-", " ").replace("_", " ")
    if not body.strip():
        return ImportProblem(name, "no body")
    return _item(name, data, body.strip() + "\n")


def _front_matter(name: str, head: str) -> dict[str, Any] | ImportProblem:
    """The front matter as a mapping: plain YAML of at most 16 KB, without anchors or aliases."""
    if len(head.encode()) > MAX_FRONT_MATTER:
        return ImportProblem(name, "front matter is larger than 16 KB")
    try:
        loaded = yaml.load(head, Loader=_PlainLoader) or {}  # noqa: S506 (a SafeLoader)
    except _AliasRefused:
        return ImportProblem(name, "front matter must not use YAML anchors or aliases")
    except (yaml.YAMLError, ValueError, RecursionError):  # ValueError: an integer of thousands of digits
        return ImportProblem(name, "front matter is not valid YAML")
    if not isinstance(loaded, dict):
        return ImportProblem(name, "front matter is not a mapping")
    return loaded


def read_path(path: Path) -> tuple[int, Iterator[Parsed]]:
    """What a folder, zip, .md or .jsonl file holds: (how many entries, the parsed entries)."""
    if path.is_dir():
        return _parsed(_read_folder(path))
    if not path.is_file():
        raise InvalidInput("{path} is not a file or folder.", path=str(path))
    _Budget.from_settings().take(path.stat().st_size)
    return read_bytes(path.name, path.read_bytes())


def read_bytes(name: str, data: bytes) -> tuple[int, Iterator[Parsed]]:
    """What an uploaded .zip, .md or .jsonl file holds; an import over the limits is refused before anything is
    created."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".zip" or data[:4] == b"PK\x03\x04":
        return _parsed(_read_zip(data))
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    if suffix in MARKDOWN_SUFFIXES:
        name = shown_name(name)
        too_big = ImportProblem(name, "larger than 5 MB") if len(data) > MAX_FILE_BYTES else None
        return 1, iter([too_big or parse_markdown(name, text)])
    if suffix in (".jsonl", ".json", ".ndjson"):
        lines = text.splitlines()
        _check_count(sum(1 for line in lines if line.strip()))
        parsed = (parse_jsonl_line(n, line) for n, line in enumerate(lines, start=1))
        return len(lines), (p for p in parsed if p is not None)
    raise InvalidInput("Import a .zip or a folder of Markdown files, a .md file or a .jsonl file.")


def shown_name(name: str) -> str:
    """A file's name as messages show it: control and format characters (a terminal's escape sequences, an RTL
    override) written out as `\\x1b` or `\\u202e`, so they neither drive the operator's terminal nor reorder text."""
    return "".join(ascii(char)[1:-1] if unicodedata.category(char)[0] == "C" else char for char in name)


def _check_count(count: int) -> None:
    """Refuse an import of more than MAX_ENTRIES entries."""
    if count > MAX_ENTRIES:
        raise InvalidInput("The import holds more than {max} entries; split it into smaller parts.", max=MAX_ENTRIES)


def _parsed(entries: list[Entry]) -> tuple[int, Iterator[Parsed]]:
    """(how many entries, each parsed as Markdown when it was read)."""
    return len(entries), (
        parse_markdown(where, data.decode("utf-8", "replace")) if isinstance(data, bytes) else data
        for where, data in entries
    )


def _read_folder(root: Path) -> list[Entry]:
    """The Markdown files under `root`, read whole; a link (to a file or a folder) is skipped, never followed."""
    paths: list[Path] = []
    for folder, dirs, files in os.walk(root):  # a linked folder is listed in `dirs` but not entered
        paths += [Path(folder, d) for d in dirs if Path(folder, d).is_symlink()]
        paths += [Path(folder, f) for f in files if PurePosixPath(f).suffix.lower() in MARKDOWN_SUFFIXES]
    _check_count(len(paths))
    budget = _Budget.from_settings()
    wheres = {path: shown_name(str(path.relative_to(root))) for path in paths}
    return [(wheres[path], _read_file(path, wheres[path], budget)) for path in sorted(paths)]


def _read_file(path: Path, where: str, budget: _Budget) -> bytes | ImportProblem:
    """A regular file's bytes (at most MAX_FILE_BYTES), or why it is skipped."""
    if path.is_symlink():
        return ImportProblem(where, "a link; links are not followed")
    if not path.is_file():
        return ImportProblem(where, "not a regular file")
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return ImportProblem(where, "larger than 5 MB")
    budget.take(len(data))
    return data


def _read_zip(data: bytes) -> list[Entry]:
    """A zip's Markdown entries, unpacked whole once its headers passed the limits, and checked again while
    unpacking (headers can lie)."""
    # Every entry of the central directory starts with this signature, so counting it bounds the entries before
    # zipfile parses a directory that could name half a million of them.
    _check_count(data.count(b"PK\x01\x02"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS:
        raise _damaged() from None
    for info in archive.infolist():
        _check_zip_path(info)
    entries = sorted(
        (
            i
            for i in archive.infolist()
            if not i.is_dir() and PurePosixPath(i.filename).suffix.lower() in MARKDOWN_SUFFIXES
        ),
        key=lambda i: i.filename,
    )
    if not entries:
        raise InvalidInput("The zip file holds no Markdown (.md) files; nothing was imported.")
    for info in entries:
        _check_packing(info)
    _Budget.from_settings().take(sum(i.file_size for i in entries if i.file_size <= MAX_FILE_BYTES))  # the headers
    budget = _Budget.from_settings()  # and what unpacking really yields
    try:
        return [(shown_name(info.filename), _unpack(archive, info, budget)) for info in entries]
    except ZIP_ERRORS:
        raise _damaged() from None


def _damaged() -> InvalidInput:
    """The refusal of a zip that cannot be read."""
    return InvalidInput("This zip file is damaged.")


def _check_zip_path(info: zipfile.ZipInfo) -> None:
    """Refuse the zip for a link or an entry outside its folder (`../`, `/etc`, `C:`), `\\` counting as `/`."""
    if not info.filename:
        raise _damaged()
    path = PureWindowsPath(info.filename)
    if (info.external_attr >> 16) & 0o170000 == 0o120000 or path.drive or path.root or ".." in path.parts:
        raise InvalidInput(
            "The zip file holds a link or a path outside its folder ({name}); nothing was imported.",
            name=shown_name(info.filename[:200]),
        )


def _check_packing(info: zipfile.ZipInfo) -> None:
    """Refuse the zip for an entry with a password, an unusual compression method or a bomb's ratio."""
    if info.flag_bits & 0x1:
        raise InvalidInput("The zip file is password-protected; import it without a password.")
    if info.compress_type not in ZIP_METHODS:
        raise InvalidInput(
            "The zip file uses a compression method Kolo cannot read; pack it with the usual (deflate) compression."
        )
    if info.file_size > _ratio_cap(info):
        raise _too_packed(info)


def _ratio_cap(info: zipfile.ZipInfo) -> int:
    """How many bytes an entry may unpack to: MAX_RATIO times its packed size (a small entry always may)."""
    return max(MAX_RATIO * info.compress_size, CHUNK)


def _too_packed(info: zipfile.ZipInfo) -> InvalidInput:
    """The refusal of an entry that unpacks to more than MAX_RATIO times its packed size."""
    return InvalidInput(
        "{name} in the zip file unpacks to more than {ratio} times its packed size; nothing was imported.",
        name=shown_name(info.filename[:200]),
        ratio=MAX_RATIO,
    )


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bytes | ImportProblem:
    """An entry's bytes, read in chunks that stop at its ratio and at the import's budget."""
    if info.file_size > MAX_FILE_BYTES:
        return ImportProblem(shown_name(info.filename), "larger than 5 MB")
    cap, size, chunks = min(_ratio_cap(info), MAX_FILE_BYTES), 0, []
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            budget.take(len(chunk))
            if size > cap:
                raise _too_packed(info)
            chunks.append(chunk)
    return b"".join(chunks)


@all_or_nothing
def import_upload(
    *,
    session: Session,
    settings: Settings,
    author: User,
    name: str,
    stream: BinaryIO,
    category_id: int | None,
    override_reason: str | None = None,
) -> ImportResult:
    """Import a file sent from the import page (up to the upload limit) as published articles, in the category
    `category_id` (None: each item's own, else none); `override_reason` as for `import_items`."""
    data = stream.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise InvalidInput("The file is larger than {mb} MB.", mb=settings.max_upload_mb)
    _, items = read_bytes(name or "import.jsonl", data)
    path = (
        categories.category_path(session, categories.get_category_or_raise(session=session, category_id=category_id))
        if category_id is not None
        else ""
    )
    return import_items(
        session=session,
        author=author,
        items=items,
        category=path,
        review_months=settings.kb_review_months,
        override_reason=override_reason,
    )


def import_items(
    *,
    session: Session,
    author: User,
    items: Iterator[Parsed],
    category: str = "",
    review_months: int = 12,
    progress: Callable[[], object] | None = None,  # called once per item; what it returns is ignored
    override_reason: str | None = None,
) -> ImportResult:
    """Create a published article (version 1.0) for each item; problems are collected, not raised. When entries
    look like they hold patient data, nothing is imported (`ImportHeldBack` names them) unless `override_reason`
    says why they may be published (audited once for the import)."""
    access.check_manager(author)
    entries = list(items)
    screening = _screen(session, [e for e in entries if isinstance(e, ImportItem)], override_reason)
    result = ImportResult()
    place = _Categories(session)
    for index, parsed in enumerate(entries, start=1):
        if isinstance(parsed, ImportProblem):
            result.problems.append(parsed)
        else:
            result.created.append(
                _create_published(session, author, parsed, place.id_for(parsed.category or category), review_months)
            )
        if index % BATCH == 0:
            session.commit()
        if progress:
            progress()
    result.categories = list(place.uses.values())
    screening.record(session=session, actor=author, target_type="article", target_id=None)
    audit.record(
        session=session,
        action="article.imported",
        actor=author,
        target_type="article",
        detail={"created": len(result.created), "problems": len(result.problems)},
    )
    session.commit()
    return result


def _screen(session: Session, items: list[ImportItem], override_reason: str | None) -> guard.Screening:
    """Screen every entry's title, text and tags before anything is imported."""
    texts = {item.where: "\n".join([item.title, item.body, ", ".join(item.tags)]) for item in items}
    try:
        return guard.screen(session=session, texts=texts, override_reason=override_reason)
    except PatientDataSuspected as held:
        raise ImportHeldBack(held, items) from None


class _Categories:
    """The categories an import files articles under: each path looked up (or created) once, and counted."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.existing = {c.id for c in categories.list_categories(session=session)}
        self.by_path: dict[str, int | None] = {}
        self.uses: dict[int, CategoryUse] = {}

    def id_for(self, path: str) -> int | None:
        """The id of the category `path` names (None for no category), counting one more article in it."""
        if path not in self.by_path:
            found = categories.find_or_create(session=self.session, path=path)
            self.by_path[path] = found.id if found else None
            if found is not None and found.id not in self.uses:
                assert found.id is not None
                self.uses[found.id] = CategoryUse(
                    path=categories.category_path(self.session, found), created=found.id not in self.existing
                )
        category_id = self.by_path[path]
        if category_id is not None:
            self.uses[category_id].articles += 1
        return category_id


def _create_published(
    session: Session, author: User, item: ImportItem, category_id: int | None, review_months: int
) -> str:
    assert author.id is not None
    now = utcnow()
    article = KbArticle(
        slug=unique_slug(session=session, wanted=item.slug or item.title),
        title=item.title,
        status=ArticleStatus.published,
        category_id=category_id,
        author_id=author.id,
        owner_id=author.id,
        review_interval_months=review_months,
        current_major=1,
        review_due=add_months(today(now), review_months),
        source=item.source,
        published_at=now,
    )
    session.add(article)
    session.flush()
    assert article.id is not None  # the flush gave it its id
    revision = KbRevision(
        article_id=article.id,
        number=1,
        title=item.title,
        body=item.body,
        tags=item.tags,
        author_id=author.id,
        change_note="",
        version_major=1,
        version_minor=0,
        published_at=now,
        published_by_id=author.id,
    )
    session.add(revision)
    session.flush()
    article.current_revision_id = article.head_revision_id = revision.id
    set_visible_tags(session, article, item.tags)
    set_links(session, article, item.body)
    enqueue(session, f"article:{article.id}")
    return article.slug
