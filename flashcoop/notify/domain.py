"""What the notify domain contributes: its tables, the outbox and webhook delivery jobs, and
the webhook pages and API for administrators."""

from flashcoop.core.domain import Domain
from flashcoop.core.jobs import Job
from flashcoop.notify import openapi, webhook_api, webhook_routes
from flashcoop.notify.errors import NotifyError
from flashcoop.notify.services import deliver_outbox
from flashcoop.notify.webhooks import deliver_webhooks

DOMAIN = Domain(
    name="notify",
    models=("flashcoop.notify.models",),
    routes=tuple(webhook_routes.routes),
    api_routes=tuple(webhook_api.routes),
    openapi=openapi.PATHS,
    errors=NotifyError,
    jobs=(
        Job("outbox", deliver_outbox, 30, "deliver queued e-mails and SMS webhook calls"),
        Job("webhooks", deliver_webhooks, 15, "deliver queued webhook events (signed, retried)"),
    ),
)
