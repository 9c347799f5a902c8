"""Downloads: the signature sheet, the attendance summary (PDF, CSV) and calendar feeds."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from flashcoop.cohorts import services
from flashcoop.cohorts.models import Cohort
from flashcoop.core.errors import NotFound
from flashcoop.web.api import attachment
from flashcoop.web.auth import require, settings_of
from flashcoop.workshops import services as workshops
from flashcoop.workshops.calendar import build_calendar, participant_from_token
from flashcoop.workshops.pdf import render_sheet_pdf, render_summary_pdf
from flashcoop.workshops.reports import build_sheet, build_summary, summary_csv

ICS = "text/calendar; charset=utf-8"


async def attendance_sheet_pdf(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    workshop, cohort = await workshops.get_workshop(
        principal, request.path_params["workshop_id"], staff=True
    )
    pdf = await render_sheet_pdf(await build_sheet(workshop, cohort))
    day = workshop.starts_at.astimezone(cohort.tz).date().isoformat()
    return attachment(pdf, "application/pdf", f"attendance-{day}.pdf")


async def attendance_summary(request: Request) -> Response:
    fmt = request.url.path.rsplit(".", 1)[-1]
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    summary = await build_summary(cohort)
    if fmt == "csv":
        return attachment(summary_csv(summary), "text/csv; charset=utf-8", "attendance.csv")
    return attachment(await render_summary_pdf(summary), "application/pdf", "attendance.pdf")


async def _feed(cohort: Cohort, request: Request) -> Response:
    items = await workshops.cohort_workshops(cohort)
    body = await build_calendar(cohort, items, base_url=settings_of(request).base_url)
    # A cohort's programme (places, times): kept by no cache, like every private answer.
    return Response(body, media_type=ICS, headers={"Cache-Control": "private, no-store"})


async def cohort_calendar(request: Request) -> Response:
    principal = await require(request)
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"])
    return await _feed(cohort, request)


async def subscription_calendar(request: Request) -> Response:
    # No cookie or header: calendar apps fetch this link on their own.
    participant = await participant_from_token(settings_of(request), request.path_params["token"])
    if participant is None:
        raise NotFound()
    cohort = await Cohort.get(id=participant.cohort_id)
    return await _feed(cohort, request)


export_routes: list[BaseRoute] = [
    Route(
        "/api/v1/workshops/{workshop_id}/attendance-sheet.pdf",
        attendance_sheet_pdf,
        methods=["GET"],
    ),
    Route("/api/v1/cohorts/{cohort_id}/attendance.csv", attendance_summary, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/attendance.pdf", attendance_summary, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/calendar.ics", cohort_calendar, methods=["GET"]),
    Route("/ical/{token}.ics", subscription_calendar, methods=["GET"]),
]
