"""OpenAPI description of staff users and API tokens (see ../shared/API.md, the contract)."""

from __future__ import annotations

from typing import Any

from flashcoop.web.openapi import BOOL, INT, TEXT, TIME, items_of, obj, op, optional

USER = obj(
    ["id", "email", "role"],
    id=INT,
    email=TEXT,
    name=TEXT,
    role=TEXT,
    organisation_id={"type": ["integer", "null"]},
    is_active=BOOL,
)
TOKEN = obj(
    ["id", "name", "revoked"],
    id=INT,
    name=TEXT,
    created_at=TIME,
    last_used_at={"type": ["string", "null"]},
    revoked=BOOL,
)

PATHS: dict[str, Any] = {
    "/api/v1/users": {
        "get": op("Staff accounts (admin)", response=items_of(USER)),
        "post": op(
            "Create a staff account (admin)",
            ok=201,
            response=USER,
            body=obj(
                ["email", "role", "password"],
                email=TEXT,
                role={"enum": ["admin", "facilitator", "funder"]},
                name=TEXT,
                organisation=TEXT,
                password=TEXT,
            ),
            errors=(400, 401, 403, 409, 422),
        ),
    },
    "/api/v1/tokens": {
        "get": op("The caller's active API tokens", response=items_of(TOKEN), errors=(401, 403)),
        "post": op(
            "Create an API token for the caller; the token is in the answer only",
            ok=201,
            response=obj(["token"], token=TEXT, id=INT, name=TEXT),
            body=obj(name=optional({"type": "string", "maxLength": 120})),
            errors=(400, 401, 403, 422),
        ),
    },
    "/api/v1/tokens/{token_id}/revoke": {
        "post": op(
            "Revoke one of the caller's tokens",
            params=["token_id"],
            response=obj(["id", "revoked"], id=INT, revoked=BOOL),
        ),
    },
}
