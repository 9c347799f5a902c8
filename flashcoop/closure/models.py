"""A cohort's closure: its run, the final accounts and shares, exit outcomes, stored reports."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

SITUATIONS = (
    "durable_job",
    "transition_job",
    "training",
    "business_creation",
    "joined_cae",
    "job_search",
    "other",
    "unknown",
)


class Closure(Model):
    # One per cohort (unique). Created by the worker that moved the cohort from active to
    # closing; `claimed_at` lets another worker take over a closure whose worker died.
    id = fields.IntField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="closures", on_delete=fields.RESTRICT, unique=True
    )
    cohort_id: Any
    trigger = fields.CharField(max_length=16)  # schedule | manual
    requested_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "flashcoop.User", related_name="closures_requested", null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: int | None
    worker = fields.CharField(max_length=120, default="")
    claimed_at = fields.DatetimeField()
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    step = fields.CharField(max_length=32, default="started")
    error = fields.TextField(default="")
    # Frozen at closure.
    surplus_rule = fields.CharField(max_length=16, default="equal")
    sales_cents = fields.BigIntField(default=0)
    expenses_cents = fields.BigIntField(default=0)
    surplus_cents = fields.BigIntField(default=0)
    ledger_entries = fields.IntField(default=0)
    ledger_head = fields.CharField(max_length=64, default="")

    class Meta:
        table = "closure"


class Share(Model):
    # A member's part of the surplus, fixed at closure; the shares add up to the surplus.
    id = fields.IntField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="shares", on_delete=fields.RESTRICT
    )
    cohort_id: Any
    participant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Participant", related_name="shares", on_delete=fields.RESTRICT
    )
    participant_id: Any
    basis = fields.BigIntField(default=0)  # 1, attended minutes or sales cents, by the rule
    amount_cents = fields.BigIntField()

    class Meta:
        table = "share"
        unique_together = (("cohort", "participant"),)


class Outcome(Model):
    # A member's situation at exit or at a follow-up. Never updated: the latest row counts.
    id = fields.BigIntField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="outcomes", on_delete=fields.CASCADE
    )
    cohort_id: Any
    participant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Participant", related_name="outcomes", on_delete=fields.CASCADE
    )
    participant_id: Any
    situation = fields.CharField(max_length=32)  # SITUATIONS
    note = fields.TextField(default="")
    recorded_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "flashcoop.User", related_name="outcomes_recorded", null=True, on_delete=fields.SET_NULL
    )
    recorded_by_id: int | None
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "outcome"
        indexes = (("cohort_id", "participant_id"),)


class Report(Model):
    # A stored report file: the closure report (one per format, made once) or a follow-up.
    id = fields.IntField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="reports", on_delete=fields.RESTRICT
    )
    cohort_id: Any
    kind = fields.CharField(max_length=16)  # closure | followup
    audience = fields.CharField(max_length=16, default="staff")  # staff | funder
    format = fields.CharField(max_length=8)  # pdf | csv | json
    # "closure" reports carry the constant 0; follow-ups count up, so retries cannot double.
    version = fields.IntField(default=0)
    file: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.StoredFile", related_name="reports", on_delete=fields.RESTRICT
    )
    file_id: Any
    created_at = fields.DatetimeField()

    class Meta:
        table = "report"
        unique_together = (("cohort", "kind", "audience", "format", "version"),)
