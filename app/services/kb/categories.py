"""Categories: a two-level tree (sections and their subsections), sorted in Ukrainian order."""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from app.errors import Conflict, InvalidInput, NotFound
from app.models.kb import CategoryCreate, KbCategory
from app.models.users import User
from app.services import audit
from app.services.kb import access
from app.services.transactions import all_or_nothing
from app.text import name_key, nfc, slugify, uk_sort_key


@dataclass
class CategoryNode:
    category: KbCategory
    children: list[KbCategory] = field(default_factory=list)


def list_categories(*, session: Session) -> list[KbCategory]:
    """Every category, parents before their children, each level in Ukrainian order."""
    return [c for node in category_tree(session=session) for c in [node.category, *node.children]]


def category_tree(*, session: Session) -> list[CategoryNode]:
    """Top-level categories with their subcategories."""
    rows = sorted(session.exec(select(KbCategory)).all(), key=lambda c: uk_sort_key(c.name))
    nodes = {c.id: CategoryNode(c) for c in rows if c.parent_id is None}
    for category in rows:
        if category.parent_id in nodes:
            nodes[category.parent_id].children.append(category)
    return list(nodes.values())


def get_category_or_raise(*, session: Session, category_id: int) -> KbCategory:
    """The category with this id, or NotFound."""
    category = session.get(KbCategory, category_id)
    if category is None:
        raise NotFound("This category does not exist.")
    return category


def category_path(session: Session, category: KbCategory) -> str:
    """`Parent/Child` for a subcategory, the name for a top-level one."""
    if category.parent_id is None:
        return category.name
    parent = session.get(KbCategory, category.parent_id)
    return f"{parent.name}/{category.name}" if parent else category.name


def find_or_create(*, session: Session, path: str) -> KbCategory | None:
    """The category named by `Parent/Child`, or by a name alone at any level (top level first), created when new;
    names compare as people read them (app.text.name_key). No commit (used by import)."""
    names = [nfc(" ".join(p.split())) for p in path.split("/") if p.strip()][:2]
    if len(names) == 1 and (anywhere := _find(session, names[0], anywhere=True)) is not None:
        return anywhere
    parent: KbCategory | None = None
    for name in names:
        found = _find(session, name, parent_id=parent.id if parent else None)
        if found is None:
            found = KbCategory(
                name=name[:120], slug=_unique_slug(session, name), parent_id=parent.id if parent else None
            )
            session.add(found)
            session.flush()
        parent = found
    return parent


def _find(session: Session, name: str, *, parent_id: int | None = None, anywhere: bool = False) -> KbCategory | None:
    """The category called `name` (compared by name_key) under `parent_id`, or at any level, top level first."""
    wanted = name_key(name)
    rows = sorted(list_categories(session=session), key=lambda c: c.parent_id is not None)
    return next((c for c in rows if name_key(c.name) == wanted and (anywhere or c.parent_id == parent_id)), None)


def _unique_slug(session: Session, name: str) -> str:
    base = slugify(name, max_length=100)
    candidate, n = base, 1
    while session.exec(select(KbCategory.id).where(KbCategory.slug == candidate)).first() is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@all_or_nothing
def create_category(*, session: Session, user: User, data: CategoryCreate) -> KbCategory:
    """A manager adds a category; a subcategory's parent must itself be top-level."""
    access.check_manager(user)
    name = nfc(data.name.strip())
    if not name:
        raise InvalidInput("The name must not be empty.")
    if data.parent_id is not None:
        parent = get_category_or_raise(session=session, category_id=data.parent_id)
        if parent.parent_id is not None:
            raise InvalidInput("Categories have two levels: a subcategory cannot have its own subcategories.")
    duplicate = _find(session, name, parent_id=data.parent_id)
    if duplicate is not None:
        raise Conflict("A category named {name} already exists here.", name=duplicate.name)
    category = KbCategory(name=name, slug=_unique_slug(session, name), parent_id=data.parent_id)
    session.add(category)
    session.flush()
    audit.record(
        session=session,
        action="kb_category.created",
        actor=user,
        subject=name,
        target_type="kb_category",
        target_id=category.id,
    )
    session.commit()
    session.refresh(category)
    return category
