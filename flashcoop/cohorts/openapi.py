"""OpenAPI description of cohorts, joining, participants and `me` (see ../shared/API.md)."""

from __future__ import annotations

from typing import Any

from flashcoop.cohorts.custom_frameworks import KEY_RE
from flashcoop.web.openapi import (
    AMOUNT,
    BOOL,
    INT,
    MONEY,
    NAME,
    PIN,
    TEXT,
    TIME,
    TITLE,
    UUID,
    C,
    items_of,
    obj,
    op,
    optional,
)

COHORT = obj(
    ["id", "name", "activity", "status", "starts_at", "ends_at", "timezone", "currency"],
    id=UUID,
    name=TEXT,
    activity=TEXT,
    location=TEXT,
    status={"enum": ["scheduled", "active", "closing", "closed"]},
    starts_at=TIME,
    ends_at=TIME,
    timezone=TEXT,
    currency=TEXT,
    surplus_rule={"enum": ["equal", "hours", "sales"]},
    framework=TEXT,
    attendance_threshold=INT,
    programme=TEXT,
    joining_open=BOOL,
    join_code=TEXT,
    join_url=TEXT,
    join_qr_url=TEXT,
    poster_url=TEXT,
    products={"type": "array", "items": obj(label=TEXT, price=MONEY)},
)
COHORT_IN = obj(
    ["name", "activity", "starts_at", "ends_at"],
    name=TITLE,
    activity=TITLE,
    location=optional({"type": "string", "maxLength": 120}),
    starts_at=TIME,
    ends_at=TIME,
    timezone=TEXT,
    currency=TEXT,
    surplus_rule={"enum": ["equal", "hours", "sales"]},
    framework={"type": "string", "pattern": KEY_RE.pattern, "example": "entrecomp"},
    attendance_threshold=INT,
    products={"type": "array", "items": obj(["label", "price"], label=TITLE, price=AMOUNT)},
    programme={"enum": ["flashcoop-7-days", "none"]},
    funders={"type": "array", "items": {**INT, "minimum": 1, "maximum": 2**31 - 1}},
)
PARTICIPANT = obj(["id", "cohort_id", "display_name"], id=UUID, cohort_id=UUID, display_name=TEXT)

NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

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
            errors=(401, 403, 404, 409),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/pin": {
        "post": op(
            "Give a participant a new PIN; their phones and cards are signed out (staff)",
            params=["cohort_id", "participant_id"],
            response=PARTICIPANT,
            body=obj(["pin"], pin=PIN),
            errors=(400, 401, 403, 404, 422),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/sign-out": {
        "post": op(
            "Sign a participant out of every device: sessions, API tokens, cards (staff)",
            params=["cohort_id", "participant_id"],
            response=obj(participant=PARTICIPANT, sessions_ended=INT),
            errors=(401, 403, 404),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/participants/{participant_id}": {
        "patch": op(
            "Change a participant's role or optional profile (staff); only the fields sent",
            params=["cohort_id", "participant_id"],
            response=PARTICIPANT,
            body=obj(
                role={"enum": ["member", "treasurer"]},
                gender={"enum": ["female", "male", "other", ""]},
                birth_year={"type": ["integer", "null"], "minimum": 1900},
                situation_at_entry={"type": "string", "maxLength": 120},
                education_level={"type": "string", "maxLength": 120},
            ),
            errors=(400, 401, 403, 404, 409, 422),
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
            also=(200,),
            response=obj(["participant", "token"], participant=PARTICIPANT, token=TEXT),
            body=obj(
                ["code", "display_name", "pin"],
                code=TEXT,
                display_name=NAME,
                pin=PIN,
                gender={"enum": ["female", "male", "other", ""]},
                birth_year={"type": ["integer", "null"], "minimum": 1900},
                first_name=optional({"type": "string", "maxLength": 80}),
                last_name=optional({"type": "string", "maxLength": 80}),
                # Optional consents and a minor's guardian (docs/privacy.md); the profile
                # fields are refused (422) without "profile_data": true.
                named_in_reports={"type": "boolean"},
                profile_data={"type": "boolean"},
                situation_at_entry={"type": "string", "maxLength": 120},
                education_level={"type": "string", "maxLength": 120},
                minor={"type": "boolean"},
                guardian_name={"type": "string", "maxLength": 80},
                guardian_consent={"type": "boolean"},
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
                    # The latest sale, check-in, and the later of the two (null: none yet).
                    last_sale_at=NULLABLE_TIME,
                    last_checkin_at=NULLABLE_TIME,
                    last_activity=NULLABLE_TIME,
                )
            ),
        ),
    },
    "/api/v1/organisations": {
        "get": op(
            "Organisations the caller needs: an admin all; a facilitator their structure and "
            "the funders; a funder their own",
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
    "/api/v1/me": {
        "get": op(
            "Who the caller is",
            response=obj(["role"], role=TEXT, user=obj(), participant=PARTICIPANT, cohort=COHORT),
            errors=(401,),
        ),
    },
}
