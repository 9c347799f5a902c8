"""What the API lists to whom: the join code only to a cohort's staff, organisations only as
far as the caller needs them, every CSV through the one writer."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx

from flashcoop.accounts.models import User
from flashcoop.cohorts.models import CohortFunder, Participant
from tests.factories import bearer, make_cohort, make_funder_org, make_participant, make_user

JOIN_FIELDS = {"join_code", "join_url", "join_qr_url", "poster_url"}


async def test_the_cohort_list_shows_the_join_code_to_the_cohort_staff_only(
    client: httpx.AsyncClient,
) -> None:
    funder_org = await make_funder_org("Département Test")
    facilitator = await make_user("facilitator", organisation="CAE Test")
    funder = await make_user("funder", organisation=funder_org.name)
    admin = await make_user("admin")
    cohort = await make_cohort(facilitator=facilitator)
    await CohortFunder.create(cohort=cohort, funder=funder_org)
    member = await make_participant(cohort)

    async def listed(who: User | Participant) -> dict[str, object]:
        response = await client.get("/api/v1/cohorts", headers=await bearer(who))
        assert response.status_code == 200, response.text
        [item] = response.json()["items"]
        return item

    for staff in (facilitator, admin):
        item = await listed(staff)
        assert item["join_code"] == cohort.join_code
        assert set(item) >= JOIN_FIELDS
    for outsider in (funder, member):
        item = await listed(outsider)
        assert JOIN_FIELDS.isdisjoint(item), item
        assert cohort.join_code not in str(item)
        # The single view agrees with the list.
        single = await client.get(f"/api/v1/cohorts/{cohort.id}", headers=await bearer(outsider))
        assert JOIN_FIELDS.isdisjoint(single.json())


async def test_organisations_are_listed_as_far_as_the_caller_needs(
    client: httpx.AsyncClient,
) -> None:
    funder_org = await make_funder_org("Département Test")
    other_funder_org = await make_funder_org("Région Test")
    facilitator = await make_user("facilitator", organisation="CAE Test")
    other_facilitator = await make_user("facilitator", organisation="CAE Autre")
    funder = await make_user("funder", organisation=funder_org.name)
    admin = await make_user("admin")

    async def names(who: User | Participant) -> set[str]:
        response = await client.get("/api/v1/organisations", headers=await bearer(who))
        assert response.status_code == 200, response.text
        return {item["name"] for item in response.json()["items"]}

    everyone = {"CAE Test", "CAE Autre", funder_org.name, other_funder_org.name}
    assert await names(admin) == everyone
    # A facilitator: their structure, and every funder they may link a cohort to.
    assert await names(facilitator) == {"CAE Test", funder_org.name, other_funder_org.name}
    assert await names(other_facilitator) == {"CAE Autre", funder_org.name, other_funder_org.name}
    assert await names(funder) == {funder_org.name}
    cohort = await make_cohort(facilitator=facilitator)
    member = await make_participant(cohort)
    refused = await client.get("/api/v1/organisations", headers=await bearer(member))
    assert refused.status_code == 403
    assert (await client.get("/api/v1/organisations")).status_code == 401


def test_every_csv_export_goes_through_the_one_writer() -> None:
    """Only core/csvfile.py may import the csv module: any other export would have to write
    its cells without the formula guard, and cannot."""
    package = Path(__file__).resolve().parent.parent / "flashcoop"
    writers = []
    for source in package.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            imported = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            ) + ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name == "csv" or name.startswith("csv.") for name in imported):
                writers.append(str(source.relative_to(package)))
    assert writers == ["core/csvfile.py"]
