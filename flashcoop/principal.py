"""Who is asking: a staff user or a participant. Services scope every query by it."""

from __future__ import annotations

from dataclasses import dataclass

from flashcoop.accounts.models import User
from flashcoop.cohorts.models import Participant


@dataclass(frozen=True)
class Principal:
    user: User | None = None
    participant: Participant | None = None

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
