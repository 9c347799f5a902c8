"""Ledger properties under random sequences of writes, on the real app and a real database.

A hypothesis state machine posts sales and expenses, replays them (same body → 200 and the
stored entry; another body → 409), reverses entries (twice → 409; a reversal → 409), fires
several writers at once, and closes the cohort. After every step: the totals the API gives
are the sum of the entries the machine saw accepted, the chain verifies, and once closed no
write succeeds and the shares add up to the surplus.

The app is async and hypothesis' rules are not: each run gets its own event loop, the database
is opened on it, and every rule runs its requests to completion on that loop. The budget is
small for CI (FLASHCOOP_HYPOTHESIS_EXAMPLES raises it for a longer run by hand).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Coroutine
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from starlette.applications import Starlette
from tortoise.contrib.test import truncate_all_models

from flashcoop.app import create_app
from flashcoop.closure import reports
from flashcoop.closure.models import Closure, Share
from flashcoop.core import db
from flashcoop.core.settings import Settings
from tests.factories import bearer, make_cohort, make_participant, make_user
from tests.ledger_helpers import entries_url

EXAMPLES = int(os.environ.get("FLASHCOOP_HYPOTHESIS_EXAMPLES", "10"))
STEPS = 15
cents = st.integers(min_value=1, max_value=250_000)


def amount(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def to_cents(text: str) -> int:
    return int(Decimal(text) * 100)


Posted = tuple[dict[str, Any], dict[str, str], dict[str, Any]]  # body, headers, stored entry
pick = st.integers(min_value=0, max_value=10_000)  # an index into what was written so far


class LedgerMachine(RuleBasedStateMachine):
    loop: asyncio.AbstractEventLoop
    app: Starlette

    def __init__(self) -> None:
        super().__init__()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        )
        self.closed = False
        self.sales = self.expenses = self.count = 0
        self.posted: list[Posted] = []  # every accepted sale or expense
        self.reversible: list[dict[str, Any]] = []  # originals not reversed yet
        self.reversed: list[dict[str, Any]] = []  # originals reversed once
        self.reversals: list[dict[str, Any]] = []

    def run(self, work: Coroutine[Any, Any, Any]) -> Any:
        return self.loop.run_until_complete(work)

    def teardown(self) -> None:
        self.run(self.client.aclose())

    # --- set-up -------------------------------------------------------------------------

    @initialize(rule=st.sampled_from(["equal", "sales"]))
    def open_a_cohort(self, rule: str) -> None:
        async def build() -> None:
            await truncate_all_models()
            self.facilitator = await make_user("facilitator")
            self.cohort = await make_cohort(facilitator=self.facilitator, surplus_rule=rule)
            members = [await make_participant(self.cohort, n) for n in ("Aïcha", "Bruno", "Chloé")]
            self.members = [await bearer(m) for m in members]
            self.staff = await bearer(self.facilitator)

        self.run(build())

    # --- writes -------------------------------------------------------------------------

    def _post(self, headers: dict[str, str], body: dict[str, Any]) -> httpx.Response:
        return self.run(self.client.post(entries_url(self.cohort), json=body, headers=headers))

    def _accepted(self, kind: str, value: int) -> None:
        if kind == "sale":
            self.sales += value
        else:
            self.expenses += value
        self.count += 1

    def _keep(self, body: dict[str, Any], headers: dict[str, str], entry: dict[str, Any]) -> None:
        self.posted.append((body, headers, entry))
        self.reversible.append(entry)
        self._accepted(entry["kind"], to_cents(entry["amount"]))

    def _write(self, kind: str, value: int, member: int) -> None:
        headers = self.staff if kind == "expense" else self.members[member]
        body = {
            "id": str(uuid.uuid4()),
            "kind": kind,
            "amount": amount(value),
            "label": "Jus d'orange" if kind == "sale" else "Oranges",
            "payment_method": "cash",
        }
        response = self._post(headers, body)
        if self.closed:
            assert response.status_code == 409, response.text
            assert response.json()["error"]["code"] == "cohort_closed"
            return
        assert response.status_code == 201, response.text
        entry = response.json()
        assert to_cents(entry["amount"]) == value and entry["seq"] == self.count + 1
        self._keep(body, headers, entry)

    @rule(value=cents, member=st.integers(0, 2))
    def sell(self, value: int, member: int) -> None:
        self._write("sale", value, member)

    @rule(value=cents)
    def spend(self, value: int) -> None:
        self._write("expense", value, 0)

    @precondition(lambda self: bool(self.posted))
    @rule(which=pick)
    def replay_the_same(self, which: int) -> None:
        body, headers, entry = self.posted[which % len(self.posted)]
        response = self._post(headers, body)
        # A replay answers the stored entry, even after the closure froze the books.
        assert response.status_code == 200, response.text
        assert response.json() == entry

    @precondition(lambda self: bool(self.posted))
    @rule(which=pick, value=cents)
    def replay_another_body(self, which: int, value: int) -> None:
        body, headers, entry = self.posted[which % len(self.posted)]
        if to_cents(entry["amount"]) == value:
            value += 1
        response = self._post(headers, {**body, "amount": amount(value)})
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] in ("duplicate_id_conflict", "cohort_closed")

    def _reverse(self, entry: dict[str, Any]) -> httpx.Response:
        url = f"{entries_url(self.cohort)}/{entry['id']}/reverse"
        body = {"id": str(uuid.uuid4()), "reason": "Erreur de saisie"}
        return self.run(self.client.post(url, json=body, headers=self.staff))

    @precondition(lambda self: bool(self.reversible))
    @rule(which=pick)
    def reverse(self, which: int) -> None:
        entry = self.reversible[which % len(self.reversible)]
        response = self._reverse(entry)
        assert response.status_code == (409 if self.closed else 201), response.text
        if self.closed:
            return
        reversal = response.json()
        assert reversal["kind"] == "reversal" and reversal["reverses"] == entry["id"]
        assert to_cents(reversal["amount"]) == -to_cents(entry["amount"])
        self._accepted(entry["kind"], -to_cents(entry["amount"]))
        self.reversible.remove(entry)
        self.reversed.append(entry)
        self.reversals.append(reversal)

    @precondition(lambda self: bool(self.reversed))
    @rule(which=pick)
    def reverse_twice(self, which: int) -> None:
        response = self._reverse(self.reversed[which % len(self.reversed)])
        assert response.status_code == 409, response.text

    @precondition(lambda self: bool(self.reversals))
    @rule(which=pick)
    def reverse_a_reversal(self, which: int) -> None:
        response = self._reverse(self.reversals[which % len(self.reversals)])
        assert response.status_code == 409, response.text

    @rule(values=st.lists(cents, min_size=2, max_size=8), replays=st.integers(0, 4))
    def writers_at_once(self, values: list[int], replays: int) -> None:
        """Several phones post at once, some of them twice while the first is in flight."""
        jobs = []
        for i, value in enumerate(values):
            body = {
                "id": str(uuid.uuid4()),
                "kind": "sale",
                "amount": amount(value),
                "label": "Jus d'orange",
                "payment_method": "cash",
            }
            jobs.append((self.members[i % 3], body))
        jobs += jobs[:replays]

        async def fire() -> list[httpx.Response]:
            url = entries_url(self.cohort)
            return await asyncio.gather(
                *(self.client.post(url, json=body, headers=h) for h, body in jobs)
            )

        answers = self.run(fire())
        statuses = [r.status_code for r in answers]
        if self.closed:
            assert set(statuses) == {409}, statuses
            return
        assert set(statuses) <= {200, 201}, [r.text for r in answers]
        assert statuses.count(201) == len(values)
        stored: dict[str, Any] = {}
        for (headers, body), r in zip(jobs, answers, strict=True):
            entry = r.json()
            if entry["id"] in stored:
                assert stored[entry["id"]] == entry  # a replay gets the very stored entry
                continue
            stored[entry["id"]] = entry
            self._keep(body, headers, entry)
        # The sequence has no gap and no duplicate.
        assert sorted(e["seq"] for e in stored.values()) == list(
            range(self.count - len(values) + 1, self.count + 1)
        )

    @rule()
    def close(self) -> None:
        response = self.run(
            self.client.post(f"/api/v1/cohorts/{self.cohort.id}/close", headers=self.staff)
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "closed"
        self.closed = True

    # --- what always holds ----------------------------------------------------------------

    @invariant()
    def totals_are_the_sum_of_the_entries_and_the_chain_verifies(self) -> None:
        base = f"/api/v1/cohorts/{self.cohort.id}"
        ledger = self.run(self.client.get(f"{base}/ledger", headers=self.staff)).json()
        assert to_cents(ledger["sales"]) == self.sales
        assert to_cents(ledger["expenses"]) == self.expenses
        assert to_cents(ledger["surplus"]) == self.sales - self.expenses
        assert ledger["entries"] == self.count
        verify = self.run(self.client.get(f"{base}/ledger/verify", headers=self.staff)).json()
        assert verify["ok"] is True and verify["entries"] == self.count
        assert verify["first_bad_seq"] is None

    @invariant()
    def the_closure_froze_the_books_and_shared_the_surplus(self) -> None:
        if not self.closed:
            return

        async def figures() -> tuple[Closure, list[int]]:
            closure = await Closure.get(cohort_id=self.cohort.id)
            shares = await Share.filter(cohort_id=self.cohort.id).values_list(
                "amount_cents", flat=True
            )
            return closure, list(shares)

        closure, shares = self.run(figures())
        assert closure.step == "done"
        assert closure.sales_cents == self.sales and closure.expenses_cents == self.expenses
        assert closure.ledger_entries == self.count
        surplus = self.sales - self.expenses
        assert closure.surplus_cents == surplus
        if surplus > 0:
            assert sum(shares) == surplus and len(shares) == 3
        else:
            assert shares == []  # a deficit or nothing is never shared


def test_ledger_state_machine(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # The report PDFs take seconds each and are not what is under test here (the closure
    # tests render them for real); a recorder keeps the closure's steps whole.
    async def no_reports(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(reports, "store_closure_reports", no_reports)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(db.init_db(settings.database_url))
    LedgerMachine.loop = loop
    LedgerMachine.app = create_app(settings)
    try:
        run_state_machine_as_test(
            LedgerMachine,
            settings=settings_for_ci(),
        )
    finally:
        loop.run_until_complete(db.close_db())
        loop.close()


def settings_for_ci() -> Any:
    return hypothesis_settings(
        max_examples=EXAMPLES,
        stateful_step_count=STEPS,
        deadline=None,
        derandomize=os.environ.get("FLASHCOOP_HYPOTHESIS_RANDOM") != "1",
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )
