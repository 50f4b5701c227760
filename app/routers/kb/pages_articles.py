"""Knowledge-base pages: browse, read, write (with live preview and conflict handling), lifecycle buttons."""

from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import AppError
from app.flash import flash
from app.i18n import N_, zone
from app.models.kb import KbArticle, KbRevision
from app.models.users import User
from app.routers.auth import safe_next
from app.routers.forms import form_error, suspected
from app.routers.kb.forms import AcknowledgeForm, ArticleForm, PreviewForm, PublishForm, ReasonForm, ReturnForm
from app.routers.offline import is_offline_copy
from app.services import users as users_service
from app.services.kb import (
    access,
    acknowledgements,
    articles,
    attachments,
    categories,
    lifecycle,
    public,
    revisions,
    to_read,
    views,
)
from app.services.kb.articles import RevisionConflict
from app.services.kb.rendering import diff_lines, render_body
from app.services.kb.skeletons import SKELETONS, get_skeleton
from app.services.search import gaps
from app.templating import render

pages = APIRouter(prefix="/kb", include_in_schema=False)


@pages.get("")
def article_list_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    category: int | None = None,
    tag: str | None = None,
    owner: int | None = None,
    status: str | None = None,
    cursor: str | None = None,
    show: str | None = None,
) -> Response:
    """Browse by category, tag, owner or status, recently updated first; `show=to-read`: what I still have to read."""
    rows, next_cursor = articles.list_articles(
        session=session,
        user=user,
        category_id=category,
        tag=tag,
        owner_id=owner,
        status=status,
        cursor=cursor,
        limit=30,
    )
    owners = articles.list_owners(session=session)
    return render(
        request,
        "kb/list.html",
        {
            "articles": rows,
            "next_cursor": next_cursor,
            "tree": categories.category_tree(session=session),
            "tags": articles.list_tags(session=session, user=user),
            "owners": owners,
            "tags_by_article": public.tags_of(session=session, articles=rows),
            "overdue": {a.id for a in rows if public.is_overdue(a)},
            "filters": {"category": category, "tag": tag or "", "owner": owner, "status": status or ""},
            "lists_archived": access.lists_archived(user),
            "to_read": to_read.list_to_read(session=session, user=user),
            "show_to_read": show == "to-read",
        },
    )


def _editor(
    request: Request,
    session: Session,
    user: User,
    form: ArticleForm,
    article: KbArticle | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    searched = None
    if article is None and form.guide.isdigit():  # kept through a preview or a refusal
        searched = gaps.count_searchers(
            session=session, settings=request.app.state.settings, user=user, request_id=int(form.guide)
        )
    context = {
        "searched": searched,
        "form": form,
        "article": article,
        "can_settings": access.can_change_settings(user=user, article=article),
        "skeletons": SKELETONS,
        "categories": categories.list_categories(session=session),
        "departments": users_service.list_departments(session=session),
        "people": access.owner_choices(session=session, user=user),
        **extra,
    }
    return render(request, "kb/edit.html", context, status_code=status_code)


@pages.get("/new")
def new_article_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    template: str | None = None,
    title: str = "",
    guide: int | None = None,
) -> Response:
    """The editor for a new article, optionally started from a template, a title, and the guide request it answers
    (how many people searched for it is shown, never who)."""
    chosen = get_skeleton(template)
    form = ArticleForm(
        title=title.strip()[:200],
        body=chosen.body if chosen else "",
        template=template or "",
        review_interval_months=str(settings.kb_review_months),
        guide="" if guide is None else str(guide),
    )
    return _editor(request, session, user, form)


