"""The feed's page actions: comments, reactions, pins, "I have read it", who has read, RSVP, .ics."""

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import CurrentUser, ManagerUser, SessionDep, client_ip
from app.errors import AppError, InvalidInput
from app.flash import flash
from app.i18n import N_, format_date, gettext, zone
from app.models.feed import REACTIONS, EventFormat, RsvpStatus
from app.routers.feed.forms import CommentForm, EventForm, PinForm, ReactionForm, RsvpForm, event_form, to_event_update
from app.routers.feed.pages import common, detail_context
from app.routers.forms import form_error, suspected
from app.services import audit as audit_service
from app.services import feed as feed_service
from app.services.feed import access as feed_access
from app.templating import render, request_language, request_timezone

pages = APIRouter(include_in_schema=False)


def _back(post_id: int, anchor: str = "") -> Response:
    return RedirectResponse(feed_service.post_url(post_id) + anchor, status_code=303)


def _where_from(request: Request, fallback: str) -> str:
    """The page the form was sent from (its path and query: the same page of the feed, the same filters), else
    `fallback`; only a path on this site, so a forged Referer cannot send the person elsewhere."""
    parts = urlsplit(request.headers.get("referer") or "")
    if parts.netloc and parts.netloc != request.url.netloc:
        return fallback
    if not parts.path.startswith("/") or parts.path.startswith("//") or "\\" in parts.path:
        return fallback
    return parts.path + (f"?{parts.query}" if parts.query else "")


RSVP_SAID = {
    RsvpStatus.going: N_("You are going to «{title}»."),
    RsvpStatus.maybe: N_("You answered “maybe” to «{title}»."),
    RsvpStatus.declined: N_("You are not going to «{title}»."),
    RsvpStatus.waitlisted: N_("No places left: you are on the waiting list for «{title}»."),
}


@pages.post("/posts/{post_id}/comments")
def create_comment_page(
    request: Request, session: SessionDep, user: CurrentUser, post_id: int, form: Annotated[CommentForm, Form()]
) -> Response:
    """Comment or reply; on a mistake the post comes back with the typed text kept."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    try:
        comment = feed_service.create_comment(session=session, user=user, post=post, data=form.to_create())
    except AppError as error:
        context = {
            **detail_context(session, user, post_id),
            "comment_form": form,
            "error": form_error(request, error),
            "suspected": suspected(error),
            "override_reason": form.override_reason,
        }
        return render(request, "feed/detail.html", context, status_code=error.status_code)
    flash(request, N_("Reply posted.") if comment.parent_id else N_("Comment posted."))
    return _back(post_id, f"#comment-{comment.id}")


@pages.post("/comments/{comment_id}/delete")
def delete_comment_page(request: Request, session: SessionDep, user: CurrentUser, comment_id: int) -> Response:
    """Delete a comment (its author or a manager), after the page asked to confirm."""
    comment = feed_service.get_comment_or_raise(session=session, user=user, comment_id=comment_id)
    feed_service.delete_comment(session=session, user=user, comment=comment)
    flash(request, N_("Comment deleted."))
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
def pin_post_page(
    request: Request, session: SessionDep, user: ManagerUser, post_id: int, form: Annotated[PinForm, Form()]
) -> Response:
    """Pin a post (managers), optionally until a date."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    until = feed_service.end_of_day(form.pinned_until, user.timezone) if form.pinned_until else None
    feed_service.pin_post(session=session, user=user, post=post, pinned_until=until)
    if until:
        day = format_date(until, request_language(request), user.timezone)
        flash(request, N_("Pinned at the top of the feed until {day}."), day=day)
    else:
        flash(request, N_("Pinned at the top of the feed."))
    return _back(post_id)


@pages.post("/posts/{post_id}/unpin")
def unpin_post_page(request: Request, session: SessionDep, user: ManagerUser, post_id: int) -> Response:
    """Unpin a post (managers)."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    feed_service.unpin_post(session=session, user=user, post=post)
    flash(request, N_("Unpinned: the post is back in its place in the feed."))
    return _back(post_id)


@pages.post("/posts/{post_id}/read")
def mark_read_page(request: Request, session: SessionDep, user: CurrentUser, post_id: int) -> Response:
    """ "I have read it": htmx swaps just this post; without JavaScript, back to the same post on the same page."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    feed_service.mark_read(session=session, user=user, post=post)
    flash(request, N_("Marked as read. Thank you!"))
    if request.headers.get("hx-request"):
        public = feed_service.to_public_many(session=session, user=user, posts=[post])[0]
        return render(request, "feed/_post.html", {**common(session, user), "post": public})
    return RedirectResponse(f"{_where_from(request, '/')}#post-{post_id}", status_code=303)


@pages.get("/posts/{post_id}/reads")
def reads_page(request: Request, session: SessionDep, user: ManagerUser, post_id: int) -> Response:
    """Who has and has not read a must-read announcement, per department (managers)."""
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    report = feed_service.read_report(session=session, user=user, post=post, language=request_language(request))
    public = feed_service.to_public_many(session=session, user=user, posts=[post])[0]
    return render(request, "feed/reads.html", {"post": public, "report": report})


@pages.get("/posts/{post_id}/reads.csv")
def reads_csv(request: Request, session: SessionDep, user: ManagerUser, post_id: int) -> Response:
    """The same report as a CSV file (managers; audited)."""
    language = request_language(request)
    post = feed_service.get_post_or_raise(session=session, user=user, post_id=post_id)
    report = feed_service.read_report(session=session, user=user, post=post, language=language)
    audit_service.record_export(
        session=session, user=user, report="post_reads", target_type="post", target_id=post_id, ip=client_ip(request)
    )
    words = {
        "department": N_("Department"),
        "name": N_("Full name"),
        "email": N_("E-mail"),
        "status": N_("Status"),
        "read_at": N_("Read at"),
        "read": N_("Has read it"),
        "unread": N_("Not read yet"),
    }
    labels = {key: gettext(language, text) for key, text in words.items()}
    return Response(
        feed_service.report_csv(report, labels=labels, language=language, tz=request_timezone(request)),
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
        context = {
            "event_id": event_id,
            "form": form,
            "formats": list(EventFormat),
            "error": form_error(request, error),
            "suspected": suspected(error),
            "override_reason": form.override_reason,
        }
        return render(request, "feed/event_edit.html", context, status_code=422)
    flash(request, N_("The event is changed; everyone who answered is told."))
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@pages.post("/events/{event_id}/rsvp")
def rsvp_page(
    request: Request, session: SessionDep, user: CurrentUser, event_id: int, form: Annotated[RsvpForm, Form()]
) -> Response:
    """Going / maybe / not going: htmx swaps just the event's box; without JavaScript, back to the same place."""
    event, post = feed_service.get_event_or_raise(session=session, user=user, event_id=event_id)
    answer = feed_service.rsvp(session=session, user=user, event=event, status=form.status)
    flash(request, RSVP_SAID[RsvpStatus(answer.status)], title=event.title)
    if request.headers.get("hx-request"):
        public = feed_service.to_public_many(session=session, user=user, posts=[post])[0]
        return render(request, "feed/_event.html", {"post": public})
    return RedirectResponse(f"{_where_from(request, f'/events/{event_id}')}#event-{event_id}", status_code=303)


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
