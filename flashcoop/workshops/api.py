"""JSON API for workshops, attendance and check-in (thin: parse, call a service, answer)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.accounts.services import staff_user
from flashcoop.cohorts import services
from flashcoop.cohorts.members import member
from flashcoop.core.qr import qr_svg
from flashcoop.web.api import iso, json_body, listing
from flashcoop.web.auth import require, settings_of
from flashcoop.workshops import attendance as att
from flashcoop.workshops import services as workshops
from flashcoop.workshops.drafts import read_changes, read_workshop
from flashcoop.workshops.exports import export_routes
from flashcoop.workshops.models import Attendance, Workshop


def workshop_json(workshop: Workshop) -> dict[str, Any]:
    return {
        "id": str(workshop.id),
        "cohort_id": str(workshop.cohort_id),
        "series_id": str(workshop.series_id) if workshop.series_id else None,
        "title": workshop.title,
        "description": workshop.description,
        "location": workshop.location,
        "starts_at": iso(workshop.starts_at),
        "ends_at": iso(workshop.ends_at),
        "duration_minutes": workshop.duration_minutes,
        "competences": list(workshop.competences),
        "status": workshop.status,
        "sequence": workshop.sequence,
        "updated_at": iso(workshop.updated_at),
    }


def attendance_json(row: Attendance) -> dict[str, Any]:
    return {
        "participant_id": str(row.participant_id),
        "status": row.status,
        "checked_in_at": iso(row.checked_in_at),
        "method": row.method,
    }


async def workshop_list(request: Request) -> Response:
    principal = await require(request)
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"])
    return listing([workshop_json(w) for w in await workshops.cohort_workshops(cohort)])


async def workshop_create(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    draft = await read_workshop(await json_body(request), cohort)
    created = await workshops.create_workshops(cohort, draft)
    return JSONResponse(
        {"items": [workshop_json(w) for w in created], "next": None}, status_code=201
    )


async def workshop_detail(request: Request) -> Response:
    principal = await require(request)
    workshop, cohort = await workshops.get_workshop(principal, request.path_params["workshop_id"])
    if request.method == "GET":
        return JSONResponse(workshop_json(workshop))
    principal = await require(request, "facilitator", "admin")
    changes = await read_changes(await json_body(request), workshop, cohort)
    updated = await workshops.update_workshop(
        workshop, cohort, changes, settings=settings_of(request)
    )
    return JSONResponse(workshop_json(updated))


async def attendance_api(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    workshop, cohort = await workshops.get_workshop(
        principal, request.path_params["workshop_id"], staff=True
    )
    if request.method == "GET":
        return listing([attendance_json(a) for a in await att.attendance_of(workshop)])
    body = await json_body(request)
    row = await att.record_attendance(
        workshop,
        cohort,
        participant_id=str(body.get("participant_id") or ""),
        status=str(body.get("status") or ""),
        by=staff_user(principal),
    )
    return JSONResponse(attendance_json(row))


async def attendance_log_api(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    workshop, _cohort = await workshops.get_workshop(
        principal, request.path_params["workshop_id"], staff=True
    )
    return listing(
        [
            {
                "participant_id": str(log.participant_id),
                "old_status": log.old_status or None,
                "new_status": log.new_status,
                "method": log.method,
                "changed_by": log.changed_by_id,
                "changed_at": iso(log.changed_at),
            }
            for log in await att.attendance_history(workshop)
        ]
    )


async def checkin_api(request: Request) -> Response:
    settings = settings_of(request)
    if request.method == "GET":
        principal = await require(request, "facilitator", "admin")
        workshop, _cohort = await workshops.get_workshop(
            principal, request.path_params["workshop_id"], staff=True
        )
        code, expires_at = att.current_code(settings, workshop)
        url = att.checkin_url(settings, workshop, code)
        return JSONResponse(
            {
                "code": code,
                "short_code": att.current_short_code(settings, workshop),
                "expires_at": iso(expires_at),
                "url": url,
                "qr_svg": qr_svg(url),
            },
            headers={"Cache-Control": "no-store"},
        )
    principal = await require(request, "participant")
    workshop, cohort = await workshops.get_workshop(principal, request.path_params["workshop_id"])
    data = await json_body(request)
    row = await att.check_in(
        workshop, cohort, member(principal), data.get("code"), settings=settings
    )
    return JSONResponse(attendance_json(row))


routes: list[BaseRoute] = [
    Route("/api/v1/cohorts/{cohort_id}/workshops", workshop_list, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/workshops", workshop_create, methods=["POST"]),
    Route("/api/v1/workshops/{workshop_id}", workshop_detail, methods=["GET", "PATCH"]),
    Route("/api/v1/workshops/{workshop_id}/attendance", attendance_api, methods=["GET", "POST"]),
    Route("/api/v1/workshops/{workshop_id}/attendance/log", attendance_log_api, methods=["GET"]),
    Route("/api/v1/workshops/{workshop_id}/checkin", checkin_api, methods=["GET", "POST"]),
    *export_routes,
]
