"""Assessments through the API and the services: who may assess whom, validation, history
(the latest facilitator assessment counts), self-assessments apart, frozen after closure."""

from datetime import timedelta

import pytest

from flashcoop.certificates.assessments import (
    history,
    latest_levels,
    latest_self_levels,
    record_assessment,
)
from flashcoop.certificates.models import Assessment
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import DomainError, ValidationError
from flashcoop.core.principal import Principal
from tests.factories import bearer, make_cohort, make_participant, make_user


async def _setup():
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator)
    aicha = await make_participant(cohort, "Aïcha")
    bruno = await make_participant(cohort, "Bruno")
    return facilitator, cohort, aicha, bruno


async def test_staff_assess_and_the_latest_counts_with_history_kept(client):
    facilitator, cohort, aicha, bruno = await _setup()
    headers = await bearer(facilitator)
    url = f"/api/v1/cohorts/{cohort.id}/assessments"
    first = await client.post(
        url,
        json={"participant_id": str(aicha.id), "competence": "1.1", "level": 2, "note": "Bien"},
        headers=headers,
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["participant_id"] == str(aicha.id) and body["competence"] == "1.1"
    assert body["level"] == 2 and body["self"] is False and body["note"] == "Bien"
    assert body["assessed_at"].endswith(("+00:00", "Z"))
    second = await client.post(  # any spelling of the id
        url,
        json={"participant_id": str(aicha.id).upper(), "competence": "1.1", "level": 3},
        headers=headers,
    )
    assert second.status_code == 201
    await client.post(
        url,
        json={"participant_id": str(bruno.id), "competence": "2.4", "level": 1},
        headers=headers,
    )
    assert await latest_levels(cohort.id) == {str(aicha.id): {"1.1": 3}, str(bruno.id): {"2.4": 1}}
    listed = await client.get(url, headers=headers)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert listed.json()["next"] is None
    assert [(i["competence"], i["level"]) for i in items] == [("2.4", 1), ("1.1", 3), ("1.1", 2)]
    assert set(items[0]) >= {"participant_id", "competence", "level", "self", "assessed_at", "note"}
    assert await Assessment.filter(cohort_id=cohort.id).count() == 3  # never updated


async def test_latest_wins_by_time_not_by_insertion(app):
    facilitator, cohort, aicha, _ = await _setup()
    staff = Principal(user=facilitator)
    now = utcnow()
    await record_assessment(
        cohort, staff, participant_id=aicha.id, competence="1.2", level=4, now=now
    )
    await record_assessment(
        cohort,
        staff,
        participant_id=aicha.id,
        competence="1.2",
        level=1,
        now=now - timedelta(minutes=5),
    )
    assert await latest_levels(cohort.id) == {str(aicha.id): {"1.2": 4}}
    assert [a.level for a in await history(cohort.id, participant_id=aicha.id)] == [4, 1]


async def test_self_assessments_are_kept_apart(client):
    facilitator, cohort, aicha, bruno = await _setup()
    url = f"/api/v1/cohorts/{cohort.id}/assessments"
    mine = await bearer(aicha)
    own = await client.post(
        url,
        json={"participant_id": str(aicha.id), "competence": "3.1", "level": 4, "self": True},
        headers=mine,
    )
    assert own.status_code == 201 and own.json()["self"] is True
    await client.post(
        url,
        json={"participant_id": str(aicha.id), "competence": "3.1", "level": 2},
        headers=await bearer(facilitator),
    )
    assert await latest_levels(cohort.id) == {str(aicha.id): {"3.1": 2}}
    assert await latest_self_levels(cohort.id) == {str(aicha.id): {"3.1": 4}}
    # A member may not assess others, nor give themselves a facilitator's assessment.
    for body in (
        {"participant_id": str(bruno.id), "competence": "3.1", "level": 1, "self": True},
        {"participant_id": str(aicha.id), "competence": "3.1", "level": 4},
        {"participant_id": str(bruno.id), "competence": "3.1", "level": 4},
    ):
        refused = await client.post(url, json=body, headers=mine)
        assert refused.status_code == 403, body
        assert refused.json()["error"]["code"] == "forbidden"
    # Members do not read the group's assessments.
    assert (await client.get(url, headers=mine)).status_code == 403
    assert await Assessment.filter(cohort_id=cohort.id).count() == 2


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"competence": "9.9", "level": 2}, {"competence"}),
        ({"competence": "1.1", "level": 5}, {"level"}),
        ({"competence": "1.1", "level": 0}, {"level"}),
        ({"competence": "1.1", "level": "2x"}, {"level"}),
        ({"competence": "1.1", "level": True}, {"level"}),
        ({"competence": "1.1", "level": 2.5}, {"level"}),
        ({"competence": "1.1", "level": 2, "note": "x" * 2001}, {"note"}),
        ({"competence": "1.1", "level": 2, "note": 12}, {"note"}),
        ({"competence": None}, {"competence", "level"}),
        ({"competence": "1.1", "level": 2, "participant_id": "nope"}, {"participant_id"}),
        ({"competence": "1.1", "level": 2, "self": "yes"}, {"self"}),
    ],
)
async def test_invalid_assessments_answer_422(client, body, fields):
    facilitator, cohort, aicha, _ = await _setup()
    response = await client.post(
        f"/api/v1/cohorts/{cohort.id}/assessments",
        json={"participant_id": str(aicha.id), **body},
        headers=await bearer(facilitator),
    )
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]["fields"]) == fields
    assert await Assessment.all().count() == 0


