"""Signals the cohorts domain sends, for the domains above it to react to."""

from __future__ import annotations

from flashcoop.core.signals import Signal

cohort_created = Signal(
    "cohort_created",
    "A cohort was launched: send(cohort=Cohort, programme=str), inside its transaction.",
)

participant_joined = Signal(
    "participant_joined",
    "A person joined: send(participant=Participant, guardian_name=str, now=datetime), inside "
    "the joining transaction (privacy records the consents given and a guardian's consent).",
)

participant_changed = Signal(
    "participant_changed",
    "The staff changed a member: send(participant=Participant, actor=Principal | None, "
    "changes={field: (old, new)}, now=datetime), inside the transaction (privacy audits it).",
)
