"""HTML pages of check-in: the rotating QR screen, the scan landing page, the roll call, and
the participant's calendar subscription link."""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from uuid import UUID

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.accounts.services import staff_user
from flashcoop.cohorts.join_routes import join_from_form
from flashcoop.cohorts.members import member, members, person_name
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import DomainError, NotFound, RateLimited, ValidationError
from flashcoop.core.qr import qr_svg
from flashcoop.web.auth import get_principal, require, settings_of, sign_in_participant
from flashcoop.web.templating import render
from flashcoop.workshops import attendance as att
from flashcoop.workshops import services as workshops
from flashcoop.workshops.calendar import calendar_token
from flashcoop.workshops.models import ATTENDANCE_STATUSES, ATTENDED, Attendance, Workshop


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
        "short_code": att.current_short_code(settings, workshop),
        "expires_at": expires_at,
        "qr": qr_svg(url),
        "rotation": settings.checkin_rotation_seconds,
        "checked_in": sum(1 for a in present if a.status in ATTENDED),
    }
    return render(request, "workshops/workshop_checkin.html", context)


async def _attended(workshop: Workshop, participant: Participant) -> Attendance | None:
    row = await Attendance.get_or_none(workshop_id=workshop.id, participant_id=participant.id)
    return row if row is not None and row.status in ATTENDED else None


async def scan_landing(request: Request) -> Response:
    """Where the phone camera lands (GET ?code=), and where "I am here" and the typed 6 digits
    are posted. Without a code it shows the member's status, or the field for the digits."""
    principal = await get_principal(request)
    found = await _public_workshop(request)
    if principal.participant is None or principal.participant.cohort_id != found.cohort_id:
        # Not signed in, or signed in to another cohort (a shared phone): sign in here first.
        if request.method == "POST":
            return await checkin_sign_in(request)
        return await _sign_in_page(request, found, code_from=request)
    participant = member(principal)
    workshop, cohort = await workshops.get_workshop(principal, request.path_params["workshop_id"])
    settings = settings_of(request)
    context: dict[str, Any] = {
        "cohort": cohort,
        "workshop": workshop,
        "error": None,
        "row": None,
        "ticket": None,
        "typed": "",
        "closed": False,
    }
    status = 200
    try:
        if request.method == "GET":
            context["row"] = await _attended(workshop, participant)
            code = request.query_params.get("code", "")
            ticket = None
            if context["row"] is None and code:
                ticket = att.scan_ticket(settings, workshop, participant, code)
            att.ensure_checkin_open(workshop, utcnow())
            context["ticket"] = ticket
        else:
            form = await request.form()
            if "ticket" in form:
                ticket = str(form.get("ticket", ""))
                await att.check_in_with_ticket(
                    workshop, cohort, participant, ticket, settings=settings
                )
            else:
                context["typed"] = str(form.get("code", ""))[:20]
                await att.check_in(
                    workshop, cohort, participant, context["typed"], settings=settings
                )
            # POST-redirect-GET: the page then says "checked in", and a refresh posts nothing.
            return RedirectResponse(f"/w/{workshop.id}/checkin", status_code=303)
    except ValidationError as exc:
        context["error"], status = exc.fields["code"], 422
    except DomainError as exc:
        context["error"], status = exc.text, exc.status
        context["closed"] = not isinstance(exc, RateLimited)  # no field to type a code then
    if context["row"] is not None:
        context["error"], status = None, 200  # checked in already: the rest does not matter
    return render(request, "workshops/checkin_confirm.html", context, status=status)


async def _public_workshop(request: Request) -> Workshop:
    try:
        key = UUID(str(request.path_params["workshop_id"]))
    except ValueError as exc:
        raise NotFound() from exc
    workshop = await Workshop.get_or_none(id=key)
    if workshop is None:
        raise NotFound()
    return workshop


async def _sign_in_page(
    request: Request,
    workshop: Workshop,
    *,
    code_from: Request | None = None,
    scan_pass: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 401,
) -> Response:
    """A phone not signed in: the participant sign-in (name and PIN) right here, then back to
    the check-in. Only a fresh scan of the screen opens it (the pass proves it)."""
    if code_from is not None:
        try:
            scan_pass = att.scan_pass(
                settings_of(request), workshop, code_from.query_params.get("code", "")
            )
        except ValidationError:
            scan_pass = ""
    context = {
        "workshop": workshop,
        "scan_pass": scan_pass,
        "values": values or {"display_name": ""},
        "errors": errors or {},
    }
    return render(request, "workshops/checkin_sign_in.html", context, status=status)


async def checkin_sign_in(request: Request) -> Response:
    """The sign-in form of a phone not signed in: the member's name and PIN in the cohort of the
    workshop (as on the join page, with its limits), then the check-in as of the scan."""
    workshop = await _public_workshop(request)
    settings = settings_of(request)
    form = await request.form()
    scan_pass = str(form.get("pass", ""))
    values = {"display_name": str(form.get("display_name", ""))[:200]}
    scanned = att.pass_moment(settings, workshop, scan_pass)
    if scanned is None:
        return await _sign_in_page(request, workshop, values=values, status=422)
    cohort = await Cohort.get(id=workshop.cohort_id)
    data = {"code": cohort.join_code, "display_name": values["display_name"]}
    data["pin"] = str(form.get("pin", ""))
    participant, errors, status = await join_from_form(request, data)
    if participant is not None:
        await sign_in_participant(request, participant)
        with suppress(DomainError):  # closed or cancelled: the check-in page says so
            await att.check_in_at_scan(workshop, cohort, participant, scanned, settings=settings)
        return RedirectResponse(f"/w/{workshop.id}/checkin", status_code=303)
    return await _sign_in_page(
        request, workshop, scan_pass=scan_pass, values=values, errors=errors, status=status
    )


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
