"""The participant's home (/me): what their cooperative is doing, composed from each domain."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.workshop_sections import home_section as programme_section
from flashcoop.ledger.sections import home_section as sales_section
from flashcoop.sections import gather
from flashcoop.web.auth import require
from flashcoop.web.templating import render


async def participant_home(request: Request) -> Response:
    principal = await require(request, "participant")
    participant = principal.participant
    assert participant is not None
    cohort = await Cohort.get(id=participant.cohort_id)
    sections = await gather([sales_section, programme_section], cohort, participant)
    return render(
        request,
        "home/participant_home.html",
        {"cohort": cohort, "participant": participant, "sections": sections},
    )


routes = [Route("/me", participant_home, methods=["GET"])]
