"""JSON API of certificates (thin: parse, call a service, answer); see ../shared/API.md."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.certificates import badges
from flashcoop.certificates.issuing import (
    issue_certificate,
    read_reason,
    revoke_certificate,
    verify_url,
)
from flashcoop.certificates.models import Certificate
from flashcoop.certificates.services import (
    certificate_of,
    cohort_certificates,
    cohort_zip,
    file_name,
    get_certificate,
    pdf_bytes,
    slug,
)
from flashcoop.cohorts import services
from flashcoop.cohorts.members import member, participant_of
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import NotFound
from flashcoop.core.settings import Settings
from flashcoop.web.api import attachment, iso, json_body, listing
from flashcoop.web.auth import require, settings_of


def certificate_json(certificate: Certificate, settings: Settings) -> dict[str, Any]:
    return {
        "id": str(certificate.id),
        "participant_id": str(certificate.participant_id),
        "issued_at": iso(certificate.issued_at),
        "verify_url": verify_url(settings, certificate.id),
        "pdf_url": f"{badges.base(settings)}/api/v1/certificates/{certificate.id}.pdf",
        "badge_url": badges.assertion_url(settings, certificate.id),
        "revoked": certificate.revoked_at is not None,
        "kind": certificate.kind,
        "revoked_at": iso(certificate.revoked_at),
        "revocation_reason": certificate.revocation_reason or None,
    }


async def issue_api(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    participant = await participant_of(cohort, request.path_params["participant_id"])
    body = await json_body(request) if await request.body() else {}
    settings = settings_of(request)
    certificate, created = await issue_certificate(
        cohort,
        participant,
        principal=principal,
        reason=read_reason(body.get("reason"), required=False),
        settings=settings,
        now=utcnow(),
        language=body.get("language"),
    )
    return JSONResponse(
        certificate_json(certificate, settings), status_code=201 if created else 200
    )


async def cohort_list_api(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    settings = settings_of(request)
    return listing([certificate_json(c, settings) for c in await cohort_certificates(cohort)])


async def my_certificate_api(request: Request) -> Response:
    principal = await require(request, "participant")
    me = member(principal)
    certificate = await certificate_of(me.cohort_id, me.id)
    if certificate is None:
        raise NotFound()
    return JSONResponse(certificate_json(certificate, settings_of(request)))


async def pdf_api(request: Request) -> Response:
    principal = await require(request)
    certificate, _cohort = await get_certificate(principal, request.path_params["certificate_id"])
    body = await pdf_bytes(certificate, settings=settings_of(request))
    return attachment(body, "application/pdf", file_name(certificate))


async def zip_api(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    body = await cohort_zip(cohort, settings=settings_of(request))
    return attachment(body, "application/zip", f"certificates-{slug(cohort.name) or 'cohort'}.zip")


async def revoke_api(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    certificate, _cohort = await get_certificate(principal, request.path_params["certificate_id"])
    body = await json_body(request)
    revoked = await revoke_certificate(
        certificate, principal=principal, reason=body.get("reason"), now=utcnow()
    )
    return JSONResponse(certificate_json(revoked, settings_of(request)))


routes: list[BaseRoute] = [
    Route(
        "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/certificate",
        issue_api,
        methods=["POST"],
    ),
    Route("/api/v1/cohorts/{cohort_id}/certificates", cohort_list_api, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/certificates.zip", zip_api, methods=["GET"]),
    Route("/api/v1/me/certificate", my_certificate_api, methods=["GET"]),
    Route("/api/v1/certificates/{certificate_id}.pdf", pdf_api, methods=["GET"]),
    Route("/api/v1/certificates/{certificate_id}/revoke", revoke_api, methods=["POST"]),
]
