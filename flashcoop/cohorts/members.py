"""Members of a cohort and how a person is named: the one place every domain asks.

Every page, export and report that shows a person goes through `person_name` (or
`names_by_id`), which knows who is asking and what was consented: the name for the cohort's
staff and members, a pseudonym for funders without the member's consent, "erased" after an
erasure — in every place at once.
"""

from __future__ import annotations

from uuid import UUID

from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.errors import N_, NotFound
from flashcoop.core.i18n import gettext
from flashcoop.core.principal import Principal

# Orders a members list may take: by arrival, or alphabetically for sheets and roll calls.
ORDERS = {"joined": ("joined_at", "id"), "name": ("display_name", "id")}


async def members(cohort_id: UUID, *, order: str = "joined") -> list[Participant]:
    """The cohort's participants, in order of arrival (or by name)."""
    return await Participant.filter(cohort_id=cohort_id).order_by(*ORDERS[order])


async def member_count(cohort_id: UUID) -> int:
    return await Participant.filter(cohort_id=cohort_id).count()


def member(principal: Principal) -> Participant:
    """The participant behind a participant principal, as the cohorts domain's row."""
    found = principal.participant
    assert isinstance(found, Participant), "a participant principal carries a Participant"
    return found


async def participant_of(cohort: Cohort, participant_id: UUID | str) -> Participant:
    """A participant of this cohort, or 404 (also for a malformed id)."""
    try:
        key = UUID(str(participant_id))
    except ValueError as exc:
        raise NotFound() from exc
    found = await Participant.get_or_none(id=key, cohort_id=cohort.id)
    if found is None:
        raise NotFound()
    return found


def person_name(
    participant: Participant,
    viewer: Principal | None = None,
    *,
    legal: bool = False,
    funder: bool = False,
    pseudonym: str = "",
) -> str:
    """How this person is named to `viewer` (None: on the cohort's own documents, read by its
    staff); `legal` adds first and last names when they differ from the chosen name (signature
    sheets). After an erasure: "erased", to everyone. A funder (`viewer` with the funder role,
    or `funder=True` for documents made for funders) sees the name only with the member's
    "named_in_reports" consent, else `pseudonym` (by default one made of the member's id)."""
    if participant.erased_at is not None:
        return gettext(N_("erased"))
    if funder or (viewer is not None and viewer.role == "funder"):
        if not participant.consent_share_name:
            return pseudonym or f"Participant {str(participant.id)[:8]}"
        return participant.display_name
    name = participant.display_name
    if legal:
        full = " ".join(p for p in (participant.first_name, participant.last_name) if p)
        if full and full.casefold() != name.casefold():
            return f"{name} ({full})"
    return name


async def names_by_id(cohort_id: UUID, viewer: Principal | None = None) -> dict[str, str]:
    """Participant id (as str) → the name `viewer` sees, for every member of the cohort."""
    return {str(p.id): person_name(p, viewer) for p in await members(cohort_id)}
