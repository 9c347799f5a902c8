"""CSV export of a cohort's entries: UTF-8 with a BOM so French spreadsheets read accents."""

from __future__ import annotations

import csv
import io

from flashcoop.cohorts.members import names_by_id
from flashcoop.cohorts.models import Cohort
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
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(HEADER)
    for entry in await LedgerEntry.filter(cohort_id=cohort.id).order_by("seq"):
        amount = format_amount(entry.amount_cents)
        writer.writerow(
            [
                entry.seq,
                entry.id,
                entry.kind,
                entry.occurred_at.isoformat(),
                entry.local_day,
                _cell(entry.label),
                entry.quantity,
                amount.replace(".", ",") if sep == ";" else amount,
                cohort.currency,
                entry.payment_method,
                entry.participant_id or "",
                _cell(names.get(str(entry.participant_id), "")),
                entry.reverses_id or "",
                _cell(entry.reason),
                entry.recorded_at.isoformat(),
                entry.hash,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    # A label typed on a phone must not become a formula in the facilitator's spreadsheet.
    text = text.replace("\r", " ").replace("\n", " ")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
