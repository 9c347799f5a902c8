"""JSON API of the closure: a staff member closes a cohort early (the same service as the
sweep, so an early closure and one at `ends_at` give the same result)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from flashcoop.accounts.services import staff_user
from flashcoop.closure.engine import close_cohort
from flashcoop.cohorts.api import cohort_json
from flashcoop.cohorts.models import Cohort, Product
from flashcoop.cohorts.services import get_cohort
from flashcoop.web.auth import require, settings_of


async def close_api(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await get_cohort(principal, request.path_params["cohort_id"], staff=True)
    # Already closed (or closing in another worker): nothing to do, the same answer.
    await close_cohort(
        cohort.id, trigger="manual", settings=settings_of(request), by=staff_user(principal)
    )
    cohort = await Cohort.get(id=cohort.id)
    products = await Product.filter(cohort=cohort)
    return JSONResponse(cohort_json(cohort, request, products, staff=True))


routes = [
    Route("/api/v1/cohorts/{cohort_id}/close", close_api, methods=["POST"]),
]
