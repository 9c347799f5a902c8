"""The facilitator's certificates page: who is eligible, issue early or by override, revoke
(after a confirmation), download one or all (thin: parse, call, render)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.certificates.issuing import (
    Standing,
    issue_certificate,
    read_reason,
    revoke_certificate,
    standings,
    verify_url,
)
from flashcoop.certificates.models import Certificate
from flashcoop.certificates.services import cohort_certificates, get_certificate
from flashcoop.certificates.verify_routes import routes as public_routes
from flashcoop.cohorts import services
from flashcoop.cohorts.members import members, participant_of, person_name
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core import i18n
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import DomainError, ValidationError
from flashcoop.core.principal import Principal
from flashcoop.web.auth import require, settings_of
from flashcoop.web.templating import render


@dataclass(frozen=True)
class Row:
    participant: Participant
    name: str
    standing: Standing
    certificate: Certificate | None

    @property
    def hours(self) -> str:
        """Attended and planned hours, e.g. "2,5 / 7 h" in French."""
        locale = "fr_FR" if i18n.current_language() == "fr" else "en_GB"
        attended, planned = (
            format_decimal(round(m / 60, 1), format="#,##0.#", locale=locale)
            for m in (self.standing.minutes, self.standing.planned)
        )
        return f"{attended} / {planned} h"


async def _rows(cohort: Cohort, principal: Principal) -> list[Row]:
    now = utcnow()
    found = await standings(cohort, now=now)
    issued = {str(c.participant_id): c for c in await cohort_certificates(cohort)}
    return [
        Row(p, person_name(p, principal, legal=True), found[str(p.id)], issued.get(str(p.id)))
        for p in await members(cohort.id, order="name")
        if str(p.id) in found
    ]


async def _page(
    request: Request,
    cohort: Cohort,
    principal: Principal,
    *,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    rows = await _rows(cohort, principal)
    context = {
        "cohort": cohort,
        "rows": rows,
        "issued_count": sum(1 for r in rows if r.certificate is not None),
        "done": request.query_params.get("done", ""),
        "errors": errors or {},
        "verify_url": lambda c: verify_url(settings_of(request), c.id),
    }
    return render(request, "certificates/certificate_list.html", context, status=status)


async def certificate_list(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    return await _page(request, cohort, principal)


async def certificate_issue(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    form = await request.form()
    participant = await participant_of(cohort, str(form.get("participant_id", "")))
    try:
        await issue_certificate(
            cohort,
            participant,
            principal=principal,
            reason=read_reason(str(form.get("reason", "")), required=False),
            settings=settings_of(request),
            now=utcnow(),
            language=str(form.get("language", "")) or None,
        )
    except ValidationError as exc:
        return await _page(
            request,
            cohort,
            principal,
            errors={"pid": str(participant.id), **exc.fields},
            status=422,
        )
    except DomainError as exc:
        errors = {"pid": str(participant.id), "reason": exc.text}
        return await _page(request, cohort, principal, errors=errors, status=exc.status)
    return RedirectResponse(
        f"/cohorts/{cohort.id}/certificates?done=issued#p-{participant.id}", status_code=303
    )


async def certificate_revoke(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    certificate, cohort = await get_certificate(principal, request.path_params["certificate_id"])
    context: dict[str, Any] = {"cohort": cohort, "certificate": certificate, "errors": {}}
    if request.method == "GET":
        return render(request, "certificates/certificate_revoke.html", context)
    form = await request.form()
    try:
        await revoke_certificate(
            certificate, principal=principal, reason=str(form.get("reason", "")), now=utcnow()
        )
    except ValidationError as exc:
        context.update(errors=exc.fields, reason=str(form.get("reason", "")))
        return render(request, "certificates/certificate_revoke.html", context, status=422)
    return RedirectResponse(f"/cohorts/{cohort.id}/certificates?done=revoked", status_code=303)


routes: list[BaseRoute] = [
    Route("/cohorts/{cohort_id}/certificates", certificate_list, methods=["GET"]),
    Route("/cohorts/{cohort_id}/certificates/issue", certificate_issue, methods=["POST"]),
    Route("/certificates/{certificate_id}/revoke", certificate_revoke, methods=["GET", "POST"]),
    *public_routes,
]
