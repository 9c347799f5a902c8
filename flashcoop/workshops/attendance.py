"""Attendance at workshops: rotating QR check-in codes, self check-in, roll call, audit log.

A check-in code is an HMAC of (workshop id, time window) under the secret key: nothing is
stored, every worker computes the same code, and a code is accepted during its own window and
the one after (a grace period for a phone that scanned just before the code changed).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from flashcoop.accounts.models import User
from flashcoop.cohorts.members import participant_of
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.services import ensure_open
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, DomainError, ValidationError
from flashcoop.core.settings import Settings
from flashcoop.workshops.errors import WorkshopsError
from flashcoop.workshops.models import (
    ATTENDANCE_STATUSES,
    ATTENDED,
    CANCELLED,
    Attendance,
    AttendanceLog,
    Workshop,
)

EARLY_CHECKIN = timedelta(minutes=30)


def _window(now: datetime, rotation: int) -> int:
    return int(now.timestamp()) // rotation


def _code(secret_key: str, workshop_id: object, window: int) -> str:
    mac = hmac.new(
        secret_key.encode(), f"checkin:{workshop_id}:{window}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(mac[:12]).decode()


def current_code(
    settings: Settings, workshop: Workshop, now: datetime | None = None
) -> tuple[str, datetime]:
    """The code to show now and when it stops being the current one."""
    now = now or utcnow()
    rotation = max(settings.checkin_rotation_seconds, 1)
    window = _window(now, rotation)
    expires = datetime.fromtimestamp((window + 1) * rotation, UTC)
    return _code(settings.secret_key, workshop.id, window), expires


def code_is_valid(
    settings: Settings, workshop: Workshop, code: str, now: datetime | None = None
) -> bool:
    now = now or utcnow()
    window = _window(now, max(settings.checkin_rotation_seconds, 1))
    return any(
        hmac.compare_digest(_code(settings.secret_key, workshop.id, w), code)
        for w in (window, window - 1)
    )


def checkin_url(settings: Settings, workshop: Workshop, code: str) -> str:
    return f"{settings.base_url.rstrip('/')}/w/{workshop.id}/checkin?code={code}"


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
        {"code": N_("This code has expired or is wrong. Scan the screen again.")},
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
    """Check a member in with a scanned code: present, or late after the grace minutes."""
    now = now or utcnow()
    if participant.cohort_id != cohort.id:
        raise DomainError(WorkshopsError.NOT_A_MEMBER, N_("You are not a member of this cohort."))
    _ensure_open(workshop, cohort, now)
    if not isinstance(code, str) or not code_is_valid(settings, workshop, code.strip(), now):
        raise _invalid_code()
    return await _record_check_in(workshop, participant, settings=settings, now=now)


TICKET_LIFETIME = timedelta(minutes=5)


def _ticket_mac(settings: Settings, workshop: Workshop, participant: Participant, at: int) -> str:
    message = f"ticket:{workshop.id}:{participant.id}:{at}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def scan_ticket(
    settings: Settings,
    workshop: Workshop,
    participant: Participant,
    code: str,
    now: datetime | None = None,
) -> str:
    """After a valid scan, a ticket for this member that the confirmation form posts back.

    The QR code changes every few seconds; the ticket proves the scan happened in time and
    leaves the member a few minutes to read the page and tap "confirm".
    """
    now = now or utcnow()
    if not code_is_valid(settings, workshop, code.strip(), now):
        raise _invalid_code()
    at = int(now.timestamp())
    return f"{at}.{_ticket_mac(settings, workshop, participant, at)}"


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
    at_text, _, mac = ticket.partition(".")
    try:
        at = int(at_text)
    except ValueError as exc:
        raise _invalid_code() from exc
    scanned = datetime.fromtimestamp(at, UTC)
    if not (
        hmac.compare_digest(_ticket_mac(settings, workshop, participant, at), mac)
        and scanned <= now < scanned + TICKET_LIFETIME
        and participant.cohort_id == cohort.id
    ):
        raise _invalid_code()
    return await _record_check_in(workshop, participant, settings=settings, now=scanned)


def ensure_checkin_open(workshop: Workshop, now: datetime) -> None:
    """Check-in opens a little before the start and closes at the end."""
    if not (workshop.starts_at - EARLY_CHECKIN <= now < workshop.ends_at):
        raise DomainError(
            WorkshopsError.CHECKIN_CLOSED, N_("Check-in is open only during the workshop.")
        )


async def _record_check_in(
    workshop: Workshop, participant: Participant, *, settings: Settings, now: datetime
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
                    method="qr",
                )
                old = ""
            else:  # marked absent or excused by the roll call, then turned up after all
                row, old = existing, existing.status
                row.status, row.checked_in_at, row.method = status, now, "qr"
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
