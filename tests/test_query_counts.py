"""Queries per page, counted at the driver (tests/querycount.py): the ledger summary's budget,
and pages whose count must not grow with the members and entries of a cohort, so that an N+1
fails here rather than in a benchmark.

Every staff page and API call pays a fixed cost before its own work: with a session cookie,
the user and their live session (2 queries), then the cohort (1): AUTH_AND_COHORT below.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import httpx
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from flashcoop.accounts.models import Organisation, User
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.principal import Principal
from flashcoop.ledger import reports
from flashcoop.ledger.drafts import Reversal
from flashcoop.ledger.services import record_entry, reverse_entry
from flashcoop.workshops.attendance import record_attendance
from tests.factories import login, make_funder_org, make_participant, make_user
from tests.ledger_helpers import book_draft, sign_in_participant
from tests.querycount import count_queries
from tests.report_helpers import make_open
from tests.workshop_helpers import make_workshop

AUTH_AND_COHORT = 3
SUMMARY = 4  # issue #13: the ledger summary in at most 4 queries, whatever the size of the books


@dataclass
class Scene:
    cohort: Cohort
    facilitator: User
    funder: User
    members: list[Participant]


async def _grow(scene: Scene, members: int, sales_each: int) -> None:
    """Bring the cohort to `members` members, each with `sales_each` more sales (the last one
    reversed), one more expense, and one more workshop that they all attended."""
    for i in range(len(scene.members), members):
        scene.members.append(await make_participant(scene.cohort, f"Membre {i}"))
    at = scene.cohort.starts_at + timedelta(hours=6)
    staff = Principal(user=scene.facilitator)
    for member in scene.members:
        who = Principal(participant=member)
        for n in range(sales_each):
            done = await record_entry(
                scene.cohort, book_draft("sale", 250 + n, at), principal=who, now=at
            )
        reversal = Reversal(id=uuid.uuid4(), reason="doublon")
        await reverse_entry(scene.cohort, done.entry.id, reversal, principal=staff, now=at)
    await record_entry(scene.cohort, book_draft("expense", 900, at), principal=staff, now=at)
    workshop = await make_workshop(scene.cohort, starts_at=at - timedelta(hours=5), hours=2)
    for member in scene.members:
        await record_attendance(
            workshop,
            scene.cohort,
            participant_id=member.id,
            status="present",
            by=scene.facilitator,
            now=workshop.ends_at,
        )


async def _scene() -> Scene:
    funder_org = await make_funder_org()
    cohort, facilitator, people, _ = await make_open(("Aïcha", "Bruno"), funder_org=funder_org)
    funder = await make_user("funder", organisation=funder_org.name)
    scene = Scene(cohort, facilitator, funder, list(people))
    await _grow(scene, 3, 2)
    return scene


async def _count(client: httpx.AsyncClient, url: str) -> int:
    await client.get(url)  # once before counting: first-use caches are not the page's cost
    async with count_queries() as counted:
        response = await client.get(url)
    assert response.status_code == 200, response.text
    return len(counted)


async def test_the_counter_counts_every_statement_sent(app):
    client = Tortoise.get_connection("default")
    async with count_queries() as counted:
        await client.execute_query("SELECT 1")
        assert await User.all().count() == 0
        async with in_transaction():
            await Organisation.create(name="Un", kind="structure")
            await Organisation.create(name="Deux", kind="structure")
        # Straight through the driver, below Tortoise.
        async with client.acquire_connection() as driver:
            if hasattr(driver, "fetchval"):  # asyncpg
                assert await driver.fetchval("SELECT 2") == 2
            else:  # aiosqlite
                assert [tuple(r) for r in await driver.execute_fetchall("SELECT 2")] == [(2,)]
    assert len(counted) == 5, counted.report()
    assert "SELECT 1" in counted.queries[0] and "SELECT 2" in counted.queries[4]
    assert [q.split()[0] for q in counted.queries[2:4]] == ["INSERT", "INSERT"]
    # Transaction control is seen, but not counted as a query.
    assert any(s.strip().upper().startswith("COMMIT") for s in counted.statements)
    await client.execute_query("SELECT 3")
    assert len(counted) == 5, "nothing is counted after the block"


async def test_ledger_summary_takes_a_fixed_few_queries(app):
    scene = await _scene()
    async with count_queries() as small:
        first = await reports.ledger_summary(scene.cohort.id, "EUR")
    await _grow(scene, 20, 3)
    async with count_queries() as big:
        second = await reports.ledger_summary(scene.cohort.id, "EUR")
    assert len(small) == len(big) <= SUMMARY, big.report()
    assert (first.entries, second.entries) == (10, 10 + 20 * 4 + 1)
    assert len(second.by_participant) == 20


async def test_ledger_summary_api_and_page_budgets(client):
    scene = await _scene()
    await login(client, scene.facilitator)
    cid = scene.cohort.id
    api = await _count(client, f"/api/v1/cohorts/{cid}/ledger")
    assert api <= AUTH_AND_COHORT + SUMMARY
    # The staff ledger page adds to the summary: the last 500 entries, the reversed ones, the
    # chain verification (entries and head), the names, the products.
    page = await _count(client, f"/cohorts/{cid}/ledger")
    assert page <= AUTH_AND_COHORT + SUMMARY + 7


async def test_pages_take_as_many_queries_with_20_members_as_with_3(client, other_client, settings):
    """Staff pages, the member's home and the funder's view of a cohort: an N+1 over members
    or entries makes the second count larger."""
    scene = await _scene()
    cid = scene.cohort.id
    staff_urls = [
        f"/cohorts/{cid}/ledger",
        f"/api/v1/cohorts/{cid}/ledger",
        f"/cohorts/{cid}",  # the dashboard, with the participants and their figures
        f"/api/v1/cohorts/{cid}/participants",
        f"/api/v1/cohorts/{cid}/entries",
    ]
    await login(client, scene.facilitator)
    await sign_in_participant(other_client, settings, scene.members[0])

    async def counts() -> dict[str, int]:
        found = {url: await _count(client, url) for url in staff_urls}
        found["/me"] = await _count(other_client, "/me")
        return found

    small = await counts()
    await _grow(scene, 20, 3)
    assert await counts() == small

    async with httpx.AsyncClient(transport=client._transport, base_url=client.base_url) as funder:
        await login(funder, scene.funder)
        funder_urls = [f"/cohorts/{cid}", "/funder", "/funder/indicators"]
        before = {url: await _count(funder, url) for url in funder_urls}
        await _grow(scene, 26, 1)
        assert {url: await _count(funder, url) for url in funder_urls} == before


async def test_the_funder_portal_takes_as_many_queries_for_4_closed_cohorts_as_for_1(client):
    funder_org = await make_funder_org()
    funder = await make_user("funder", organisation=funder_org.name)

    async def close_one() -> None:
        cohort, *_ = await make_open(("Aïcha",), funder_org=funder_org)
        await Cohort.filter(id=cohort.id).update(status="closed", ends_at=utcnow())

    await close_one()
    await login(client, funder)
    one = await _count(client, "/funder")
    for _ in range(3):
        await close_one()
    assert await _count(client, "/funder") == one
