"""Organisations (support structures and funders), staff users, API tokens, rate-limit marks."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

ORGANISATION_KINDS = ("structure", "funder")
ROLES = ("admin", "facilitator", "funder")


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, unique=True)
    kind = fields.CharField(max_length=16)  # ORGANISATION_KINDS
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "organisation"


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)  # stored lower-cased
    name = fields.CharField(max_length=80, default="")
    role = fields.CharField(max_length=16)  # ROLES
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "flashcoop.Organisation", related_name="users", null=True, on_delete=fields.RESTRICT
    )
    organisation_id: int | None
    password_hash = fields.CharField(max_length=200)
    # Bumped when the password changes: sessions signed with an older value stop working.
    session_version = fields.IntField(default=1)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user"


# A bearer token; only its SHA-256 is stored, the token itself is shown once.
class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=120, default="")
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "flashcoop.User", related_name="tokens", null=True, on_delete=fields.CASCADE
    )
    user_id: int | None
    participant: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "flashcoop.Participant", related_name="tokens", null=True, on_delete=fields.CASCADE
    )
    participant_id: object | None
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


# One failed attempt under a key (a digest of scope and address), counted over a window.
# Kept in the database, not in memory, so every worker sees the same count.
# (Model classes carry comments, not docstrings: Tortoise turns a docstring into a table
# comment, and a multi-line one breaks the SQLite migration.)
class RateLimitMark(Model):
    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=200, db_index=True)
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "rate_limit_mark"
