"""A cohort's closure: its run, the final accounts and shares, exit outcomes, stored reports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.models import Model
from tortoise.signals import post_save

from flashcoop.certificates.models import Certificate
from flashcoop.cohorts.models import Participant

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


class CohortFigures(Model):
    # What the funders' indicators count of one closed cohort, stored by the closure's
    # "figures" step so that indicators sum these rows in the database instead of
    # re-aggregating members, attendance, certificates and outcomes (closure/cohort_figures.py).
    # Counts only, never a person: one column per category (suppression below 3 applies to
    # the sums shown, as it did on the raw path). Its categories follow GENDERS, AGE_BANDS and
    # SITUATIONS: cohort_figures checks at import that each one has its column.
    # `stale` is set (and `revision` bumped) when something counted here changes after it was
    # stored: a follow-up outcome, a profile erased or withdrawn, a late certificate. The next
    # reader recomputes the row, conditional on `revision`, so a concurrent change is never lost.
    id = fields.IntField(primary_key=True)
    cohort: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "flashcoop.Cohort", related_name="figures", on_delete=fields.CASCADE
    )
    cohort_id: Any
    participants = fields.IntField(default=0)
    planned_minutes = fields.BigIntField(default=0)  # scheduled minutes × members
    attended_minutes = fields.BigIntField(default=0)  # summed over members
    sales_cents = fields.BigIntField(default=0)
    surplus_cents = fields.BigIntField(default=0)
    certificates_issued = fields.IntField(default=0)
    gender_female = fields.IntField(default=0)
    gender_male = fields.IntField(default=0)
    gender_other = fields.IntField(default=0)
    gender_unknown = fields.IntField(default=0)
    age_under_26 = fields.IntField(default=0)
    age_26_44 = fields.IntField(default=0)
    age_45_plus = fields.IntField(default=0)
    age_unknown = fields.IntField(default=0)
    outcome_durable_job = fields.IntField(default=0)  # the member's latest situation
    outcome_transition_job = fields.IntField(default=0)
    outcome_training = fields.IntField(default=0)
    outcome_business_creation = fields.IntField(default=0)
    outcome_joined_cae = fields.IntField(default=0)
    outcome_job_search = fields.IntField(default=0)
    outcome_other = fields.IntField(default=0)
    outcome_unknown = fields.IntField(default=0)
    outcome_not_recorded = fields.IntField(default=0)
    stale = fields.BooleanField(default=True)
    revision = fields.IntField(default=0)
    computed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "cohort_figures"


async def mark_figures_stale(cohort_id: Any, using_db: BaseDBAsyncClient | None = None) -> None:
    """Something the cohort's stored figures count changed: the next reader recomputes them.
    A cohort with no row yet gets a stale one, so that a reader or the closure step computing
    it at this very moment cannot store figures that miss the change."""
    rows = CohortFigures.filter(cohort_id=cohort_id)
    if await rows.using_db(using_db).update(stale=True, revision=F("revision") + 1):
        return
    stub = CohortFigures(cohort_id=cohort_id, stale=True)
    await CohortFigures.bulk_create([stub], ignore_conflicts=True, using_db=using_db)
    # Ignored when a reader inserted its row meanwhile: mark that one.
    await rows.using_db(using_db).update(stale=True, revision=F("revision") + 1)


# What a member's figures depend on; other saves (PIN, names, anonymisation) change nothing.
COUNTED_FIELDS = frozenset({"gender", "birth_year", "cohort", "cohort_id"})


@post_save(Participant)
async def _member_saved(
    sender: type[Participant],
    instance: Participant,
    created: bool,
    using_db: BaseDBAsyncClient | None,
    update_fields: Iterable[str] | None,
) -> None:
    # A member joins only an open cohort, whose figures the closure computes after the claim.
    if created or (update_fields is not None and not COUNTED_FIELDS & set(update_fields)):
        return
    await mark_figures_stale(instance.cohort_id, using_db)


@post_save(Outcome, Certificate)
async def _counted_row_saved(
    sender: type[Model],
    instance: Outcome | Certificate,
    created: bool,
    using_db: BaseDBAsyncClient | None,
    update_fields: Iterable[str] | None,
) -> None:
    # Follow-up outcomes are recorded for 12 months after closure; a certificate can be issued
    # by override after it. Revocations and note edits go through updates and count nothing.
    if created:
        await mark_figures_stale(instance.cohort_id, using_db)
