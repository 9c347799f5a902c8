"""HTML page of the closure: what closing will do, confirmed with one button (CSRF), and what
it did once done."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from flashcoop.accounts.services import staff_user
from flashcoop.closure import plan
from flashcoop.closure.engine import close_cohort
from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.services import get_cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import DomainError
from flashcoop.web.auth import require, settings_of
from flashcoop.web.templating import render


async def _page(
    request: Request, cohort: Cohort, *, error: DomainError | None = None, status: int = 200
) -> Response:
    now = utcnow()
    current = await plan.state(cohort, now=now)
    context = {
        "cohort": cohort,
        "status": cohort.public_status(now),
        "state": current,
        "plan": await plan.plan(cohort, now=now) if current is None else None,
        "error": error.text if error else None,
        "done": request.query_params.get("done") == "1",
    }
    return render(request, "closure/close_confirm.html", context, status=status)


async def close_page(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await get_cohort(principal, request.path_params["cohort_id"], staff=True)
    if request.method == "GET":
        return await _page(request, cohort)
    try:
        await close_cohort(
            cohort.id, trigger="manual", settings=settings_of(request), by=staff_user(principal)
        )
    except DomainError as exc:
        cohort = await Cohort.get(id=cohort.id)
        return await _page(request, cohort, error=exc, status=exc.status)
    # POST-redirect-GET: a refresh shows the result, never posts again.
    return RedirectResponse(f"/cohorts/{cohort.id}/close?done=1", status_code=303)


routes = [
    Route("/cohorts/{cohort_id}/close", close_page, methods=["GET", "POST"]),
]
