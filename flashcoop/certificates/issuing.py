"""Issuing certificates: at closure for every eligible member, early or by override for one;
revoking them; rendering each PDF once.

Exactly one certificate per member and cohort: the unique constraint decides, inside a
savepoint (on PostgreSQL a failed INSERT would otherwise abort the caller's transaction), and the
loser of a race gets the winner's row. The PDF is rendered after the row exists and attached by
a conditional update, so a failed or concurrent render never leaves two files nor none for good:
the next call (a retry, a download) renders what is missing.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from flashcoop.accounts.models import User
from flashcoop.certificates import assessments
from flashcoop.certificates.content import build_content
from flashcoop.certificates.errors import CertificatesError
from flashcoop.certificates.models import Certificate
from flashcoop.certificates.pdf import render_certificate_pdf
from flashcoop.cohorts.members import members
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core import pdf
from flashcoop.core.errors import N_, DomainError, ValidationError
from flashcoop.core.i18n import LANGUAGES
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.core.storage import StoredFile, store_file
from flashcoop.privacy import audit
from flashcoop.workshops.reports import attended_minutes, planned_minutes

log = logging.getLogger(__name__)

ELIGIBLE, OVERRIDE, EARLY = "eligible", "override", "early"
MAX_REASON = 2000


@dataclass(frozen=True)
class Standing:
    """Where a member stands: minutes attended out of those planned so far, and the verdict."""

    minutes: int
    planned: int
    threshold: int  # percent

    @property
    def eligible(self) -> bool:
        # Integer arithmetic: 80 % of 7 h 30 is compared exactly, never through a float.
        return self.minutes * 100 >= self.threshold * self.planned

    @property
    def percent(self) -> int:
        return round(100 * self.minutes / self.planned) if self.planned else 100


async def standings(cohort: Cohort, *, now: datetime) -> dict[str, Standing]:
    """Each member's standing (by participant id as str). Planned hours are those of the
    workshops not cancelled that began before `now`: at closure, the whole programme; before
    it, the programme so far — so someone leaving for a job is judged on what they could
    attend. A threshold of 0 makes everyone who joined eligible."""
    planned = await planned_minutes(cohort.id, until=now)
    attended = await attended_minutes(cohort.id)
    threshold = max(0, cohort.attendance_threshold or 0)
    return {
        str(m.id): Standing(attended.get(str(m.id), 0), planned, threshold)
        for m in await members(cohort.id)
    }


def verify_url(settings: Settings, certificate_id: object) -> str:
    """The public verification link printed (and QR-coded) on the certificate."""
    return f"{settings.base_url.rstrip('/')}/verify/{certificate_id}"


def read_reason(value: Any, *, required: bool) -> str:
    reason = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise ValidationError({"reason": N_("Write the reason as text.")})
    if required and not reason:
        raise ValidationError({"reason": N_("Give a reason.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": N_("At most 2,000 characters.")})
    return reason


def read_language(value: Any, settings: Settings) -> str:
    if value is None or value == "":
        return settings.default_language if settings.default_language in LANGUAGES else "fr"
    if value not in LANGUAGES:
        raise ValidationError({"language": N_("Choose French or English.")})
    return str(value)


@dataclass(frozen=True)
class Known:
    """The cohort's attended minutes and latest levels by member, read once for a whole
    closure rather than once per certificate."""

    minutes: dict[str, int]
    levels: dict[str, Any]


async def _known(cohort: Cohort) -> Known:
    return Known(await attended_minutes(cohort.id), await assessments.latest_levels(cohort.id))


async def _insert(
    cohort: Cohort,
    participant: Participant,
    *,
    kind: str,
    reason: str,
    issued_by: User | None,
    language: str,
    now: datetime,
    known: Known | None = None,
) -> tuple[Certificate, bool]:
    existing = await Certificate.get_or_none(cohort_id=cohort.id, participant_id=participant.id)
    if existing is not None:
        return existing, False
    known = known or await _known(cohort)
    minutes = known.minutes.get(str(participant.id), 0)
    levels = known.levels.get(str(participant.id), {})
    salt = secrets.token_hex(16)
    content = await build_content(
        cohort,
        participant,
        minutes=minutes,
        levels=levels,
        salt=salt,
        issued_at=now,
        issued_by=issued_by,
    )
    try:
        async with in_transaction():  # a savepoint when the caller holds a transaction
            created = await Certificate.create(
                id=uuid4(),
                cohort_id=cohort.id,
                participant_id=participant.id,
                kind=kind,
                reason=reason,
                issued_at=now,
                issued_by_id=issued_by.id if issued_by else None,
                content=content,
                language=language,
                salt=salt,
            )
    except IntegrityError:
        # Issued a moment ago by another request or worker: theirs is the one.
        return await Certificate.get(cohort_id=cohort.id, participant_id=participant.id), False
    return created, True


async def _attach(certificate: Certificate, pdf: bytes) -> Certificate:
    """Store the PDF and attach it unless another render attached one first (then this copy
    is dropped): one file per certificate, whoever renders."""
    stored = await store_file(
        pdf,
        name=f"certificate-{certificate.id}.pdf",
        media_type="application/pdf",
        now=certificate.issued_at,
    )
    won = await Certificate.filter(id=certificate.id, file_id__isnull=True).update(
        file_id=stored.id
    )
    if not won:
        await StoredFile.filter(id=stored.id).delete()
    return await Certificate.get(id=certificate.id)


async def _render(certificate: Certificate, settings: Settings) -> bytes:
    return await render_certificate_pdf(
        certificate.content,
        verify_url=verify_url(settings, certificate.id),
        language=certificate.language,
    )


async def ensure_file(certificate: Certificate, *, settings: Settings) -> Certificate:
    """Render and attach the PDF when the certificate has none yet (rendered once: a
    concurrent render that lost the race drops its copy)."""
    if certificate.file_id is not None:
        return certificate
    return await _attach(certificate, await _render(certificate, settings))


async def _render_quietly(certificate: Certificate, settings: Settings) -> Certificate:
    # A failed render must not undo the issue: the row stands and the next call renders it.
    try:
        return await ensure_file(certificate, settings=settings)
    except Exception:
        log.exception("certificate %s: rendering failed, left for a later call", certificate.id)
        return certificate


async def render_missing(certificates: list[Certificate], *, settings: Settings) -> int:
    """Render the PDFs the certificates lack, as many at a time as the PDF pool renders (a
    closure's thirty certificates in parallel, not one after another), and attach each as it
    comes, one at a time on this task's connection. A failed render is logged and left for a
    later call, as in `_render_quietly`. Returns how many were attached now."""
    missing = [c for c in certificates if c.file_id is None]
    if not missing:
        return 0
    # One more than the pool renders: the next certificate's HTML is built while the
    # workers are busy, so none waits for it.
    ahead = asyncio.Semaphore(pdf.pool_size() + 1)
    done: asyncio.Queue[tuple[Certificate, bytes | None]] = asyncio.Queue()

    async def render(certificate: Certificate) -> None:
        async with ahead:
            try:
                done.put_nowait((certificate, await _render(certificate, settings)))
            except Exception:
                log.exception(
                    "certificate %s: rendering failed, left for a later call", certificate.id
                )
                done.put_nowait((certificate, None))

    attached = 0
    async with asyncio.TaskGroup() as renders:  # cancelled together if the closure stops
        for certificate in missing:
            renders.create_task(render(certificate))
        for _ in missing:
            certificate, content = await done.get()
            if content is not None:
                await _attach(certificate, content)
                attached += 1
    return attached


async def issue_certificate(
    cohort: Cohort,
    participant: Participant,
    *,
    principal: Principal,
    reason: str | None,
    settings: Settings,
    now: datetime,
    language: object = None,
) -> tuple[Certificate, bool]:
    """Issue one member's certificate before closure (leaving for a job) or by override;
    `created` is False when they already had one (that one is returned, whatever the reason).
    A member below the attendance threshold needs a reason (409 not_eligible otherwise)."""
    if participant.cohort_id != cohort.id:
        raise ValidationError({"participant_id": N_("Not a member of this cohort.")})
    reason = read_reason(reason, required=False)
    existing = await Certificate.get_or_none(cohort_id=cohort.id, participant_id=participant.id)
    if existing is not None:
        return await _render_quietly(existing, settings), False
    standing = (await standings(cohort, now=now)).get(str(participant.id))
    eligible = standing is not None and standing.eligible
    if not eligible and not reason:
        raise DomainError(
            CertificatesError.NOT_ELIGIBLE,
            N_(
                "This member attended fewer hours than the cohort requires: "
                "give a reason to issue the certificate anyway."
            ),
        )
    kind = OVERRIDE if not eligible else (EARLY if not cohort.is_frozen(now) else ELIGIBLE)
    user = principal.user if isinstance(principal.user, User) else None
    certificate, created = await _insert(
        cohort,
        participant,
        kind=kind,
        reason=reason,
        issued_by=user,
        language=read_language(language, settings),
        now=now,
    )
    return await _render_quietly(certificate, settings), created


async def issue_for_closure(cohort: Cohort, *, settings: Settings, now: datetime) -> int:
    """Issue a certificate to each eligible member who has none yet; the number issued now.

    Idempotent: a second call (a retry, another worker) issues nothing more, and renders any
    PDF a failed call left missing."""
    language = read_language(None, settings)
    pdf.warm_up()  # the rendering processes start while the rows are written
    issued = 0
    standing_of = await standings(cohort, now=now)
    known = await _known(cohort)
    certificates = []
    for participant in await members(cohort.id):
        standing = standing_of.get(str(participant.id))
        if standing is None or not standing.eligible or participant.erased_at is not None:
            continue  # an erased member asked for nothing in their name to be issued
        certificate, created = await _insert(
            cohort,
            participant,
            kind=ELIGIBLE,
            reason="",
            issued_by=None,
            language=language,
            now=now,
            known=known,
        )
        issued += int(created)
        certificates.append(certificate)
    await render_missing(certificates, settings=settings)
    return issued


async def revoke_certificate(
    certificate: Certificate, *, principal: Principal, reason: Any, now: datetime
) -> Certificate:
    """Revoke with a reason (shown at once on the verification page and in the badge).
    Revoking again keeps the first date and reason."""
    text = read_reason(reason, required=True)
    async with in_transaction():
        revoked = await Certificate.filter(id=certificate.id, revoked_at__isnull=True).update(
            revoked_at=now, revocation_reason=text
        )
        if revoked:
            await audit.record(
                actor=principal,
                action="certificate.revoked",
                object=f"certificate:{certificate.id}",
                cohort_id=certificate.cohort_id,
                subject_id=certificate.participant_id,
                now=now,
            )
    return await Certificate.get(id=certificate.id)
