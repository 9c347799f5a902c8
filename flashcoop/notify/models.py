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


class Webhook(Model):
    # An endpoint an admin registered for some events. The secret signs each delivery, so it
    # is kept (shown once to the admin, never listed again).
    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=500)
    events: list[str] = fields.JSONField(default=list)
    secret = fields.CharField(max_length=100)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "flashcoop.User", related_name="webhooks", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook"
        ordering = ["id"]


class WebhookDelivery(Model):
    # One event for one endpoint. The id is the Flashcoop-Delivery header, the same on every
    # retry; (webhook, event_key) is unique, so an event is never queued twice for an endpoint.
    id = fields.UUIDField(primary_key=True)
    webhook: fields.ForeignKeyRelation[Webhook] = fields.ForeignKeyField(
        "flashcoop.Webhook", related_name="deliveries", on_delete=fields.CASCADE
    )
    webhook_id: int
    event = fields.CharField(max_length=64)
    event_key = fields.CharField(max_length=200)  # e.g. "cohort.closed:<cohort id>"
    body = fields.TextField()  # the exact JSON sent, identical on every retry
    status = fields.CharField(max_length=16, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    last_status_code = fields.IntField(null=True)
    last_error = fields.CharField(max_length=300, default="")
    claimed_at = fields.DatetimeField(null=True)
    next_attempt_at = fields.DatetimeField(db_index=True)
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        unique_together = (("webhook", "event_key"),)
        ordering = ["-created_at"]
