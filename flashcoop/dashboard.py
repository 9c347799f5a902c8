"""Pages and API that compose several domains for the staff: the cohort dashboard, participants."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from flashcoop.accounts.services import utcnow
from flashcoop.cohorts import services
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.workshop_sections import attendance_hours
from flashcoop.cohorts.workshop_sections import dashboard_section as programme_section
from flashcoop.ledger.sections import dashboard_section as ledger_section
from flashcoop.ledger.services import sales_by_participant
from flashcoop.qr import qr_svg
from flashcoop.sections import gather
from flashcoop.validation import format_amount
from flashcoop.web.api import iso, listing
from flashcoop.web.auth import require, settings_of
from flashcoop.web.templating import render


def days_left(cohort: Cohort, now: datetime) -> int:
    """Calendar days until the last day, counted in the cohort's timezone (0 on the last day)."""
    today = now.astimezone(cohort.tz).date()
    last = cohort.ends_at.astimezone(cohort.tz).date()
    return max(0, (last - today).days)


async def cohort_dashboard(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin", "funder")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"])
    now = utcnow()
    sections = await gather([ledger_section, programme_section], cohort, principal)
    context = {
        "cohort": cohort,
        "status": cohort.public_status(now),
        "days_left": days_left(cohort, now),
        "started": now >= cohort.starts_at,
        "sections": sections,
        "staff": principal.is_staff,
        "done": request.query_params.get("done", ""),
    }
    if principal.is_staff:
        join_url = f"{settings_of(request).base_url.rstrip('/')}/j/{cohort.join_code}"
        context["join_url"] = join_url
        context["qr"] = qr_svg(join_url)
        # Funders see numbers, not names: the participant list is for the staff only.
        context["participants"] = await Participant.filter(cohort=cohort).order_by("joined_at")
    else:
        context["participant_count"] = await Participant.filter(cohort=cohort).count()
    return render(request, "cohorts/cohort_dashboard.html", context)


async def participants_api(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    members = await Participant.filter(cohort=cohort).order_by("joined_at")
    sales = await sales_by_participant(cohort.id)
    hours = await attendance_hours(cohort.id)
    return listing(
        [
            {
                "id": str(p.id),
                "display_name": p.display_name,
                "role": p.role,
                "joined_at": iso(p.joined_at),
                "attendance_hours": round(hours.get(str(p.id), 0.0), 2),
                "sales": format_amount(sales.get(str(p.id), 0)),
            }
            for p in members
        ]
    )


routes = [
    Route("/cohorts/{cohort_id}", cohort_dashboard, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/participants", participants_api, methods=["GET"]),
]
