"""Import guides as published articles: Markdown files (folder or zip, optional YAML front matter) or JSONL."""

import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from sqlmodel import Session

from app.errors import InvalidInput
from app.models.kb import TITLE_MAX, ArticleStatus, KbArticle, KbRevision
from app.models.types import utcnow
from app.models.users import User
from app.search.outbox import enqueue
from app.services import audit
from app.services.kb import access, categories
from app.services.kb.articles import add_months, clean_tags, set_links, set_visible_tags, unique_slug
from app.services.kb.lifecycle import today
from app.text import nfc

MARKDOWN_SUFFIXES = {".md", ".markdown"}
MAX_FILE_BYTES = 5 * 1024 * 1024
BATCH = 200


@dataclass(frozen=True)
class ImportItem:
    where: str  # "line 6" or a file name, for messages
    title: str
    body: str
    tags: list[str] = field(default_factory=list)
    category: str = ""
    slug: str = ""
    source: str = ""


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


Parsed = ImportItem | ImportProblem


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
    return ImportItem(where=where, title=title, body=nfc(body), tags=clean_tags([str(t) for t in tags]),
                      category=str(data.get("category") or ""), slug=str(data.get("slug") or ""),
                      source=str(data.get("source") or data.get("url") or "")[:500])


def parse_jsonl_line(number: int, line: str) -> Parsed | None:
    """One JSONL line as an item, a problem (with its line number), or None for a blank line."""
    if not line.strip():
        return None
    where = f"line {number}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return ImportProblem(where, "not valid JSON ({error})", {"error": exc.msg}, line=number)
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
        try:
            loaded = yaml.safe_load(head) or {}
        except yaml.YAMLError:
            return ImportProblem(name, "front matter is not valid YAML")
        if not isinstance(loaded, dict):
            return ImportProblem(name, "front matter is not a mapping")
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


def read_path(path: Path) -> tuple[int, Iterator[Parsed]]:
    """What a folder, zip, .md or .jsonl file holds: (how many entries, the parsed entries)."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file())
        return len(files), (parse_markdown(str(p.relative_to(path)), p.read_text("utf-8", "replace")) for p in files)
    if not path.is_file():
        raise InvalidInput("{path} is not a file or folder.", path=str(path))
    return read_bytes(path.name, path.read_bytes())


def read_bytes(name: str, data: bytes) -> tuple[int, Iterator[Parsed]]:
    """What an uploaded .zip, .md or .jsonl file holds."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".zip" or data[:4] == b"PK\x03\x04":
        return _read_zip(data)
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    if suffix in MARKDOWN_SUFFIXES:
        return 1, iter([parse_markdown(name, text)])
    if suffix in (".jsonl", ".json", ".ndjson"):
        lines = text.splitlines()
        parsed = (parse_jsonl_line(n, line) for n, line in enumerate(lines, start=1))
        return len(lines), (p for p in parsed if p is not None)
    raise InvalidInput("Import a .zip or a folder of Markdown files, a .md file or a .jsonl file.")


def _read_zip(data: bytes) -> tuple[int, Iterator[Parsed]]:
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidInput("This zip file is damaged.") from None
    entries = sorted((i for i in archive.infolist() if not i.is_dir()
                      and PurePosixPath(i.filename).suffix.lower() in MARKDOWN_SUFFIXES), key=lambda i: i.filename)

    def parse() -> Iterator[Parsed]:
        for info in entries:
            if info.file_size > MAX_FILE_BYTES:
                yield ImportProblem(info.filename, "larger than 5 MB")
                continue
            yield parse_markdown(info.filename, archive.read(info).decode("utf-8", "replace"))
    return len(entries), parse()


def import_items(*, session: Session, author: User, items: Iterator[Parsed], category: str = "",
                 review_months: int = 12, progress: Callable[[], None] | None = None) -> ImportResult:
    """Create a published article (version 1.0) for each item; problems are collected, not raised."""
    access.check_manager(author)
    result = ImportResult()
    place = _Categories(session)
    for index, parsed in enumerate(items, start=1):
        if isinstance(parsed, ImportProblem):
            result.problems.append(parsed)
        else:
            result.created.append(_create_published(session, author, parsed, place.id_for(parsed.category or category),
                                                     review_months))
        if index % BATCH == 0:
            session.commit()
        if progress:
            progress()
    result.categories = list(place.uses.values())
    audit.record(session=session, action="article.imported", actor=author, target_type="article",
                 detail={"created": len(result.created), "problems": len(result.problems)})
    session.commit()
    return result


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
                self.uses[found.id] = CategoryUse(path=categories.category_path(self.session, found),
                                                  created=found.id not in self.existing)
        category_id = self.by_path[path]
        if category_id is not None:
            self.uses[category_id].articles += 1
        return category_id


def _create_published(session: Session, author: User, item: ImportItem, category_id: int | None,
                      review_months: int) -> str:
    assert author.id is not None
    now = utcnow()
    article = KbArticle(slug=unique_slug(session=session, wanted=item.slug or item.title), title=item.title,
                        status=ArticleStatus.published, category_id=category_id, author_id=author.id,
                        owner_id=author.id, review_interval_months=review_months, current_major=1,
                        review_due=add_months(today(now), review_months), source=item.source, published_at=now)
    session.add(article)
    session.flush()
    revision = KbRevision(article_id=article.id, number=1, title=item.title, body=item.body, tags=item.tags,  # type: ignore[arg-type]
                          author_id=author.id, change_note="", version_major=1, version_minor=0,
                          published_at=now, published_by_id=author.id)
    session.add(revision)
    session.flush()
    article.current_revision_id = article.head_revision_id = revision.id
    set_visible_tags(session, article, item.tags)
    set_links(session, article, item.body)
    enqueue(session, f"article:{article.id}")
    return article.slug
