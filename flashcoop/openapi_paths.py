"""The API's paths for /api/openapi.json, written from ../shared/API.md (the contract).

tests/test_openapi.py fails when an /api route of the app is missing here, or the reverse.
"""

from __future__ import annotations

from typing import Any

from flashcoop.openapi_schemas import (
    ATTENDANCE,
    BOOL,
    COHORT,
    COHORT_IN,
    ENTRY,
    INT,
    MONEY,
    PARTICIPANT,
    TEXT,
    TIME,
    TOKEN,
    USER,
    UUID,
    WORKSHOP,
    C,
    W,
    items_of,
    obj,
    op,
)

PATHS: dict[str, Any] = {
    "/api/v1/cohorts": {
        "get": op("Cohorts the caller may see", response=items_of(COHORT), errors=(401,)),
        "post": op(
            "Launch a cohort", ok=201, response=COHORT, body=COHORT_IN, errors=(400, 401, 403, 422)
        ),
    },
    "/api/v1/cohorts/{cohort_id}": {
        "get": op("One cohort", response=COHORT, params=C),
        "patch": op(
            "Close or reopen joining (staff)",
            response=COHORT,
            params=C,
            body=obj(["joining_open"], joining_open=BOOL),
            errors=(400, 401, 403, 404, 422),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/join-code": {
        "post": op(
            "Replace the join code; the old QR and link stop working (staff)",
            params=C,
            response=COHORT,
        ),
    },
    "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/pin": {
        "post": op(
            "Give a participant a new PIN; their phones and cards are signed out (staff)",
            params=["cohort_id", "participant_id"],
            response=PARTICIPANT,
            body=obj(["pin"], pin=TEXT),
            errors=(400, 401, 403, 404, 422),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/signin-link": {
        "get": op(
            "A personal sign-in link to print as a QR card (staff)",
            params=["cohort_id", "participant_id"],
            response=obj(["url"], url=TEXT),
        ),
    },
    "/api/v1/join": {
        "post": op(
            "Join a cohort (201), or sign in again with the same name and PIN (200)",
            ok=201,
            response=obj(["participant", "token"], participant=PARTICIPANT, token=TEXT),
            body=obj(
                ["code", "display_name", "pin"],
                code=TEXT,
                display_name=TEXT,
                pin=TEXT,
                first_name=TEXT,
                last_name=TEXT,
            ),
            errors=(400, 404, 409, 422, 429),
            public=True,
        ),
    },
    "/api/v1/cohorts/{cohort_id}/participants": {
        "get": op(
            "Participants of a cohort (staff)",
            params=C,
            response=items_of(
                obj(
                    ["id", "display_name", "attendance_hours", "sales"],
                    id=UUID,
                    display_name=TEXT,
                    attendance_hours={"type": "number"},
                    sales=MONEY,
                )
            ),
        ),
    },
    "/api/v1/organisations": {
        "get": op(
            "Organisations (staff)",
            response=items_of(
                obj(
                    ["id", "name", "kind"],
                    id=INT,
                    name=TEXT,
                    kind={"enum": ["structure", "funder"]},
                )
            ),
        ),
    },
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
            body=obj(name=TEXT),
            errors=(400, 401, 403),
        ),
    },
    "/api/v1/tokens/{token_id}/revoke": {
        "post": op(
            "Revoke one of the caller's tokens",
            params=["token_id"],
            response=obj(["id", "revoked"], id=INT, revoked=BOOL),
        ),
    },
    "/api/v1/me": {
        "get": op(
            "Who the caller is",
            response=obj(["role"], role=TEXT, user=obj(), participant=PARTICIPANT, cohort=COHORT),
            errors=(401,),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/entries": {
        "post": op(
            "Record a sale or an expense; replaying the same body returns the stored entry (200)",
            ok=201,
            response=ENTRY,
            params=C,
            errors=(400, 401, 403, 404, 409, 422),
            body=obj(
                ["id", "kind", "amount", "label"],
                id=UUID,
                kind={"enum": ["sale", "expense"]},
                amount=MONEY,
                quantity=INT,
                label=TEXT,
                payment_method={"enum": ["cash", "card", "transfer", "other"]},
                occurred_at=TIME,
            ),
        ),
        "get": op("Entries in seq order (?after=&limit=)", response=items_of(ENTRY), params=C),
    },
    "/api/v1/cohorts/{cohort_id}/entries/{entry_id}/reverse": {
        "post": op(
            "Reverse an entry once, with a reason",
            ok=201,
            response=ENTRY,
            params=["cohort_id", "entry_id"],
            body=obj(["id", "reason"], id=UUID, reason=TEXT),
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
                    "items": obj(participant_id=UUID, display_name=TEXT, sales=MONEY, count=INT),
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
    "/api/v1/cohorts/{cohort_id}/workshops": {
        "post": op(
            "Plan a workshop (weekly repeats allowed)",
            ok=201,
            params=C,
            response=items_of(WORKSHOP),
            errors=(400, 401, 403, 404, 409, 422),
            body=obj(
                ["title", "starts_at", "ends_at"],
                title=TEXT,
                starts_at=TIME,
                ends_at=TIME,
                location=TEXT,
                description=TEXT,
                competences={"type": "array", "items": TEXT},
                repeat_weekly_until={"type": "string", "format": "date"},
            ),
        ),
        "get": op("The cohort's workshops", params=C, response=items_of(WORKSHOP)),
    },
    "/api/v1/workshops/{workshop_id}": {
        "get": op("One workshop (any member)", params=W, response=WORKSHOP),
        "patch": op(
            'Reschedule, edit or cancel ({"status": "cancelled"})',
            params=W,
            response=WORKSHOP,
            body=obj(
                title=TEXT,
                starts_at=TIME,
                ends_at=TIME,
                location=TEXT,
                description=TEXT,
                status=TEXT,
            ),
            errors=(400, 401, 403, 404, 409, 422),
        ),
    },
    "/api/v1/workshops/{workshop_id}/attendance": {
        "post": op(
            "Roll call: set a participant's status",
            params=W,
            response=ATTENDANCE,
            body=obj(
                ["participant_id", "status"],
                participant_id=UUID,
                status={"enum": ["present", "late", "absent", "excused"]},
            ),
            errors=(400, 401, 403, 404, 409, 422),
        ),
        "get": op("Attendance of a workshop", params=W, response=items_of(ATTENDANCE)),
    },
    "/api/v1/workshops/{workshop_id}/checkin": {
        "get": op(
            "The current rotating check-in code (staff)",
            params=W,
            response=obj(["code", "expires_at", "qr_svg"], code=TEXT, expires_at=TIME, qr_svg=TEXT),
        ),
        "post": op(
            "Check in with the scanned code (participant)",
            params=W,
            body=obj(["code"], code=TEXT),
            response=obj(["status"], status={"enum": ["present", "late"]}),
            errors=(400, 401, 403, 404, 409, 422),
        ),
    },
    "/api/v1/workshops/{workshop_id}/attendance/log": {
        "get": op(
            "Who changed which attendance, and when (staff)",
            params=W,
            response=items_of(
                obj(
                    participant_id=UUID,
                    old_status=TEXT,
                    new_status=TEXT,
                    method=TEXT,
                    changed_by=TEXT,
                    changed_at=TIME,
                )
            ),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/attendance.csv": {
        "get": op("Hours attended per participant, CSV (staff)", params=C, media="text/csv"),
    },
    "/api/v1/cohorts/{cohort_id}/attendance.pdf": {
        "get": op("Hours attended per participant, PDF (staff)", params=C, media="application/pdf"),
    },
    "/api/v1/workshops/{workshop_id}/attendance-sheet.pdf": {
        "get": op("The signature sheet (staff)", params=W, media="application/pdf"),
    },
    "/api/v1/cohorts/{cohort_id}/calendar.ics": {
        "get": op(
            "The cohort's workshops as iCalendar (any member)", params=C, media="text/calendar"
        ),
    },
}
