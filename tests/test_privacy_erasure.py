"""An admin erases a participant: names, PIN, profile, sessions and tokens gone; ledger kept
with the author pseudonymised and the chain verifying; certificates revoked at the holder's
request (docs/privacy.md, "Your rights")."""

from __future__ import annotations

from flashcoop.certificates.models import Certificate
from flashcoop.cohorts.members import names_by_id, person_name
from flashcoop.cohorts.models import Participant
from flashcoop.core.principal import Principal
from flashcoop.ledger.chain import verify_chain
from flashcoop.ledger.models import LedgerEntry
from flashcoop.privacy.models import AuditEntry, GuardianConsent
from tests.factories import bearer, csrf_from, login, make_user
from tests.ledger_helpers import sign_in_participant
from tests.privacy_helpers import make_full


async def test_erasure_through_the_api(client, other_client, settings):
    full = await make_full(settings)
    aicha = full.s.aicha
    await Participant.filter(id=aicha.id).update(consent_profile=True, gender="female")
    await GuardianConsent.create(
        participant_id=aicha.id, guardian_name="Mme N.", given_at=full.s.now
    )
    phone = await bearer(aicha)
    await sign_in_participant(other_client, settings, aicha)
    assert (await other_client.get("/me")).status_code == 200
    entries_before = await LedgerEntry.filter(cohort_id=full.s.cohort.id).count()
    admin = await make_user("admin")
    url = f"/api/v1/participants/{aicha.id}/erase"
    response = await client.post(
        url, json={"reason": "Demande écrite du 3 mars"}, headers=await bearer(admin)
    )
    assert response.status_code == 200, response.text
    assert response.json()["erased"] is True
    stored = await Participant.get(id=aicha.id)
    assert "Aïcha" not in (stored.display_name + stored.first_name + stored.last_name)
    assert (stored.email, stored.gender, stored.pin_hash) == ("", "", "!")
    assert not await GuardianConsent.filter(participant_id=aicha.id).exists()
    assert person_name(stored) == "effacé·e" or person_name(stored) == "erased"
    assert (await names_by_id(full.s.cohort.id))[str(aicha.id)] in ("erased", "effacé·e")
    # Sessions and tokens are gone; name + PIN no longer sign in.
    assert (await client.get("/api/v1/me", headers=phone)).status_code == 401
    assert (await other_client.get("/me", follow_redirects=False)).status_code in (302, 303, 401)
    rejoin = await client.post(
        "/api/v1/join",
        json={"code": full.s.cohort.join_code, "display_name": "—", "pin": "1234"},
    )
    assert rejoin.status_code != 200
    # The ledger keeps every entry, and its chain still verifies.
    assert await LedgerEntry.filter(cohort_id=full.s.cohort.id).count() == entries_before
    assert (await verify_chain(full.s.cohort.id)).ok
    facilitator = await bearer(full.s.facilitator)
    check = await client.get(
        f"/api/v1/cohorts/{full.s.cohort.id}/ledger/verify", headers=facilitator
    )
    assert check.json()["ok"] is True
    ledger = await client.get(f"/api/v1/cohorts/{full.s.cohort.id}/ledger", headers=facilitator)
    assert "Aïcha" not in ledger.text
    # The certificate is revoked at the holder's request and no longer names her.
    certificate = await Certificate.get(id=full.certificate.id)
    assert certificate.revoked_at is not None
    assert certificate.content["holder"] == "" and "recipient" not in certificate.content
    assert certificate.file_id is None
    page = await client.get(f"/verify/{certificate.id}")
    assert "À la demande de la personne titulaire" in page.text and "Aïcha" not in page.text
    english = await client.get(f"/verify/{certificate.id}", headers={"Accept-Language": "en"})
    assert (
        "At the holder&#39;s request." in english.text or "At the holder's request." in english.text
    )
    row = await AuditEntry.get(action="participant.erased")
    assert row.subject_id == aicha.id and row.detail == {"reason": "Demande écrite du 3 mars"}
    assert await AuditEntry.filter(action="certificate.revoked", subject_id=aicha.id).exists()


