"""Helpers shared by the ledger tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flashcoop.ledger.drafts import Draft


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


async def sign_in_participant(client: Any, settings: Any, participant: Any) -> None:
    """Sign a phone in as a member, through the personal sign-in card link the app prints."""
    from flashcoop.cohorts.cards import card_token

    response = await client.get(f"/s/{card_token(participant, secret=settings.secret_key)}")
    assert response.status_code == 303, response.text


def book_draft(kind: str, cents: int, at: datetime) -> Draft:
    """A sale or expense of one line, as a service takes it (for tests that fill books)."""
    return Draft(
        id=uuid.uuid4(),
        kind=kind,
        book=kind,
        amount_cents=cents,
        quantity=1,
        label="Jus d'orange" if kind == "sale" else "Oranges",
        payment_method="cash",
        occurred_at=at,
    )
