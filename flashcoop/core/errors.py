"""Domain errors with stable codes; routes map a code to a status and a translated message.

Every code is a member of one enumeration per domain (`CoreError` here, `CohortsError` in
flashcoop/cohorts/errors.py, ...): `DomainError` takes nothing else, so mypy refuses a stray
string, and tests/test_docs.py fails when a code is missing from docs/errors.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


def N_(msgid: str) -> str:
    """Mark a message for translation where it is defined; it is translated where shown."""
    return msgid


@dataclass(frozen=True)
class Text:
    """A message to translate later, with its parameters: Text("At most {max} characters.")."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, gettext: Any) -> str:
        return str(gettext(self.msgid)).format(**self.params)


class CoreError(StrEnum):
    """Codes that any part of the house may answer."""

    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"
    MALFORMED = "malformed"
    UNAUTHENTICATED = "unauthenticated"
    CSRF_FAILED = "csrf_failed"
    TOO_LARGE = "too_large"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    SERVER_ERROR = "server_error"
    DATABASE_UNAVAILABLE = "database_unavailable"


class DomainError(Exception):
    """A rule of the domain refused the operation. `code` is stable; `message` is a msgid."""

    status = 409

    def __init__(self, code: StrEnum, message: str | Text, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.text = message if isinstance(message, Text) else Text(message, params)


class NotFound(DomainError):
    status = 404

    def __init__(
        self, code: StrEnum = CoreError.NOT_FOUND, message: str = N_("Not found.")
    ) -> None:
        super().__init__(code, message)


class Forbidden(DomainError):
    status = 403

    def __init__(
        self, code: StrEnum = CoreError.FORBIDDEN, message: str = N_("You may not do this.")
    ) -> None:
        super().__init__(code, message)


class ValidationError(DomainError):
    """Invalid fields: each field name maps to the message shown next to it."""

    status = 422

    def __init__(self, fields: Mapping[str, str | Text], code: StrEnum = CoreError.INVALID) -> None:
        super().__init__(code, N_("Some fields are not valid."))
        self.fields = {
            name: msg if isinstance(msg, Text) else Text(msg) for name, msg in fields.items()
        }


class RateLimited(DomainError):
    status = 429

    def __init__(self) -> None:
        super().__init__(
            CoreError.RATE_LIMITED, N_("Too many attempts. Wait a few minutes and retry.")
        )


class Refused(DomainError):
    """A refusal that is not a rule of a domain (an expired form, a body too large, a method
    a route does not take, a fault): it keeps the API's error shape under /api/."""

    def __init__(self, status: int, code: CoreError, message: str) -> None:
        super().__init__(code, message)
        self.status = status
