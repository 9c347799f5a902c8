"""Signals the privacy domain sends, for the domains above it (ledger, workshops,
certificates, closure) to hand over or forget what they hold about a person."""

from __future__ import annotations

from flashcoop.core.signals import Signal

member_export_requested = Signal(
    "member_export_requested",
    "A participant asked for their data: send(participant=Participant, settings=Settings) "
    "returns each receiver's {section: JSON-ready data}, merged into the export.",
)

member_erased = Signal(
    "member_erased",
    "An admin erased a participant: send(participant=Participant, actor=Principal, now=datetime) "
    "inside the erasure's transaction (certificates are revoked at the holder's request).",
)
