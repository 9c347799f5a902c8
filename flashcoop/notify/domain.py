"""What the notify domain contributes: its tables and the outbox delivery job."""

from flashcoop.core.domain import Domain
from flashcoop.core.jobs import Job
from flashcoop.notify.services import deliver_outbox

DOMAIN = Domain(
    name="notify",
    models=("flashcoop.notify.models",),
    jobs=(Job("outbox", deliver_outbox, 30, "deliver queued e-mails and SMS webhook calls"),),
)
