"""Synonym groups for managers: the pages under /search/synonyms and the JSON API under /api/v1/search/synonyms.

A group's id is `local:<number>` for a group managers added and `shipped:<head>` for one of the shipped thesaurus
(edited or switched off, it keeps that id); in a URL path it is percent-encoded like any text."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from app.deps import ManagerUser, SessionDep
from app.errors import AppError, InvalidInput
from app.flash import flash
from app.i18n import N_
from app.models.synonyms import SynonymGroupCreate, SynonymGroupPublic, SynonymGroupUpdate
from app.pagination import Page, decode_cursor, encode_cursor
from app.routers.forms import form_error, form_status
from app.services.search import synonyms
from app.services.search.synonyms import Group
from app.templating import render

api = APIRouter(prefix="/api/v1/search/synonyms", tags=["search"])
pages = APIRouter(prefix="/search/synonyms", include_in_schema=False)

PAGE_SIZE = 25


class SynonymForm(BaseModel):
    """A group's terms as typed (one a line); `group` is the ref of the group being edited."""

    terms: str = ""
    group: str = ""


class GroupRefForm(BaseModel):
    """The group a button acts on, and the list page to come back to."""

    group: str = ""
    back: str = ""


def _public(group: Group) -> SynonymGroupPublic:
    return SynonymGroupPublic(
        id=group.ref,
        head=group.head,
        terms=list(group.terms),
        origin=group.origin,
        disabled=group.disabled,
        shipped_terms=list(group.shipped_terms) if group.shipped_terms is not None else None,
        updated_at=group.updated_at,
    )


