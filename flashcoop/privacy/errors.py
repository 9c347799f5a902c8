"""Error codes of the privacy domain: each is explained in docs/errors.md."""

from __future__ import annotations

from enum import StrEnum


class PrivacyError(StrEnum):
    ALREADY_ERASED = "already_erased"
    ERASURE_REASON_REQUIRED = "erasure_reason_required"
