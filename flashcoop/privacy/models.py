"""The audit trail, guardians' consents and structures' own retention periods."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


# One sensitive action: who (a label without personal data, plus the ids), what, on what, when.
# Written in the same transaction as the action; never updated, except that an erasure
# blanks nothing here because no row carries a participant's name or contact.
class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    actor = fields.CharField(max_length=120)  # "admin #3", "participant 1a2b3c4d", "system"
    actor_user_id = fields.IntField(null=True, db_index=True)
    actor_participant_id = fields.UUIDField(null=True, db_index=True)
    action = fields.CharField(max_length=48, db_index=True)  # see audit.ACTIONS
    object = fields.CharField(max_length=120)  # "participant:<uuid>", "entry:<uuid>", ...
    # The participant the action concerns, so that their export lists it.
    subject_id = fields.UUIDField(null=True, db_index=True)
    detail: dict[str, Any] = fields.JSONField(default=dict)
    cohort_id = fields.UUIDField(null=True, db_index=True)

    class Meta:
        table = "audit_entry"
        ordering = ["-at", "-id"]


# A parent's or guardian's consent for a member under 18: who consented and when.
class GuardianConsent(Model):
    id = fields.IntField(primary_key=True)
    participant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Participant", related_name="guardian_consents", on_delete=fields.CASCADE
    )
    participant_id: Any
    guardian_name = fields.CharField(max_length=80)
    given_at = fields.DatetimeField()

    class Meta:
        table = "guardian_consent"


# A structure's own retention period, overriding FLASHCOOP_RETENTION_MONTHS.
class RetentionPolicy(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "flashcoop.Organisation", related_name="retention_policy", on_delete=fields.CASCADE
    )
    organisation_id: int
    months = fields.IntField()

    class Meta:
        table = "retention_policy"
