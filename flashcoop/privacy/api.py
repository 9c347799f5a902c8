"""JSON API of privacy (thin: parse, call a service, answer): the participant's export and
consents, an admin's erasure and audit trail, a structure's retention period."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.accounts.models import Organisation
from flashcoop.cohorts.members import member, person_name
from flashcoop.cohorts.models import Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import NotFound
from flashcoop.core.fields import row_id
from flashcoop.privacy import audit, consents, erasure, retention
from flashcoop.privacy.export import build_export
from flashcoop.privacy.services import participant_by_id
from flashcoop.web.api import attachment, iso, json_body, listing
from flashcoop.web.auth import require, settings_of


async def my_export(request: Request) -> Response:
    principal = await require(request, "participant")
    data = await build_export(member(principal), settings=settings_of(request), now=utcnow())
    body = bytes(JSONResponse(data).body)
    return attachment(body, "application/json", "flashcoop-my-data.json")


async def my_consents(request: Request) -> Response:
    principal = await require(request, "participant")
    participant = member(principal)
    if request.method == "PUT":
        wanted = consents.read_consents(await json_body(request), consents.consents_of(participant))
        await consents.set_consents(participant, wanted, actor=principal, now=utcnow())
    return JSONResponse(consents.consents_of(participant))


def erased_json(participant: Participant) -> dict[str, Any]:
    return {
        "id": str(participant.id),
        "cohort_id": str(participant.cohort_id),
        "display_name": person_name(participant),
        "erased": participant.erased_at is not None,
        "erased_at": iso(participant.erased_at),
    }


async def erase(request: Request) -> Response:
    principal = await require(request, "admin")
    participant = await participant_by_id(request.path_params["participant_id"])
    reason = erasure.read_reason(await json_body(request))
    await erasure.erase_participant(participant, actor=principal, reason=reason, now=utcnow())
    return JSONResponse(erased_json(participant))


async def audit_list(request: Request) -> Response:
    await require(request, "admin")
    found = audit.read_filter(dict(request.query_params))
    rows = await audit.entries(found)
    return listing([audit.entry_json(row) for row in rows])


async def retention_api(request: Request) -> Response:
    await require(request, "admin")
    key = row_id(request.path_params["org_id"])
    organisation = await Organisation.get_or_none(id=key) if key else None
    if organisation is None or organisation.kind != "structure":
        raise NotFound()
    if request.method == "PUT":
        data = await json_body(request)
        await retention.set_retention_months(organisation, data.get("months"))
    settings = settings_of(request)
    months = await retention.retention_months(organisation.id, settings)
    return JSONResponse(
        {"organisation_id": organisation.id, "months": months, "default": settings.retention_months}
    )


routes: list[BaseRoute] = [
    Route("/api/v1/me/export", my_export, methods=["GET"]),
    Route("/api/v1/me/consents", my_consents, methods=["GET", "PUT"]),
    Route("/api/v1/participants/{participant_id}/erase", erase, methods=["POST"]),
    Route("/api/v1/audit", audit_list, methods=["GET"]),
    Route("/api/v1/organisations/{org_id}/retention", retention_api, methods=["GET", "PUT"]),
]
