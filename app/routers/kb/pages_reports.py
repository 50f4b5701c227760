"""Manager pages: acknowledgement and view reports (and CSV), review dates, categories, import, export."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse

from app.deps import CurrentUser, ManagerUser, SessionDep, SettingsDep, client_ip
from app.errors import AppError
from app.flash import flash
from app.i18n import N_, gettext
from app.routers.forms import form_error
from app.routers.kb.forms import CategoryForm, ImportForm
from app.services import audit as audit_service
from app.services.kb import access, acknowledgements, articles, categories, exporting, importing, reviews, views
from app.templating import render, request_language, request_timezone

pages = APIRouter(prefix="/kb", include_in_schema=False)


@pages.get("/reports/reviews")
def review_report_page(request: Request, session: SessionDep, user: ManagerUser) -> Response:
    """Overdue and soon-due articles of the manager's departments."""
    return render(request, "kb/reviews.html", {"rows": reviews.review_report(session=session, user=user)})


@pages.get("/categories")
def categories_page(request: Request, session: SessionDep, user: ManagerUser) -> Response:
    """The category tree, a form to add one, and export links."""
    return render(request, "kb/categories.html", {"tree": categories.category_tree(session=session)})


@pages.post("/categories")
def categories_submit(
    request: Request,
    session: SessionDep,
    user: ManagerUser,
    form: Annotated[CategoryForm, Form()],
) -> Response:
    """Add a category or a subcategory."""
    try:
        categories.create_category(session=session, user=user, data=form.to_create())
    except AppError as exc:
        return render(
            request,
            "kb/categories.html",
            {
                "tree": categories.category_tree(session=session),
                "error": form_error(request, exc),
                "name": form.name,
            },
            status_code=exc.status_code,
        )
    flash(request, N_("Category «{name}» created."), name=form.name.strip())
    return RedirectResponse("/kb/categories", status_code=303)


@pages.get("/categories/{category_id}/export")
def export_category(request: Request, session: SessionDep, user: ManagerUser, category_id: int) -> Response:
    """The category's published articles as a zip of Markdown files with front matter (audited)."""
    name, data = exporting.export_category(session=session, user=user, category_id=category_id)
    audit_service.record_export(
        session=session,
        user=user,
        report="articles",
        target_type="kb_category",
        target_id=category_id,
        ip=client_ip(request),
    )
    return Response(
        data, media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@pages.get("/import")
def import_page(request: Request, session: SessionDep, user: ManagerUser) -> Response:
    """The import form: a zip of Markdown files, one .md or a .jsonl file."""
    return render(request, "kb/import.html", {"categories": categories.list_categories(session=session)})


@pages.post("/import")
def import_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: ManagerUser,
    file: Annotated[UploadFile, File()],
    form: Annotated[ImportForm, Form()],
) -> Response:
    """Import the file as published articles and show what was created and what was skipped."""
    context = {"categories": categories.list_categories(session=session)}
    try:
        result = importing.import_upload(
            session=session,
            settings=settings,
            author=user,
            name=file.filename or "",
            stream=file.file,
            category_id=form.category_id(),
            override_reason=form.reason(),
        )
    except AppError as exc:
        held = exc if isinstance(exc, importing.ImportHeldBack) else None
        refused = {**context, "error": form_error(request, exc), "held": held, "form": form}
        return render(request, "kb/import.html", refused, status_code=422)
    language = request_language(request)
    skipped = [
        (gettext(language, "line {n}", n=p.line) if p.line else p.where, gettext(language, p.msgid, **p.params))
        for p in result.problems
    ]
    flash(
        request,
        N_("Import finished: {created} created, {skipped} skipped."),
        created=len(result.created),
        skipped=len(skipped),
    )
    return render(request, "kb/import.html", {**context, "result": result, "skipped": skipped})


@pages.get("/{slug}/acknowledgements")
def acknowledgements_page(
    request: Request, session: SessionDep, user: CurrentUser, slug: str, department_id: int | None = None
) -> Response:
    """Who acknowledged which version and when, who is missing; per department."""
    article = articles.get_readable(session=session, user=user, slug=slug)
    data = acknowledgements.report(session=session, user=user, article=article, department_id=department_id)
    departments = acknowledgements.report_departments(session=session, user=user)
    return render(
        request,
        "kb/acknowledgements.html",
        {
            "article": article,
            "report": data,
            "department_id": department_id,
            "departments": departments,
            "reminded_today": acknowledgements.reminded_today(session=session, article=article),
        },
    )


@pages.post("/{slug}/acknowledgements/remind", name="remind_acknowledgements_page")
def remind_submit(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> Response:
    """Remind everyone who has not acknowledged the current version (managers; once per article a day)."""
    article = articles.get_readable(session=session, user=user, slug=slug)
    try:
        count = acknowledgements.remind_missing(session=session, user=user, article=article)
    except AppError as exc:
        data = acknowledgements.report(session=session, user=user, article=article)
        departments = acknowledgements.report_departments(session=session, user=user)
        context = {
            "article": article,
            "report": data,
            "department_id": None,
            "departments": departments,
            "reminded_today": acknowledgements.reminded_today(session=session, article=article),
        }
        return render(
            request, "kb/acknowledgements.html", {**context, "error": form_error(request, exc)}, exc.status_code
        )
    flash(request, N_("Reminder sent. People reminded: {count}."), count=count)
    return RedirectResponse(f"/kb/{article.slug}/acknowledgements", status_code=303)


@pages.get("/{slug}/acknowledgements.csv")
def acknowledgements_csv(
    request: Request, session: SessionDep, user: CurrentUser, slug: str, department_id: int | None = None
) -> Response:
    """The acknowledgement report as CSV (audited)."""
    article = articles.get_readable(session=session, user=user, slug=slug)
    data = acknowledgements.report(session=session, user=user, article=article, department_id=department_id)
    audit_service.record_export(
        session=session,
        user=user,
        report="acknowledgements",
        target_type="article",
        target_id=article.id,
        ip=client_ip(request),
    )
    csv_text = acknowledgements.report_csv(data, language=request_language(request), tz=request_timezone(request))
    return Response(
        csv_text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{article.slug}-acknowledgements.csv"'},
    )


@pages.get("/{slug}/views")
def views_page(request: Request, session: SessionDep, user: CurrentUser, slug: str) -> Response:
    """Who opened the article (people of the manager's departments)."""
    article = articles.get_readable(session=session, user=user, slug=slug)
    access.check_manager(user)
    return render(
        request,
        "kb/views.html",
        {"article": article, "rows": views.report(session=session, user=user, article=article)},
    )
