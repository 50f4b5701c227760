"""Personal-data rights: download one's own data (account page and API); erase a departed person (admins)."""

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from app.deps import AdminUser, CurrentUser, SessionDep, SettingsDep, client_ip
from app.errors import AppError
from app.flash import flash
from app.i18n import N_, gettext
from app.models.users import User
from app.routers.forms import form_error
from app.services import users as users_service
from app.services.privacy import erasure, export
from app.templating import render, request_language

api = APIRouter(prefix="/api/v1", tags=["privacy"])
pages = APIRouter(include_in_schema=False)


class ErasurePublic(BaseModel):
    """What an erasure removed (counts only) and the pseudonym left in the person's place."""

    user_id: int
    name: str
    posts: int
    comments: int
    reactions: int
    rsvps: int
    notifications: int
    uploads: int
    searches: int
    onboarding_plans: int
    mentions: int


class EraseForm(BaseModel):
    """The second step: the admin types the person's e-mail address to confirm."""

    confirm_email: str = ""


def _zip(request: Request, session: SessionDep, settings: SettingsDep, user: User) -> Response:
    body = export.export_zip(session=session, settings=settings, user=user, ip=client_ip(request))
    disposition = f'attachment; filename="{export.export_filename(user)}"'
    return Response(body, media_type="application/zip", headers={"Content-Disposition": disposition})


ZIP_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}
}


@api.get("/account/export", response_class=Response, responses=ZIP_RESPONSE)
def export_my_data(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser) -> Response:
    """Download everything Kolo holds about you: a zip with JSON, Markdown and your uploaded files."""
    return _zip(request, session, settings, user)


@api.post("/users/{user_id}/erase", response_model=ErasurePublic)
def erase_user(
    request: Request, session: SessionDep, settings: SettingsDep, admin: AdminUser, user_id: int
) -> ErasurePublic:
    """Erase a departed person: personal data removed, the institution's records kept under a pseudonym."""
    user = users_service.get_user_or_raise(session=session, user_id=user_id)
    counts = erasure.erase_user(session=session, settings=settings, user=user, actor=admin, ip=client_ip(request))
    return ErasurePublic(user_id=user_id, name=user.name, **asdict(counts))


@pages.post("/account/export")
def export_submit(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser) -> Response:
    """The account page's «Download my data» button."""
    return _zip(request, session, settings, user)


@pages.get("/admin/users/{user_id}/erase")
def erase_page(request: Request, session: SessionDep, admin: AdminUser, user_id: int) -> Response:
    """What erasing this person removes and keeps, and the confirmation."""
    user = users_service.get_user_or_raise(session=session, user_id=user_id)
    return render(request, "privacy/erase.html", {"person": user, "erased": erasure.is_erased(user)})


@pages.post("/admin/users/{user_id}/erase")
def erase_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminUser,
    user_id: int,
    form: Annotated[EraseForm, Form()],
) -> Response:
    """Erase the person once the admin has typed their e-mail address."""
    user = users_service.get_user_or_raise(session=session, user_id=user_id)
    context = {"person": user, "erased": erasure.is_erased(user)}
    if users_service.normalize_email(form.confirm_email) != user.email:
        error = gettext(request_language(request), N_("Type the person's e-mail address exactly to confirm."))
        return render(request, "privacy/erase.html", context | {"error": error}, status_code=422)
    try:
        erasure.erase_user(session=session, settings=settings, user=user, actor=admin, ip=client_ip(request))
    except AppError as exc:
        return render(request, "privacy/erase.html", context | {"error": form_error(request, exc)}, status_code=422)
    flash(request, N_("Erased. The account is now «{name}»."), name=user.name)
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)
