"""What workshops hand over for a participant's export (privacy's signal)."""

from __future__ import annotations

from typing import Any

from flashcoop.workshops.models import Attendance


async def export_attendance(*, participant: Any, **_: Any) -> dict[str, Any]:
    rows = (
        await Attendance.filter(participant_id=participant.id)
        .prefetch_related("workshop")
        .order_by("id")
    )
    return {
        "attendance": [
            {
                "workshop_id": str(a.workshop_id),
                "workshop": a.workshop.title,
                "starts_at": a.workshop.starts_at.isoformat(),
                "status": a.status,
                "checked_in_at": a.checked_in_at.isoformat() if a.checked_in_at else None,
                "method": a.method,
            }
            for a in rows
        ]
    }
