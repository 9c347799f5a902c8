"""What closure hands over for a participant's export (shares, situations after the
cooperative), and what it forgets when the participant is erased (privacy's signals)."""

from __future__ import annotations

from typing import Any

from flashcoop.closure.models import Outcome, Share
from flashcoop.core.fields import format_amount


async def export_closure(*, participant: Any, **_: Any) -> dict[str, Any]:
    shares = await Share.filter(participant_id=participant.id)
    outcomes = await Outcome.filter(participant_id=participant.id).order_by("recorded_at")
    return {
        "shares": [{"amount": format_amount(s.amount_cents)} for s in shares],
        "outcomes": [
            {"situation": o.situation, "note": o.note, "recorded_at": o.recorded_at.isoformat()}
            for o in outcomes
        ],
    }


async def forget_notes(*, participant: Any, **_: Any) -> None:
    """The staff's notes on the member's situation are free text that may name them."""
    await Outcome.filter(participant_id=participant.id).update(note="")
