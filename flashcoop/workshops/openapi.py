"""OpenAPI description of workshops, attendance, check-in and downloads (see ../shared/API.md)."""

from __future__ import annotations

from typing import Any

from flashcoop.web.openapi import (
    LONG_TEXT,
    TEXT,
    TIME,
    TITLE,
    UUID,
    C,
    W,
    items_of,
    obj,
    op,
    optional,
)

WORKSHOP = obj(
    ["id", "title", "starts_at", "ends_at", "status"],
    id=UUID,
    title=TEXT,
    starts_at=TIME,
    ends_at=TIME,
    status=TEXT,
    location=TEXT,
    description=TEXT,
    competences={"type": "array", "items": TEXT},
)
ATTENDANCE = obj(
    ["participant_id", "status"],
    participant_id=UUID,
    status={"enum": ["present", "late", "absent", "excused"]},
    checked_in_at={"type": ["string", "null"]},
    method=TEXT,
)

PATHS: dict[str, Any] = {
    "/api/v1/cohorts/{cohort_id}/workshops": {
        "post": op(
            "Plan a workshop (weekly repeats allowed)",
            ok=201,
            params=C,
            response=items_of(WORKSHOP),
            errors=(400, 401, 403, 404, 409, 422),
            body=obj(
                ["title", "starts_at", "ends_at"],
                title=TITLE,
                starts_at=TIME,
                ends_at=TIME,
                location=optional({"type": "string", "maxLength": 120}),
                description=optional(LONG_TEXT),
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
                title=TITLE,
                starts_at=TIME,
                ends_at=TIME,
                location=optional({"type": "string", "maxLength": 120}),
                description=optional(LONG_TEXT),
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
            response=obj(
                ["code", "short_code", "expires_at", "qr_svg"],
                code=TEXT,
                short_code={"type": "string", "pattern": "^[0-9]{6}$"},
                expires_at=TIME,
                qr_svg=TEXT,
            ),
        ),
        "post": op(
            "Check in with the scanned code or its 6 digits (participant)",
            params=W,
            body=obj(["code"], code=TEXT),
            response=obj(["status"], status={"enum": ["present", "late"]}),
            errors=(400, 401, 403, 404, 409, 422, 429),
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
