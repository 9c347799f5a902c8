"""Error codes of the ledger domain: each is explained in docs/errors.md."""

from __future__ import annotations

from enum import StrEnum


class LedgerError(StrEnum):
    EXPENSES_FORBIDDEN = "expenses_forbidden"
    REVERSAL_FORBIDDEN = "reversal_forbidden"
    REVERSAL_OF_REVERSAL = "reversal_of_reversal"
    DUPLICATE_ID_CONFLICT = "duplicate_id_conflict"
    ALREADY_REVERSED = "already_reversed"
