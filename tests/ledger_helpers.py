"""Helpers shared by the ledger tests."""

from __future__ import annotations

import uuid
from typing import Any


def sale(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "kind": "sale",
        "amount": "12.50",
        "quantity": 1,
        "label": "Jus d'orange",
        "payment_method": "cash",
    }
    body.update(overrides)
    return body


def entries_url(cohort: Any) -> str:
    return f"/api/v1/cohorts/{cohort.id}/entries"