@pages.post("/new")
def new_article_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    form: Annotated[ArticleForm, Form()],
) -> Response:
    """Create the draft (or show the preview without saving)."""
    if form.action == "preview":
        return _editor(request, session, user, form, preview=render_body(session=session, user=user, body=form.body))
    try:
        article = articles.create_article(
            session=session, author=user, data=form.to_create(), review_months=settings.kb_review_months
        )
    except (AppError, ValidationError) as exc:
        return _refused(request, session, user, form, None, exc)
    flash(request, N_("Draft saved."))
    return RedirectResponse(f"/kb/{article.slug}", status_code=303)


@pages.post("/preview")
def preview_fragment(session: SessionDep, user: CurrentUser, form: Annotated[PreviewForm, Form()]) -> Response:
    """The live preview (htmx): sanitized HTML of the Markdown being typed."""
    return HTMLResponse(render_body(session=session, user=user, body=form.body[:200_000]))


def _article(session: Session, user: User, slug: str) -> KbArticle:
    return articles.get_readable(session=session, user=user, slug=slug)


@pages.get("/{slug}")
def article_page(
    request: Request, session: SessionDep, user: CurrentUser, slug: str, next: str | None = None
) -> Response:
    """An article: its published version (or the draft for its editors), status, acknowledgement, links; a reader
    asked to read it again sees what changed. `next`: where acknowledging it returns to (a path of this site)."""
    article = _article(session, user, slug)
    revision = public.visible_revision(session=session, user=user, article=article)
    if not is_offline_copy(request):  # the service worker keeping a copy for the device is no reader
        views.record_view(session=session, user=user, article=article, revision=revision)
    context = _article_context(session, user, article, revision)
    return render(request, "kb/article.html", {**context, "next": _next(next)})


def _next(target: str | None) -> str:
    """A safe local path to return to ("" for none)."""
    found = safe_next(target)
    return "" if found == "/" and target != "/" else found


def _article_context(session: Session, user: User, article: KbArticle, revision: KbRevision | None) -> dict[str, Any]:
    head = revisions.head_revision(session=session, article=article)
    category = (
        categories.get_category_or_raise(session=session, category_id=article.category_id)
        if article.category_id
        else None
    )
    names = revisions.authors_of(session=session, revisions=[r for r in (revision, head) if r])
    owner = users_service.find_user(session=session, user_id=article.owner_id)
    needs_ack = acknowledgements.needs_acknowledgement(session=session, user=user, article=article)
    acked = acknowledgements.latest_acknowledged(session=session, user=user, article=article)
    actions = access.article_actions(session=session, user=user, article=article, head=head)
    return {
        "article": article,
        "revision": revision,
        "head": head,
        "category": category,
        "owner": owner,
        "names": names,
        "html": render_body(session=session, user=user, body=revision.body if revision else ""),
        "actions": actions,
        "in_review": lifecycle.is_in_review(article),
        "overdue": public.is_overdue(article),
        "needs_ack": needs_ack,
        "acked_version": acked,
        "changes": revisions.changes_since(
            session=session, user=user, article=article, current=revision, acknowledged_major=acked
        )
        if needs_ack
        else None,
        "reacknowledge": acknowledgements.reacknowledge_count(session=session, article=article)
        if actions.can_publish
        else None,
        "publish_form": PublishForm(change_note=head.change_note if head else ""),
        # Noon in Kyiv: the day reads the same in every zone near it, through the `date` filter.
        "review_due_at": datetime.combine(article.review_due, time(12), tzinfo=zone("Europe/Kyiv"))
        if article.review_due
        else None,
        "next": "",
        "linked_from": articles.linked_from(session=session, user=user, article=article),
        "version": views.version_label(revision),
        "returned": lifecycle.last_return(session=session, article=article),
        "attachments": attachments.list_attachments(session=session, article=article),
    }


