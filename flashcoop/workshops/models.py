"""Workshops of a cohort's programme, attendance at them, its audit trail, and reminders."""

from __future__ import annotations

from datetime import datetime

from tortoise import fields
from tortoise.models import Model

from flashcoop.cohorts.models import Cohort, Participant

SCHEDULED, CANCELLED = "scheduled", "cancelled"
ATTENDANCE_STATUSES = ("present", "late", "absent", "excused")
ATTENDED = ("present", "late")  # the statuses that count towards hours


def minutes_between(starts_at: datetime, ends_at: datetime) -> int:
    """A workshop's length in whole minutes, as stored in `duration_minutes` (hours come
    from it)."""
    return int((ends_at - starts_at).total_seconds() // 60)


class Workshop(Model):
    # One session of the programme; a weekly series shares a series_id.
    id = fields.UUIDField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Cohort] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="workshops", on_delete=fields.CASCADE
    )
    cohort_id: object
    series_id = fields.UUIDField(null=True)
    title = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    location = fields.CharField(max_length=120, default="")
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField()
    # Kept with the times so hours are a plain SQL SUM on both databases.
    duration_minutes = fields.IntField(default=0)
    competences: list[str] = fields.JSONField(default=list)
    status = fields.CharField(max_length=16, default=SCHEDULED, db_index=True)
    # iCalendar SEQUENCE: bumped on every change calendars must pick up.
    sequence = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    attendances: fields.ReverseRelation[Attendance]

    class Meta:
        table = "workshop"
        ordering = ["starts_at"]


class Attendance(Model):
    # One row per participant and workshop: the current status.
    id = fields.IntField(primary_key=True)
    workshop: fields.ForeignKeyRelation[Workshop] = fields.ForeignKeyField(
        "flashcoop.Workshop", related_name="attendances", on_delete=fields.CASCADE
    )
    workshop_id: object
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "flashcoop.Participant", related_name="attendances", on_delete=fields.CASCADE
    )
    participant_id: object
    status = fields.CharField(max_length=16)
    checked_in_at = fields.DatetimeField(null=True)
    method = fields.CharField(max_length=16)  # qr | roll_call
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "attendance"
        unique_together = (("workshop", "participant"),)


class AttendanceLog(Model):
    # Every change of an attendance, with who made it and when (corrections stay visible).
    id = fields.IntField(primary_key=True)
    workshop: fields.ForeignKeyRelation[Workshop] = fields.ForeignKeyField(
        "flashcoop.Workshop", related_name="attendance_logs", on_delete=fields.CASCADE
    )
    workshop_id: object
    participant: fields.ForeignKeyRelation[Participant] = fields.ForeignKeyField(
        "flashcoop.Participant", related_name="attendance_logs", on_delete=fields.CASCADE
    )
    participant_id: object
    old_status = fields.CharField(max_length=16, default="")
    new_status = fields.CharField(max_length=16)
    method = fields.CharField(max_length=16)
    changed_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "flashcoop.User", related_name="attendance_changes", null=True, on_delete=fields.SET_NULL
    )
    changed_by_id: int | None
    changed_at = fields.DatetimeField()

    class Meta:
        table = "attendance_log"
        ordering = ["changed_at", "id"]


class Reminder(Model):
    # A due reminder of one workshop; `key` (workshop, offset, start time) makes it unique, so
    # a rescheduled workshop gets new reminders and no reminder is stored or sent twice.
    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=120, unique=True)
    workshop: fields.ForeignKeyRelation[Workshop] = fields.ForeignKeyField(
        "flashcoop.Workshop", related_name="reminders", on_delete=fields.CASCADE
    )
    workshop_id: object
    minutes_before = fields.IntField()
    workshop_starts_at = fields.DatetimeField()  # the start time this reminder announces
    due_at = fields.DatetimeField()
    status = fields.CharField(max_length=16, default="pending", db_index=True)
    claimed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    recipients = fields.IntField(default=0)

    class Meta:
        table = "workshop_reminder"
