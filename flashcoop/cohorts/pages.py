"""The composed pages: the participant home (/me) and the cohort dashboard, each made of the
sections that the installed domains contribute, and the participants' list with their figures.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from flashcoop.cohorts import members, services
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.domain import House, gather
from flashcoop.core.fields import parse_amount
from flashcoop.core.principal import Principal
from flashcoop.core.qr import qr_svg
from flashcoop.core.templating import ENV
from flashcoop.web.api import iso, listing
from flashcoop.web.auth import require, settings_of
from flashcoop.web.templating import render


@pass_context
def _person_filter(context: Context, participant: Participant, legal: bool = False) -> str:
    # Templates name people as `{{ participant|person }}`: the same rule, with the page's viewer.
    viewer = context.get("principal")
    return members.person_name(
        participant, viewer if isinstance(viewer, Principal) else None, legal=legal
    )


ENV.filters["person"] = _person_filter


def _house(request: Request) -> House:
    return request.app.state.house


def days_left(cohort: Cohort, now: datetime) -> int:
    """Calendar days until the last day, counted in the cohort's timezone (0 on the last day)."""
    today = now.astimezone(cohort.tz).date()
    last = cohort.ends_at.astimezone(cohort.tz).date()
    return max(0, (last - today).days)


async def member_figures(
    request: Request, cohort: Cohort, people: list[Participant]
) -> dict[str, dict[str, Any]]:
    """Each member's figures from every installed domain (hours, sales, last sale, last
    check-in), plus `last_activity`: the latest of the times they contribute."""
    figures: dict[str, dict[str, Any]] = {str(p.id): {} for p in people}
    for contribute in _house(request).member_figures:
        for pid, values in (await contribute(cohort, people)).items():
            figures.setdefault(pid, {}).update(values)
    for values in figures.values():
        moments = [v for v in values.values() if isinstance(v, datetime)]
        values["last_activity"] = max(moments) if moments else None
    return figures


async def render_home(
    request: Request, principal: Principal, *, status: int = 200, **page: Any
) -> Response:
    """The home page; `page` adds variables such as the sale form's errors and values."""
    participant = members.member(principal)
    cohort = await Cohort.get(id=participant.cohort_id)
    # Sections read what the page was asked to show (?recorded=<entry id> after a sale).
    page = {"recorded": request.query_params.get("recorded"), **page}
    sections = await gather(_house(request).home_sections, cohort, participant, page)
    context = {"cohort": cohort, "participant": participant, "sections": sections, **page}
    return render(request, "home/participant_home.html", context, status=status)


async def participant_home(request: Request) -> Response:
    principal = await require(request, "participant")
    return await render_home(request, principal)


async def cohort_dashboard(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin", "funder")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"])
    now = utcnow()
    sections = await gather(_house(request).dashboard_sections, cohort, principal)
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
        join_url = services.join_url(settings_of(request).base_url, cohort)
        context["join_url"] = join_url
        context["qr"] = qr_svg(join_url)
        # Funders see numbers, not names: the participant list is for the staff only.
        people = await members.members(cohort.id)
        context["participants"] = people
        figures = await member_figures(request, cohort, people)
        for values in figures.values():
            # The ledger gives sales as a decimal string (the API's money); the page formats cents.
            values["sales_cents"] = parse_amount(values.get("sales") or "0") or 0
        context["figures"] = figures
        context["changed"] = request.query_params.get("participant", "")
    else:
        context["participant_count"] = await members.member_count(cohort.id)
    return render(request, "cohorts/cohort_dashboard.html", context)


async def participants_api(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    people = await members.members(cohort.id)
    figures = await member_figures(request, cohort, people)
    return listing(
        [
            {
                "id": str(p.id),
                "display_name": members.person_name(p, principal),
                "role": p.role,
                "joined_at": iso(p.joined_at),
                **{
                    name: iso(value) if isinstance(value, datetime) else value
                    for name, value in figures[str(p.id)].items()
                },
            }
            for p in people
        ]
    )


routes = [
    Route("/me", participant_home, methods=["GET"]),
    Route("/cohorts/{cohort_id}", cohort_dashboard, methods=["GET"]),
]
api_routes = [
    Route("/api/v1/cohorts/{cohort_id}/participants", participants_api, methods=["GET"]),
]
