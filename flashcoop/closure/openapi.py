"""OpenAPI description of closing a cohort (see ../shared/API.md, "Closure and reports")."""

from __future__ import annotations

from typing import Any

from flashcoop.cohorts.openapi import COHORT
from flashcoop.web.openapi import C, op

PATHS: dict[str, Any] = {
    "/api/v1/cohorts/{cohort_id}/close": {
        "post": op(
            "Close the cohort now (staff); calling again is harmless. The books are frozen and "
            "verified, the surplus shared, certificates issued, the report stored, webhooks "
            "queued and members told, exactly as at its end time. 409 ledger_broken when the "
            "ledger's chain does not verify (the cohort stays frozen, nothing is shared).",
            response=COHORT,
            params=C,
            errors=(401, 403, 404, 409),
        ),
    },
}
