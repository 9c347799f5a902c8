"""HTML routes of the ledger: the sale form of /me, the facilitator's books, the worker."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from flashcoop.cohorts.members import names_by_id
from flashcoop.cohorts.models import Cohort, Product
from flashcoop.cohorts.services import get_cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, Text, ValidationError
from flashcoop.core.principal import Principal
from flashcoop.ledger import drafts, reports, services
from flashcoop.ledger.chain import verify_chain
from flashcoop.ledger.errors import LedgerError
from flashcoop.ledger.models import PAYMENT_METHODS, REVERSAL, LedgerEntry
from flashcoop.web.auth import require, settings_of
from flashcoop.web.templating import render

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
FORM_FIELDS = ("id", "kind", "amount", "quantity", "label", "payment_method", "product")
# The form's radio buttons are named "product"; the API body, like the service, says product_id.
BODY_NAMES = {"product": "product_id"}
FORM_NAMES = {body: form for form, body in BODY_NAMES.items()}


def entry_body(values: dict[str, str]) -> dict[str, Any]:
    """The API body of a submitted form: the fields filled in, under the API's names."""
    return {BODY_NAMES.get(name, name): value for name, value in values.items() if value}


async def _record_from_form(
    request: Request, cohort: Cohort, principal: Principal
) -> tuple[services.Recorded | None, dict[str, Any]]:
    form = await request.form()
    values = {name: str(form.get(name) or "") for name in FORM_FIELDS}
    now = utcnow()
    try:
        draft = await drafts.read_entry(
            entry_body(values),
            cohort=cohort,
            ceiling_cents=settings_of(request).amount_ceiling_cents,
            now=now,
        )
        done = await services.record_entry(cohort, draft, principal=principal, now=now)
    except ValidationError as exc:
        # Each error goes next to the form field it is about.
        errors = {FORM_NAMES.get(name, name): text for name, text in exc.fields.items()}
        return None, {"errors": errors, "values": values, "entry_id": values["id"]}
    except DomainError as exc:
        if exc.code != LedgerError.DUPLICATE_ID_CONFLICT:
            raise
        # The form was sent before with other values (back button): offer a fresh one.
        errors = {"form": Text(N_("This form was already sent. Check and record again."))}
        return None, {"errors": errors, "values": values, "entry_id": str(uuid.uuid4())}
    return done, {}


async def sale_form(request: Request) -> Response:
    principal = await require(request, "participant")
    cohort = await get_cohort(principal, request.path_params["cohort_id"])
    done, failed = await _record_from_form(request, cohort, principal)
    if done is None:
        from flashcoop.cohorts.pages import render_home

        return await render_home(request, principal, status=422, ledger_form=failed)
    # POST-redirect-GET: a refresh shows the confirmation again, never records twice.
    return RedirectResponse(f"/me?recorded={done.entry.id}#recorded", status_code=303)


async def books_page(request: Request, ledger_form: dict[str, Any] | None = None) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await get_cohort(principal, request.path_params["cohort_id"], staff=True)
    entries = await LedgerEntry.filter(cohort_id=cohort.id).order_by("-seq").limit(500)
    reversed_ids = {
        str(i)
        for i in await LedgerEntry.filter(cohort_id=cohort.id, kind=REVERSAL).values_list(
            "reverses_id", flat=True
        )
    }
    return render(
        request,
        "ledger/books.html",
        {
            "cohort": cohort,
            "summary": await reports.ledger_summary(cohort.id, cohort.currency, viewer=principal),
            "verification": await verify_chain(cohort.id),
            "entries": entries,
            "reversed_ids": reversed_ids,
            "names": await names_by_id(cohort.id, principal),
            "products": await Product.filter(cohort_id=cohort.id),
            "payment_methods": PAYMENT_METHODS,
            "entry_id": str(uuid.uuid4()),
            "ledger_form": ledger_form or {},
            "reverse_error": request.query_params.get("reverse_error"),
            "uuid4": lambda: str(uuid.uuid4()),
        },
        status=422 if ledger_form else 200,
    )


async def books_get(request: Request) -> Response:
    return await books_page(request)


async def books_entry(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await get_cohort(principal, request.path_params["cohort_id"], staff=True)
    done, failed = await _record_from_form(request, cohort, principal)
    if done is None:
        return await books_page(request, failed)
    return RedirectResponse(f"/cohorts/{cohort.id}/ledger#entries", status_code=303)


async def reverse_form(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await get_cohort(principal, request.path_params["cohort_id"], staff=True)
    original_id = drafts.entry_key(request.path_params["entry_id"])
    await services.reversal_target(cohort, original_id, principal=principal)
    form = await request.form()
    data = {"id": str(form.get("id") or ""), "reason": str(form.get("reason") or "")}
    target = f"/cohorts/{cohort.id}/ledger"
    try:
        reversal = drafts.read_reversal(data)
        await services.reverse_entry(cohort, original_id, reversal, principal=principal)
    except ValidationError:
        return RedirectResponse(
            f"{target}?reverse_error={request.path_params['entry_id']}#entries", status_code=303
        )
    return RedirectResponse(f"{target}#entries", status_code=303)


async def service_worker(request: Request) -> Response:
    # Served from the root so that its scope covers /me (a worker's scope is its folder).
    return FileResponse(
        STATIC / "sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


routes = [
    Route("/cohorts/{cohort_id}/sales", sale_form, methods=["POST"]),
    Route("/cohorts/{cohort_id}/ledger", books_get, methods=["GET"]),
    Route("/cohorts/{cohort_id}/ledger/entries", books_entry, methods=["POST"]),
    Route("/cohorts/{cohort_id}/ledger/{entry_id}/reverse", reverse_form, methods=["POST"]),
    Route("/sw.js", service_worker, methods=["GET"]),
]
