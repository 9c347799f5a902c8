"""Pages: the facilitator's certificates page (issue early, override with a reason, revoke after
a confirmation, downloads), the member's certificate on their phone, the dashboard link."""

from __future__ import annotations

from flashcoop.certificates.issuing import issue_for_closure
from flashcoop.certificates.models import Certificate
from tests.certificate_helpers import make_setup
from tests.factories import bearer, csrf_from, login, make_user, post_form


async def test_certificates_page_lists_hours_and_eligibility(client):
    s = await make_setup(threshold=50)
    await login(client, s.facilitator)
    page = await client.get(
        f"/cohorts/{s.cohort.id}/certificates", headers={"Accept-Language": "fr"}
    )
    assert page.status_code == 200
    html = page.text
    assert "Certificats" in html and "50\u00a0%" in html
    for name in ("Aïcha (Aïcha N&#39;Diaye)", "Bob", "Zoé"):
        assert name in html, name
    assert "5 / 5 h" in html and "2 / 5 h" in html
    assert html.count("sous le seuil") == 2 and html.count(">éligible<") == 1
    assert 'name="csrf_token"' in html
    assert "certificates.zip" not in html  # nothing to download yet


async def test_issue_override_from_the_page_needs_a_reason(client):
    s = await make_setup(threshold=50)
    await login(client, s.facilitator)
    url = f"/cohorts/{s.cohort.id}/certificates"
    refused = await post_form(
        client, url, f"{url}/issue", {"participant_id": str(s.bob.id), "reason": ""}
    )
    assert refused.status_code == 409
    assert "donnez une raison" in refused.text and 'aria-invalid="true"' in refused.text
    assert not await Certificate.exists(participant_id=s.bob.id)
    too_long = await post_form(
        client, url, f"{url}/issue", {"participant_id": str(s.bob.id), "reason": "x" * 2001}
    )
    assert too_long.status_code == 422
    done = await post_form(
        client,
        url,
        f"{url}/issue",
        {"participant_id": str(s.bob.id), "reason": "Embauché au marché", "language": "en"},
    )
    assert done.status_code == 303
    certificate = await Certificate.get(participant_id=s.bob.id)
    assert certificate.kind == "override" and certificate.language == "en"
    page = await client.get(done.headers["location"])
    assert "Certificat délivré." in page.text
    assert f"/api/v1/certificates/{certificate.id}.pdf" in page.text
    assert f"/certificates/{certificate.id}/revoke" in page.text
    assert f"/api/v1/cohorts/{s.cohort.id}/certificates.zip" in page.text
    # Without the CSRF token the form is refused.
    forged = await client.post(f"{url}/issue", data={"participant_id": str(s.aicha.id)})
    assert forged.status_code == 403
    assert not await Certificate.exists(participant_id=s.aicha.id)


async def test_revoke_through_a_confirmation_with_a_reason(client, settings):
    s = await make_setup(threshold=50)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.aicha.id)
    await login(client, s.facilitator)
    url = f"/certificates/{certificate.id}/revoke"
    confirm = await client.get(url)
    assert confirm.status_code == 200
    assert "Révoquer le certificat de Aïcha N&#39;Diaye\u00a0?" in confirm.text
    empty = await client.post(url, data={"reason": "  ", "csrf_token": csrf_from(confirm.text)})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text
    await certificate.refresh_from_db()
    assert certificate.revoked_at is None
    done = await client.post(
        url, data={"reason": "Erreur de personne", "csrf_token": csrf_from(confirm.text)}
    )
    assert done.status_code == 303
    await certificate.refresh_from_db()
    assert certificate.revocation_reason == "Erreur de personne"
    listing = await client.get(done.headers["location"])
    assert "Certificat révoqué" in listing.text and "Erreur de personne" in listing.text


async def test_other_structures_get_404_and_members_403(client, other_client, settings):
    s = await make_setup(threshold=50)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.aicha.id)
    await login(client, await make_user(organisation="Autre CAE"))
    assert (await client.get(f"/cohorts/{s.cohort.id}/certificates")).status_code == 404
    assert (await client.get(f"/certificates/{certificate.id}/revoke")).status_code == 404
    member = await bearer(s.aicha)
    response = await other_client.get(f"/cohorts/{s.cohort.id}/certificates", headers=member)
    assert response.status_code == 403


async def test_member_home_offers_download_and_share_once_issued(client, settings):
    s = await make_setup(threshold=50)
    member = await bearer(s.aicha)
    before = await client.get("/me", headers=member)
    assert before.status_code == 200 and "Mon certificat" not in before.text
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.aicha.id)
    page = await client.get("/me", headers=member)
    assert "Mon certificat" in page.text
    assert f'href="/api/v1/certificates/{certificate.id}.pdf"' in page.text
    assert f'data-url="http://testserver/verify/{certificate.id}"' in page.text
    assert "/static/js/certificate-share.js" in page.text
    script = await client.get("/static/js/certificate-share.js")
    assert script.status_code == 200 and "navigator.share" in script.text
    download = await client.get(f"/api/v1/certificates/{certificate.id}.pdf", headers=member)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")


async def test_dashboard_links_to_the_certificates_page(client, settings):
    s = await make_setup(threshold=0)
    await login(client, s.facilitator)
    page = await client.get(f"/cohorts/{s.cohort.id}")
    assert page.status_code == 200
    assert f'href="/cohorts/{s.cohort.id}/certificates"' in page.text
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    page = await client.get(f"/cohorts/{s.cohort.id}")
    assert "3\u00a0certificats délivrés" in page.text
