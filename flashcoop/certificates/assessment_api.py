"""JSON API of assessments: record one (staff, or a member for themselves), list them (staff)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from flashcoop.certificates.assessments import history, record_assessment
from flashcoop.certificates.models import Assessment
from flashcoop.cohorts import services
from flashcoop.core.errors import N_, Forbidden, ValidationError
from flashcoop.web.api import iso, json_body, listing
from flashcoop.web.auth import require


def assessment_json(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.id,
        "participant_id": str(assessment.participant_id),
        "competence": assessment.competence,
        "level": assessment.level,
        "self": assessment.is_self,
        "note": assessment.note,
        "assessed_at": iso(assessment.assessed_at),
        "assessed_by": assessment.assessed_by_id,
    }


async def assessments(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin", "participant")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"])
    if request.method == "GET":
        if not principal.is_staff:
            raise Forbidden()
        return listing([assessment_json(a) for a in await history(cohort.id)])
    body = await json_body(request)
    is_self = body.get("self", False)
    if not isinstance(is_self, bool):
        raise ValidationError({"self": N_("Enter true or false.")})
    recorded = await record_assessment(
        cohort,
        principal,
        participant_id=body.get("participant_id"),
        competence=body.get("competence"),
        level=body.get("level"),
        note=body.get("note") or "",
        is_self=is_self,
    )
    return JSONResponse(assessment_json(recorded), status_code=201)


routes = [Route("/api/v1/cohorts/{cohort_id}/assessments", assessments, methods=["GET", "POST"])]