async def test_erasure_refusals(client, settings):
    full = await make_full(settings)
    admin = await bearer(await make_user("admin"))
    url = f"/api/v1/participants/{full.s.aicha.id}/erase"
    for body in ({}, {"reason": ""}, {"reason": 3}, {"reason": "x" * 2001}):
        answer = await client.post(url, json=body, headers=admin)
        assert answer.status_code == 422, body
    assert (
        await client.post(url, content=b"[", headers={**admin, "content-type": "application/json"})
    ).status_code == 400
    facilitator = await bearer(full.s.facilitator)
    assert (await client.post(url, json={"reason": "x"}, headers=facilitator)).status_code == 403
    assert (
        await client.post(url, json={"reason": "x"}, headers=await bearer(full.s.bob))
    ).status_code == 403
    assert (await client.post(url, json={"reason": "x"})).status_code == 401
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        missing = await client.post(
            f"/api/v1/participants/{bad}/erase", json={"reason": "x"}, headers=admin
        )
        assert missing.status_code == 404
    assert (await client.post(url, json={"reason": "Demande"}, headers=admin)).status_code == 200
    again = await client.post(url, json={"reason": "Demande"}, headers=admin)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_erased"
    assert await Participant.get(id=full.s.bob.id).values_list("display_name", flat=True) == "Bob"


async def test_erasure_page_asks_for_confirmation(client, settings):
    full = await make_full(settings)
    admin = await make_user("admin")
    await login(client, admin)
    dashboard = await client.get(f"/cohorts/{full.s.cohort.id}")
    link = f"/admin/participants/{full.s.aicha.id}/erase"
    assert f'href="{link}"' in dashboard.text
    page = await client.get(link)
    assert page.status_code == 200 and "Effacer Aïcha" in page.text
    assert not (await Participant.get(id=full.s.aicha.id)).erased_at
    empty = await client.post(link, data={"reason": "", "csrf_token": csrf_from(page.text)})
    assert empty.status_code == 422 and 'id="e-reason"' in empty.text
    assert (await client.post(link, data={"reason": "Demande"})).status_code == 403  # no CSRF
    done = await client.post(link, data={"reason": "Demande", "csrf_token": csrf_from(empty.text)})
    assert done.status_code == 303
    after = await client.get(done.headers["location"])
    assert "Personne effacée" in after.text and "Aïcha" not in after.text
    facilitator_client = client
    await login(facilitator_client, full.s.facilitator)
    assert (await facilitator_client.get(link)).status_code == 403
    dashboard = await facilitator_client.get(f"/cohorts/{full.s.cohort.id}")
    assert "/erase" not in dashboard.text


async def test_erased_name_reaches_every_viewer():
    """One function names people: "erased" to the staff, funders and the cohort's documents."""
    erased = Participant(display_name="—", consent_share_name=True)
    erased.erased_at = erased.joined_at = None
    from flashcoop.core.clock import utcnow

    erased.erased_at = utcnow()
    assert person_name(erased) in ("erased", "effacé·e")
    assert person_name(erased, Principal(), legal=True) in ("erased", "effacé·e")
    assert person_name(erased, funder=True) in ("erased", "effacé·e")


async def test_no_certificate_is_issued_to_an_erased_member(app, settings):
    from flashcoop.certificates.issuing import issue_for_closure
    from flashcoop.privacy.erasure import erase_participant
    from tests.certificate_helpers import make_setup

    s = await make_setup(threshold=0)
    admin = Principal(user=await make_user("admin"))
    await erase_participant(s.bob, actor=admin, reason="Demande")
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    holders = await Certificate.filter(cohort_id=s.cohort.id).values_list(
        "participant_id", flat=True
    )
    assert s.bob.id not in holders and s.aicha.id in holders
