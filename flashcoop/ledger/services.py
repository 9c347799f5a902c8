"""Ledger services (filled in by the ledger capability)."""

from __future__ import annotations


async def sales_by_participant(cohort_id: object) -> dict[str, int]:
    """Net sales in cents per participant id (as str) of a cohort."""
    return {}
