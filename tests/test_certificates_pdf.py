"""The certificate PDF, parsed back: one A4 page, the text in French or English, names in any
script, and the QR code decoded to the verification URL."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from flashcoop.certificates.issuing import issue_certificate, issue_for_closure
from flashcoop.certificates.models import Certificate
from flashcoop.certificates.services import pdf_bytes
from flashcoop.cohorts.models import Participant
from flashcoop.core.principal import Principal
from tests.certificate_helpers import decode_qr, make_setup, pdf_pages, pdf_text
from tests.factories import make_participant


async def test_french_certificate_says_who_what_when_and_links_to_its_check(app, settings):
    s = await make_setup(threshold=50, location="Nantes")
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.aicha.id)
    pdf = await pdf_bytes(certificate, settings=settings)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = pdf_text(pdf)
    for expected in (
        "Certificat de compétences",
        "Aïcha N'Diaye",
        "Épicerie test",
        "CAE Test",
        s.facilitator.name,
        "5\u00a0heures",
        "Repérer les opportunités",
        "Transmet",  # level 4 of 1.1, in words
        "Pratique seul·e",  # level 3 of 2.2
        "travaillée en ateliers",  # 3.3: the market workshop's tag, not assessed
        "IDÉES ET OPPORTUNITÉS",  # area titles, upper-cased by the style
        "EntreComp",
        f"testserver/verify/{certificate.id}",
    ):
        assert expected in text, expected
    assert decode_qr(pdf) == [f"http://testserver/verify/{certificate.id}"]


async def test_english_certificate_when_chosen(app, settings):
    s = await make_setup(threshold=50)
    certificate, _ = await issue_certificate(
        s.cohort,
        s.aicha,
        principal=Principal(user=s.facilitator),
        reason=None,
        settings=settings,
        now=s.now,
        language="en",
    )
    text = pdf_text(await pdf_bytes(certificate, settings=settings))
    for expected in ("Skills certificate", "awarded to", "Spotting opportunities", "Passes it on"):
        assert expected in text, expected
    assert "Certificat de compétences" not in text


@pytest.mark.parametrize(
    "name",
    [
        "Zoé O'Connor-Lefèvre",
        "مريم الحسن",
        "Анна Кузнецова",
        "Ngọc Ánh 🌻",
    ],
)
async def test_names_in_any_script_print(app, settings, name):
    s = await make_setup(threshold=0)
    member = await make_participant(s.cohort, name)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=member.id)
    pdf = await pdf_bytes(certificate, settings=settings)
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    # Every letter came out with a real glyph (no .notdef boxes): the text extracts back.
    for word in name.replace("🌻", "").split():
        if "\u0600" <= word[0] <= "\u06ff":
            # Arabic is shaped (contextual forms): its letters come back, maybe reordered.
            assert set(word) <= set(text) | {"\u0627"}, word
        else:
            assert word in text, word
    fonts = {
        str(font.get("/BaseFont"))
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    if "🌻" in name:
        assert any("Emoji" in f for f in fonts), fonts
    if "مريم" in name:
        assert any("Arabic" in f or "DejaVu" in f for f in fonts), fonts
    assert decode_qr(pdf) == [f"http://testserver/verify/{certificate.id}"]


async def test_holder_name_prefers_first_and_last_names(app, settings):
    s = await make_setup(threshold=0)
    await Participant.filter(id=s.bob.id).update(first_name="Robert", last_name="Durand")
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.bob.id)
    assert "Robert Durand" in pdf_text(await pdf_bytes(certificate, settings=settings))
