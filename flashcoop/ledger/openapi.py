"""OpenAPI description of the sales ledger (see ../shared/API.md, the contract)."""

from __future__ import annotations

from typing import Any

from flashcoop.web.openapi import (
    AMOUNT,
    BOOL,
    INT,
    LONG_TEXT,
    MONEY,
    TEXT,
    TIME,
    TITLE,
    UUID,
    C,
    Schema,
    items_of,
    obj,
    op,
)

ENTRY = obj(
    ["id", "seq", "kind", "amount", "label", "hash"],
    id=UUID,
    seq=INT,
    kind={"enum": ["sale", "expense", "reversal"]},
    amount=MONEY,
    quantity=INT,
    label=TEXT,
    payment_method={"enum": ["cash", "card", "transfer", "other"]},
    participant_id={"type": ["string", "null"]},
    occurred_at=TIME,
    recorded_at=TIME,
    reverses={"type": ["string", "null"]},
    hash=TEXT,
)

ENTRY_BODY: Schema = {
    **obj(
        ["id", "kind"],
        id=UUID,
        kind={"enum": ["sale", "expense"]},
        amount=AMOUNT,
        quantity={**INT, "minimum": 1, "maximum": 100_000},
        label=TITLE,
        payment_method={"enum": ["cash", "card", "transfer", "other"]},
        occurred_at=TIME,
        product_id={
            **INT,
            "description": "One of the cohort's products: the label is the product's, and a "
            "missing amount is its price × quantity.",
        },
    ),
    # A free sale names itself and its amount; a product sale needs neither.
    "anyOf": [{"required": ["label", "amount"]}, {"required": ["product_id"]}],
}

PATHS: dict[str, Any] = {
    "/api/v1/cohorts/{cohort_id}/entries": {
        "post": op(
            "Record a sale or an expense; replaying the same body returns the stored entry (200)",
            ok=201,
            also=(200,),
            response=ENTRY,
            params=C,
            errors=(400, 401, 403, 404, 409, 422),
            body=ENTRY_BODY,
        ),
        "get": op("Entries in seq order (?after=&limit=)", response=items_of(ENTRY), params=C),
    },
    "/api/v1/cohorts/{cohort_id}/entries/{entry_id}/reverse": {
        "post": op(
            "Reverse an entry once, with a reason; the same body again returns the stored "
            "reversal (200)",
            ok=201,
            also=(200,),
            response=ENTRY,
            params=["cohort_id", "entry_id"],
            body=obj(["id", "reason"], id=UUID, reason={**LONG_TEXT, "minLength": 1}),
            errors=(400, 401, 403, 404, 409, 422),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/ledger": {
        "get": op(
            "Totals of the ledger",
            params=C,
            response=obj(
                ["currency", "sales", "expenses", "surplus", "entries"],
                currency=TEXT,
                sales=MONEY,
                expenses=MONEY,
                surplus=MONEY,
                entries=INT,
                by_participant={
                    "type": "array",
                    "items": obj(
                        participant_id={**UUID, "type": ["string", "null"]},  # null: staff
                        display_name=TEXT,
                        sales=MONEY,
                        count=INT,
                    ),
                },
                by_day={"type": "array", "items": obj(day=TEXT, sales=MONEY)},
                by_label={"type": "array", "items": obj(label=TEXT, sales=MONEY, quantity=INT)},
                by_payment_method={"type": "array", "items": obj(payment_method=TEXT, sales=MONEY)},
            ),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/ledger/verify": {
        "get": op(
            "Verify the hash chain",
            params=C,
            response=obj(
                ["ok", "entries", "head", "first_bad_seq"],
                ok=BOOL,
                entries=INT,
                head={"type": ["string", "null"]},
                first_bad_seq={"type": ["integer", "null"]},
            ),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/ledger/total": {
        "get": op(
            "The collective total, and the caller's own sales for a participant",
            params=C,
            response=obj(
                ["currency", "sales"],
                currency=TEXT,
                sales=MONEY,
                mine=obj(sales=MONEY, count=INT),
            ),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/entries.csv": {
        "get": op("Every entry as CSV (?sep=semicolon)", params=C, media="text/csv"),
    },
}
