"""HTML pages of the programme: list, create, edit, cancel (thin: parse, call, render)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.cohorts import services
from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.skills import cohort_framework
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import ValidationError
from flashcoop.web.auth import require, settings_of
from flashcoop.web.templating import render
from flashcoop.workshops import services as workshops
from flashcoop.workshops.checkin_routes import checkin_routes
from flashcoop.workshops.drafts import read_changes, read_workshop
from flashcoop.workshops.models import Workshop

FIELDS = ("title", "description", "location", "starts_at", "ends_at", "repeat_weekly_until")


def form_data(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {name: str(form.get(name, "")) for name in FIELDS if name in form}
    data["competences"] = [str(c) for c in form.getlist("competences")]
    return data


async def _page(
    request: Request,
    cohort: Cohort,
    items: list[Workshop],
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    skills = await cohort_framework(cohort)
    context = {
        "cohort": cohort,
        "workshops": items,
        "skills": skills,
        "competences": skills.competences,
        "values": values or {"competences": []},
        "errors": errors or {},
        "now": utcnow(),
    }
    return render(request, "workshops/workshop_list.html", context, status=status)


async def workshop_list(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    items = await workshops.cohort_workshops(cohort)
    if request.method == "GET":
        return await _page(request, cohort, items)
    data = form_data(await request.form())
    try:
        await workshops.create_workshops(cohort, await read_workshop(data, cohort))
    except ValidationError as exc:
        return await _page(request, cohort, items, values=data, errors=exc.fields, status=422)
    return RedirectResponse(f"/cohorts/{cohort.id}/workshops", status_code=303)


async def workshop_edit(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    workshop, cohort = await workshops.get_workshop(
        principal, request.path_params["workshop_id"], staff=True
    )
    skills = await cohort_framework(cohort)
    context: dict[str, Any] = {
        "cohort": cohort,
        "workshop": workshop,
        "skills": skills,
        "competences": skills.competences,
        "errors": {},
    }
    if request.method == "GET":
        context["values"] = {
            "title": workshop.title,
            "description": workshop.description,
            "location": workshop.location,
            "competences": list(workshop.competences),
        }
        return render(request, "workshops/workshop_edit.html", context)
    data = form_data(await request.form())
    data.pop("repeat_weekly_until", None)
    try:
        changes = await read_changes(data, workshop, cohort)
        await workshops.update_workshop(workshop, cohort, changes, settings=settings_of(request))
    except ValidationError as exc:
        context.update(values=data, errors=exc.fields)
        return render(request, "workshops/workshop_edit.html", context, status=422)
    return RedirectResponse(f"/cohorts/{cohort.id}/workshops", status_code=303)


async def workshop_cancel(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    workshop, cohort = await workshops.get_workshop(
        principal, request.path_params["workshop_id"], staff=True
    )
    await workshops.cancel_workshop(workshop, cohort, settings=settings_of(request))
    return RedirectResponse(f"/cohorts/{cohort.id}/workshops", status_code=303)


routes: list[BaseRoute] = [
    Route("/cohorts/{cohort_id}/workshops", workshop_list, methods=["GET", "POST"]),
    Route("/workshops/{workshop_id}/edit", workshop_edit, methods=["GET", "POST"]),
    Route("/workshops/{workshop_id}/cancel", workshop_cancel, methods=["POST"]),
    *checkin_routes,
]
