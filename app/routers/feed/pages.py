"""The feed's pages: the feed itself (the home page), writing, reading and editing a post."""

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.deps import CurrentUser, OptionalUser, SessionDep, SettingsDep
from app.errors import AppError, InvalidInput
from app.flash import flash
from app.i18n import N_
from app.models.feed import REACTIONS, EventFormat, PostKind
from app.models.users import User
from app.routers.feed.forms import PostEditForm, PostForm, to_post_create
from app.routers.forms import form_error, suspected
from app.services import feed as feed_service
from app.services import uploads as uploads_service
from app.services import users as users_service
from app.services.feed import access as feed_access
from app.services.kb import to_read as kb_to_read
from app.services.onboarding import presenters as onboarding_presenters
from app.services.onboarding.workdays import local_today
from app.templating import render

pages = APIRouter(include_in_schema=False)


def common(session: Session, user: User) -> dict[str, Any]:
    """What every feed page needs to show posts and the form (which offers only the departments one may address)."""
    departments = users_service.list_departments(session=session)
    return {
        "departments": departments,
        "department_names": {d.id: d.name for d in departments},
        "audience_departments": feed_access.audience_departments(session=session, user=user, departments=departments),
        "kinds": list(PostKind),
        "formats": list(EventFormat),
        "reactions": REACTIONS,
        "me": user,
        "may": feed_access.feed_actions(user),
    }


def _feed_context(request: Request, session: Session, user: User, cursor: str | None) -> dict[str, Any]:
    q = request.query_params
    kind = q.get("kind") if q.get("kind") in set(PostKind) else None
    department = q.get("department_id", "")
    filters = feed_service.FeedFilters(
        kind=PostKind(kind) if kind else None,
        tag=q.get("tag") or None,
        department_id=int(department) if department.isdigit() else None,
        author=(q.get("author") or "").lstrip("@") or None,
    )
    top = [] if filters.active or cursor else feed_service.top_posts(session=session, user=user)
    posts, next_cursor = feed_service.list_feed(
        session=session, user=user, filters=filters, cursor=cursor, exclude_ids=[p.id for p in top if p.id]
    )
    shown = feed_service.to_public_many(session=session, user=user, posts=top + posts)
    more = {k: v for k, v in q.items() if k != "cursor" and v}
    home_plans = [] if cursor else onboarding_presenters.home_plans(session=session, user=user, today=local_today())
    return {
        **common(session, user),
        "home_plans": home_plans,
        "undo_posts": [] if cursor else feed_service.recently_deleted(session=session, user=user),
        "to_read": None if cursor or filters.active else kb_to_read.list_to_read(session=session, user=user),
        "top": shown[: len(top)],
        "posts": shown[len(top) :],
        "filters": filters,
        "next_cursor": next_cursor,
        "more_query": more,
    }


@pages.get("/")
def feed_page(request: Request, session: SessionDep, user: OptionalUser, cursor: str | None = None) -> Response:
    """The team feed (the home page); htmx's "load more" gets only the next posts."""
    if user is None:
        return RedirectResponse("/login", status_code=303)
    try:
        context = _feed_context(request, session, user, cursor)
    except InvalidInput as error:
        context = {**_feed_context(request, session, user, None), "error": form_error(request, error)}
        return render(request, "feed/list.html", {**context, "form": PostForm()}, status_code=422)
    if cursor and request.headers.get("hx-request"):
        return render(request, "feed/_page.html", context)
    return render(request, "feed/list.html", {**context, "form": PostForm()})


