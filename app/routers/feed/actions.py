"""The feed's page actions: comments, reactions, pins, "I have read it", who has read, RSVP, .ics."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import CurrentUser, ManagerUser, SessionDep
from app.errors import AppError, InvalidInput
from app.i18n import gettext, zone
from app.models.feed import REACTIONS, CommentCreate, EventFormat
from app.routers.feed.forms import CommentForm, EventForm, PinForm, ReactionForm, RsvpForm, event_form, to_event_update
from app.routers.feed.pages import detail_context
from app.routers.forms import form_error
from app.services import feed as feed_service
from app.services.feed import access as feed_access
from app.templating import render, request_language

pages = APIRouter(include_in_schema=False)


def _back(post_id: int, anchor: str = "") -> Response:
    return RedirectResponse(feed_service.post_url(post_id) + anchor, status_code=303)


@pages.post("/posts/{post_id}/comments")
def create_comment_page(
    request: Request, session: SessionDep, user: CurrentUser, post_id: int, form: Annotated[CommentForm, Form()]
) -> Response:
    """Comment or reply; on a mistake the post comes back with the typed text kept."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    try:
        data = CommentCreate(body=form.body, parent_id=form.parent_id)
        comment = feed_service.create_comment(session=session, user=user, post=post, data=data)
    except AppError as error:
        session.rollback()
        context = {
            **detail_context(session, user, post_id),
            "comment_form": form,
            "error": form_error(request, error),
        }
        return render(request, "feed/detail.html", context, status_code=error.status_code)
    return _back(post_id, f"#comment-{comment.id}")


@pages.post("/comments/{comment_id}/delete")
def delete_comment_page(session: SessionDep, user: CurrentUser, comment_id: int) -> Response:
    """Delete a comment (its author or a manager)."""
    comment = feed_service.get_comment_or_raise(session=session, user=user, comment_id=comment_id)
    feed_service.delete_comment(session=session, user=user, comment=comment)
    return _back(comment.post_id, "#comments")


@pages.post("/posts/{post_id}/reactions")
def toggle_reaction_page(
    request: Request, session: SessionDep, user: CurrentUser, post_id: int, form: Annotated[ReactionForm, Form()]
) -> Response:
    """Add or take back a reaction; htmx swaps just the reaction bar."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    feed_service.toggle_reaction(session=session, user=user, post=post, emoji=form.emoji)
    if request.headers.get("hx-request"):
        public = feed_service.to_public_many(session=session, user=user, posts=[post])[0]
        return render(
            request,
            "feed/_reactions.html",
            {"target": "posts", "target_id": post_id, "counts": public.reactions, "reactions": REACTIONS},
        )
    return RedirectResponse(request.headers.get("referer") or feed_service.post_url(post_id), status_code=303)


@pages.post("/comments/{comment_id}/reactions")
def toggle_comment_reaction_page(
    request: Request, session: SessionDep, user: CurrentUser, comment_id: int, form: Annotated[ReactionForm, Form()]
) -> Response:
    """Add or take back a reaction to a comment; htmx swaps just that comment's reaction bar."""
    comment = feed_service.get_comment_or_raise(session=session, user=user, comment_id=comment_id)
    feed_service.toggle_comment_reaction(session=session, user=user, comment=comment, emoji=form.emoji)
    if request.headers.get("hx-request"):
        counts = feed_service.count_comment_reactions(session=session, user=user, comment_ids=[comment_id])
        return render(
            request,
            "feed/_reactions.html",
            {
                "target": "comments",
                "target_id": comment_id,
                "counts": counts.get(comment_id, []),
                "reactions": REACTIONS,
            },
        )
    # Without JavaScript, back to the page the person was on (a post's or an event's), at the comment.
    back = request.headers.get("referer") or feed_service.post_url(comment.post_id)
    return RedirectResponse(f"{back.split('#')[0]}#comment-{comment_id}", status_code=303)


@pages.post("/posts/{post_id}/pin")
def pin_post_page(session: SessionDep, user: ManagerUser, post_id: int, form: Annotated[PinForm, Form()]) -> Response:
    """Pin a post (managers), optionally until a date."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    until = feed_service.end_of_day(form.pinned_until, user.timezone) if form.pinned_until else None
    feed_service.pin_post(session=session, user=user, post=post, pinned_until=until)
    return _back(post_id)


@pages.post("/posts/{post_id}/unpin")
def unpin_post_page(session: SessionDep, user: ManagerUser, post_id: int) -> Response:
    """Unpin a post (managers)."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    feed_service.unpin_post(session=session, user=user, post=post)
    return _back(post_id)


