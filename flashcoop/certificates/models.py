"""Skill assessments, certificates and the structures' signing keys."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Assessment(Model):
    # One level given to one competence of one member, by a facilitator or by the member
    # (`is_self`). Never updated: a new judgement is a new row, and the latest one counts.
    id = fields.BigIntField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="assessments", on_delete=fields.CASCADE
    )
    cohort_id: Any
    participant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Participant", related_name="assessments", on_delete=fields.CASCADE
    )
    participant_id: Any
    competence = fields.CharField(max_length=32)
    level = fields.IntField()
    note = fields.TextField(default="")
    is_self = fields.BooleanField(default=False)
    assessed_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "flashcoop.User", related_name="assessments_made", null=True, on_delete=fields.SET_NULL
    )
    assessed_by_id: int | None
    assessed_at = fields.DatetimeField()

    class Meta:
        table = "assessment"
        indexes = (("cohort_id", "participant_id", "competence"),)


class Certificate(Model):
    # At most one per member and cohort: the unique constraint decides between concurrent
    # issuers. The id is random (UUID4) and public: it is the verification link.
    id = fields.UUIDField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Cohort", related_name="certificates", on_delete=fields.RESTRICT
    )
    cohort_id: Any
    participant: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Participant", related_name="certificates", on_delete=fields.RESTRICT
    )
    participant_id: Any
    kind = fields.CharField(max_length=16)  # eligible | override | early
    reason = fields.TextField(default="")
    issued_at = fields.DatetimeField()
    issued_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "flashcoop.User", related_name="certificates_issued", null=True, on_delete=fields.SET_NULL
    )
    issued_by_id: int | None
    # What the certificate says, as issued: holder, hours, competences and levels, issuer.
    # The verification page and the badges read this, never the live rows.
    content: dict[str, Any] = fields.JSONField(default=dict)
    language = fields.CharField(max_length=8, default="fr")
    # Salt of the hashed recipient in the Open Badges assertion.
    salt = fields.CharField(max_length=64)
    # The PDF as issued; null only between the row's creation and its rendering.
    file: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "flashcoop.StoredFile", related_name="certificates", null=True, on_delete=fields.RESTRICT
    )
    file_id: Any
    revoked_at = fields.DatetimeField(null=True)
    revocation_reason = fields.TextField(default="")

    class Meta:
        table = "certificate"
        unique_together = (("cohort", "participant"),)
        ordering = ["issued_at"]


class SigningKey(Model):
    # A structure's Ed25519 key for Open Badges 3.0 credentials. The public key is published;
    # the private key is kept encrypted with a key derived from FLASHCOOP_SECRET_KEY.
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "flashcoop.Organisation", related_name="signing_keys", on_delete=fields.RESTRICT
    )
    organisation_id: int
    key_id = fields.CharField(max_length=64, unique=True)
    public_key = fields.BinaryField()  # 32 raw bytes
    private_key = fields.BinaryField()  # encrypted
    created_at = fields.DatetimeField()
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "signing_key"
