"""OpenAPI description of certificates (see ../shared/API.md). The public documents
(/verify, /badges/...) live outside /api and are described in docs/verifying-a-certificate.md."""

from __future__ import annotations

from typing import Any

from flashcoop.web.openapi import BOOL, TEXT, TIME, UUID, C, items_of, obj, op

CERTIFICATE = obj(
    ["id", "participant_id", "issued_at", "verify_url", "pdf_url", "badge_url", "revoked"],
    id=UUID,
    participant_id=UUID,
    issued_at=TIME,
    verify_url=TEXT,
    pdf_url=TEXT,
    badge_url=TEXT,
    revoked=BOOL,
    kind={"enum": ["eligible", "early", "override"]},
    revoked_at={"type": ["string", "null"], "format": "date-time"},
    revocation_reason={"type": ["string", "null"]},
)
REASON = {"type": "string", "maxLength": 2000}
K = ["certificate_id"]

PATHS: dict[str, Any] = {
    "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/certificate": {
        "post": op(
            "Issue a member's certificate early, or by override with a reason (200: the "
            "existing one)",
            ok=201,
            also=(200,),
            params=[*C, "participant_id"],
            response=CERTIFICATE,
            body=obj(reason=REASON, language={"enum": ["fr", "en"]}),
            errors=(400, 401, 403, 404, 409, 422),
        ),
    },
    "/api/v1/cohorts/{cohort_id}/certificates": {
        "get": op("The cohort's certificates (staff)", params=C, response=items_of(CERTIFICATE)),
    },
    "/api/v1/cohorts/{cohort_id}/certificates.zip": {
        "get": op(
            "Every certificate PDF of the cohort, as issued (staff)",
            params=C,
            media="application/zip",
            response={"type": "string", "format": "binary"},
        ),
    },
    "/api/v1/me/certificate": {
        "get": op("The signed-in member's certificate (404 when none)", response=CERTIFICATE),
    },
    "/api/v1/certificates/{certificate_id}.pdf": {
        "get": op(
            "The certificate PDF as issued, byte for byte (staff, its holder)",
            params=K,
            media="application/pdf",
            response={"type": "string", "format": "binary"},
            errors=(401, 403, 404, 500),
        ),
    },
    "/api/v1/certificates/{certificate_id}/revoke": {
        "post": op(
            "Revoke a certificate with a reason (staff)",
            params=K,
            response=CERTIFICATE,
            body=obj(["reason"], reason=REASON),
            errors=(400, 401, 403, 404, 422),
        ),
    },
}
