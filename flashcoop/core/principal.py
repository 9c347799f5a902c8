"""Who is asking: a staff user, a participant, or nobody. Services scope every query by it.

The rows themselves belong to the accounts and cohorts domains; the kernel only knows the few
attributes that every domain reads, so it imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class StaffUser(Protocol):
    id: int
    role: str  # admin | facilitator | funder
    organisation_id: int | None
    session_version: int


class Member(Protocol):
    id: Any  # UUID
    cohort_id: Any  # UUID
    role: str  # member | treasurer
    auth_version: int


@dataclass(frozen=True)
class Principal:
    user: StaffUser | None = None  # an accounts.models.User
    participant: Member | None = None  # a cohorts.models.Participant

    @property
    def role(self) -> str:
        if self.user is not None:
            return self.user.role
        return "participant" if self.participant is not None else "anonymous"

    @property
    def is_staff(self) -> bool:
        return self.user is not None and self.user.role in ("admin", "facilitator")

    @property
    def organisation_id(self) -> int | None:
        return self.user.organisation_id if self.user is not None else None


ANONYMOUS = Principal()
