"""A member with something in every part of flashcoop: entries (one reversed), attendance,
assessments, a certificate with its PDF; for the export and erasure tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flashcoop.certificates.issuing import issue_certificate
from flashcoop.certificates.models import Certificate
from flashcoop.core.principal import Principal
from flashcoop.ledger.drafts import Draft, Reversal
from flashcoop.ledger.models import LedgerEntry
from flashcoop.ledger.services import record_entry, reverse_entry
from tests.certificate_helpers import Setup, make_setup


@dataclass
class Full:
    s: Setup
    certificate: Certificate
    sale: LedgerEntry


def _draft(cents: int, at: Any) -> Draft:
    return Draft(
        id=uuid.uuid4(),
        kind="sale",
        book="sale",
        amount_cents=cents,
        quantity=1,
        label="Confiture",
        payment_method="cash",
        occurred_at=at,
    )


async def make_full(settings: Any) -> Full:
    s = await make_setup(threshold=0)
    me = Principal(participant=s.aicha)
    sale = (await record_entry(s.cohort, _draft(1250, s.now), principal=me, now=s.now)).entry
    await record_entry(s.cohort, _draft(300, s.now), principal=me, now=s.now)
    await reverse_entry(
        s.cohort,
        sale.id,
        Reversal(id=uuid.uuid4(), reason="Erreur de saisie"),
        principal=Principal(user=s.facilitator),
        now=s.now,
    )
    certificate, _ = await issue_certificate(
        s.cohort,
        s.aicha,
        principal=Principal(user=s.facilitator),
        reason=None,
        settings=settings,
        now=s.now,
    )
    return Full(s, certificate, sale)