@pages.post("/posts")
def create_post_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    form: Annotated[PostForm, Form()],
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006  (FastAPI copies the default)
) -> Response:
    """Publish a post from the feed's form; on a mistake the form comes back with the text and the files kept."""
    upload_ids = list(form.upload_ids)  # files kept from the form that came back, then the ones sent now
    try:
        for file in (f for f in files if f.filename):
            upload = uploads_service.save_upload(session=session, settings=settings, owner=user, file=file)
            upload_ids += [upload.id] if upload.id else []
        data = to_post_create(form, upload_ids)
        post = feed_service.create_post(session=session, author=user, data=data)
    except AppError as error:
        context = {
            **_feed_context(request, session, user, None),
            "form": form,
            "kept_uploads": feed_service.pending_uploads(session=session, owner=user, upload_ids=upload_ids),
            "error": form_error(request, error),
            "suspected": suspected(error),
            "override_reason": form.override_reason,
        }
        return render(request, "feed/list.html", context, status_code=error.status_code)
    if data.event is not None:
        flash(request, N_("Event «{title}» published."), title=data.event.title)
    elif data.must_read:
        flash(request, N_("Announcement published; everyone it is for is asked to read it."))
    else:
        flash(request, N_("Post published."))
    return RedirectResponse(feed_service.post_url(post.id), status_code=303)


def detail_context(session: Session, user: User, post_id: int) -> dict[str, Any]:
    """A post, its comments (replies under their comment) with their reactions, reactors and, for events, answers."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    public = feed_service.to_public_many(session=session, user=user, posts=[post])[0]
    comments = feed_service.list_comments(session=session, post=post)
    authors = feed_service.authors_by_id(session=session, user_ids={c.author_id for c in comments})
    threads = [(c, [r for r in comments if r.parent_id == c.id]) for c in comments if c.parent_id is None]
    reactors = feed_service.list_reactors(session=session, post=post)
    comment_reactions = feed_service.count_comment_reactions(
        session=session, user=user, comment_ids=[c.id for c in comments if c.id]
    )
    return {
        **common(session, user),
        "post": public,
        "threads": threads,
        "authors": authors,
        "reactors": reactors,
        "comment_reactions": comment_reactions,
        "undo_minutes": feed_service.UNDO_MINUTES,
        "deletable_comments": {c.id for c in comments if feed_access.can_delete_comment(user, c)},
        "revisions": feed_service.list_revisions(session=session, user=user, post=post),
    }


@pages.get("/posts/{post_id}")
def post_detail_page(request: Request, session: SessionDep, user: CurrentUser, post_id: int) -> Response:
    """One post with its comments, reactions and (for events) RSVP."""
    return render(request, "feed/detail.html", detail_context(session, user, post_id))


@pages.get("/posts/{post_id}/edit")
def post_edit_page(request: Request, session: SessionDep, user: CurrentUser, post_id: int) -> Response:
    """The edit form of one's post."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    feed_access.check_edit(user, post)
    public = feed_service.to_public_many(session=session, user=user, posts=[post])[0]
    return render(request, "feed/edit.html", {"post": public, "body": post.body, "tags": " ".join(public.extra_tags)})


@pages.post("/posts/{post_id}/edit")
def update_post_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    post_id: int,
    form: Annotated[PostEditForm, Form()],
) -> Response:
    """Save an edit; the earlier version is kept."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    try:
        feed_service.update_post(session=session, user=user, post=post, data=form.to_update())
    except InvalidInput as error:
        public = feed_service.to_public_many(session=session, user=user, posts=[post])[0]
        context = {
            "post": public,
            "body": form.body,
            "tags": form.tags,
            "error": form_error(request, error),
            "suspected": suspected(error),
            "override_reason": form.override_reason,
        }
        return render(request, "feed/edit.html", context, status_code=422)
    flash(request, N_("Changes saved."))
    return RedirectResponse(feed_service.post_url(post_id), status_code=303)


@pages.post("/posts/{post_id}/delete")
def delete_post_page(request: Request, session: SessionDep, user: CurrentUser, post_id: int) -> Response:
    """Delete a post (its author or a manager), after the page asked to confirm, and go back to the feed."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    feed_service.delete_post(session=session, user=user, post=post)
    flash(request, N_("Post deleted."))
    return RedirectResponse("/", status_code=303)


@pages.post("/posts/{post_id}/restore")
def restore_post_page(request: Request, session: SessionDep, user: CurrentUser, post_id: int) -> Response:
    """Undo: take back one's deletion of a post within minutes, and show it again."""
    post = feed_service.restore_post(session=session, user=user, post_id=post_id)
    flash(request, N_("Post restored."))
    return RedirectResponse(feed_service.post_url(post.id), status_code=303)
