"""What the fuzzing and the matrix found, pinned down one by one."""

from __future__ import annotations

from datetime import timedelta

import httpx

from flashcoop.accounts.models import ApiToken
from flashcoop.cohorts.models import Cohort, CohortFunder
from flashcoop.core.clock import utcnow
from tests.factories import bearer, make_cohort, make_funder_org, make_user


async def test_a_token_name_that_is_no_text_or_too_long_is_refused(
    client: httpx.AsyncClient,
) -> None:
    facilitator = await make_user("facilitator")
    headers = await bearer(facilitator)
    before = await ApiToken.all().count()
    for name in (5, True, ["a"], "x" * 121):
        response = await client.post("/api/v1/tokens", json={"name": name}, headers=headers)
        assert response.status_code == 422, (name, response.text)
        assert "name" in response.json()["error"]["fields"]
    assert await ApiToken.all().count() == before
    named = await client.post("/api/v1/tokens", json={"name": "  Back office  "}, headers=headers)
    assert named.status_code == 201
    assert named.json()["name"] == "Back office"
    unnamed = await client.post("/api/v1/tokens", json={}, headers=headers)
    assert unnamed.json()["name"] == "api"


async def test_a_funder_lists_frameworks_and_cohorts_on_every_database(
    client: httpx.AsyncClient,
) -> None:
    # The funder's cohorts were a join with DISTINCT: PostgreSQL refused it under an ORDER BY
    # that was not selected (a 500 on the frameworks list).
    funder_org = await make_funder_org()
    funder = await make_user("funder", organisation=funder_org.name)
    for _ in range(2):
        cohort = await make_cohort()
        await CohortFunder.create(cohort=cohort, funder=funder_org)
    headers = await bearer(funder)
    frameworks = await client.get("/api/v1/frameworks", headers=headers)
    assert frameworks.status_code == 200, frameworks.text
    assert "entrecomp" in {f["key"] for f in frameworks.json()["items"]}
    cohorts = await client.get("/api/v1/cohorts", headers=headers)
    assert len(cohorts.json()["items"]) == 2


async def test_the_description_states_the_limits_and_the_replay_codes(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    paths = spec["paths"]

    def body(path: str, method: str = "post") -> dict:
        content = paths[path][method]["requestBody"]["content"]["application/json"]
        return content["schema"]["properties"]

    join = body("/api/v1/join")
    assert join["pin"]["pattern"] == "^[0-9]{4,6}$"
    assert join["display_name"]["maxLength"] == 80
    assert body("/api/v1/cohorts")["name"]["maxLength"] == 120
    entry = body("/api/v1/cohorts/{cohort_id}/entries")
    assert entry["label"]["maxLength"] == 120
    assert "pattern" in entry["amount"]
    workshop = body("/api/v1/cohorts/{cohort_id}/workshops")
    assert workshop["description"]["maxLength"] == 2000
    for path in (
        "/api/v1/join",
        "/api/v1/cohorts/{cohort_id}/entries",
        "/api/v1/cohorts/{cohort_id}/entries/{entry_id}/reverse",
        "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/certificate",
    ):
        assert {"200", "201"} <= set(paths[path]["post"]["responses"]), path


async def test_an_organisation_id_past_the_column_is_refused_not_a_database_error(
    client: httpx.AsyncClient,
) -> None:
    # PostgreSQL's integer column: -58214180362293 in `funders` was a 500 there.
    facilitator = await make_user("facilitator")
    headers = await bearer(facilitator)
    now = utcnow()
    base = {
        "name": "Traiteur",
        "activity": "Traiteur",
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=3)).isoformat(),
    }
    for funders in ([-58214180362293], [2**31], [True], ["12x"], [0], "1"):
        response = await client.post(
            "/api/v1/cohorts", json={**base, "funders": funders}, headers=headers
        )
        assert response.status_code == 422, (funders, response.text)
        assert "funders" in response.json()["error"]["fields"]
    admin = await make_user("admin")
    for structure_id in (2**31, -1, "99999999999999999999"):
        response = await client.post(
            "/api/v1/cohorts",
            json={**base, "structure_id": structure_id},
            headers=await bearer(admin),
        )
        assert response.status_code == 422, (structure_id, response.text)
        assert "structure_id" in response.json()["error"]["fields"]
    assert await Cohort.all().count() == 0
