"""Offline sale logging in real Chromium at a phone viewport.

A member logs sales with no connection, reloads the page, comes back online: the server ends
up with exactly those sales. A request whose answer is lost is retried without a duplicate.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ledger_server(live_server):
    email = "animatrice-ledger@example.org"
    live_server.add_staff(email, "motdepasse-tres-long", organisation="CAE e2e")
    live_server.token = live_server.cli("token", "create", "--email", email)
    return live_server


def _staff(server):
    return {"Authorization": f"Bearer {server.token}"}


def _new_cohort(server) -> dict:
    now = datetime.now(UTC)
    body = {
        "name": "Épicerie e2e",
        "activity": "Jus",
        "starts_at": (now - timedelta(hours=2)).isoformat(),
        "ends_at": (now + timedelta(days=5)).isoformat(),
        "products": [
            {"label": "Jus d'orange", "price": "2.50"},
            {"label": "Cookie", "price": "1.20"},
        ],
    }
    response = httpx.post(server.url + "/api/v1/cohorts", json=body, headers=_staff(server))
    assert response.status_code == 201, response.text
    return response.json()


async def _signed_in_phone(server, new_phone, cohort, *, worker: bool = True):
    # page.route cannot see requests of a page controlled by a service worker: the lost-answer
    # test blocks the worker (its subject is the retry, not the cache).
    context = await new_phone(service_workers="allow" if worker else "block")
    page = await context.new_page()
    name = "Aïcha-" + uuid.uuid4().hex[:4]
    await page.goto(f"{server.url}/j/{cohort['join_code']}")
    await page.fill('input[name="display_name"]', name)
    await page.fill('input[name="pin"]', "1234")
    await page.locator('form:has(input[name="pin"]) [type="submit"]').click()
    await page.wait_for_url("**/me*")
    await page.wait_for_selector("#sale-form[data-ready]")
    if not worker:
        return context, page
    # The worker is installed and the page is in its cache before the network goes away.
    await page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    for _ in range(100):
        cached = await page.evaluate(
            "() => caches.open('flashcoop-v1-pages')"
            ".then(c => c.match(location.origin + '/me')).then(r => Boolean(r))"
        )
        if cached:
            break
        await asyncio.sleep(0.1)
    assert cached
    return context, page


def _server_entries(server, cohort) -> list[dict]:
    response = httpx.get(
        f"{server.url}/api/v1/cohorts/{cohort['id']}/entries", headers=_staff(server)
    )
    assert response.status_code == 200
    return response.json()["items"]


async def _log_sale(
    page,
    product: str | None = None,
    label: str = "",
    amount: str = "",
    plus: int = 0,
    method: str = "cash",
):
    if product:
        await page.locator("label.product", has_text=product).click()
    else:
        await page.locator("label.product.other").click()
        await page.fill('input[name="label"]', label)
        await page.fill('input[name="amount"]', amount)
    for _ in range(plus):
        await page.locator("button.step[data-step='1']").click()
    await page.locator(f'input[name="payment_method"][value="{method}"]').check()
    await page.locator("#sale-form button[type=submit]").click()


async def _pending(page) -> int:
    return await page.locator("#my-entries li.pending").count()


async def test_sales_logged_offline_survive_a_reload_and_are_sent_once(ledger_server, new_phone):
    cohort = _new_cohort(ledger_server)
    context, page = await _signed_in_phone(ledger_server, new_phone, cohort)
    # Big touch targets and nothing wider than the phone.
    box = await page.locator("#sale-form button[type=submit]").bounding_box()
    assert box["height"] >= 48
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= 360

    await context.set_offline(True)
    before = datetime.now(UTC)
    await _log_sale(page, product="Jus d'orange", plus=2)  # 3 × 2,50
    await _log_sale(page, product="Cookie", method="card")
    await _log_sale(page, label="Gâteau basque", amount="12,5")
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.pending').length == 3"
    )
    assert "en attente" in await page.locator("#my-entries").inner_text()

    await page.reload()  # offline: the service worker serves /me from its cache
    assert await page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.pending').length == 3"
    )
    assert _server_entries(ledger_server, cohort) == []

    await asyncio.sleep(1.5)  # so that "made offline" and "sent" are apart in time
    back_online = datetime.now(UTC)
    await context.set_offline(False)
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.pending').length == 0", timeout=30_000
    )
    entries = _server_entries(ledger_server, cohort)
    assert [(e["label"], e["amount"], e["quantity"], e["payment_method"]) for e in entries] == [
        ("Jus d'orange", "7.50", 3, "cash"),
        ("Cookie", "1.20", 1, "card"),
        ("Gâteau basque", "12.50", 1, "cash"),
    ]
    # Each keeps the moment it was made on the phone, not when it reached the server.
    for entry in entries:
        occurred = datetime.fromisoformat(entry["occurred_at"])
        assert before - timedelta(seconds=5) <= occurred < back_online
        assert datetime.fromisoformat(entry["recorded_at"]) >= back_online - timedelta(seconds=1)
    await page.wait_for_function(
        "() => document.getElementById('sale-status').textContent.includes('21,20')"
    )
    status = await page.locator("#sale-status").inner_text()
    assert "Ensemble, nous avons vendu 21,20" in status
    assert "Ventes\u202f: 3, pour 21,20" in await page.locator("#my-total").inner_text()

    # Reloading again online sends nothing more.
    await page.reload()
    await page.wait_for_selector("#sale-form[data-ready]")
    await asyncio.sleep(1)
    assert len(_server_entries(ledger_server, cohort)) == 3


async def test_lost_answer_is_retried_without_a_duplicate(ledger_server, new_phone):
    cohort = _new_cohort(ledger_server)
    _, page = await _signed_in_phone(ledger_server, new_phone, cohort, worker=False)
    lost = []

    async def lose_first_answer(route):
        if not lost and route.request.method == "POST":
            response = await route.fetch()  # the server stores the sale...
            lost.append(response.status)
            await route.abort("connectionreset")  # ...but the phone never hears back
        else:
            await route.continue_()

    await page.route("**/api/v1/cohorts/*/entries", lose_first_answer)
    await _log_sale(page, product="Cookie")
    # Sent once the row carries the server's id and nothing is pending any more.
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.sent[data-id]').length == 1"
        " && document.querySelectorAll('#my-entries li.pending').length == 0",
        timeout=30_000,
    )
    assert lost == [201]
    entries = _server_entries(ledger_server, cohort)
    assert len(entries) == 1
    assert entries[0]["label"] == "Cookie"
    await page.reload()
    await page.wait_for_selector("#sale-form[data-ready]")
    assert await page.locator("#my-entries li[data-id]").count() == 1
    await asyncio.sleep(1)
    assert len(_server_entries(ledger_server, cohort)) == 1
    assert await _pending(page) == 0


async def test_sale_survives_the_page_being_closed_before_it_is_sent(ledger_server, new_phone):
    cohort = _new_cohort(ledger_server)
    context, page = await _signed_in_phone(ledger_server, new_phone, cohort)
    await context.set_offline(True)
    await _log_sale(page, product="Jus d'orange")
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.pending').length == 1"
    )
    await page.close()  # the member pockets the phone; the tab is gone
    await context.set_offline(False)
    assert _server_entries(ledger_server, cohort) == []

    page = await context.new_page()
    await page.goto(ledger_server.url + "/me")
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.sent[data-id]').length == 1"
        " && document.querySelectorAll('#my-entries li.pending').length == 0",
        timeout=30_000,
    )
    entries = _server_entries(ledger_server, cohort)
    assert [(e["label"], e["amount"]) for e in entries] == [("Jus d'orange", "2.50")]
