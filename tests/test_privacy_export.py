"""A participant downloads everything flashcoop holds about them: JSON and a readable page
(docs/privacy.md, "Your rights")."""

from __future__ import annotations

from flashcoop.cohorts.models import Participant
from flashcoop.privacy.models import AuditEntry
from tests.factories import bearer, make_user
from tests.ledger_helpers import sign_in_participant
from tests.privacy_helpers import make_full


async def test_export_holds_every_part(client, settings):
    full = await make_full(settings)
    await Participant.filter(id=full.s.aicha.id).update(
        consent_profile=True, gender="female", situation_at_entry="RSA"
    )
    response = await client.get("/api/v1/me/export", headers=await bearer(full.s.aicha))
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    profile = data["profile"]
    assert (profile["display_name"], profile["first_name"], profile["last_name"]) == (
        "Aïcha",
        "Aïcha",
        "N'Diaye",
    )
    assert (profile["gender"], profile["situation_at_entry"]) == ("female", "RSA")
    assert data["consents"]["named_in_reports"] is False
    assert data["consents"]["profile_data"] is True
    kinds = sorted(e["kind"] for e in data["entries"])
    assert kinds == ["reversal", "sale", "sale"]  # the facilitator's correction of her sale too
    assert {a["status"] for a in data["attendance"]} == {"present", "late"}
    assert {(a["competence"], a["level"]) for a in data["assessments"]} >= {("1.1", 4)}
    assert data["certificates"][0]["id"] == str(full.certificate.id)
    assert data["certificates"][0]["holder"] == "Aïcha N'Diaye"
    actions = [row["action"] for row in data["audit"]]
    assert {"consent.given", "entry.reversed", "data.exported"} <= set(actions)
    assert "shares" in data and "outcomes" in data
    # Another member's export holds nothing of hers.
    bob = (await client.get("/api/v1/me/export", headers=await bearer(full.s.bob))).json()
    assert bob["profile"]["display_name"] == "Bob"
    assert all(e["recorded_by_you"] for e in bob["entries"]) and not bob["certificates"]
    assert "Aïcha" not in str(bob)


async def test_the_export_is_audited_and_only_for_participants(client, settings):
    full = await make_full(settings)
    await client.get("/api/v1/me/export", headers=await bearer(full.s.aicha))
    row = await AuditEntry.get(action="data.exported")
    assert row.subject_id == full.s.aicha.id and row.actor.startswith("participant ")
    staff = await client.get("/api/v1/me/export", headers=await bearer(full.s.facilitator))
    assert staff.status_code == 403
    admin = await make_user("admin")
    assert (await client.get("/api/v1/me/export", headers=await bearer(admin))).status_code == 403
    assert (await client.get("/api/v1/me/export")).status_code == 401


async def test_the_readable_page(client, settings):
    full = await make_full(settings)
    await sign_in_participant(client, settings, full.s.aicha)
    page = await client.get("/me/privacy/data")
    assert page.status_code == 200
    for words in (
        "Tout ce que nous gardons sur vous",
        "N&#39;Diaye",
        "Confiture",
        "Pitch",
        "Qui a fait quoi avec vos données",
        'href="/api/v1/me/export"',
    ):
        assert words in page.text, words
    assert (await client.get("/api/v1/me/export")).status_code == 200  # the link, signed in
