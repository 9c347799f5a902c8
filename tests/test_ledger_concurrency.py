"""Hundreds of members posting at once: no gap, no duplicate, an intact chain."""

from __future__ import annotations

import asyncio
import random

from flashcoop.ledger.chain import verify_chain
from flashcoop.ledger.models import LedgerEntry, LedgerHead
from tests.factories import bearer, make_cohort, make_participant
from tests.ledger_helpers import entries_url, sale

POSTS = 300


async def test_concurrent_posts_with_replays_keep_the_sequence_whole(client):
    cohort = await make_cohort()
    other = await make_cohort()
    members = [await make_participant(cohort, f"Membre {i}") for i in range(6)]
    headers = [await bearer(m) for m in members]
    other_headers = await bearer(await make_participant(other, "Ailleurs"))
    rng = random.Random(7)
    bodies = [
        (rng.choice(headers), sale(amount=f"{rng.randint(1, 5000) / 100:.2f}"))
        for _ in range(POSTS - 60)
    ]
    # Phones replaying the same sale while the first attempt is still in flight.
    replays = [rng.choice(bodies) for _ in range(50)]
    jobs = [(entries_url(cohort), h, b) for h, b in bodies + replays]
    jobs += [(entries_url(other), other_headers, sale()) for _ in range(10)]
    rng.shuffle(jobs)

    responses = await asyncio.gather(
        *[client.post(url, json=body, headers=h) for url, h, body in jobs]
    )
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 201}, [r.text for r in responses if r.status_code > 201][:3]
    assert statuses.count(201) == len(bodies) + 10

    seqs = sorted(await LedgerEntry.filter(cohort_id=cohort.id).values_list("seq", flat=True))
    assert seqs == list(range(1, len(bodies) + 1))
    other_seqs = sorted(await LedgerEntry.filter(cohort_id=other.id).values_list("seq", flat=True))
    assert other_seqs == list(range(1, 11))
    # Every replay got back the very entry that was stored for its id.
    by_id = {r.json()["id"]: r.json()["seq"] for r in responses if r.status_code == 201}
    for response in responses:
        assert by_id[response.json()["id"]] == response.json()["seq"]
    result = await verify_chain(cohort.id)
    assert result.ok and result.entries == len(bodies)
    assert (await LedgerHead.get(cohort_id=cohort.id)).seq == len(bodies)
    assert (await verify_chain(other.id)).ok
