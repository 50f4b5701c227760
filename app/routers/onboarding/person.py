"""Pages for the new hire and the mentor: "My onboarding", one plan, the mentoring overview, ticking tasks."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile

from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import AppError
from app.flash import flash
from app.i18n import N_
from app.models.onboarding import TaskKind
from app.routers.forms import form_error
from app.routers.onboarding.common import back, render_plan
from app.routers.onboarding.forms import BackForm, CompleteForm, NotYetForm, SignoffForm
from app.services import uploads as uploads_service
from app.services.onboarding import presenters, tasks
from app.services.onboarding.workdays import local_today
from app.templating import render

pages = APIRouter(prefix="/onboarding", include_in_schema=False)


@pages.get("")
def my_onboarding_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """My onboarding: progress, what is due this week, what is overdue, every task with its button."""
    plans = presenters.plan_views(
        session=session,
        assignments=presenters.my_assignments(session=session, user=user),
        viewer=user,
        today=local_today(),
    )
    mentoring = presenters.mentor_overview(session=session, user=user)
    return render(request, "onboarding/my.html", {"plans": plans, "mentoring": mentoring, "tab": "my"})


@pages.get("/mentoring")
def mentoring_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The mentor's view: sign-offs waiting, mentees' progress, meetings that name you."""
    overview = presenters.mentor_overview(session=session, user=user)
    return render(request, "onboarding/mentoring.html", {"overview": overview, "tab": "mentoring"})


@pages.get("/assignments/{assignment_id}")
def plan_page(request: Request, session: SessionDep, user: CurrentUser, assignment_id: int) -> Response:
    """One plan in full; managers of its department also get its controls."""
    return render_plan(request, session, user, assignment_id)


def _refused(request: Request, session: SessionDep, user: CurrentUser, task_id: int, exc: AppError) -> Response:
    """A refused tick or answer that the person can fix (422): their plan again, with the message."""
    plan_id = tasks.plan_id_of_task(session=session, task_id=task_id)
    if exc.status_code != 422 or plan_id is None:
        raise exc
    return render_plan(request, session, user, plan_id, 422, form_error(request, exc))


@pages.post("/tasks/{task_id}/complete")
def complete_task_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    task_id: int,
    form: Annotated[CompleteForm, Form()],
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Tick a "do" task (optionally with a photo or PDF), or confirm a meeting (the colleague met)."""
    try:
        upload_id = None
        if file is not None and file.filename:
            upload_id = uploads_service.save_upload(session=session, settings=settings, owner=user, file=file).id
        task = tasks.complete_task(session=session, actor=user, task_id=task_id, note=form.note, upload_id=upload_id)
    except AppError as exc:
        return _refused(request, session, user, task_id, exc)
    if task.kind == TaskKind.meet:
        flash(request, N_("Meeting confirmed: «{task}». Your colleague has been notified."), task=task.title)
    else:
        flash(request, N_("«{task}» is done."), task=task.title)
    return back(form.next, "/onboarding")


@pages.post("/tasks/{task_id}/undo")
def undo_task_submit(
    request: Request, session: SessionDep, user: CurrentUser, task_id: int, form: Annotated[BackForm, Form()]
) -> Response:
    """Take back a tick made by mistake."""
    task = tasks.undo_task(session=session, actor=user, task_id=task_id)
    flash(request, N_("«{task}» is not done again."), task=task.title)
    return back(form.next, "/onboarding")


@pages.post("/tasks/{task_id}/request-signoff")
def request_signoff_submit(
    request: Request, session: SessionDep, user: CurrentUser, task_id: int, form: Annotated[BackForm, Form()]
) -> Response:
    """Ask the mentor to confirm a competency, or the colleague met to confirm the meeting."""
    task = tasks.request_signoff(session=session, actor=user, task_id=task_id)
    if task.kind == TaskKind.meet:
        flash(request, N_("Your colleague has been asked to confirm the meeting «{task}»."), task=task.title)
    else:
        flash(request, N_("Your mentor has been asked to confirm «{task}»."), task=task.title)
    return back(form.next, "/onboarding")


@pages.post("/tasks/{task_id}/signoff")
def signoff_submit(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    task_id: int,
    form: Annotated[SignoffForm, Form()],
) -> Response:
    """Confirm a competency (mentor or manager)."""
    tasks.sign_off(session=session, actor=user, task_id=task_id, comment=form.comment)
    flash(request, N_("Confirmed; your mentee has been notified."))
    return back(form.next, "/onboarding/mentoring")


@pages.post("/tasks/{task_id}/not-yet")
def not_yet_submit(
    request: Request, session: SessionDep, user: CurrentUser, task_id: int, form: Annotated[NotYetForm, Form()]
) -> Response:
    """Answer a request with "not yet" and a comment (whoever would confirm it)."""
    try:
        task = tasks.answer_not_yet(session=session, actor=user, task_id=task_id, comment=form.comment)
    except AppError as exc:
        return _refused(request, session, user, task_id, exc)
    flash(
        request, N_("Answered «not yet»: «{task}» goes back to the new colleague with your comment."), task=task.title
    )
    return back(form.next, "/onboarding/mentoring")