@api.get("", response_model=Page[SynonymGroupPublic])
def read_synonym_groups(
    session: SessionDep,
    user: ManagerUser,
    q: str = "",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Page[SynonymGroupPublic]:
    """Managers: every synonym group (shipped, edited, local; switched-off ones with `disabled: true`), those with a
    term containing `q` when it is given; ids are `local:<number>` or `shipped:<head>`."""
    start = decode_cursor(cursor, int)
    offset = max(start[0], 0) if start else 0
    found = synonyms.list_groups(session=session, viewer=user, q=q, offset=offset, limit=limit)
    more = offset + limit < found.total
    return Page(items=[_public(g) for g in found.items], next_cursor=encode_cursor(offset + limit) if more else None)


@api.post("", response_model=SynonymGroupPublic, status_code=201)
def create_synonym_group(session: SessionDep, user: ManagerUser, data: SynonymGroupCreate) -> SynonymGroupPublic:
    """Managers: add a group (at least two different terms, each up to 80 characters, none already in another group);
    search applies it from the next query. Its id is `local:<number>`."""
    return _public(synonyms.create_group(session=session, actor=user, terms=data.terms))


@api.get("/{group_id:path}", response_model=SynonymGroupPublic)
def read_synonym_group(session: SessionDep, user: ManagerUser, group_id: str) -> SynonymGroupPublic:
    """Managers: one group by its id (`local:<number>` or `shipped:<head>`)."""
    return _public(synonyms.get_group(session=session, viewer=user, ref=group_id))


@api.patch("/{group_id:path}", response_model=SynonymGroupPublic)
def update_synonym_group(
    session: SessionDep, user: ManagerUser, group_id: str, data: SynonymGroupUpdate
) -> SynonymGroupPublic:
    """Managers: `{"terms": [...]}` replaces a group's terms (a shipped group keeps its id and is switched on
    again); `{"restore": true}` puts a shipped group back as shipped."""
    if data.restore == (data.terms is not None):
        raise InvalidInput("Send either the new terms or restore: true.")
    if data.restore:
        return _public(synonyms.restore_group(session=session, actor=user, ref=group_id))
    return _public(synonyms.update_group(session=session, actor=user, ref=group_id, terms=data.terms or []))


@api.delete("/{group_id:path}", status_code=204)
def delete_synonym_group(session: SessionDep, user: ManagerUser, group_id: str) -> Response:
    """Managers: delete a local group; a shipped group is switched off instead (restore it with PATCH)."""
    synonyms.remove_group(session=session, actor=user, ref=group_id)
    return Response(status_code=204)


# --- pages -------------------------------------------------------------------------------------------


def _list_url(q: str = "", page: int = 1) -> str:
    query = {k: v for k, v in (("q", q), ("page", str(page) if page > 1 else "")) if v}
    return "/search/synonyms" + ("?" + urlencode(query) if query else "")


@pages.get("")
def synonym_list_page(
    request: Request, session: SessionDep, user: ManagerUser, q: str = "", page: str = ""
) -> Response:
    """Managers: the synonym groups search applies, with a filter by any term, a page at a time."""
    number = int(page) if page.isdigit() and int(page) > 0 else 1
    found = synonyms.list_groups(session=session, viewer=user, q=q, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    last = max(1, -(-found.total // PAGE_SIZE))
    return render(
        request,
        "search/synonyms/list.html",
        {
            "groups": [(g, synonyms.group_actions(g)) for g in found.items],
            "total": found.total,
            "q": q,
            "page": number,
            "last": last,
            "back": _list_url(q, number),
            "prev_url": _list_url(q, number - 1) if number > 1 else None,
            "next_url": _list_url(q, number + 1) if number < last else None,
        },
    )


def _form_page(
    request: Request, form: SynonymForm, group: Group | None, status_code: int = 200, **ctx: Any
) -> Response:
    rows = min(max(len(form.terms.splitlines()) + 1, 6), 16)  # every term in sight, up to a screenful
    context = {"form": form, "group": group, "rows": rows, "term_max": synonyms.TERM_MAX, **ctx}
    context["terms_max"] = synonyms.TERMS_MAX
    return render(request, "search/synonyms/form.html", context, status_code=status_code)


@pages.get("/new")
def synonym_new_page(request: Request, user: ManagerUser, term: str = "") -> Response:
    """Managers: the form for a new group; `?term=` (from the content-gap report) puts that term first."""
    return _form_page(
        request, SynonymForm(terms=term.strip()[: synonyms.TERM_MAX] + "\n" if term.strip() else ""), None
    )


@pages.post("/new")
def synonym_create_submit(
    request: Request, session: SessionDep, user: ManagerUser, form: Annotated[SynonymForm, Form()]
) -> Response:
    """Add the group, or show the form again with what to change."""
    try:
        group = synonyms.create_group(session=session, actor=user, terms=synonyms.split_terms(form.terms))
    except (AppError, ValidationError) as exc:
        return _form_page(request, form, None, form_status(exc), error=form_error(request, exc))
    flash(request, N_("Group «{head}» added; search uses it from the next query."), head=group.head)
    return RedirectResponse(_list_url(), status_code=303)


@pages.get("/edit")
def synonym_edit_page(request: Request, session: SessionDep, user: ManagerUser, group: str = "") -> Response:
    """Managers: a group's terms to change."""
    found = synonyms.get_group(session=session, viewer=user, ref=group)
    return _form_page(request, SynonymForm(terms="\n".join(found.terms), group=found.ref), found)


@pages.post("/edit")
def synonym_edit_submit(
    request: Request, session: SessionDep, user: ManagerUser, form: Annotated[SynonymForm, Form()]
) -> Response:
    """Save the group's new terms, or show the form again with what to change."""
    found = synonyms.get_group(session=session, viewer=user, ref=form.group)
    try:
        saved = synonyms.update_group(
            session=session, actor=user, ref=found.ref, terms=synonyms.split_terms(form.terms)
        )
    except (AppError, ValidationError) as exc:
        return _form_page(request, form, found, form_status(exc), error=form_error(request, exc))
    flash(request, N_("Group «{head}» saved; search uses it from the next query."), head=saved.head)
    return RedirectResponse(_list_url(), status_code=303)


def _back(form: GroupRefForm) -> str:
    """The list page the button was pressed on (only a page of this list)."""
    return form.back if form.back.startswith("/search/synonyms") and "//" not in form.back else _list_url()


@pages.post("/remove")
def synonym_remove_submit(
    request: Request, session: SessionDep, user: ManagerUser, form: Annotated[GroupRefForm, Form()]
) -> Response:
    """Delete a local group, or switch a shipped one off."""
    group = synonyms.get_group(session=session, viewer=user, ref=form.group)
    if synonyms.remove_group(session=session, actor=user, ref=group.ref) is None:
        flash(request, N_("Group «{head}» deleted."), head=group.head)
    else:
        flash(request, N_("Group «{head}» switched off; search no longer uses it."), head=group.head)
    return RedirectResponse(_back(form), status_code=303)


@pages.post("/restore")
def synonym_restore_submit(
    request: Request, session: SessionDep, user: ManagerUser, form: Annotated[GroupRefForm, Form()]
) -> Response:
    """Put a shipped group back as shipped, or say why it cannot be."""
    try:
        group = synonyms.restore_group(session=session, actor=user, ref=form.group)
    except AppError as exc:
        flash(request, N_("Not restored: {reason}"), reason=form_error(request, exc))
        return RedirectResponse(_back(form), status_code=303)
    flash(request, N_("Group «{head}» restored as shipped."), head=group.head)
    return RedirectResponse(_back(form), status_code=303)
