"""HTML pages of check-in: the rotating QR screen, the scan landing page, the roll call, and
the participant's calendar subscription link."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.accounts.services import staff_user
from flashcoop.cohorts.members import member, members, person_name
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import DomainError, ValidationError
from flashcoop.core.qr import qr_svg
from flashcoop.web.auth import get_principal, require, settings_of
from flashcoop.web.templating import render
from flashcoop.workshops import attendance as att
from flashcoop.workshops import services as workshops
from flashcoop.workshops.calendar import calendar_token
from flashcoop.workshops.models import ATTENDANCE_STATUSES


async def checkin_screen(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    workshop, cohort = await workshops.get_workshop(
        principal, request.path_params["workshop_id"], staff=True
    )
    settings = settings_of(request)
    code, expires_at = att.current_code(settings, workshop)
    url = att.checkin_url(settings, workshop, code)
    present = await att.attendance_of(workshop)
    context = {
        "cohort": cohort,
        "workshop": workshop,
        "code": code,
        "expires_at": expires_at,
        "qr": qr_svg(url),
        "rotation": settings.checkin_rotation_seconds,
        "checked_in": sum(1 for a in present if a.status in ("present", "late")),
    }
    return render(request, "workshops/workshop_checkin.html", context)


async def scan_landing(request: Request) -> Response:
    """Where the phone camera lands: confirm (GET shows, POST checks in)."""
    principal = await get_principal(request)
    if principal.participant is None:
        return render(request, "workshops/checkin_sign_in.html", {}, status=401)
    participant = member(principal)
    workshop, cohort = await workshops.get_workshop(principal, request.path_params["workshop_id"])
    settings = settings_of(request)
    context: dict[str, Any] = {"cohort": cohort, "workshop": workshop, "error": None, "row": None}
    status = 200
    try:
        if request.method == "GET":
            code = request.query_params.get("code", "")
            context["ticket"] = att.scan_ticket(settings, workshop, participant, code)
            att.ensure_checkin_open(workshop, utcnow())
        else:
            form = await request.form()
            context["row"] = await att.check_in_with_ticket(
                workshop, cohort, participant, str(form.get("ticket", "")), settings=settings
            )
    except ValidationError as exc:
        context["error"], status = exc.fields["code"], 422
    except DomainError as exc:
        context["error"], status = exc.text, exc.status
    return render(request, "workshops/checkin_confirm.html", context, status=status)


async def roll_call(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    workshop, cohort = await workshops.get_workshop(
        principal, request.path_params["workshop_id"], staff=True
    )
    if request.method == "POST":
        form = await request.form()
        await att.record_attendance(
            workshop,
            cohort,
            participant_id=str(form.get("participant_id") or ""),
            status=str(form.get("status") or ""),
            by=staff_user(principal),
        )
        return RedirectResponse(f"/workshops/{workshop.id}/attendance", status_code=303)
    roster = await members(cohort.id, order="name")
    history = await att.attendance_history(workshop)
    names = {
        str(p.id): person_name(p, principal)
        for p in [*roster, *(log.participant for log in history)]
    }
    context = {
        "cohort": cohort,
        "workshop": workshop,
        "members": roster,
        "names": names,
        "rows": {str(a.participant_id): a for a in await att.attendance_of(workshop)},
        "statuses": ATTENDANCE_STATUSES,
        "frozen": cohort.is_frozen(utcnow()),
        "history": history,
    }
    return render(request, "workshops/workshop_attendance.html", context)


async def my_calendar(request: Request) -> Response:
    principal = await require(request, "participant")
    settings = settings_of(request)
    token = calendar_token(settings, member(principal))
    url = f"{settings.base_url.rstrip('/')}/ical/{token}.ics"
    webcal = "webcal://" + url.split("://", 1)[1]
    return render(request, "workshops/my_calendar.html", {"url": url, "webcal": webcal})


checkin_routes: list[BaseRoute] = [
    Route("/workshops/{workshop_id}/checkin", checkin_screen, methods=["GET"]),
    Route("/w/{workshop_id}/checkin", scan_landing, methods=["GET", "POST"]),
    Route("/workshops/{workshop_id}/attendance", roll_call, methods=["GET", "POST"]),
    Route("/me/calendar", my_calendar, methods=["GET"]),
]
