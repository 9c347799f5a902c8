"""Pages: everyone's situation at exit on one screen, and the funder portal (their cohorts,
report downloads, indicators). Thin: parse, call the services, render."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.accounts.services import staff_user
from flashcoop.closure import indicators as ind
from flashcoop.closure import outcomes as out
from flashcoop.closure import reports
from flashcoop.closure.charts import bar_chart
from flashcoop.closure.figures import latest_outcomes
from flashcoop.closure.labels import (
    age_band_label,
    gender_label,
    situation_label,
)
from flashcoop.closure.models import SITUATIONS
from flashcoop.closure.report_api import audience_of
from flashcoop.closure.report_pdf import number
from flashcoop.cohorts import services
from flashcoop.cohorts.members import members, names_by_id
from flashcoop.cohorts.models import Cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, Text, ValidationError
from flashcoop.core.i18n import gettext
from flashcoop.web.auth import require, settings_of
from flashcoop.web.templating import render


async def _outcomes_page(
    request: Request,
    cohort: Cohort,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    people = await members(cohort.id, order="name")
    latest = await latest_outcomes([cohort.id])
    now = utcnow()
    until = out.follow_up_until(cohort)
    context = {
        "cohort": cohort,
        "people": people,
        "names": await names_by_id(cohort.id),
        "latest": latest,
        "values": values
        or {
            **{f"situation-{pid}": row.situation for pid, row in latest.items()},
            **{f"note-{pid}": row.note for pid, row in latest.items()},
        },
        "errors": errors or {},
        "situations": SITUATIONS,
        "situation_label": situation_label,
        "history": await out.outcome_history(cohort),
        "until": until,
        "editable": until is None or now <= until,
        "closed": cohort.status == "closed",
        "reports": await reports.stored_reports(cohort, audience="staff")
        if cohort.status == "closed"
        else [],
        "saved": request.query_params.get("saved", ""),
    }
    return render(request, "closure/outcome_list.html", context, status=status)


async def outcome_list(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    if request.method == "GET":
        return await _outcomes_page(request, cohort)
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k.startswith(("situation-", "note-"))}
    latest = await latest_outcomes([cohort.id])
    drafts, errors = [], {}
    for person in await members(cohort.id):
        pid = str(person.id)
        data = {"situation": values.get(f"situation-{pid}", ""), "note": values.get(f"note-{pid}")}
        if not data["situation"] and not (data["note"] or "").strip():
            continue  # nothing chosen for this member
        try:
            draft = out.read_outcome(data)
        except ValidationError as exc:
            errors.update({f"{name}-{pid}": text for name, text in exc.fields.items()})
            continue
        previous = latest.get(pid)
        if previous is None or (previous.situation, previous.note) != (draft.situation, draft.note):
            drafts.append((person, draft))
    if errors:
        return await _outcomes_page(request, cohort, values=values, errors=errors, status=422)
    now = utcnow()
    try:
        for person, draft in drafts:
            await out.record_outcome(cohort, person, draft, by=staff_user(principal), now=now)
    except DomainError as exc:
        return await _outcomes_page(
            request, cohort, values=values, errors={"form": exc.text}, status=exc.status
        )
    return RedirectResponse(f"/cohorts/{cohort.id}/outcomes?saved={len(drafts)}", status_code=303)


async def followup_report(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    try:
        version = await reports.create_followup_report(
            cohort, settings=settings_of(request), now=utcnow()
        )
    except DomainError as exc:
        return await _outcomes_page(request, cohort, errors={"form": exc.text}, status=exc.status)
    return RedirectResponse(
        f"/cohorts/{cohort.id}/outcomes?saved=report-{version}", status_code=303
    )


async def funder_home(request: Request) -> Response:
    principal = await require(request, "funder", "admin")
    cohorts = await services.visible_cohorts(principal).order_by("-ends_at", "name")
    audience = audience_of(principal)
    now = utcnow()
    statuses = {c.id: c.public_status(now) for c in cohorts}
    closed = [c.id for c in cohorts if statuses[c.id] == "closed"]
    stored = await reports.stored_reports_of(closed, audience=audience)
    items = [
        {"cohort": c, "status": statuses[c.id], "reports": stored.get(c.id, [])} for c in cohorts
    ]
    return render(request, "closure/funder_home.html", {"items": items})


def _chart(counts: tuple[Any, ...], label: Any, title: str) -> Any:
    return bar_chart([(label(c.key), c.value) for c in counts], title=title, fluid=True)


async def funder_indicators(request: Request) -> Response:
    principal = await require(request, "funder", "admin")
    values = {k: request.query_params.get(k, "") for k in ("from", "to")}
    try:
        period = ind.read_period(values)
        errors: dict[str, Text] = {}
    except ValidationError as exc:
        period, errors = ind.Period(), dict(exc.fields)
    found = await ind.build_indicators(principal, period, tz=settings_of(request).default_tz)
    context = {
        "found": found,
        "values": values,
        "errors": errors,
        "csv_query": "&".join(f"{k}={v}" for k, v in values.items() if v and not errors),
        "charts": {
            "gender": _chart(found.genders, gender_label, gettext(N_("Gender"))),
            "age": _chart(found.age_bands, age_band_label, gettext(N_("Age at closure"))),
            "outcome": _chart(found.outcomes, situation_label, gettext(N_("Situation at exit"))),
        },
        "gender_label": gender_label,
        "age_band_label": age_band_label,
        "situation_label": situation_label,
        "number": number,
    }
    return render(request, "closure/funder_indicators.html", context, status=422 if errors else 200)


routes: list[BaseRoute] = [
    Route("/cohorts/{cohort_id}/outcomes", outcome_list, methods=["GET", "POST"]),
    Route("/cohorts/{cohort_id}/followup-report", followup_report, methods=["POST"]),
    Route("/funder", funder_home, methods=["GET"]),
    Route("/funder/indicators", funder_indicators, methods=["GET"]),
]
