"""JSON API of reports, outcomes and indicators (thin: parse, call a service, answer)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.accounts.services import staff_user
from flashcoop.closure import indicators as ind
from flashcoop.closure import outcomes as out
from flashcoop.closure import reports
from flashcoop.closure.figures import FUNDER, STAFF
from flashcoop.closure.models import Outcome
from flashcoop.closure.report_formats import MEDIA_TYPES
from flashcoop.cohorts import services
from flashcoop.cohorts.members import participant_of
from flashcoop.cohorts.models import Cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.fields import Fields
from flashcoop.core.principal import Principal
from flashcoop.core.storage import read_file
from flashcoop.privacy import audit
from flashcoop.web.api import attachment, iso, json_body, listing
from flashcoop.web.auth import require, settings_of

READERS = ("facilitator", "admin", "funder")


def audience_of(principal: Principal) -> str:
    return FUNDER if principal.role == "funder" else STAFF


def read_version(request: Request) -> int:
    form = Fields({"version": request.query_params.get("version")})
    version = form.integer("version", low=0, high=100_000, default=0)
    form.check()
    return version


async def download(
    request: Request, principal: Principal, cohort: Cohort, fmt: str, version: int
) -> Response:
    """The stored file, byte for byte, with its digest as an ETag."""
    report = await reports.report_file(
        cohort,
        audience=audience_of(principal),
        fmt=fmt,
        version=version,
        settings=settings_of(request),
        now=utcnow(),
    )
    stored = await read_file(report.file_id)
    assert stored is not None, "a report row always points at its file"
    if principal.role == "funder":
        await audit.record(
            actor=principal,
            action="report.downloaded",
            object=f"cohort:{cohort.id}",
            detail={"format": fmt, "version": version},
            cohort_id=cohort.id,
        )
    return attachment(
        bytes(stored.content),
        MEDIA_TYPES[fmt],
        stored.name,
        headers={"ETag": f'"{stored.sha256}"'},
    )


async def report_download(request: Request) -> Response:
    fmt = request.url.path.rsplit(".", 1)[-1]
    principal = await require(request, *READERS)
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"])
    return await download(request, principal, cohort, fmt, read_version(request))


async def report_list(request: Request) -> Response:
    principal = await require(request, *READERS)
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"])
    base = f"/api/v1/cohorts/{cohort.id}/report"
    items = []
    for kind, version, created_at in await reports.stored_reports(
        cohort, audience=audience_of(principal)
    ):
        query = f"?version={version}" if version else ""
        items.append(
            {
                "kind": kind,
                "version": version,
                "created_at": iso(created_at),
                "urls": {fmt: f"{base}.{fmt}{query}" for fmt in reports.FORMATS},
            }
        )
    return listing(items)


async def followup_create(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    version = await reports.create_followup_report(
        cohort, settings=settings_of(request), now=utcnow()
    )
    base = f"/api/v1/cohorts/{cohort.id}/report"
    urls = {fmt: f"{base}.{fmt}?version={version}" for fmt in reports.FORMATS}
    return JSONResponse({"kind": "followup", "version": version, "urls": urls}, status_code=201)


def outcome_json(row: Outcome) -> dict[str, Any]:
    return {
        "participant_id": str(row.participant_id),
        "situation": row.situation,
        "note": row.note,
        "recorded_at": iso(row.recorded_at),
        "recorded_by": row.recorded_by_id,
    }


async def outcome_api(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    participant = await participant_of(cohort, request.path_params["participant_id"])
    if request.method == "GET":
        history = await out.outcome_history(cohort, participant.id)
        return JSONResponse(
            {
                "participant_id": str(participant.id),
                "latest": outcome_json(history[0]) if history else None,
                "history": [outcome_json(row) for row in history],
            }
        )
    draft = out.read_outcome(await json_body(request))
    row, count = await out.record_outcome(
        cohort, participant, draft, by=staff_user(principal), now=utcnow()
    )
    return JSONResponse({**outcome_json(row), "history_count": count})


async def _indicators(request: Request) -> ind.Indicators:
    principal = await require(request, "funder", "admin")
    period = ind.read_period(dict(request.query_params))
    return await ind.build_indicators(principal, period, tz=settings_of(request).default_tz)


async def indicators_api(request: Request) -> Response:
    return JSONResponse(ind.indicators_data(await _indicators(request)))


async def indicators_csv(request: Request) -> Response:
    body = ind.indicators_csv(await _indicators(request))
    return attachment(body, "text/csv; charset=utf-8", "indicators.csv")


routes: list[BaseRoute] = [
    Route("/api/v1/cohorts/{cohort_id}/report.json", report_download, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/report.csv", report_download, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/report.pdf", report_download, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/reports", report_list, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/followup-reports", followup_create, methods=["POST"]),
    Route(
        "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/outcome",
        outcome_api,
        methods=["GET", "PUT"],
    ),
    Route("/api/v1/indicators", indicators_api, methods=["GET"]),
    Route("/api/v1/indicators.csv", indicators_csv, methods=["GET"]),
]