@pages.get("/{slug}/print")
def article_print_page(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> Response:
    """A print-friendly page of the visible version."""
    article = _article(session, user, slug)
    revision = public.visible_revision(session=session, user=user, article=article)
    return render(request, "kb/print.html", _article_context(session, user, article, revision))


@pages.get("/{slug}/edit")
def edit_article_page(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> Response:
    """The editor on the newest revision."""
    article = _article(session, user, slug)
    access.check_can_edit(session=session, user=user, article=article)
    head = revisions.head_revision(session=session, article=article)
    assert head is not None
    audience = access.audience_of(session=session, article_ids=[article.id or 0]).get(article.id or 0, [])
    form = ArticleForm(
        title=head.title,
        body=head.body,
        tags=", ".join(head.tags),
        category=str(article.category_id or ""),
        department_ids=[str(d) for d in audience],
        owner_id=str(article.owner_id),
        base_revision_id=str(head.id),
        requires_acknowledgement="on" if article.requires_acknowledgement else "",
        review_interval_months=str(article.review_interval_months),
    )
    return _editor(request, session, user, form, article)


@pages.post("/{slug}/edit")
def edit_article_submit(
    request: Request, session: SessionDep, user: CurrentUser, slug: str, form: Annotated[ArticleForm, Form()]
) -> Response:
    """Save a new revision; a newer revision saved meanwhile shows both texts instead of overwriting."""
    article = _article(session, user, slug)
    if form.action == "preview":
        return _editor(
            request, session, user, form, article, preview=render_body(session=session, user=user, body=form.body)
        )
    try:
        articles.save_article(
            session=session,
            user=user,
            article=article,
            data=form.to_update(with_settings=access.can_change_settings(user=user, article=article)),
        )
    except RevisionConflict as exc:
        return _conflict(request, session, user, form, article, exc)
    except (AppError, ValidationError) as exc:
        return _refused(request, session, user, form, article, exc)
    if form.action == "submit":
        return submit_article(request, session, user, slug)
    flash(request, N_("Saved."))
    return RedirectResponse(f"/kb/{article.slug}", status_code=303)


def _refused(
    request: Request,
    session: Session,
    user: User,
    form: ArticleForm,
    article: KbArticle | None,
    exc: AppError | ValidationError,
) -> Response:
    """The editor again with what was typed and why it was refused (held back as patient data: with its review)."""
    return _editor(
        request, session, user, form, article, status_code=422, error=form_error(request, exc), suspected=suspected(exc)
    )


def _conflict(
    request: Request, session: Session, user: User, form: ArticleForm, article: KbArticle, exc: RevisionConflict
) -> Response:
    head = revisions.fresh_head(session=session, article=article)
    names = revisions.authors_of(session=session, revisions=[head])
    form.base_revision_id = str(head.id)
    return _editor(
        request,
        session,
        user,
        form,
        article,
        status_code=409,
        error=form_error(request, exc),
        conflict=head,
        conflict_author=names.get(head.author_id, ""),
        conflict_diff=diff_lines(head.body, form.body),
    )


def _lifecycle(
    request: Request,
    session: Session,
    user: User,
    slug: str,
    action: Any,
    message: str,
    *,
    kept: dict[str, Any] | None = None,
    to: str = "",
) -> Response:
    """Do `action` on the article and come back to it (or to `to`) saying `message` (with the article's title and
    version); a refusal shows the article again with the reason and what was typed (`kept`)."""
    article = _article(session, user, slug)
    try:
        action(article)
    except AppError as exc:
        context = _article_context(
            session, user, article, public.visible_revision(session=session, user=user, article=article)
        )
        context = {**context, **(kept or {}), "error": form_error(request, exc), "suspected": suspected(exc)}
        return render(request, "kb/article.html", context, status_code=exc.status_code)
    current = session.get(KbRevision, article.current_revision_id) if article.current_revision_id else None
    flash(request, message, title=article.title, version=views.version_label(current) or "")
    return RedirectResponse(to or f"/kb/{article.slug}", status_code=303)


@pages.post("/{slug}/submit", name="submit_article_page")
def submit_article(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> Response:
    """Send the draft or the proposed change for review."""
    return _lifecycle(
        request,
        session,
        user,
        slug,
        lambda a: lifecycle.submit_for_review(session=session, user=user, article=a),
        N_("Sent for review. The reviewers have been notified."),
    )


@pages.post("/{slug}/publish", name="publish_article_page")
def publish_article(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    slug: str,
    form: Annotated[PublishForm, Form()],
) -> Response:
    """Approve and publish (managers), as a major or an editorial version chosen on purpose."""
    data = form.to_request()
    return _lifecycle(
        request,
        session,
        user,
        slug,
        lambda a: lifecycle.publish(
            session=session, user=user, article=a, data=data, two_person_rule=settings.kb_two_person_rule
        ),
        N_("«{title}» published, version {version}."),
        kept={"publish_form": form, "publish_open": True, "held_form": "publish"},
    )


@pages.post("/{slug}/return", name="return_article_page")
def return_article(
    request: Request, session: SessionDep, user: CurrentUser, slug: str, form: Annotated[ReturnForm, Form()]
) -> Response:
    """Return for changes with a comment (managers)."""

    def act(article: KbArticle) -> None:
        lifecycle.return_for_changes(session=session, user=user, article=article, comment=form.text())

    return _lifecycle(request, session, user, slug, act, N_("Returned to the author for changes."))


@pages.post("/{slug}/archive", name="archive_article_page")
def archive_article(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> Response:
    """Archive (managers)."""
    return _lifecycle(
        request,
        session,
        user,
        slug,
        lambda a: lifecycle.archive(session=session, user=user, article=a),
        N_("«{title}» archived. It has left the lists and search; you can restore it here."),
    )


@pages.post("/{slug}/unarchive", name="unarchive_article_page")
def unarchive_article(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> Response:
    """Bring back from the archive (managers)."""
    return _lifecycle(
        request,
        session,
        user,
        slug,
        lambda a: lifecycle.restore(session=session, user=user, article=a),
        N_("«{title}» restored from the archive."),
    )


@pages.post("/{slug}/reviewed")
def reviewed_article(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> Response:
    """Reviewed, no changes (owner or manager)."""
    return _lifecycle(
        request,
        session,
        user,
        slug,
        lambda a: lifecycle.mark_reviewed(session=session, user=user, article=a),
        N_("Review confirmed: the review date starts again."),
    )


@pages.post("/{slug}/acknowledge", name="acknowledge_article_page")
def acknowledge_article(
    request: Request, session: SessionDep, user: CurrentUser, slug: str, form: Annotated[AcknowledgeForm, Form()]
) -> Response:
    """I have read and understood; back to the article, or to `next` (e.g. the new hire's plan)."""
    to = _next(form.next)
    return _lifecycle(
        request,
        session,
        user,
        slug,
        lambda a: acknowledgements.acknowledge(session=session, user=user, article=a),
        N_("Thank you: you have acknowledged «{title}», version {version}."),
        kept={"next": to},
        to=to,
    )


@pages.post("/{slug}/attachments")
def attach_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    slug: str,
    file: Annotated[UploadFile, File()],
    form: Annotated[ReasonForm, Form()],
) -> Response:
    """Attach a file (images and PDF, size-limited) to the article."""
    return _lifecycle(
        request,
        session,
        user,
        slug,
        lambda a: attachments.attach_file(
            session=session, settings=settings, user=user, article=a, file=file, override_reason=form.reason()
        ),
        N_("File attached."),
        kept={"attach_form": form, "held_form": "attach"},
    )


@pages.post("/{slug}/attachments/{upload_id}/delete")
def remove_attachment_submit(
    request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser, slug: str, upload_id: int
) -> Response:
    """Remove an attached file (those who may attach; audited)."""
    return _lifecycle(
        request,
        session,
        user,
        slug,
        lambda a: attachments.remove_attachment(
            session=session, settings=settings, user=user, article=a, upload_id=upload_id
        ),
        N_("File removed."),
    )
