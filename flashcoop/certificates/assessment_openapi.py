"""OpenAPI description of assessments (see ../shared/API.md, "Skills and certificates")."""

from __future__ import annotations

from typing import Any

from flashcoop.web.openapi import BOOL, INT, TEXT, TIME, UUID, C, items_of, obj, op

ASSESSMENT = obj(
    ["participant_id", "competence", "level", "self", "assessed_at"],
    id=INT,
    participant_id=UUID,
    competence=TEXT,
    level=INT,
    self=BOOL,
    note=TEXT,
    assessed_at=TIME,
    assessed_by={"type": ["integer", "null"]},
)

PATHS: dict[str, Any] = {
    "/api/v1/cohorts/{cohort_id}/assessments": {
        "post": op(
            "Assess a member's competence (staff), or oneself with self: true (participant)",
            ok=201,
            params=C,
            response=ASSESSMENT,
            errors=(400, 401, 403, 404, 409, 422),
            body=obj(
                ["participant_id", "competence", "level"],
                participant_id=UUID,
                competence=TEXT,
                level={"type": "integer", "minimum": 1, "maximum": 4},
                note={"type": "string", "maxLength": 2000},
                self=BOOL,
            ),
        ),
        "get": op(
            "Every assessment of the cohort, latest first, history included (staff)",
            params=C,
            response=items_of(ASSESSMENT),
        ),
    },
}
