"""Pages for the new hire and the mentor: "My onboarding", one plan, the mentoring overview, ticking tasks."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile

from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import AppError
from app.routers.forms import form_error
from app.routers.onboarding.common import back, render_plan
from app.routers.onboarding.forms import BackForm, CompleteForm, SignoffForm
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
    """Tick a "do" task (optionally with a photo or PDF) or a "meet" task."""
    try:
        upload_id = None
        if file is not None and file.filename:
            upload_id = uploads_service.save_upload(session=session, settings=settings, owner=user, file=file).id
        tasks.complete_task(session=session, actor=user, task_id=task_id, note=form.note, upload_id=upload_id)
    except AppError as exc:
        plan_id = tasks.plan_id_of_task(session=session, task_id=task_id)
        if exc.status_code != 422 or plan_id is None:
            raise
        session.rollback()
        return render_plan(request, session, user, plan_id, 422, form_error(request, exc))
    return back(form.next, "/onboarding")


@pages.post("/tasks/{task_id}/request-signoff")
def request_signoff_submit(
    session: SessionDep, user: CurrentUser, task_id: int, form: Annotated[BackForm, Form()]
) -> Response:
    """Ask the mentor to confirm a competency."""
    tasks.request_signoff(session=session, actor=user, task_id=task_id)
    return back(form.next, "/onboarding")


@pages.post("/tasks/{task_id}/signoff")
def signoff_submit(
    session: SessionDep,
    user: CurrentUser,
    task_id: int,
    form: Annotated[SignoffForm, Form()],
) -> Response:
    """Confirm a competency (mentor or manager)."""
    tasks.sign_off(session=session, actor=user, task_id=task_id, comment=form.comment)
    return back(form.next, "/onboarding/mentoring")
