"""The ledger's sections of the participant home and of the cohort dashboard."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from flashcoop.cohorts.models import Cohort, Participant, Product
from flashcoop.cohorts.services import ensure_open
from flashcoop.core.domain import Section
from flashcoop.core.errors import DomainError
from flashcoop.core.fields import format_amount
from flashcoop.core.principal import Principal
from flashcoop.ledger import reports
from flashcoop.ledger.models import PAYMENT_METHODS, LedgerEntry
from flashcoop.ledger.services import last_sale_by_participant, sales_by_participant

RECENT = 10


@dataclass(frozen=True)
class Confirmation:
    entry: LedgerEntry
    collective_sales: int


async def home_section(
    cohort: Cohort, participant: Participant, page: dict[str, Any] | None = None
) -> Section | None:
    """Sale logging, the confirmation of the last sale and the collective total."""
    products = await Product.filter(cohort_id=cohort.id).order_by("position", "id")
    mine = (
        await LedgerEntry.filter(cohort_id=cohort.id, author_id=participant.id)
        .order_by("-seq")
        .limit(RECENT)
    )
    reversed_ids = (
        set(
            await LedgerEntry.filter(reverses_id__in=[e.id for e in mine]).values_list(
                "reverses_id", flat=True
            )
        )
        if mine
        else set()
    )
    my_sales, my_count = await reports.participant_sales(cohort.id, participant.id)
    collective_sales = await reports.collective_sales(cohort.id)
    recorded = await confirmation(participant, (page or {}).get("recorded"), collective_sales)
    try:
        ensure_open(cohort)
        closed_reason = None
    except DomainError as exc:
        closed_reason = exc.text  # no form then: say why, rather than refuse after a tap
    return (
        "ledger/_home_section.html",
        {
            "cohort": cohort,
            "products": products,
            "recent": mine,
            "reversed_ids": {str(i) for i in reversed_ids},
            "collective_sales": collective_sales,
            "my_sales": my_sales,
            "my_count": my_count,
            "entry_id": str(uuid.uuid4()),
            "payment_methods": PAYMENT_METHODS,
            "can_expense": participant.role == "treasurer",
            "action": f"/cohorts/{cohort.id}/sales",
            "closed_reason": closed_reason,
            "recorded": recorded,
        },
    )


async def confirmation(
    participant: Participant, entry_id: str | None, collective_sales: int
) -> Confirmation | None:
    """What to show after a sale was recorded (POST-redirect-GET with ?recorded=<id>)."""
    if not entry_id:
        return None
    try:
        key = UUID(entry_id)
    except ValueError:
        return None
    entry = await LedgerEntry.get_or_none(
        id=key, cohort_id=participant.cohort_id, author_id=participant.id
    )
    if entry is None:
        return None
    return Confirmation(entry, collective_sales)


async def dashboard_section(cohort: Cohort, principal: Principal) -> Section | None:
    """The cohort's totals on the facilitator's dashboard."""
    if not principal.is_staff:
        return None
    summary = await reports.ledger_summary(cohort.id, cohort.currency, viewer=principal)
    return ("ledger/_dashboard_section.html", {"cohort": cohort, "summary": summary})


async def member_figures(
    cohort: Cohort, members: Sequence[Participant]
) -> dict[str, dict[str, Any]]:
    """Each member's net sales and the time of their last sale, for the participants' list."""
    sales = await sales_by_participant(cohort.id)
    last = await last_sale_by_participant(cohort.id)
    return {
        str(p.id): {
            "sales": format_amount(sales.get(str(p.id), 0)),
            "last_sale_at": last.get(str(p.id)),
        }
        for p in members
    }
