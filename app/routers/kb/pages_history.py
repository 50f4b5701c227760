"""History pages: the revisions of an article, one old revision, a diff between any two, restore."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from app.deps import CurrentUser, SessionDep
from app.flash import flash
from app.i18n import N_
from app.models.users import User
from app.routers.forms import form_error
from app.routers.kb.forms import ReasonForm
from app.services.kb import articles, revisions
from app.services.kb.rendering import render_body
from app.services.kb.views import version_label
from app.services.patient_data.guard import PatientDataSuspected
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
    return _revision(request, session, user, slug, revision_id)


def _revision(
    request: Request, session: Session, user: User, slug: str, revision_id: int, status_code: int = 200, **extra: Any
) -> Response:
    article = articles.get_readable(session=session, user=user, slug=slug)
    revision = revisions.get_revision(session=session, user=user, article=article, revision_id=revision_id)
    names = revisions.authors_of(session=session, revisions=[revision])
    context = {
        "article": article,
        "revision": revision,
        "names": names,
        "label": version_label(revision),
        "html": render_body(session=session, user=user, body=revision.body),
        "form": ReasonForm(),
        **extra,
    }
    return render(request, "kb/revision.html", context, status_code=status_code)


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
def restore_submit(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    slug: str,
    revision_id: int,
    form: Annotated[ReasonForm, Form()],
) -> Response:
    """Make this revision's text the newest revision; a text that looks like patient data comes back marked, with
    the way to restore it anyway."""
    article = articles.get_readable(session=session, user=user, slug=slug)
    old = revisions.get_revision(session=session, user=user, article=article, revision_id=revision_id)
    try:
        revisions.restore_revision(
            session=session, user=user, article=article, revision_id=revision_id, override_reason=form.reason()
        )
    except PatientDataSuspected as exc:
        error = form_error(request, exc)
        return _revision(request, session, user, slug, revision_id, 422, form=form, error=error, suspected=exc)
    flash(
        request,
        N_("The text of revision {n} is the newest revision again. Publish it to show it to readers."),
        n=old.number,
    )
    return RedirectResponse(f"/kb/{article.slug}/history", status_code=303)
