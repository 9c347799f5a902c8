"""JSON API of the ledger: record, reverse, list, summarise, verify, export (thin)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.services import get_cohort
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, Forbidden, Text, ValidationError
from flashcoop.core.fields import format_amount
from flashcoop.core.principal import Principal
from flashcoop.ledger import drafts, exports, reports, services
from flashcoop.ledger.chain import verification_json, verify_chain
from flashcoop.ledger.models import LedgerEntry
from flashcoop.web.api import attachment, iso, json_body, listing
from flashcoop.web.auth import require, settings_of

MAX_PAGE = 500


def entry_json(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "seq": entry.seq,
        "kind": entry.kind,
        "amount": format_amount(entry.amount_cents),
        "quantity": entry.quantity,
        "label": entry.label,
        "payment_method": entry.payment_method,
        "participant_id": str(entry.participant_id) if entry.participant_id else None,
        "occurred_at": iso(entry.occurred_at),
        "recorded_at": iso(entry.recorded_at),
        "reverses": str(entry.reverses_id) if entry.reverses_id else None,
        "reason": entry.reason or None,
        "hash": entry.hash,
    }


async def _writer(request: Request) -> tuple[Principal, Cohort]:
    principal = await require(request, "participant", "facilitator", "admin")
    cohort = await get_cohort(principal, request.path_params["cohort_id"])
    return principal, cohort


async def _staff(request: Request) -> tuple[Principal, Cohort]:
    principal = await require(request, "facilitator", "admin")
    cohort = await get_cohort(principal, request.path_params["cohort_id"], staff=True)
    return principal, cohort


async def entry_create(request: Request) -> Response:
    principal, cohort = await _writer(request)
    now = utcnow()
    draft = await drafts.read_entry(
        await json_body(request),
        cohort=cohort,
        ceiling_cents=settings_of(request).amount_ceiling_cents,
        now=now,
    )
    done = await services.record_entry(cohort, draft, principal=principal, now=now)
    return JSONResponse(entry_json(done.entry), status_code=201 if done.created else 200)


async def entry_reverse(request: Request) -> Response:
    principal, cohort = await _writer(request)
    original_id = drafts.entry_key(request.path_params["entry_id"])
    await services.reversal_target(cohort, original_id, principal=principal)
    reversal = drafts.read_reversal(await json_body(request))
    done = await services.reverse_entry(cohort, original_id, reversal, principal=principal)
    return JSONResponse(entry_json(done.entry), status_code=201 if done.created else 200)


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        message = Text(N_("Enter a whole number from {low} to {high}."), {"low": low, "high": high})
        raise ValidationError({name: message})
    return value


async def entry_list(request: Request) -> Response:
    _, cohort = await _staff(request)
    after = _int_param(request, "after", 0, 0, 2**31 - 1)
    limit = _int_param(request, "limit", 100, 1, MAX_PAGE)
    rows = (
        await LedgerEntry.filter(cohort_id=cohort.id, seq__gt=after)
        .order_by("seq")
        .limit(limit + 1)
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return listing([entry_json(e) for e in rows], rows[-1].seq if more else None)


async def ledger(request: Request) -> Response:
    principal, cohort = await _staff(request)
    summary = await reports.ledger_summary(cohort.id, cohort.currency, viewer=principal)
    return JSONResponse(summary_json(summary))


def summary_json(summary: reports.LedgerSummary) -> dict[str, Any]:
    return {
        "currency": summary.currency,
        "sales": format_amount(summary.sales),
        "expenses": format_amount(summary.expenses),
        "surplus": format_amount(summary.surplus),
        "entries": summary.entries,
        "by_participant": [
            {
                "participant_id": t.participant_id,
                "display_name": t.display_name,
                "sales": format_amount(t.sales),
                "count": t.count,
            }
            for t in summary.by_participant
        ],
        "by_day": [{"day": day, "sales": format_amount(total)} for day, total in summary.by_day],
        "by_label": [
            {"label": label, "sales": format_amount(total), "quantity": qty}
            for label, total, qty in summary.by_label
        ],
        "by_payment_method": [
            {"payment_method": method, "sales": format_amount(total)}
            for method, total in summary.by_payment_method
        ],
    }


async def ledger_verify(request: Request) -> Response:
    principal = await require(request)
    cohort = await get_cohort(principal, request.path_params["cohort_id"])
    return JSONResponse(verification_json(await verify_chain(cohort.id)))


async def ledger_total(request: Request) -> Response:
    principal = await require(request)
    cohort = await get_cohort(principal, request.path_params["cohort_id"])
    if not (principal.is_staff or principal.participant is not None):
        raise Forbidden()
    sales = await reports.collective_sales(cohort.id)
    data: dict[str, Any] = {"currency": cohort.currency, "sales": format_amount(sales)}
    if principal.participant is not None:
        mine, count = await reports.participant_sales(cohort.id, principal.participant.id)
        data["mine"] = {"sales": format_amount(mine), "count": count}
    return JSONResponse(data)


async def entries_csv(request: Request) -> Response:
    principal, cohort = await _staff(request)
    sep = ";" if request.query_params.get("sep") == "semicolon" else ","
    body = await exports.entries_csv(cohort, sep=sep, viewer=principal)
    name = f"ledger-{cohort.id}.csv"
    return attachment(body, "text/csv; charset=utf-8", name)


routes = [
    Route("/api/v1/cohorts/{cohort_id}/entries", entry_create, methods=["POST"]),
    Route("/api/v1/cohorts/{cohort_id}/entries", entry_list, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/entries.csv", entries_csv, methods=["GET"]),
    Route(
        "/api/v1/cohorts/{cohort_id}/entries/{entry_id}/reverse", entry_reverse, methods=["POST"]
    ),
    Route("/api/v1/cohorts/{cohort_id}/ledger", ledger, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/ledger/verify", ledger_verify, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}/ledger/total", ledger_total, methods=["GET"]),
]
