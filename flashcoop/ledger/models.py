"""Ledger entries (append-only, hash-chained) and each cohort's chain head."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.manager import Manager
from tortoise.models import Model
from tortoise.queryset import QuerySet

KINDS = ("sale", "expense")
REVERSAL = "reversal"
PAYMENT_METHODS = ("cash", "card", "transfer", "other")


class AppendOnlyError(RuntimeError):
    """Raised by any attempt to change or remove a stored ledger entry."""


class AppendOnlyQuerySet(QuerySet[Any]):
    # Bulk update/delete would bypass Model.save/delete: refuse them here too.
    def update(self, **kwargs: Any) -> Any:
        raise AppendOnlyError("ledger entries are never updated")

    def delete(self) -> Any:
        raise AppendOnlyError("ledger entries are never deleted")


class AppendOnlyManager(Manager):
    def get_queryset(self) -> QuerySet[Any]:
        return AppendOnlyQuerySet(self._model)


class LedgerEntry(Model):
    # One line of a cohort's books. Written once, never updated nor deleted: a mistake is undone
    # by a reversal entry pointing at it. `id` is chosen by the client, so a replay is detected.
    id = fields.UUIDField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="ledger_entries", on_delete=fields.RESTRICT
    )
    cohort_id: Any
    seq = fields.IntField()
    kind = fields.CharField(max_length=16)  # sale | expense | reversal
    # The book the line counts in: the kind of the entry, or of the entry a reversal undoes.
    book = fields.CharField(max_length=16)
    amount_cents = fields.BigIntField()  # negative for a reversal
    quantity = fields.IntField(default=1)  # negative for a reversal
    label = fields.CharField(max_length=120)
    payment_method = fields.CharField(max_length=16, default="cash")
    participant: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Participant",
        related_name="ledger_entries",
        null=True,
        on_delete=fields.RESTRICT,
    )
    participant_id: Any
    # Who typed it: a member (author) or a staff user (recorded_by). For a reversal,
    # `participant` stays the member whose line it corrects, so their totals net out.
    author: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Participant",
        related_name="ledger_entries_typed",
        null=True,
        on_delete=fields.RESTRICT,
    )
    author_id: Any
    recorded_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "flashcoop.User", related_name="ledger_entries", null=True, on_delete=fields.RESTRICT
    )
    recorded_by_id: int | None
    reverses: fields.OneToOneNullableRelation[LedgerEntry] = fields.OneToOneField(
        "flashcoop.LedgerEntry", related_name="reversed_by", null=True, on_delete=fields.RESTRICT
    )
    reverses_id: Any
    reason = fields.CharField(max_length=2000, default="")
    occurred_at = fields.DatetimeField()
    recorded_at = fields.DatetimeField()
    # occurred_at's date in the cohort's zone, kept so totals by day group in plain SQL
    # (SQLite has no timezone functions). Derived from occurred_at, which the hash covers.
    local_day = fields.CharField(max_length=10)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "ledger_entry"
        unique_together = (("cohort", "seq"),)
        # Covers the ledger summary (reports.SUMMARY_SQL): every column it reads, in the order
        # it groups by, so a cohort's totals come off this index alone, already in order,
        # however many other cohorts share the table.
        indexes = (
            (
                "cohort_id",
                "book",
                "kind",
                "participant_id",
                "local_day",
                "label",
                "payment_method",
                "amount_cents",
                "quantity",
            ),
        )
        ordering = ["seq"]
        manager = AppendOnlyManager()

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Any = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        if self._saved_in_db or force_update or update_fields:
            raise AppendOnlyError("ledger entries are never updated")
        await super().save(using_db=using_db, force_create=True)

    async def delete(self, using_db: BaseDBAsyncClient | None = None) -> None:
        raise AppendOnlyError("ledger entries are never deleted")


class LedgerHead(Model):
    # The last link of a cohort's chain: lets verification notice entries cut from the end,
    # and gives appends one row to serialise on. (A plain id key: Tortoise's migration
    # autodetector keeps re-detecting a model whose primary key is a one-to-one field.)
    id = fields.IntField(primary_key=True)
    cohort: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "flashcoop.Cohort", related_name="ledger_head", on_delete=fields.RESTRICT
    )
    cohort_id: Any
    seq = fields.IntField(default=0)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "ledger_head"
