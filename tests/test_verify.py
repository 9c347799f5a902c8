"""The public verification page: genuine, revoked (at once, with its reason), unknown; French
and English; what the certificate says and nothing more."""

from __future__ import annotations

import pytest

from flashcoop.certificates.issuing import issue_for_closure
from flashcoop.certificates.models import Certificate
from flashcoop.cohorts.models import Participant
from tests.certificate_helpers import make_setup
from tests.factories import bearer


@pytest.fixture
async def issued(app, settings):
    s = await make_setup(threshold=50, location="Nantes")
    await Participant.filter(id=s.aicha.id).update(
        email="aicha@example.org", birth_year=1990, gender="female"
    )
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    return s, await Certificate.get(participant_id=s.aicha.id)


async def test_genuine_certificate_in_french_without_login(client, issued):
    s, certificate = issued
    page = await client.get(f"/verify/{certificate.id}")
    assert page.status_code == 200
    html = page.text
    assert 'lang="fr"' in html
    for expected in (
        "Certificat authentique",
        "Aïcha N&#39;Diaye",
        "Épicerie test",
        "CAE Test",
        s.facilitator.name,
        "5\u00a0heures",
        "Repérer les opportunités",
        "Transmet",
        "travaillée en ateliers",
        'id="competence-1.1"',
        f"/badges/assertions/{certificate.id}",
    ):
        assert expected in html, expected
    # Nothing beyond the certificate: no contact data, no profile, no other member.
    for absent in (
        "aicha@example.org",
        s.facilitator.email,
        "Bob",
        "Zoé",
        "Révoqué",
        "/api/v1/certificates",
    ):
        assert absent not in html, absent
    assert page.headers["x-robots-tag"] == "noindex"
    assert 'name="viewport" content="width=device-width' in html


async def test_english_through_the_language_switch(client, issued):
    _s, certificate = issued
    page = await client.get(f"/verify/{certificate.id}", headers={"Accept-Language": "en"})
    assert "Genuine certificate" in page.text and 'lang="en"' in page.text
    assert "Spotting opportunities" in page.text and "Passes it on" in page.text
    switch = await client.get(f"/verify/{certificate.id}")
    token = switch.text.split('name="csrf_token" value="')[1].split('"')[0]
    chosen = await client.post(
        "/lang", data={"lang": "en", "next": f"/verify/{certificate.id}", "csrf_token": token}
    )
    assert chosen.status_code == 303
    again = await client.get(f"/verify/{certificate.id}")
    assert "Genuine certificate" in again.text


async def test_revocation_shows_at_once_with_reason_and_date(client, issued):
    s, certificate = issued
    response = await client.post(
        f"/api/v1/certificates/{certificate.id}/revoke",
        json={"reason": "Attendance sheet forged"},
        headers=await bearer(s.facilitator),
    )
    assert response.status_code == 200
    page = await client.get(f"/verify/{certificate.id}")
    assert page.status_code == 200
    assert "Certificat révoqué" in page.text
    assert "Attendance sheet forged" in page.text
    assert "Certificat authentique" not in page.text
    await certificate.refresh_from_db()
    day = certificate.revoked_at.astimezone(s.cohort.tz)
    assert f"{day.day} " in page.text and str(day.year) in page.text


@pytest.mark.parametrize(
    "certificate_id",
    ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "1", "%00", "x" * 300],
)
async def test_unknown_or_malformed_ids_are_a_404_page(client, issued, certificate_id):
    page = await client.get(f"/verify/{certificate_id}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
