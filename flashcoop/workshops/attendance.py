"""Attendance at workshops: self check-in with the rotating codes (checkin_codes.py), roll call,
audit log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from flashcoop.accounts.models import User
from flashcoop.accounts.services import check_rate, rate_key, record_failure
from flashcoop.cohorts.members import participant_of
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.services import ensure_open
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, ValidationError
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.privacy import audit
from flashcoop.workshops.checkin_codes import (
    SCANNED,
    checkin_url,
    code_is_valid,
    code_method,
    current_code,
    current_short_code,
    moment_of,
    signed_moment,
)
from flashcoop.workshops.errors import WorkshopsError
from flashcoop.workshops.models import (
    ATTENDANCE_STATUSES,
    ATTENDED,
    CANCELLED,
    Attendance,
    AttendanceLog,
    Workshop,
)

# Re-exported: the routes and the API reach the codes through this module.
__all__ = ["checkin_url", "code_is_valid", "current_code", "current_short_code"]

EARLY_CHECKIN = timedelta(minutes=30)
# Six digits over a minute are guessable only by many tries: a member gets this many wrong
# codes per window, across workshops, then waits.
CHECKIN_MAX_FAILURES = 8
CHECKIN_FAILURE_WINDOW = timedelta(minutes=10)


def _ensure_open(workshop: Workshop, cohort: Cohort, now: datetime) -> None:
    ensure_open(cohort, now=now, started=False)
    if workshop.status == CANCELLED:
        raise DomainError(WorkshopsError.WORKSHOP_CANCELLED, N_("This workshop is cancelled."))


async def _log(row: Attendance, old: str, by: User | None, now: datetime) -> None:
    await AttendanceLog.create(
        workshop_id=row.workshop_id,
        participant_id=row.participant_id,
        old_status=old,
        new_status=row.status,
        method=row.method,
        changed_by=by,
        changed_at=now,
    )


def _invalid_code() -> ValidationError:
    return ValidationError(
        {
            "code": N_(
                "This code has expired or is wrong. Scan the screen again, "
                "or type the 6 digits it shows now."
            )
        },
        code=WorkshopsError.INVALID_CHECKIN_CODE,
    )


async def check_in(
    workshop: Workshop,
    cohort: Cohort,
    participant: Participant,
    code: Any,
    *,
    settings: Settings,
    now: datetime | None = None,
) -> Attendance:
    """Check a member in with the scanned code or the 6 typed digits: present, or late after
    the grace minutes. Wrong codes count against the member: past CHECKIN_MAX_FAILURES in
    CHECKIN_FAILURE_WINDOW every code is refused (429), so the digits cannot be tried out."""
    now = now or utcnow()
    if participant.cohort_id != cohort.id:
        raise DomainError(WorkshopsError.NOT_A_MEMBER, N_("You are not a member of this cohort."))
    _ensure_open(workshop, cohort, now)
    key = rate_key("checkin", str(participant.id))
    await check_rate(key, limit=CHECKIN_MAX_FAILURES, window=CHECKIN_FAILURE_WINDOW, now=now)
    method = code_method(settings, workshop, code.strip(), now) if isinstance(code, str) else None
    if method is None:
        await record_failure(key, now=now)
        raise _invalid_code()
    return await _record_check_in(workshop, participant, settings=settings, now=now, method=method)


# The QR code changes every few seconds; a ticket proves the scan happened in time and leaves
# the member a few minutes to read the page and tap "I am here". A pass does the same for a
# phone not signed in yet, while its owner types their name and PIN.
TICKET_LIFETIME = timedelta(minutes=5)
PASS_LIFETIME = timedelta(minutes=10)


def _ticket_purpose(workshop: Workshop, participant: Participant) -> str:
    return f"ticket:{workshop.id}:{participant.id}"


def _scanned_at(settings: Settings, workshop: Workshop, code: str, now: datetime) -> datetime:
    # Only the code of the QR link opens the page: the 6 digits are typed into a form, where
    # wrong tries are counted.
    if code_method(settings, workshop, code.strip(), now) != SCANNED:
        raise _invalid_code()
    return now


def scan_ticket(
    settings: Settings,
    workshop: Workshop,
    participant: Participant,
    code: str,
    now: datetime | None = None,
) -> str:
    """After a valid scan, a ticket for this member that the confirmation form posts back."""
    now = now or utcnow()
    at = _scanned_at(settings, workshop, code, now)
    return signed_moment(settings, _ticket_purpose(workshop, participant), at)


def scan_pass(
    settings: Settings, workshop: Workshop, code: str, now: datetime | None = None
) -> str:
    """After a valid scan by a phone not signed in: a pass that the sign-in form posts back."""
    now = now or utcnow()
    return signed_moment(
        settings, f"pass:{workshop.id}", _scanned_at(settings, workshop, code, now)
    )


def pass_moment(
    settings: Settings, workshop: Workshop, token: str, now: datetime | None = None
) -> datetime | None:
    """When the scan behind a pass happened, if the pass is genuine and still young."""
    return moment_of(
        settings, f"pass:{workshop.id}", token, lifetime=PASS_LIFETIME, now=now or utcnow()
    )


async def check_in_at_scan(
    workshop: Workshop,
    cohort: Cohort,
    participant: Participant,
    scanned: datetime,
    *,
    settings: Settings,
    now: datetime | None = None,
) -> Attendance:
    """Check in a member whose phone scanned a valid code at `scanned` (a verified ticket or
    pass): present or late as of the scan, not of the tap that followed."""
    now = now or utcnow()
    _ensure_open(workshop, cohort, now)
    if participant.cohort_id != cohort.id:
        raise _invalid_code()
    return await _record_check_in(workshop, participant, settings=settings, now=scanned)


async def check_in_with_ticket(
    workshop: Workshop,
    cohort: Cohort,
    participant: Participant,
    ticket: str,
    *,
    settings: Settings,
    now: datetime | None = None,
) -> Attendance:
    """Check in from the confirmation form (the ticket from `scan_ticket`)."""
    now = now or utcnow()
    _ensure_open(workshop, cohort, now)
    scanned = moment_of(
        settings,
        _ticket_purpose(workshop, participant),
        ticket,
        lifetime=TICKET_LIFETIME,
        now=now,
    )
    if scanned is None:
        raise _invalid_code()
    return await check_in_at_scan(
        workshop, cohort, participant, scanned, settings=settings, now=now
    )


def ensure_checkin_open(workshop: Workshop, now: datetime) -> None:
    """Check-in opens a little before the start and closes at the end."""
    if not (workshop.starts_at - EARLY_CHECKIN <= now < workshop.ends_at):
        raise DomainError(
            WorkshopsError.CHECKIN_CLOSED, N_("Check-in is open only during the workshop.")
        )


async def _record_check_in(
    workshop: Workshop,
    participant: Participant,
    *,
    settings: Settings,
    now: datetime,
    method: str = SCANNED,
) -> Attendance:
    ensure_checkin_open(workshop, now)
    late = now >= workshop.starts_at + timedelta(minutes=settings.checkin_late_minutes)
    status = "late" if late else "present"
    existing = await Attendance.get_or_none(workshop_id=workshop.id, participant_id=participant.id)
    if existing is not None and existing.status in ATTENDED:
        return existing  # checked in once: scanning again changes nothing
    try:
        async with in_transaction():
            if existing is None:
                row = await Attendance.create(
                    workshop_id=workshop.id,
                    participant_id=participant.id,
                    status=status,
                    checked_in_at=now,
                    method=method,
                )
                old = ""
            else:  # marked absent or excused by the roll call, then turned up after all
                row, old = existing, existing.status
                row.status, row.checked_in_at, row.method = status, now, method
                await row.save()
            await _log(row, old, None, now)
    except IntegrityError:
        # The same phone double-submitted: the first one won.
        return await Attendance.get(workshop_id=workshop.id, participant_id=participant.id)
    return row


async def record_attendance(
    workshop: Workshop,
    cohort: Cohort,
    *,
    participant_id: UUID | str,
    status: str,
    by: User | None,
    now: datetime | None = None,
) -> Attendance:
    """Roll call or correction by the staff: the member's status at this workshop, every change
    logged with who and when. An unknown status is 422, someone not a member of the cohort
    (or a malformed id) 404, a frozen cohort or a cancelled workshop 409."""
    now = now or utcnow()
    if status not in ATTENDANCE_STATUSES:
        raise ValidationError({"status": N_("Choose present, late, absent or excused.")})
    participant = await participant_of(cohort, participant_id)
    _ensure_open(workshop, cohort, now)
    try:
        async with in_transaction():
            row = await Attendance.get_or_none(
                workshop_id=workshop.id, participant_id=participant.id
            )
            if row is None:
                row = await Attendance.create(
                    workshop_id=workshop.id,
                    participant_id=participant.id,
                    status=status,
                    checked_in_at=now if status in ATTENDED else None,
                    method="roll_call",
                )
                await _log(row, "", by, now)
            elif row.status != status:
                old = row.status
                row.status, row.method = status, "roll_call"
                if status in ATTENDED and row.checked_in_at is None:
                    row.checked_in_at = now
                await row.save()
                await _log(row, old, by, now)
                await audit.record(
                    actor=Principal(user=by) if by is not None else None,
                    action="attendance.corrected",
                    object=f"workshop:{workshop.id}",
                    detail={"old": old, "new": status},
                    cohort_id=cohort.id,
                    subject_id=participant.id,
                    now=now,
                )
    except IntegrityError:
        # The member's own check-in landed at the same moment: apply the roll call on top.
        return await record_attendance(
            workshop, cohort, participant_id=participant.id, status=status, by=by, now=now
        )
    return row


async def attendance_of(workshop: Workshop) -> list[Attendance]:
    return await Attendance.filter(workshop_id=workshop.id).order_by("id")


async def attendance_history(workshop: Workshop) -> list[AttendanceLog]:
    """Every change of attendance at this workshop, oldest first, with who made it."""
    return (
        await AttendanceLog.filter(workshop_id=workshop.id)
        .prefetch_related("participant", "changed_by")
        .order_by("changed_at", "id")
    )
