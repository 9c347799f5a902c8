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


def sign_in_participant_cookie(client: Any, settings: Any, participant: Any) -> None:
    """Sign a phone in as a member by minting the signed session cookie the app would set.

    The join page belongs to another part of the app; the cookie is what it produces.
    """
    import json
    from base64 import b64encode

    import itsdangerous

    session = {"pid": str(participant.id), "pv": participant.auth_version}
    data = b64encode(json.dumps(session).encode())
    signed = itsdangerous.TimestampSigner(str(settings.secret_key)).sign(data)
    client.cookies.set("flashcoop_session", signed.decode())
