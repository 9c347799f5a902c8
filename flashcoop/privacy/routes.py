"""Privacy pages: the participant's consents and data on the phone, an admin's audit trail and
erasure (after a confirmation). Thin: parse, call the services, render."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.accounts.models import Organisation
from flashcoop.cohorts.joining import PROFILE_FIELDS
from flashcoop.cohorts.members import member, person_name
from flashcoop.cohorts.models import Cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, ValidationError
from flashcoop.core.fields import row_id
from flashcoop.privacy import audit, consents, erasure, retention
from flashcoop.privacy.export import build_export
from flashcoop.privacy.retention import retention_months
from flashcoop.privacy.services import participant_by_id, update_my_privacy
from flashcoop.web.auth import require, settings_of
from flashcoop.web.templating import render


async def my_privacy(request: Request) -> Response:
    principal = await require(request, "participant")
    participant = member(principal)
    cohort = await Cohort.get(id=participant.cohort_id)
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {name: getattr(participant, name) or "" for name in PROFILE_FIELDS}
    status = 200
    if request.method == "POST":
        form = await request.form()
        data = {k: str(form.get(k, "")) for k in ("named_in_reports", "profile_data")}
        values = {k: str(form.get(k, "")).strip() for k in PROFILE_FIELDS}
        try:
            wanted = consents.read_consent_form(data)
            await update_my_privacy(participant, wanted, values, now=utcnow())
            return RedirectResponse("/me/privacy?saved=1", status_code=303)
        except ValidationError as exc:
            errors, status = dict(exc.fields), 422
    context = {
        "cohort": cohort,
        "participant": participant,
        "consents": consents.consents_of(participant),
        "values": values,
        "errors": errors,
        "saved": request.query_params.get("saved") == "1",
        "months": await retention_months(cohort.structure_id, settings_of(request)),
    }
    return render(request, "privacy/my_privacy.html", context, status=status)


async def my_data(request: Request) -> Response:
    principal = await require(request, "participant")
    participant = member(principal)
    data = await build_export(participant, settings=settings_of(request), now=utcnow())
    cohort = await Cohort.get(id=participant.cohort_id)
    return render(request, "privacy/my_data.html", {"data": data, "cohort": cohort})


async def audit_page(request: Request) -> Response:
    await require(request, "admin")
    query = {k: request.query_params.get(k, "") for k in ("cohort", "actor", "action")}
    errors: dict[str, Any] = {}
    rows: list[Any] = []
    try:
        rows = await audit.entries(audit.read_filter(query))
        status = 200
    except ValidationError as exc:
        errors, status = dict(exc.fields), 422
    context = {"rows": rows, "query": query, "errors": errors, "actions": audit.ACTIONS}
    return render(request, "privacy/audit_list.html", context, status=status)


async def erase_page(request: Request) -> Response:
    principal = await require(request, "admin")
    participant = await participant_by_id(request.path_params["participant_id"])
    cohort = await Cohort.get(id=participant.cohort_id)
    errors: dict[str, Any] = {}
    reason = ""
    status = 200
    if request.method == "POST":
        form = await request.form()
        reason = str(form.get("reason", ""))
        try:
            await erasure.erase_participant(
                participant,
                actor=principal,
                reason=erasure.read_reason({"reason": reason}),
                now=utcnow(),
            )
            return RedirectResponse(f"/admin/participants/{participant.id}/erase", 303)
        except ValidationError as exc:
            errors, status = dict(exc.fields), 422
        except DomainError as exc:
            errors, status = {"form": exc.text}, exc.status
    context = {
        "participant": participant,
        "name": person_name(participant, principal),
        "cohort": cohort,
        "errors": errors,
        "reason": reason,
    }
    return render(request, "privacy/erase_confirm.html", context, status=status)


async def retention_page(request: Request) -> Response:
    """Each structure's retention period (its own, or the default), changed one at a time."""
    await require(request, "admin")
    settings = settings_of(request)
    errors: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        form = await request.form()
        key = row_id(str(form.get("organisation", "")))
        organisation = await Organisation.get_or_none(id=key, kind="structure") if key else None
        typed = str(form.get("months", "")).strip()
        try:
            if organisation is None:
                raise ValidationError({"organisation": N_("Choose a structure.")})
            months = row_id(typed) if typed else None
            if typed and months is None:
                raise ValidationError({"months": N_("Between 1 and 120 months.")})
            await retention.set_retention_months(organisation, months)
            return RedirectResponse("/admin/retention?saved=1", status_code=303)
        except ValidationError as exc:
            errors, status = {"structure": organisation, **exc.fields}, 422
    structures = [
        (o, await retention_months(o.id, settings))
        for o in await Organisation.filter(kind="structure").order_by("name")
    ]
    context = {
        "structures": structures,
        "default": settings.retention_months,
        "errors": errors,
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "privacy/retention.html", context, status=status)


routes: list[BaseRoute] = [
    Route("/me/privacy", my_privacy, methods=["GET", "POST"]),
    Route("/me/privacy/data", my_data, methods=["GET"]),
    Route("/admin/audit", audit_page, methods=["GET"]),
    Route("/admin/retention", retention_page, methods=["GET", "POST"]),
    Route("/admin/participants/{participant_id}/erase", erase_page, methods=["GET", "POST"]),
]
