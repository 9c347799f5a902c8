"""HTML routes of the ledger: the sale form of /me, the facilitator's books, the worker."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from flashcoop.cohorts.models import Cohort, Product
from flashcoop.cohorts.services import get_cohort
from flashcoop.core.errors import N_, DomainError, Text, ValidationError
from flashcoop.core.fields import format_amount
from flashcoop.ledger import reports, services
from flashcoop.ledger.chain import verify_chain
from flashcoop.ledger.errors import LedgerError
from flashcoop.ledger.models import PAYMENT_METHODS, REVERSAL, LedgerEntry
from flashcoop.web.auth import require, settings_of
from flashcoop.web.templating import render

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
FORM_FIELDS = ("id", "kind", "amount", "quantity", "label", "payment_method", "product")


async def entry_data(form: FormData, cohort: Cohort) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body for a submitted form (a chosen product gives label and price), and values."""
    values = {name: str(form.get(name) or "") for name in FORM_FIELDS}
    data: dict[str, Any] = {k: values[k] for k in FORM_FIELDS if k != "product" and values[k]}
    product_id = values["product"].strip()
    if product_id:
        product = None
        if product_id.isdigit():
            product = await Product.get_or_none(id=int(product_id), cohort_id=cohort.id)
        if product is None:
            raise ValidationError({"product": N_("Choose a product from the list.")})
        data["label"] = product.label
        quantity = values["quantity"].strip() or "1"
        if not data.get("amount") and quantity.isdigit() and int(quantity) >= 1:
            data["amount"] = format_amount(product.price_cents * int(quantity))
    return data, values


async def _record_from_form(
    request: Request, cohort: Cohort, principal: Any
) -> tuple[services.Recorded | None, dict[str, Any]]:
    form = await request.form()
    data, values = await entry_data(form, cohort)
    try:
        done = await services.record_entry(
            cohort,
            data,
            principal=principal,
            ceiling_cents=settings_of(request).amount_ceiling_cents,
        )
    except ValidationError as exc:
        return None, {"errors": exc.fields, "values": values, "entry_id": values["id"]}
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
    try:
        done, failed = await _record_from_form(request, cohort, principal)
    except ValidationError as exc:  # an unknown product
        form = await request.form()
        values = {name: str(form.get(name) or "") for name in FORM_FIELDS}
        done, failed = None, {"errors": exc.fields, "values": values, "entry_id": values["id"]}
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
    names = dict(await cohort.participants.all().values_list("id", "display_name"))
    return render(
        request,
        "ledger/books.html",
        {
            "cohort": cohort,
            "summary": await reports.ledger_summary(cohort.id, cohort.currency),
            "verification": await verify_chain(cohort.id),
            "entries": entries,
            "reversed_ids": reversed_ids,
            "names": {str(k): v for k, v in names.items()},
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
    try:
        done, failed = await _record_from_form(request, cohort, principal)
    except ValidationError as exc:
        form = await request.form()
        values = {name: str(form.get(name) or "") for name in FORM_FIELDS}
        done, failed = None, {"errors": exc.fields, "values": values, "entry_id": values["id"]}
    if done is None:
        return await books_page(request, failed)
    return RedirectResponse(f"/cohorts/{cohort.id}/ledger#entries", status_code=303)


async def reverse_form(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await get_cohort(principal, request.path_params["cohort_id"], staff=True)
    form = await request.form()
    data = {"id": str(form.get("id") or ""), "reason": str(form.get("reason") or "")}
    target = f"/cohorts/{cohort.id}/ledger"
    try:
        await services.reverse_entry(
            cohort, request.path_params["entry_id"], data, principal=principal
        )
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
