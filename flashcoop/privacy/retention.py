"""Retention: members of a cohort closed longer ago than the retention period are anonymised.

The period is FLASHCOOP_RETENTION_MONTHS (12 by default) after the closure, or the structure's
own (`RetentionPolicy`). What was issued stays as issued: stored closure reports are files, and
certificates keep the holder's name on the certificate itself (only an erasure removes it).
"""

from __future__ import annotations

import calendar
from datetime import datetime

from flashcoop.accounts.models import Organisation
from flashcoop.cohorts.models import CLOSED, Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, ValidationError
from flashcoop.core.settings import Settings
from flashcoop.privacy import audit
from flashcoop.privacy.erasure import anonymise_participant
from flashcoop.privacy.models import RetentionPolicy

MIN_MONTHS, MAX_MONTHS = 1, 120


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (the 31st becomes the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


async def retention_months(structure_id: int, settings: Settings) -> int:
    policy = await RetentionPolicy.get_or_none(organisation_id=structure_id)
    return policy.months if policy else settings.retention_months


async def set_retention_months(organisation: Organisation, months: int | None) -> None:
    """A structure's own period (1 to 120 months); None goes back to the default."""
    if months is None:
        await RetentionPolicy.filter(organisation_id=organisation.id).delete()
        return
    if not isinstance(months, int) or not MIN_MONTHS <= months <= MAX_MONTHS:
        raise ValidationError({"months": N_("Between 1 and 120 months.")})
    await RetentionPolicy.update_or_create(
        defaults={"months": months}, organisation_id=organisation.id
    )


async def run_retention(settings: Settings, now: datetime | None = None) -> int:
    """Anonymise the members of every cohort whose retention period has run out; how many
    were anonymised by this call. Safe to run twice or in parallel (each member is claimed)."""
    now = now or utcnow()
    due = await Cohort.filter(
        status=CLOSED,
        participants__anonymised_at__isnull=True,
        participants__erased_at__isnull=True,
    ).distinct()
    done = 0
    for cohort in due:
        closed_at = cohort.closed_at or cohort.ends_at
        months = await retention_months(cohort.structure_id, settings)
        if closed_at > months_before(now, months):
            continue
        count = 0
        people = await Participant.filter(cohort_id=cohort.id).order_by("joined_at", "id")
        for position, person in enumerate(people, start=1):
            if person.anonymised_at is None and person.erased_at is None:
                count += int(await anonymise_participant(person, position, now))
        if count:
            await audit.record(
                actor=None,
                action="participant.anonymised",
                object=f"cohort:{cohort.id}",
                detail={"participants": count, "months": months},
                cohort_id=cohort.id,
                now=now,
            )
        done += count
    return done
