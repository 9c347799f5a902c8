"""Who may see which cohort, the frozen-cohort rule, and the join link: every domain asks here."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from flashcoop.cohorts.errors import CohortsError
from flashcoop.cohorts.models import Cohort, CohortFunder
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, Forbidden, NotFound
from flashcoop.core.principal import Principal


def visible_cohorts(principal: Principal) -> QuerySet[Cohort]:
    """The cohorts this principal may see: the one rule every listing and lookup goes through."""
    if principal.participant is not None:
        return Cohort.filter(id=principal.participant.cohort_id)
    user = principal.user
    if user is None:
        return Cohort.filter(id__isnull=True)
    if user.role == "admin":
        return Cohort.all()
    if user.role == "facilitator":
        return Cohort.filter(structure_id=user.organisation_id)
    if user.role == "funder":
        # A subquery, not a join with DISTINCT: PostgreSQL refuses a DISTINCT whose ORDER BY
        # is not selected, which callers' values_list() and order_by() would meet.
        funded = CohortFunder.filter(funder_id=user.organisation_id).values("cohort_id")
        return Cohort.filter(id__in=Subquery(funded))
    return Cohort.filter(id__isnull=True)


async def get_cohort(principal: Principal, cohort_id: UUID | str, *, staff: bool = False) -> Cohort:
    """The cohort if the principal may see it (404 otherwise); `staff` also requires running it."""
    try:
        key = UUID(str(cohort_id))
    except ValueError as exc:
        raise NotFound() from exc
    cohort = _cohort_of_member(principal, key) or (
        await visible_cohorts(principal).get_or_none(id=key)
    )
    if cohort is None:
        raise NotFound()
    if staff and not principal.is_staff:
        raise Forbidden()
    return cohort


def _cohort_of_member(principal: Principal, key: UUID) -> Cohort | None:
    # A participant authenticated by token comes with their cohort, read in the same query
    # (cohorts.identity): their own cohort is the only one they may see, so it is the answer.
    participant = principal.participant
    loaded = getattr(participant, "_cohort", None) if participant is not None else None
    if isinstance(loaded, Cohort) and loaded.id == key:
        return loaded
    return None


def join_url(base_url: str, cohort: Cohort) -> str:
    """The link behind the join QR code, the poster and the API's `join_url`."""
    return f"{base_url.rstrip('/')}/j/{cohort.join_code}"


def ensure_open(cohort: Cohort, *, now: datetime | None = None, started: bool = True) -> None:
    """Raise 409 unless the cohort may still change: not closed nor past its end, and (with
    `started`) already begun. Every write of every domain goes through here."""
    now = now or utcnow()
    if cohort.is_frozen(now):
        raise DomainError(
            CohortsError.COHORT_CLOSED, N_("This cohort is closed: nothing can change any more.")
        )
    if started and now < cohort.starts_at:
        raise DomainError(CohortsError.COHORT_NOT_STARTED, N_("This cohort has not started yet."))
