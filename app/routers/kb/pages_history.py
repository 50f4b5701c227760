"""History pages: the revisions of an article, one old revision, a diff between any two, restore."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from app.deps import CurrentUser, SessionDep
from app.errors import AppError
from app.flash import flash
from app.i18n import N_
from app.services.kb import articles, revisions
from app.services.kb.rendering import render_body
from app.services.kb.views import version_label
from app.templating import render

pages = APIRouter(prefix="/kb", include_in_schema=False)


@pages.get("/{slug}/history")
def history_page(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> Response:
    """Every revision the reader may see, with a form to compare any two."""
    article = articles.get_readable(session=session, user=user, slug=slug)
    rows = revisions.list_revisions(session=session, user=user, article=article)
    names = revisions.authors_of(session=session, revisions=rows)
    numbers = {r.id: r.number for r in rows}
    return render(
        request,
        "kb/history.html",
        {
            "article": article,
            "revisions": rows,
            "names": names,
            "numbers": numbers,
            "labels": {r.id: version_label(r) for r in rows},
        },
    )


@pages.get("/{slug}/revisions/{revision_id}")
def revision_page(request: Request, session: SessionDep, user: CurrentUser, slug: str, revision_id: int) -> Response:
    """One revision's text, with a button to restore it."""
    article = articles.get_readable(session=session, user=user, slug=slug)
    revision = revisions.get_revision(session=session, user=user, article=article, revision_id=revision_id)
    names = revisions.authors_of(session=session, revisions=[revision])
    return render(
        request,
        "kb/revision.html",
        {
            "article": article,
            "revision": revision,
            "names": names,
            "label": version_label(revision),
            "html": render_body(session=session, user=user, body=revision.body),
        },
    )


@pages.get("/{slug}/diff")
def diff_page(request: Request, session: SessionDep, user: CurrentUser, slug: str, old: int, new: int) -> Response:
    """What changed between two revisions, line by line."""
    article = articles.get_readable(session=session, user=user, slug=slug)
    a, b, lines = revisions.diff(session=session, user=user, article=article, old_id=old, new_id=new)
    names = revisions.authors_of(session=session, revisions=[a, b])
    return render(
        request,
        "kb/diff.html",
        {
            "article": article,
            "old": a,
            "new": b,
            "lines": lines,
            "names": names,
            "labels": {a.id: version_label(a), b.id: version_label(b)},
        },
    )


@pages.post("/{slug}/revisions/{revision_id}/restore")
def restore_submit(request: Request, session: SessionDep, user: CurrentUser, slug: str, revision_id: int) -> Response:
    """Make this revision's text the newest revision."""
    article = articles.get_readable(session=session, user=user, slug=slug)
    try:
        old = revisions.get_revision(session=session, user=user, article=article, revision_id=revision_id)
        revisions.restore_revision(session=session, user=user, article=article, revision_id=revision_id)
    except AppError:
        session.rollback()
        raise
    flash(
        request,
        N_("The text of revision {n} is the newest revision again. Publish it to show it to readers."),
        n=old.number,
    )
    return RedirectResponse(f"/kb/{article.slug}/history", status_code=303)
