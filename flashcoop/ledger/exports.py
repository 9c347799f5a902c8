"""CSV export of a cohort's entries: UTF-8 with a BOM so French spreadsheets read accents."""

from __future__ import annotations

from flashcoop.cohorts.members import names_by_id
from flashcoop.cohorts.models import Cohort
from flashcoop.core.csvfile import csv_bytes
from flashcoop.core.fields import format_amount
from flashcoop.core.principal import Principal
from flashcoop.ledger.models import LedgerEntry

HEADER = [
    "seq",
    "id",
    "kind",
    "occurred_at",
    "local_day",
    "label",
    "quantity",
    "amount",
    "currency",
    "payment_method",
    "participant_id",
    "participant",
    "reverses",
    "reason",
    "recorded_at",
    "hash",
]


async def entries_csv(cohort: Cohort, *, sep: str = ",", viewer: Principal | None = None) -> bytes:
    """Every entry in seq order, header first, people named as `viewer` sees them; with
    sep=";" amounts use a decimal comma."""
    names = await names_by_id(cohort.id, viewer)
    rows = []
    for entry in await LedgerEntry.filter(cohort_id=cohort.id).order_by("seq"):
        amount = format_amount(entry.amount_cents)
        rows.append(
            [
                entry.seq,
                str(entry.id),
                entry.kind,
                entry.occurred_at.isoformat(),
                entry.local_day,
                entry.label,
                entry.quantity,
                amount.replace(".", ",") if sep == ";" else amount,
                cohort.currency,
                entry.payment_method,
                str(entry.participant_id or ""),
                names.get(str(entry.participant_id), ""),
                str(entry.reverses_id or ""),
                entry.reason,
                entry.recorded_at.isoformat(),
                entry.hash,
            ]
        )
    return csv_bytes(HEADER, rows, sep=sep)
