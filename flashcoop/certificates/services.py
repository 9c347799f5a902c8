"""Finding certificates for who is asking, their PDFs as issued, and a cohort's ZIP of them."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from uuid import UUID

from flashcoop.certificates.errors import CertificatesError
from flashcoop.certificates.issuing import ensure_file
from flashcoop.certificates.models import Certificate
from flashcoop.cohorts.models import Cohort
from flashcoop.cohorts.services import visible_cohorts
from flashcoop.core.errors import N_, DomainError, Forbidden, NotFound
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.core.storage import AlteredFile, read_file


class CertificateAltered(DomainError):
    status = 500

    def __init__(self) -> None:
        super().__init__(
            CertificatesError.CERTIFICATE_ALTERED,
            N_("This certificate's file was altered since it was issued: it is not served."),
        )


def parse_id(value: object) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


async def find_public(certificate_id: object) -> Certificate | None:
    """A certificate by its public id, for the verification page and the badges (no login)."""
    key = parse_id(certificate_id)
    return await Certificate.get_or_none(id=key) if key else None


async def get_certificate(
    principal: Principal, certificate_id: object
) -> tuple[Certificate, Cohort]:
    """The certificate and its cohort, for its holder or the cohort's staff: 404 when the cohort
    is out of sight (or it is another member's), 403 for others who see the cohort (funders)."""
    key = parse_id(certificate_id)
    certificate = await Certificate.get_or_none(id=key) if key else None
    if certificate is None:
        raise NotFound()
    cohort = await visible_cohorts(principal).get_or_none(id=certificate.cohort_id)
    if cohort is None:
        raise NotFound()
    if principal.participant is not None:
        if str(principal.participant.id) != str(certificate.participant_id):
            raise NotFound()
    elif not principal.is_staff:
        raise Forbidden()
    return certificate, cohort


async def cohort_certificates(cohort: Cohort) -> list[Certificate]:
    return await Certificate.filter(cohort_id=cohort.id).order_by("issued_at", "id")


async def certificate_of(cohort_id: object, participant_id: object) -> Certificate | None:
    return await Certificate.get_or_none(cohort_id=cohort_id, participant_id=participant_id)


async def pdf_bytes(certificate: Certificate, *, settings: Settings) -> bytes:
    """The PDF as issued, byte for byte (rendered now only if it never was). Refused (500
    certificate_altered) when the stored bytes no longer match their digest: never rendered
    again silently, which would hide the tampering."""
    certificate = await ensure_file(certificate, settings=settings)
    try:
        stored = await read_file(certificate.file_id)
    except AlteredFile as exc:
        raise CertificateAltered() from exc
    if stored is None:
        raise NotFound()
    return bytes(stored.content)


def slug(text: str) -> str:
    """A file-name-safe rendering of a name: "Aïcha N'Diaye" → "Aicha-N-Diaye"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")[:60]


def file_name(certificate: Certificate) -> str:
    holder = slug(str(certificate.content.get("holder", ""))) or "certificate"
    return f"{holder}-{str(certificate.id)[:8]}.pdf"


async def cohort_zip(cohort: Cohort, *, settings: Settings) -> bytes:
    """Every certificate PDF of the cohort, as issued, in one ZIP (named after each holder;
    the id's start keeps two "Marie" apart, and names in other scripts get a name anyway)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for certificate in await cohort_certificates(cohort):
            archive.writestr(
                file_name(certificate), await pdf_bytes(certificate, settings=settings)
            )
    return buffer.getvalue()
