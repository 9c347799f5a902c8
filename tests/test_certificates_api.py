"""The certificates API: issue (201/200/409/422), list, my certificate, the PDF as issued,
the ZIP, revocation, and who may see what (401/403/404)."""

from __future__ import annotations

import io
import zipfile

from flashcoop.certificates.issuing import issue_for_closure
from flashcoop.certificates.models import Certificate
from flashcoop.core.storage import StoredFile
from tests.certificate_helpers import make_setup
from tests.factories import bearer, make_cohort, make_funder_org, make_participant, make_user

FIELDS = {"id", "participant_id", "issued_at", "verify_url", "pdf_url", "badge_url", "revoked"}


def issue_url(cohort, member) -> str:
    return f"/api/v1/cohorts/{cohort.id}/participants/{member.id}/certificate"


async def test_issue_early_override_and_exactly_once(client):
    s = await make_setup(threshold=50)
    staff = await bearer(s.facilitator)
    # Bob is below the threshold: a reason is needed.
    refused = await client.post(issue_url(s.cohort, s.bob), json={}, headers=staff)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not_eligible"
    assert refused.json()["error"]["message"]
    created = await client.post(
        issue_url(s.cohort, s.bob), json={"reason": "Hired by the bakery"}, headers=staff
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) >= FIELDS
    assert body["participant_id"] == str(s.bob.id) and body["revoked"] is False
    assert body["kind"] == "override"
    assert body["verify_url"] == f"http://testserver/verify/{body['id']}"
    assert body["pdf_url"] == f"http://testserver/api/v1/certificates/{body['id']}.pdf"
    assert body["badge_url"] == f"http://testserver/badges/assertions/{body['id']}"
    again = await client.post(issue_url(s.cohort, s.bob), json={}, headers=staff)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    # Aïcha is eligible: no body at all is fine, and it is an early issue.
    early = await client.post(issue_url(s.cohort, s.aicha), headers=staff)
    assert early.status_code == 201 and early.json()["kind"] == "early"
    assert await Certificate.filter(cohort_id=s.cohort.id).count() == 2


async def test_issue_rejects_bad_bodies(client):
    s = await make_setup(threshold=50)
    staff = await bearer(s.facilitator)
    url = issue_url(s.cohort, s.bob)
    for body, field in (
        ({"reason": "x" * 2001}, "reason"),
        ({"reason": 12}, "reason"),
        ({"reason": "ok", "language": "de"}, "language"),
    ):
        response = await client.post(url, json=body, headers=staff)
        assert response.status_code == 422, body
        assert field in response.json()["error"]["fields"]
    malformed = await client.post(
        url, content=b"[1", headers={**staff, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    unknown = await client.post(
        f"/api/v1/cohorts/{s.cohort.id}/participants/nope/certificate", json={}, headers=staff
    )
    assert unknown.status_code == 404
    assert not await Certificate.exists(cohort_id=s.cohort.id)


async def test_who_may_issue_list_and_revoke(client):
    s = await make_setup(threshold=0)
    other_structure = await make_user(organisation="Autre CAE")
    funder = await make_user("funder", organisation="Département")
    member = await bearer(s.aicha)
    urls = [
        ("post", issue_url(s.cohort, s.aicha), {"json": {}}),
        ("get", f"/api/v1/cohorts/{s.cohort.id}/certificates", {}),
        ("get", f"/api/v1/cohorts/{s.cohort.id}/certificates.zip", {}),
    ]
    for method, url, extra in urls:
        assert (await getattr(client, method)(url, **extra)).status_code == 401
        response = await getattr(client, method)(url, headers=member, **extra)
        assert response.status_code == 403, url
        response = await getattr(client, method)(
            url, headers=await bearer(other_structure), **extra
        )
        assert response.status_code == 404, url
        response = await getattr(client, method)(url, headers=await bearer(funder), **extra)
        assert response.status_code == 403, url
    assert not await Certificate.exists(cohort_id=s.cohort.id)


async def test_list_and_my_certificate(client, settings):
    s = await make_setup(threshold=50)
    mine = await client.get("/api/v1/me/certificate", headers=await bearer(s.aicha))
    assert mine.status_code == 404
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    listed = await client.get(
        f"/api/v1/cohorts/{s.cohort.id}/certificates", headers=await bearer(s.facilitator)
    )
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert set(item) >= FIELDS and item["participant_id"] == str(s.aicha.id)
    mine = await client.get("/api/v1/me/certificate", headers=await bearer(s.aicha))
    assert mine.status_code == 200 and mine.json()["id"] == item["id"]
    assert (
        await client.get("/api/v1/me/certificate", headers=await bearer(s.bob))
    ).status_code == 404
    staff_me = await client.get("/api/v1/me/certificate", headers=await bearer(s.facilitator))
    assert staff_me.status_code == 403


async def test_pdf_for_its_holder_and_staff_only_byte_for_byte(client, settings):
    s = await make_setup(threshold=0)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.aicha.id)
    stored = await StoredFile.get(id=certificate.file_id)
    url = f"/api/v1/certificates/{certificate.id}.pdf"
    for who in (s.aicha, s.facilitator):
        response = await client.get(url, headers=await bearer(who))
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.content == bytes(stored.content)
        assert 'filename="Aicha-N-Diaye-' in response.headers["content-disposition"]
    other_cohort = await make_cohort(facilitator=await make_user(organisation="Autre CAE"))
    stranger = await make_participant(other_cohort, "Ailleurs")
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=await bearer(s.bob))).status_code == 404
    assert (await client.get(url, headers=await bearer(stranger))).status_code == 404
    outsider = await make_user(organisation="Autre CAE")
    assert (await client.get(url, headers=await bearer(outsider))).status_code == 404
    funder_org = await make_funder_org()
    funder = await make_user("funder", organisation=funder_org.name)
    # A funder who funds the cohort sees it, but certificates are not theirs to download.
    from flashcoop.cohorts.models import CohortFunder

    await CohortFunder.create(cohort_id=s.cohort.id, funder_id=funder_org.id)
    assert (await client.get(url, headers=await bearer(funder))).status_code == 403
    unknown = "/api/v1/certificates/00000000-0000-4000-8000-000000000000.pdf"
    assert (await client.get(unknown, headers=await bearer(s.facilitator))).status_code == 404
    malformed = "/api/v1/certificates/not-an-id.pdf"
    assert (await client.get(malformed, headers=await bearer(s.facilitator))).status_code == 404
    # An altered file is refused in the API's error shape, never rendered again.
    await StoredFile.filter(id=certificate.file_id).update(content=b"%PDF forged")
    altered = await client.get(url, headers=await bearer(s.facilitator))
    assert altered.status_code == 500
    assert altered.json()["error"]["code"] == "certificate_altered"


