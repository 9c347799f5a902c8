"""Error codes of the accounts domain: each is explained in docs/errors.md."""

from __future__ import annotations

from enum import StrEnum


class AccountsError(StrEnum):
    EMAIL_TAKEN = "email_taken"
    CANNOT_DEACTIVATE_SELF = "cannot_deactivate_self"
