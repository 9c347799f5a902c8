"""OpenAPI description of privacy (see ../shared/API.md, the contract)."""

from __future__ import annotations

from typing import Any

from flashcoop.privacy.audit import ACTIONS
from flashcoop.web.openapi import BOOL, INT, TEXT, TIME, UUID, items_of, obj, op

CONSENTS = obj(["named_in_reports", "profile_data"], named_in_reports=BOOL, profile_data=BOOL)
AUDIT_ENTRY = obj(
    ["at", "actor", "action", "object", "detail"],
    at=TIME,
    actor=TEXT,
    action={"enum": list(ACTIONS)},
    object=TEXT,
    detail={"type": "object"},
    cohort_id={"type": ["string", "null"]},
)
EXPORT = obj(
    ["profile", "consents", "entries", "attendance", "assessments", "certificates", "audit"],
    generated_at=TIME,
    profile={"type": "object"},
    consents={"type": "object"},
    entries={"type": "array"},
    attendance={"type": "array"},
    assessments={"type": "array"},
    certificates={"type": "array"},
    shares={"type": "array"},
    outcomes={"type": "array"},
    audit={"type": "array", "items": AUDIT_ENTRY},
)
ERASED = obj(
    ["id", "erased"],
    id=UUID,
    cohort_id=UUID,
    display_name=TEXT,
    erased=BOOL,
    erased_at={"type": ["string", "null"], "format": "date-time"},
)
RETENTION = obj(["organisation_id", "months"], organisation_id=INT, months=INT, default=INT)

PATHS: dict[str, Any] = {
    "/api/v1/me/export": {
        "get": op(
            "Everything flashcoop holds about the calling participant",
            response=EXPORT,
            errors=(401, 403),
        )
    },
    "/api/v1/me/consents": {
        "get": op("The calling participant's consents", response=CONSENTS, errors=(401, 403)),
        "put": op(
            "Give or withdraw consents (a withdrawal takes effect at once)",
            body=obj(named_in_reports=BOOL, profile_data=BOOL),
            response=CONSENTS,
            errors=(400, 401, 403, 422),
        ),
    },
    "/api/v1/participants/{participant_id}/erase": {
        "post": op(
            "Erase a participant at their request (admin)",
            body=obj(["reason"], reason=TEXT),
            response=ERASED,
            errors=(400, 401, 403, 404, 409, 422),
            params=["participant_id"],
        )
    },
    "/api/v1/audit": {
        "get": op(
            "The audit trail, newest first (admin); ?cohort=&actor=&action=",
            response=items_of(AUDIT_ENTRY),
            errors=(401, 403, 422),
        )
    },
    "/api/v1/organisations/{org_id}/retention": {
        "get": op("A structure's retention period (admin)", response=RETENTION, params=["org_id"]),
        "put": op(
            "Set a structure's own retention period, or null for the default (admin)",
            body=obj(["months"], months={"type": ["integer", "null"], "minimum": 1}),
            response=RETENTION,
            errors=(400, 401, 403, 404, 422),
            params=["org_id"],
        ),
    },
}
