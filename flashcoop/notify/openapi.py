"""OpenAPI description of webhooks (see ../shared/API.md, the contract)."""

from __future__ import annotations

from typing import Any

from flashcoop.notify.webhooks import EVENTS, URL_MAX
from flashcoop.web.openapi import INT, TEXT, TIME, UUID, items_of, obj, op

NULL_TIME = {"type": ["string", "null"], "format": "date-time"}
EVENT = {"enum": sorted(EVENTS)}
WEBHOOK = obj(
    ["id", "url", "events"],
    id=INT,
    url=TEXT,
    events={"type": "array", "items": EVENT},
    created_at=TIME,
)
DELIVERY = obj(
    ["id", "event", "status", "attempts", "last_status_code"],
    id=UUID,
    event=EVENT,
    status={"enum": ["pending", "delivered", "failed"]},
    attempts=INT,
    last_status_code={"type": ["integer", "null"]},
    last_error={"type": ["string", "null"]},
    created_at=TIME,
    next_attempt_at=NULL_TIME,
    delivered_at=NULL_TIME,
)
W = ["webhook_id"]

PATHS: dict[str, Any] = {
    "/api/v1/webhooks": {
        "get": op(
            "Webhook endpoints (admin); secrets are never listed",
            response=items_of(WEBHOOK),
            errors=(401, 403),
        ),
        "post": op(
            "Register a webhook endpoint (admin); the signing secret is in this answer only",
            ok=201,
            response=obj(["id", "url", "events", "secret"], **WEBHOOK["properties"], secret=TEXT),
            body=obj(
                ["url", "events"],
                url={"type": "string", "format": "uri", "maxLength": URL_MAX},
                events={"type": "array", "items": EVENT, "minItems": 1},
            ),
            errors=(400, 401, 403, 422),
        ),
    },
    "/api/v1/webhooks/{webhook_id}": {
        "delete": op(
            "Delete an endpoint (admin): it receives nothing more, pending deliveries stop",
            ok=204,
            params=W,
        ),
    },
    "/api/v1/webhooks/{webhook_id}/deliveries": {
        "get": op(
            "Delivery log of an endpoint (admin), newest first",
            response=items_of(DELIVERY),
            params=W,
        ),
    },
    "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry": {
        "post": op(
            "Send a failed delivery again (admin), with a fresh round of attempts",
            response=DELIVERY,
            params=[*W, "delivery_id"],
            errors=(401, 403, 404, 409),
        ),
    },
}
