"""What the ledger hands over for a participant's export (privacy's signal). Nothing to
forget on erasure: entries carry ids, never names, and the chain covers ids only."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from flashcoop.core.fields import format_amount
from flashcoop.ledger.models import LedgerEntry


async def export_entries(*, participant: Any, **_: Any) -> dict[str, Any]:
    """The entries the member recorded or that count for them, in chain order."""
    rows = await LedgerEntry.filter(
        Q(participant_id=participant.id) | Q(author_id=participant.id)
    ).order_by("cohort_id", "seq")
    return {
        "entries": [
            {
                "id": str(e.id),
                "seq": e.seq,
                "kind": e.kind,
                "amount": format_amount(e.amount_cents),
                "quantity": e.quantity,
                "label": e.label,
                "payment_method": e.payment_method,
                "occurred_at": e.occurred_at.isoformat(),
                "recorded_at": e.recorded_at.isoformat(),
                "reverses": str(e.reverses_id) if e.reverses_id else None,
                "recorded_by_you": e.author_id == participant.id,
            }
            for e in rows
        ]
    }
