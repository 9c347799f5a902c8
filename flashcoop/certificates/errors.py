"""Error codes of the certificates domain: each is explained in docs/errors.md."""

from __future__ import annotations

from enum import StrEnum


class CertificatesError(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    CERTIFICATE_REVOKED = "certificate_revoked"
    CERTIFICATE_ALTERED = "certificate_altered"
