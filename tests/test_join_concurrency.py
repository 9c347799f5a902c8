"""Several phones join with the same name at the same moment: the same PIN signs each of them in
to the one member, as it would a moment later; a different PIN is refused, and counted."""

from __future__ import annotations

import asyncio

from flashcoop.accounts.models import RateLimitMark
from flashcoop.cohorts.models import Participant
from tests.factories import make_cohort

PHONES = 6


async def _join_together(client, code: str, pins: list[str]) -> list:
    return await asyncio.gather(
        *(
            client.post("/api/v1/join", json={"code": code, "display_name": "Léa", "pin": pin})
            for pin in pins
        )
    )


async def test_concurrent_joins_with_the_same_name_and_pin_all_sign_in(client):
    cohort = await make_cohort()
    answers = await _join_together(client, cohort.join_code, ["1234"] * PHONES)
    assert sorted(r.status_code for r in answers) == [200] * (PHONES - 1) + [201], [
        r.text for r in answers
    ]
    members = await Participant.filter(cohort=cohort)
    assert len(members) == 1
    assert {r.json()["participant"]["id"] for r in answers} == {str(members[0].id)}
    # Every phone holds a working token for that one member.
    for r in answers:
        me = await client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {r.json()['token']}"}
        )
        assert me.status_code == 200
        assert me.json()["participant"]["id"] == str(members[0].id)


async def test_concurrent_joins_with_the_same_name_and_another_pin_are_refused(client):
    cohort = await make_cohort()
    answers = await _join_together(client, cohort.join_code, ["1234", "9999", "1234", "9999"])
    by_pin: dict[str, set[int]] = {"1234": set(), "9999": set()}
    for pin, r in zip(["1234", "9999", "1234", "9999"], answers, strict=True):
        by_pin[pin].add(r.status_code)
    assert await Participant.filter(cohort=cohort).count() == 1
    winner = await Participant.get(cohort=cohort)
    # Whichever PIN won the race owns the name; the other PIN gets the name_taken 409.
    won = "1234" if by_pin["1234"] & {200, 201} else "9999"
    lost = "9999" if won == "1234" else "1234"
    assert by_pin[won] <= {200, 201} and by_pin[lost] == {409}
    for pin, r in zip(["1234", "9999", "1234", "9999"], answers, strict=True):
        if pin == lost:
            assert r.json()["error"]["code"] == "name_taken"
        else:
            assert r.json()["participant"]["id"] == str(winner.id)
    # The wrong PIN counts as a failed attempt, as it does one at a time.
    assert await RateLimitMark.all().count() >= 1
