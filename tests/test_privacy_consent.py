"""Consent at joining (plain words, optional consents, a minor's guardian), the consents page
and API, and withdrawal taking effect at once (docs/privacy.md)."""

from __future__ import annotations

from flashcoop.closure.figures import FUNDER, label_for
from flashcoop.cohorts.members import person_name
from flashcoop.cohorts.models import Participant
from flashcoop.core.principal import Principal
from flashcoop.privacy.models import AuditEntry, GuardianConsent
from tests.factories import bearer, csrf_from, make_participant, make_user
from tests.ledger_helpers import entries_url, sale
from tests.report_helpers import make_open


async def test_joining_and_selling_need_no_optional_consent(client):
    cohort, *_ = await make_open(names=())
    body = {"code": cohort.join_code, "display_name": "Zoé", "pin": "1234"}
    joined = await client.post("/api/v1/join", json=body)
    assert joined.status_code == 201, joined.text
    zoe = await Participant.get(display_name="Zoé")
    assert (zoe.consent_share_name, zoe.consent_profile, zoe.minor) == (False, False, False)
    headers = {"Authorization": f"Bearer {joined.json()['token']}"}
    sold = await client.post(entries_url(cohort), json=sale(), headers=headers)
    assert sold.status_code == 201, sold.text
    given = await AuditEntry.get(action="consent.given", subject_id=zoe.id)
    assert given.detail == {"named_in_reports": False, "profile_data": False, "minor": False}


async def test_the_profile_is_kept_only_with_its_consent(client):
    cohort, *_ = await make_open(names=())
    body = {"code": cohort.join_code, "display_name": "Zoé", "pin": "1234", "gender": "female"}
    refused = await client.post("/api/v1/join", json=body)
    assert refused.status_code == 422
    assert "profile_data" in refused.json()["error"]["fields"]
    assert not await Participant.filter(display_name="Zoé").exists()
    consented = {
        **body,
        "profile_data": True,
        "named_in_reports": True,
        "situation_at_entry": "Sans emploi depuis 2 ans",
        "education_level": "CAP",
    }
    assert (await client.post("/api/v1/join", json=consented)).status_code == 201
    zoe = await Participant.get(display_name="Zoé")
    assert (zoe.gender, zoe.situation_at_entry, zoe.education_level) == (
        "female",
        "Sans emploi depuis 2 ans",
        "CAP",
    )
    assert zoe.consent_share_name and zoe.consent_profile
    bad = await client.post("/api/v1/join", json={**body, "profile_data": "maybe"})
    assert bad.status_code == 422 and "profile_data" in bad.json()["error"]["fields"]


async def test_a_minor_joins_with_a_guardians_consent(client):
    cohort, *_ = await make_open(names=())
    body = {"code": cohort.join_code, "display_name": "Lina", "pin": "1234", "minor": True}
    refused = await client.post("/api/v1/join", json=body)
    assert refused.status_code == 422
    assert {"guardian_name", "guardian_consent"} <= set(refused.json()["error"]["fields"])
    done = await client.post(
        "/api/v1/join",
        json={**body, "guardian_name": "Samira B.", "guardian_consent": True},
    )
    assert done.status_code == 201, done.text
    lina = await Participant.get(display_name="Lina")
    assert lina.minor
    guardian = await GuardianConsent.get(participant_id=lina.id)
    assert guardian.guardian_name == "Samira B." and guardian.given_at is not None
    assert await AuditEntry.filter(action="guardian.consented", subject_id=lina.id).exists()


async def test_the_join_form_explains_and_asks(client):
    cohort, *_ = await make_open(names=())
    page = await client.get(f"/j/{cohort.join_code}")
    for words in ("Ce que nous gardons", "Combien de temps", "Qui le voit", "moins de 18"):
        assert words in page.text, words
    for name in ("named_in_reports", "profile_data", "minor", "guardian_name", "gender"):
        assert f'name="{name}"' in page.text and f'for="f-{name}"' in page.text, name
    form = {
        "display_name": "Lina",
        "pin": "1234",
        "minor": "on",
        "guardian_name": "Samira B.",
        "csrf_token": csrf_from(page.text),
    }
    missing = await client.post(f"/j/{cohort.join_code}", data=form)
    assert missing.status_code == 422 and 'id="e-guardian_consent"' in missing.text
    form["guardian_consent"] = "on"
    form["csrf_token"] = csrf_from(missing.text)
    joined = await client.post(f"/j/{cohort.join_code}", data=form)
    assert joined.status_code == 303, joined.text
    assert await GuardianConsent.filter(guardian_name="Samira B.").exists()
    easy = await client.get(f"/j/{cohort.join_code}?easy=1")
    assert "Dire non ne change rien" in easy.text


