"""In-app notifications and the outbox of messages to send (e-mail, SMS gateway webhook)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Notification(Model):
    # Shown in the app; the text is a msgid + params, translated when displayed.
    id = fields.IntField(primary_key=True)
    participant: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "flashcoop.Participant", related_name="notifications", on_delete=fields.CASCADE
    )
    participant_id: object
    kind = fields.CharField(max_length=32)
    msgid = fields.CharField(max_length=300)
    params: dict[str, Any] = fields.JSONField(default=dict)
    link = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        ordering = ["-created_at", "-id"]


class OutboxMessage(Model):
    # One message to deliver through a channel; retried with backoff until sent or given up.
    id = fields.IntField(primary_key=True)
    channel = fields.CharField(max_length=16)  # email | sms
    recipient = fields.CharField(max_length=254, default="")
    subject = fields.CharField(max_length=200, default="")
    body = fields.TextField(default="")
    payload: dict[str, Any] = fields.JSONField(default=dict)
    status = fields.CharField(max_length=16, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    claimed_at = fields.DatetimeField(null=True)
    next_attempt_at = fields.DatetimeField(db_index=True)
    last_error = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_message"