async def test_zip_holds_every_pdf_as_issued(client, settings):
    s = await make_setup(threshold=0)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    response = await client.get(
        f"/api/v1/cohorts/{s.cohort.id}/certificates.zip", headers=await bearer(s.facilitator)
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert 'filename="certificates-Epicerie-test.zip"' in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == 3 and len(set(names)) == 3
    for certificate in await Certificate.filter(cohort_id=s.cohort.id):
        stored = await StoredFile.get(id=certificate.file_id)
        [name] = [n for n in names if n.endswith(f"-{str(certificate.id)[:8]}.pdf")]
        assert archive.read(name) == bytes(stored.content)
    assert any(n.startswith("Aicha-N-Diaye-") for n in names)
    assert any(n.startswith("Zoe-") for n in names)


async def test_revoke_needs_a_reason_and_staff(client, settings):
    s = await make_setup(threshold=50)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    certificate = await Certificate.get(participant_id=s.aicha.id)
    url = f"/api/v1/certificates/{certificate.id}/revoke"
    staff = await bearer(s.facilitator)
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 2001}, {"reason": 3}):
        response = await client.post(url, json=body, headers=staff)
        assert response.status_code == 422, body
        assert "reason" in response.json()["error"]["fields"]
    assert (await client.post(url, json={"reason": "x"})).status_code == 401
    member = await bearer(s.aicha)
    assert (await client.post(url, json={"reason": "x"}, headers=member)).status_code == 403
    outsider = await bearer(await make_user(organisation="Autre CAE"))
    assert (await client.post(url, json={"reason": "x"}, headers=outsider)).status_code == 404
    await certificate.refresh_from_db()
    assert certificate.revoked_at is None
    done = await client.post(url, json={"reason": "Issued by mistake"}, headers=staff)
    assert done.status_code == 200
    assert done.json()["revoked"] is True
    assert done.json()["revocation_reason"] == "Issued by mistake"
    listed = await client.get(f"/api/v1/cohorts/{s.cohort.id}/certificates", headers=staff)
    assert listed.json()["items"][0]["revoked"] is True
