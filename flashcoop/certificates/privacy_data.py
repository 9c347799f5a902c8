"""What certificates hand over for a participant's export, and what they forget when the
participant is erased (privacy's signals)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flashcoop.certificates.issuing import verify_url
from flashcoop.certificates.models import Assessment, Certificate
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.core.storage import StoredFile
from flashcoop.privacy import audit

# Stored as the reason and translated where shown (verify.html): an erasure revokes with it.
HOLDER_REQUEST = "At the holder's request."


async def export_certificates(*, participant: Any, settings: Settings, **_: Any) -> dict[str, Any]:
    assessments = await Assessment.filter(participant_id=participant.id).order_by("assessed_at")
    certificates = await Certificate.filter(participant_id=participant.id)
    return {
        "assessments": [
            {
                "competence": a.competence,
                "level": a.level,
                "self": a.is_self,
                "note": a.note,
                "assessed_at": a.assessed_at.isoformat(),
            }
            for a in assessments
        ],
        "certificates": [
            {
                "id": str(c.id),
                "issued_at": c.issued_at.isoformat(),
                "holder": c.content.get("holder", ""),
                "verify_url": verify_url(settings, c.id),
                "revoked": c.revoked_at is not None,
            }
            for c in certificates
        ],
    }


async def forget_holder(*, participant: Any, actor: Principal, now: datetime, **_: Any) -> None:
    """Revoke the member's certificates at their request and take their name and hashed
    e-mail out of what was issued (the PDF, which prints the name, is dropped: a download
    renders it again from the emptied snapshot)."""
    for certificate in await Certificate.filter(participant_id=participant.id):
        content = dict(certificate.content)
        content["holder"] = ""
        content.pop("recipient", None)
        old_file = certificate.file_id
        first = certificate.revoked_at is None
        await Certificate.filter(id=certificate.id).update(
            content=content,
            file_id=None,
            revoked_at=certificate.revoked_at or now,
            revocation_reason=HOLDER_REQUEST,
        )
        if old_file is not None:
            await StoredFile.filter(id=old_file).delete()
        if first:
            await audit.record(
                actor=actor,
                action="certificate.revoked",
                object=f"certificate:{certificate.id}",
                detail={"reason": "holder_request"},
                cohort_id=certificate.cohort_id,
                subject_id=participant.id,
                now=now,
            )
