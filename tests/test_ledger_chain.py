"""Append-only entries, reversals, and a chain that catches tampering done in raw SQL."""

from __future__ import annotations

import asyncio
import itertools
import uuid

import pytest
from tortoise import Tortoise

from flashcoop.ledger.chain import GENESIS, entry_hash, verify_chain
from flashcoop.ledger.models import AppendOnlyError, LedgerEntry
from tests.factories import bearer, make_cohort, make_participant, make_user
from tests.ledger_helpers import entries_url, sale


async def _cohort_with_sales(client, n=4):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    member = await make_participant(cohort)
    headers = await bearer(member)
    ids = []
    for i in range(n):
        body = sale(amount=f"{i + 1}.00", label=f"Produit {i}")
        response = await client.post(entries_url(cohort), json=body, headers=headers)
        assert response.status_code == 201
        ids.append(response.json()["id"])
    return cohort, facilitator, member, ids


async def _sql(statement: str, *params):
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect == "postgres":
        for index in range(len(params)):
            statement = statement.replace("?", f"${index + 1}", 1)
    await conn.execute_query(statement, list(params))


async def _verify(client, cohort, facilitator):
    response = await client.get(
        f"/api/v1/cohorts/{cohort.id}/ledger/verify", headers=await bearer(facilitator)
    )
    assert response.status_code == 200
    return response.json()


async def test_chain_links_each_entry_to_the_previous(client):
    cohort, facilitator, _, _ = await _cohort_with_sales(client)
    rows = await LedgerEntry.filter(cohort_id=cohort.id).order_by("seq")
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    for row in rows:
        assert entry_hash(row) == row.hash
    result = await _verify(client, cohort, facilitator)
    assert result == {"ok": True, "entries": 4, "head": rows[-1].hash, "first_bad_seq": None}


async def test_empty_ledger_verifies(client):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    result = await _verify(client, cohort, facilitator)
    assert result == {"ok": True, "entries": 0, "head": None, "first_bad_seq": None}


async def test_hash_never_covers_a_name(client):
    cohort, _, member, _ = await _cohort_with_sales(client, 1)
    row = await LedgerEntry.get(cohort_id=cohort.id, seq=1)
    from flashcoop.ledger.chain import canonical

    assert member.display_name.encode() not in canonical(row)
    # Renaming (pseudonymising) a member keeps the chain valid.
    member.display_name = "Membre 1"
    await member.save(update_fields=["display_name"])
    assert (await verify_chain(cohort.id)).ok


async def test_altered_amount_is_caught(client):
    cohort, facilitator, _, ids = await _cohort_with_sales(client)
    await _sql("UPDATE ledger_entry SET amount_cents = 99900 WHERE id = ?", _uuid(ids[2]))
    result = await _verify(client, cohort, facilitator)
    assert result["ok"] is False
    assert result["first_bad_seq"] == 3


async def test_altered_label_or_time_is_caught(client):
    cohort, facilitator, _, ids = await _cohort_with_sales(client)
    await _sql("UPDATE ledger_entry SET label = ? WHERE id = ?", "Autre", _uuid(ids[1]))
    assert (await _verify(client, cohort, facilitator))["first_bad_seq"] == 2


async def test_recomputed_hash_still_breaks_the_next_link(client):
    cohort, facilitator, _, ids = await _cohort_with_sales(client)
    row = await LedgerEntry.get(id=ids[1])
    row.amount_cents = 1
    forged = entry_hash(row)
    await _sql(
        "UPDATE ledger_entry SET amount_cents = 1, hash = ? WHERE id = ?", forged, _uuid(ids[1])
    )
    assert (await _verify(client, cohort, facilitator))["first_bad_seq"] == 3


async def test_removed_entry_is_caught(client):
    cohort, facilitator, _, ids = await _cohort_with_sales(client)
    await _sql("DELETE FROM ledger_entry WHERE id = ?", _uuid(ids[1]))
    result = await _verify(client, cohort, facilitator)
    assert result["ok"] is False
    assert result["first_bad_seq"] == 2
    assert result["entries"] == 3


async def test_removed_last_entry_is_caught(client):
    cohort, facilitator, _, ids = await _cohort_with_sales(client)
    await _sql("DELETE FROM ledger_entry WHERE id = ?", _uuid(ids[3]))
    result = await _verify(client, cohort, facilitator)
    assert result["ok"] is False
    assert result["first_bad_seq"] == 4


async def test_reordered_entries_are_caught(client):
    cohort, facilitator, _, ids = await _cohort_with_sales(client)
    await _sql("UPDATE ledger_entry SET seq = 1000 WHERE id = ?", _uuid(ids[1]))
    await _sql("UPDATE ledger_entry SET seq = 2 WHERE id = ?", _uuid(ids[2]))
    await _sql("UPDATE ledger_entry SET seq = 3 WHERE id = ?", _uuid(ids[1]))
    result = await _verify(client, cohort, facilitator)
    assert result["ok"] is False
    assert result["first_bad_seq"] == 2


