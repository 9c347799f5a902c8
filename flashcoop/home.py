"""The participant home (/me): what their cooperative is doing, composed from each domain."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.workshop_sections import home_section as programme_section
from flashcoop.ledger.sections import confirmation
from flashcoop.ledger.sections import home_section as sales_section
from flashcoop.principal import Principal
from flashcoop.sections import gather
from flashcoop.web.auth import require
from flashcoop.web.templating import render


async def render_home(
    request: Request, principal: Principal, *, status: int = 200, **page: Any
) -> Response:
    """The home page; `page` adds variables such as the sale form's errors and values."""
    participant = principal.participant
    assert participant is not None
    cohort = await Cohort.get(id=participant.cohort_id)
    sections = await gather([sales_section, programme_section], cohort, participant)
    context = {"cohort": cohort, "participant": participant, "sections": sections, **page}
    return render(request, "home/participant_home.html", context, status=status)


async def participant_home(request: Request) -> Response:
    principal = await require(request, "participant")
    assert principal.participant is not None
    recorded = await confirmation(principal.participant, request.query_params.get("recorded"))
    return await render_home(request, principal, recorded=recorded)


routes = [Route("/me", participant_home, methods=["GET"])]
