"""Pages and API that compose several domains for the staff: the cohort's participants."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from flashcoop.cohorts import services
from flashcoop.cohorts.models import Participant
from flashcoop.cohorts.workshop_sections import attendance_hours
from flashcoop.ledger.services import sales_by_participant
from flashcoop.validation import format_amount
from flashcoop.web.api import iso, listing
from flashcoop.web.auth import require


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
    Route("/api/v1/cohorts/{cohort_id}/participants", participants_api, methods=["GET"]),
]