async def test_consents_api_and_withdrawal_take_effect_at_once(client):
    cohort, facilitator, _people, _now = await make_open(names=())
    member = await make_participant(
        cohort, "Zoé", named_in_reports=True, profile_data=True, gender="female"
    )
    headers = await bearer(member)
    got = await client.get("/api/v1/me/consents", headers=headers)
    assert got.json() == {"named_in_reports": True, "profile_data": True}
    funder_view = Principal(user=await make_user("funder", organisation="Fondation"))
    assert person_name(member, funder_view) == "Zoé"
    withdrawn = await client.put(
        "/api/v1/me/consents",
        json={"named_in_reports": False, "profile_data": False},
        headers=headers,
    )
    assert withdrawn.json() == {"named_in_reports": False, "profile_data": False}
    stored = await Participant.get(id=member.id)
    assert (stored.gender, stored.birth_year) == ("", None)  # deleted, not just hidden
    assert person_name(stored, funder_view).startswith("Participant ")
    assert label_for(stored, 3, FUNDER) == "Participant 3"
    assert person_name(stored, Principal(user=facilitator)) == "Zoé"  # the staff still see it
    row = await AuditEntry.get(action="consent.changed", subject_id=member.id)
    assert row.detail == {"named_in_reports": [True, False], "profile_data": [True, False]}
    for bad in ({"profile_data": "yes"}, {"other": True}):
        answer = await client.put("/api/v1/me/consents", json=bad, headers=headers)
        assert answer.status_code == 422
    staff = await client.get("/api/v1/me/consents", headers=await bearer(facilitator))
    assert staff.status_code == 403
    assert (await client.get("/api/v1/me/consents")).status_code == 401


async def test_the_consents_page_on_the_phone(client, settings):
    from tests.ledger_helpers import sign_in_participant

    cohort, *_ = await make_open(names=())
    member = await make_participant(cohort, "Zoé")
    await sign_in_participant(client, settings, member)
    home = await client.get("/me")
    assert 'href="/me/privacy"' in home.text
    page = await client.get("/me/privacy")
    assert page.status_code == 200 and "Ce que nous gardons" in page.text
    token = csrf_from(page.text)
    refused = await client.post(
        "/me/privacy", data={"gender": "male", "csrf_token": token}
    )  # answers without the consent
    assert refused.status_code == 422 and 'id="e-profile_data"' in refused.text
    saved = await client.post(
        "/me/privacy",
        data={
            "profile_data": "on",
            "named_in_reports": "on",
            "gender": "male",
            "education_level": "Bac",
            "csrf_token": csrf_from(refused.text),
        },
    )
    assert saved.status_code == 303
    stored = await Participant.get(id=member.id)
    assert (stored.consent_profile, stored.consent_share_name, stored.gender) == (
        True,
        True,
        "male",
    )
    after = await client.get(saved.headers["location"])
    assert 'role="status"' in after.text
    withdraw = await client.post("/me/privacy", data={"csrf_token": csrf_from(after.text)})
    assert withdraw.status_code == 303
    stored = await Participant.get(id=member.id)
    assert (stored.consent_profile, stored.gender, stored.education_level) == (False, "", "")
    no_csrf = await client.post("/me/privacy", data={"profile_data": "on"})
    assert no_csrf.status_code == 403


async def test_the_staff_need_the_consent_too(client):
    cohort, facilitator, people, _now = await make_open(names=("Zoé",))
    url = f"/api/v1/cohorts/{cohort.id}/participants/{people[0].id}"
    headers = await bearer(facilitator)
    refused = await client.patch(url, json={"gender": "female"}, headers=headers)
    assert refused.status_code == 422 and "profile_data" in refused.json()["error"]["fields"]
    await Participant.filter(id=people[0].id).update(consent_profile=True)
    people[0].consent_profile = True
    done = await client.patch(url, json={"education_level": "CAP"}, headers=headers)
    assert done.status_code == 200, done.text
    row = await AuditEntry.get(action="participant.changed", subject_id=people[0].id)
    assert row.detail == {"profile_fields": ["education_level"]}  # which fields, not values
    assert row.actor_user_id == facilitator.id