async def test_a_note_of_2000_characters_is_fine(client):
    facilitator, cohort, aicha, _ = await _setup()
    response = await client.post(
        f"/api/v1/cohorts/{cohort.id}/assessments",
        json={"participant_id": str(aicha.id), "competence": "1.1", "level": 1, "note": "é" * 2000},
        headers=await bearer(facilitator),
    )
    assert response.status_code == 201


async def test_not_found_forbidden_and_unauthenticated(client):
    facilitator, cohort, aicha, _ = await _setup()
    url = f"/api/v1/cohorts/{cohort.id}/assessments"
    body = {"participant_id": str(aicha.id), "competence": "1.1", "level": 1}
    assert (await client.post(url, json=body)).status_code == 401
    other = await make_user(organisation="Autre CAE")
    assert (await client.post(url, json=body, headers=await bearer(other))).status_code == 404
    assert (await client.get(url, headers=await bearer(other))).status_code == 404
    unknown = "/api/v1/cohorts/00000000-0000-4000-8000-000000000000/assessments"
    assert (await client.get(unknown, headers=await bearer(facilitator))).status_code == 404
    assert (
        await client.get("/api/v1/cohorts/x/assessments", headers=await bearer(facilitator))
    ).status_code == 404
    funder = await make_user("funder", organisation="Département")
    assert (await client.post(url, json=body, headers=await bearer(funder))).status_code == 403
    # A member of another cohort does not even learn this one exists.
    elsewhere = await make_participant(await make_cohort(facilitator=facilitator), "Chloé")
    outsider = {**body, "participant_id": str(elsewhere.id), "self": True}
    assert (
        await client.post(url, json=outsider, headers=await bearer(elsewhere))
    ).status_code == 404
    # Staff cannot assess a member of another cohort through this one.
    foreign = {**body, "participant_id": str(elsewhere.id)}
    response = await client.post(url, json=foreign, headers=await bearer(facilitator))
    assert response.status_code == 422 and set(response.json()["error"]["fields"]) == {
        "participant_id"
    }
    malformed = await client.post(
        url, content="{", headers={**await bearer(facilitator), "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400


async def test_frozen_after_closure_answers_409(client):
    facilitator, cohort, aicha, _ = await _setup()
    url = f"/api/v1/cohorts/{cohort.id}/assessments"
    body = {"participant_id": str(aicha.id), "competence": "1.1", "level": 2}
    cohort.status = "closed"
    await cohort.save()
    closed = await client.post(url, json=body, headers=await bearer(facilitator))
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "cohort_closed"
    own = await client.post(url, json={**body, "self": True}, headers=await bearer(aicha))
    assert own.status_code == 409
    # Still readable.
    assert (await client.get(url, headers=await bearer(facilitator))).status_code == 200


async def test_past_its_end_a_cohort_is_frozen_too(app):
    facilitator, cohort, aicha, _ = await _setup()
    staff = Principal(user=facilitator)
    with pytest.raises(DomainError) as caught:
        await record_assessment(
            cohort,
            staff,
            participant_id=aicha.id,
            competence="1.1",
            level=1,
            now=cohort.ends_at + timedelta(minutes=1),
        )
    assert caught.value.code == "cohort_closed"
    # Before it starts, a facilitator may already note where people are.
    early = await record_assessment(
        cohort,
        staff,
        participant_id=aicha.id,
        competence="1.1",
        level=1,
        now=cohort.starts_at - timedelta(days=1),
    )
    assert early.level == 1
    with pytest.raises(ValidationError):
        await record_assessment(cohort, staff, participant_id=aicha.id, competence="1.1", level=9)