async def test_entries_cannot_be_updated_or_deleted_by_code(client):
    cohort, _, _, ids = await _cohort_with_sales(client, 1)
    row = await LedgerEntry.get(id=ids[0])
    row.amount_cents = 1
    with pytest.raises(AppendOnlyError):
        await row.save()
    with pytest.raises(AppendOnlyError):
        await row.save(update_fields=["amount_cents"])
    with pytest.raises(AppendOnlyError):
        await row.delete()
    with pytest.raises(AppendOnlyError):
        await LedgerEntry.filter(id=ids[0]).update(amount_cents=1)
    with pytest.raises(AppendOnlyError):
        await LedgerEntry.filter(id=ids[0]).delete()
    assert (await LedgerEntry.get(id=ids[0])).amount_cents == 100
    assert (await verify_chain(cohort.id)).ok


async def test_no_route_updates_or_deletes_an_entry(client):
    from flashcoop.app import all_routes

    cohort, facilitator, _, ids = await _cohort_with_sales(client, 1)
    headers = await bearer(facilitator)
    for method in ("PUT", "PATCH", "DELETE"):
        response = await client.request(
            method, f"/api/v1/cohorts/{cohort.id}/entries/{ids[0]}", headers=headers
        )
        assert response.status_code in (404, 405)
    assert (await verify_chain(cohort.id)).ok
    for route in all_routes():
        methods = getattr(route, "methods", None) or set()
        path = getattr(route, "path", "")
        if "entries" in path or "ledger" in path:
            assert not methods & {"PUT", "PATCH", "DELETE"}, path


async def test_reversal_negates_and_points_at_the_original(client):
    cohort, facilitator, _, ids = await _cohort_with_sales(client, 2)
    headers = await bearer(facilitator)
    url = f"/api/v1/cohorts/{cohort.id}/entries/{ids[1]}/reverse"
    body = {"id": str(uuid.uuid4()), "reason": "Erreur de saisie"}
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["kind"] == "reversal"
    assert data["amount"] == "-2.00"
    assert data["reverses"] == ids[1]
    assert data["seq"] == 3
    assert data["reason"] == "Erreur de saisie"
    replay = await client.post(url, json=body, headers=headers)
    assert replay.status_code == 200
    second = await client.post(url, json={**body, "id": str(uuid.uuid4())}, headers=headers)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_reversed"
    of_reversal = await client.post(
        f"/api/v1/cohorts/{cohort.id}/entries/{data['id']}/reverse",
        json={"id": str(uuid.uuid4()), "reason": "Encore"},
        headers=headers,
    )
    assert of_reversal.status_code == 409
    assert of_reversal.json()["error"]["code"] == "reversal_of_reversal"
    assert await LedgerEntry.all().count() == 3
    assert (await verify_chain(cohort.id)).ok


async def test_reversal_rejections(client):
    cohort, facilitator, member, ids = await _cohort_with_sales(client, 1)
    url = f"/api/v1/cohorts/{cohort.id}/entries/{ids[0]}/reverse"
    headers = await bearer(facilitator)
    no_reason = await client.post(url, json={"id": str(uuid.uuid4())}, headers=headers)
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["error"]["fields"]
    long_reason = await client.post(
        url, json={"id": str(uuid.uuid4()), "reason": "x" * 2001}, headers=headers
    )
    assert long_reason.status_code == 422
    bad_id = await client.post(url, json={"id": "nope", "reason": "x"}, headers=headers)
    assert "id" in bad_id.json()["error"]["fields"]
    missing = await client.post(
        f"/api/v1/cohorts/{cohort.id}/entries/{uuid.uuid4()}/reverse",
        json={"id": str(uuid.uuid4()), "reason": "x"},
        headers=headers,
    )
    assert missing.status_code == 404
    other = await make_participant(cohort, "Léa")
    not_theirs = await client.post(
        url, json={"id": str(uuid.uuid4()), "reason": "x"}, headers=await bearer(other)
    )
    assert not_theirs.status_code == 403
    assert (
        await client.post(url, json={"id": str(uuid.uuid4()), "reason": "x"})
    ).status_code == 401
    assert await LedgerEntry.all().count() == 1
    own = await client.post(
        url,
        json={"id": str(uuid.uuid4()), "reason": "Je me suis trompée"},
        headers=await bearer(member),
    )
    assert own.status_code == 201


async def test_concurrent_double_reversal_records_one(client):
    cohort, facilitator, _, ids = await _cohort_with_sales(client, 1)
    headers = await bearer(facilitator)
    url = f"/api/v1/cohorts/{cohort.id}/entries/{ids[0]}/reverse"
    responses = await asyncio.gather(
        *[
            client.post(url, json={"id": str(uuid.uuid4()), "reason": "x"}, headers=headers)
            for _ in range(10)
        ]
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 9
    assert await LedgerEntry.filter(kind="reversal").count() == 1


def _uuid(value: str):
    conn = Tortoise.get_connection("default")
    return uuid.UUID(value) if conn.capabilities.dialect == "postgres" else value


async def test_closed_cohort_refuses_reversals(client):
    cohort, facilitator, _, ids = await _cohort_with_sales(client, 1)
    cohort.status = "closed"
    await cohort.save(update_fields=["status"])
    response = await client.post(
        f"/api/v1/cohorts/{cohort.id}/entries/{ids[0]}/reverse",
        json={"id": str(uuid.uuid4()), "reason": "trop tard"},
        headers=await bearer(facilitator),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cohort_closed"
    assert await LedgerEntry.all().count() == 1
    assert (await verify_chain(cohort.id)).ok