@pages.post("/posts/{post_id}/read")
def mark_read_page(request: Request, session: SessionDep, user: CurrentUser, post_id: int) -> Response:
    """ "I have read it"; back to where the person was."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    feed_service.mark_read(session=session, user=user, post=post)
    return RedirectResponse(request.headers.get("referer") or "/", status_code=303)


@pages.get("/posts/{post_id}/reads")
def reads_page(request: Request, session: SessionDep, user: ManagerUser, post_id: int) -> Response:
    """Who has and has not read a must-read announcement, per department (managers)."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    report = feed_service.read_report(session=session, user=user, post=post, language=request_language(request))
    public = feed_service.to_public_many(session=session, user=user, posts=[post])[0]
    return render(request, "feed/reads.html", {"post": public, "report": report})


@pages.get("/posts/{post_id}/reads.csv")
def reads_csv(request: Request, session: SessionDep, user: ManagerUser, post_id: int) -> Response:
    """The same report as a CSV file (managers)."""
    language = request_language(request)
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    report = feed_service.read_report(session=session, user=user, post=post, language=language)
    words = {
        "department": "Department",
        "name": "Full name",
        "email": "E-mail",
        "status": "Status",
        "read_at": "Read at (UTC)",
        "read": "Has read it",
        "unread": "Not read yet",
    }
    labels = {key: gettext(language, text) for key, text in words.items()}
    return Response(
        feed_service.report_csv(report, labels=labels),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="post-{post_id}-reads.csv"'},
    )


@pages.get("/events/{event_id}")
def event_page(request: Request, session: SessionDep, user: CurrentUser, event_id: int) -> Response:
    """An event: its post, RSVP buttons, and for the organizer the attendee list."""
    event, post = feed_service.get_event_or_raise(session=session, user=user, event_id=event_id)
    assert post.id is not None  # read from the database
    context = detail_context(session, user, post.id)
    if feed_access.can_see_attendees(user, post):
        rsvps = feed_service.list_rsvps(session=session, user=user, event=event, post=post)
        context["rsvps"] = rsvps
        context["rsvp_people"] = feed_service.authors_by_id(session=session, user_ids={r.user_id for r in rsvps})
    return render(request, "feed/detail.html", context)


@pages.get("/events/{event_id}/edit")
def event_edit_page(request: Request, session: SessionDep, user: CurrentUser, event_id: int) -> Response:
    """The organizer's form to change the time, place, link, places or format."""
    event, post = feed_service.get_event_or_raise(session=session, user=user, event_id=event_id)
    feed_access.check_edit(user, post)
    form = event_form(event, zone(user.timezone))
    return render(request, "feed/event_edit.html", {"event_id": event_id, "form": form, "formats": list(EventFormat)})


@pages.post("/events/{event_id}/edit")
def update_event_page(
    request: Request, session: SessionDep, user: CurrentUser, event_id: int, form: Annotated[EventForm, Form()]
) -> Response:
    """Save the change; everyone who answered is told. A mistake keeps what was typed."""
    event, post = feed_service.get_event_or_raise(session=session, user=user, event_id=event_id)
    try:
        feed_service.update_event(session=session, user=user, event=event, post=post, data=to_event_update(form))
    except InvalidInput as error:
        session.rollback()
        context = {
            "event_id": event_id,
            "form": form,
            "formats": list(EventFormat),
            "error": form_error(request, error),
        }
        return render(request, "feed/event_edit.html", context, status_code=422)
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@pages.post("/events/{event_id}/rsvp")
def rsvp_page(session: SessionDep, user: CurrentUser, event_id: int, form: Annotated[RsvpForm, Form()]) -> Response:
    """Going / maybe / not going."""
    event, _post = feed_service.get_event_or_raise(session=session, user=user, event_id=event_id)
    feed_service.rsvp(session=session, user=user, event=event, status=form.status)
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@pages.get("/events/{event_id}/event.ics")
def event_ics(request: Request, session: SessionDep, user: CurrentUser, event_id: int) -> Response:
    """The event as an iCalendar file for one's calendar."""
    event, post = feed_service.get_event_or_raise(session=session, user=user, event_id=event_id)
    body = feed_service.to_ics(event=event, description=post.body, base_url=str(request.base_url))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="event-{event_id}.ics"'},
    )
