"""Shared builders for the certificate tests: a cohort with workshops, attendance, levels."""

from __future__ import annotations

import io
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pypdf import PdfReader

from flashcoop.accounts.models import User
from flashcoop.certificates.models import Assessment
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.workshops import attendance as att
from tests.factories import make_cohort, make_participant, make_user
from tests.workshop_helpers import make_workshop


@dataclass
class Setup:
    facilitator: User
    cohort: Cohort
    aicha: Participant  # 5 h of 5: eligible, assessed
    bob: Participant  # 2 h of 5 (40 %): below a 50 % threshold
    zoe: Participant  # nothing attended
    now: datetime

    @property
    def after_end(self) -> datetime:
        return self.cohort.ends_at + timedelta(minutes=1)


async def assess(cohort: Cohort, member: Participant, by: User, **levels: int) -> None:
    """Facilitator levels, written as rows (competence codes given as c1_1=3 for "1.1")."""
    for key, level in levels.items():
        await Assessment.create(
            cohort_id=cohort.id,
            participant_id=member.id,
            competence=key[1:].replace("_", "."),
            level=level,
            assessed_by_id=by.id,
            assessed_at=utcnow(),
        )


async def make_setup(*, threshold: int = 50, organisation: str = "CAE Test", **fields) -> Setup:
    facilitator = await make_user(organisation=organisation)
    now = utcnow()
    cohort = await make_cohort(
        facilitator=facilitator,
        starts_at=now - timedelta(days=3),
        ends_at=now + timedelta(days=5),
        attendance_threshold=threshold,
        **fields,
    )
    pitch = await make_workshop(
        cohort,
        starts_at=now - timedelta(days=2),
        hours=3,
        title="Pitch",
        competences=["1.1", "2.2"],
    )
    market = await make_workshop(
        cohort, starts_at=now - timedelta(days=1), hours=2, title="Marché", competences=["3.3"]
    )
    aicha = await make_participant(cohort, "Aïcha", first_name="Aïcha", last_name="N'Diaye")
    await Participant.filter(id=aicha.id).update(email="Aicha@Example.org")
    aicha = await Participant.get(id=aicha.id)
    bob = await make_participant(cohort, "Bob")
    zoe = await make_participant(cohort, "Zoé")
    for workshop, member, status in (
        (pitch, aicha, "present"),
        (market, aicha, "late"),
        (pitch, bob, "absent"),
        (market, bob, "present"),
    ):
        await att.record_attendance(
            workshop, cohort, participant_id=member.id, status=status, by=facilitator, now=now
        )
    await assess(cohort, aicha, facilitator, c1_1=2, c2_2=3)
    await assess(cohort, aicha, facilitator, c1_1=4)  # the latest counts
    return Setup(facilitator, cohort, aicha, bob, zoe, now)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def decode_qr(pdf: bytes) -> list[str]:
    """Every QR code on the PDF's first page, rendered by poppler and read by zxing-cpp."""
    import zxingcpp
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "c.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "150",
                "-f",
                "1",
                "-l",
                "1",
                str(source),
                str(Path(tmp) / "p"),
            ],
            check=True,
        )
        [page] = list(Path(tmp).glob("p*.png"))
        image = Image.open(page).convert("L")
        image.load()
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]
