"""The dead ends a participant met on a 360 px phone (issue #10), in real Chromium: a sale with
a mistake typed offline, a refused sale, checking in without a camera or without being signed
in, a confirmation out of sight, a sale missing after an offline reload, /me fetched twice."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.e2e.test_ledger_offline import _new_cohort, _server_entries, _signed_in_phone

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def phone_server(live_server):
    email = "animatrice-phone@example.org"
    live_server.add_staff(email, "motdepasse-tres-long", organisation="CAE phone")
    live_server.token = live_server.cli("token", "create", "--email", email)
    return live_server


def _staff(server) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"}


async def _no_horizontal_scroll(page) -> None:
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= 360


async def test_offline_sale_with_a_mistake_stays_on_the_page(phone_server, new_phone):
    cohort = _new_cohort(phone_server)
    context, page = await _signed_in_phone(phone_server, new_phone, cohort)
    await context.set_offline(True)
    await page.locator("label.product.other").click()
    for label, amount, field, words in (
        ("", "12", "label", "obligatoire"),
        ("Gâteau", "abc", "amount", "12,50"),
        ("Gâteau", "0", "amount", "supérieur à zéro"),
        ("Gâteau", "10000,01", "amount", "10\u202f000,00\u00a0€"),
    ):
        await page.fill('input[name="label"]', label)
        await page.fill('input[name="amount"]', amount)
        await page.locator("#sale-form button[type=submit]").click()
        error = page.locator(f"#e-{field}")
        await error.wait_for()
        assert words in await error.inner_text(), (label, amount)
        invalid = page.locator(f'input[name="{field}"]')
        assert await invalid.get_attribute("aria-invalid") == "true"
        assert f"e-{field}" in (await invalid.get_attribute("aria-describedby") or "")
        assert await page.evaluate("() => document.activeElement.name") == field
        # Still the same page, the typed amount still there: nothing was queued.
        assert page.url.endswith("/me")
        assert await page.input_value('input[name="amount"]') == amount
        assert await page.locator("#my-entries li.pending").count() == 0
        assert await page.locator("#sale-alert").is_visible()
    # Corrected, it is queued like any other sale, and the errors go away.
    await page.fill('input[name="amount"]', "12,50")
    await page.locator("#sale-form button[type=submit]").click()
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.pending').length == 1"
    )
    assert await page.locator("#e-amount").count() == 0
    await context.set_offline(False)
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.pending').length == 0", timeout=30_000
    )
    assert [(e["label"], e["amount"]) for e in _server_entries(phone_server, cohort)] == [
        ("Gâteau", "12.50")
    ]


async def test_refused_sale_says_why_and_can_be_corrected_or_removed(phone_server, new_phone):
    cohort = _new_cohort(phone_server)
    context, page = await _signed_in_phone(phone_server, new_phone, cohort)
    await context.set_offline(True)
    # Two sales the server will refuse, queued by an older copy of the page that did not check
    # the limit yet.
    participant = await page.evaluate(
        "() => document.getElementById('ledger-home').dataset.participant"
    )
    for label in ("Vélo", "Tandem"):
        body = {
            "id": str(uuid.uuid4()),
            "kind": "sale",
            "amount": "25000.00",
            "quantity": 1,
            "label": label,
            "payment_method": "cash",
            "occurred_at": datetime.now(UTC).isoformat(),
        }
        await page.evaluate(
            """([participant, body]) => new Promise((resolve, reject) => {
                const open = indexedDB.open("flashcoop", 1);
                open.onsuccess = () => {
                  const tx = open.result.transaction("outbox", "readwrite");
                  tx.objectStore("outbox").put({participant, state: "pending", body});
                  tx.oncomplete = () => { open.result.close(); resolve(true); };
                  tx.onerror = () => reject(tx.error);
                };
              })""",
            [participant, body],
        )
    await page.reload()
    await page.wait_for_selector("#sale-form[data-ready]")
    await context.set_offline(False)
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.refused').length == 2", timeout=30_000
    )
    alert = page.locator("#sale-alert")
    assert await alert.is_visible() and await page.locator("#sale-status").is_hidden()
    text = await alert.inner_text()
    assert "Pas enregistrée" in text and "10\u202f000,00\u00a0€" in text
    assert "certains champs" not in text.lower()
    assert await alert.get_attribute("role") == "alert"
    rows = page.locator("#my-entries li.refused")
    assert "10\u202f000,00" in await rows.first.locator(".reason").inner_text()
    # Remove one, correct the other: it comes back into the form with the error beside it.
    await rows.filter(has_text="Tandem").get_by_role("button", name="Enlever").click()
    await rows.filter(has_text="Vélo").get_by_role("button", name="Corriger").click()
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.refused').length == 0"
    )
    assert await page.input_value('input[name="label"]') == "Vélo"
    assert await page.locator("#e-amount").is_visible()
    await page.fill('input[name="amount"]', "250")
    await page.locator("#sale-form button[type=submit]").click()
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.sent[data-id]').length == 1",
        timeout=30_000,
    )
    assert [(e["label"], e["amount"]) for e in _server_entries(phone_server, cohort)] == [
        ("Vélo", "250.00")
    ]
    await page.reload()
    await page.wait_for_selector("#sale-form[data-ready]")
    assert await page.locator("#my-entries li.refused").count() == 0


async def test_the_form_opens_on_a_product_with_a_hint_that_fits(phone_server, new_phone):
    cohort = _new_cohort(phone_server)
    _context, page = await _signed_in_phone(phone_server, new_phone, cohort, worker=False)
    assert await page.locator('input[name="product"]').first.is_checked()
    assert "prix du produit" in await page.locator("#h-amount").inner_text()
    assert await page.locator("label.product.other input").is_checked() is False
    await page.locator("label.product.other").click()
    hint = await page.locator("#h-amount").inner_text()
    assert "Par exemple" in hint and "vide" not in hint
    assert await page.get_by_label("Qu'avez-vous vendu ?").is_visible()
    # One tap on "Record": the first product is sold.
    await page.locator("label.product").first.click()
    await page.locator("#sale-form button[type=submit]").click()
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.sent[data-id]').length == 1",
        timeout=30_000,
    )
    assert [e["label"] for e in _server_entries(phone_server, cohort)] == ["Jus d'orange"]


async def test_me_is_downloaded_once_per_visit(phone_server, new_phone):
    cohort = _new_cohort(phone_server)
    _context, page = await _signed_in_phone(phone_server, new_phone, cohort)
    requests: list[str] = []
    page.on(
        "request",
        lambda r: requests.append(r.resource_type) if r.url.endswith("/me") else None,
    )
    for _ in range(2):
        await page.reload()
        await page.wait_for_selector("#sale-form[data-ready]")
        await asyncio.sleep(1)
    assert requests == ["document", "document"], requests


async def test_the_confirmation_shows_where_the_eyes_are(phone_server, new_phone):
    cohort = _new_cohort(phone_server)
    _context, page = await _signed_in_phone(phone_server, new_phone, cohort, worker=False)
    await page.locator("label.product", has_text="Cookie").click()
    await page.locator("#sale-form button[type=submit]").click()
    status = page.locator("#sale-status")
    await page.wait_for_function(
        "() => document.getElementById('sale-status').textContent.includes('Enregistré')",
        timeout=30_000,
    )
    # On screen after the tap, not above it.
    box = await status.bounding_box()
    viewport = page.viewport_size
    assert box is not None and box["y"] >= 0
    assert box["y"] + box["height"] <= viewport["height"]
    await _no_horizontal_scroll(page)


async def test_a_sale_sent_online_is_still_listed_after_an_offline_reload(phone_server, new_phone):
    cohort = _new_cohort(phone_server)
    context, page = await _signed_in_phone(phone_server, new_phone, cohort)
    await page.locator("label.product", has_text="Cookie").click()
    await page.locator("#sale-form button[type=submit]").click()
    await page.wait_for_function(
        "() => document.querySelectorAll('#my-entries li.sent[data-id]').length == 1",
        timeout=30_000,
    )
    # Offline, the page comes from the worker's cache, fetched before the sale: the sale is
    # still in "Mes ventes", from the phone's store.
    await context.set_offline(True)
    await page.reload()
    await page.wait_for_selector("#sale-form[data-ready]")
    assert await page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
    await page.wait_for_selector("#my-entries li[data-id]", timeout=10_000)
    assert "Cookie" in await page.locator("#my-entries").inner_text()
    await context.set_offline(False)
    # Back online the server's list has it: shown once, not twice.
    await page.reload()
    await page.wait_for_selector("#sale-form[data-ready]")
    await asyncio.sleep(0.5)
    assert await page.locator("#my-entries li[data-id]").count() == 1


async def _live_workshop(server) -> tuple[dict, dict]:
    cohort = _new_cohort(server)
    now = datetime.now(UTC)
    async with httpx.AsyncClient(base_url=server.url) as api:
        response = await api.post(
            f"/api/v1/cohorts/{cohort['id']}/workshops",
            json={
                "title": "Atelier prix",
                "starts_at": (now - timedelta(minutes=1)).isoformat(),
                "ends_at": (now + timedelta(hours=2)).isoformat(),
            },
            headers=_staff(server),
        )
    assert response.status_code == 201, response.text
    return cohort, response.json()["items"][0]


async def _checkin_code(server, workshop) -> dict:
    response = httpx.get(
        f"{server.url}/api/v1/workshops/{workshop['id']}/checkin", headers=_staff(server)
    )
    assert response.status_code == 200
    return response.json()


async def test_check_in_by_typing_the_six_digits_on_the_home_page(phone_server, new_phone):
    cohort, workshop = await _live_workshop(phone_server)
    _context, page = await _signed_in_phone(phone_server, new_phone, cohort, worker=False)
    await page.reload()
    field = page.get_by_label("Les 6 chiffres affichés sur l'écran")
    assert await field.get_attribute("inputmode") == "numeric"
    await _no_horizontal_scroll(page)
    await field.fill(
        "000000"
        if (await _checkin_code(phone_server, workshop))["short_code"] != "000000"
        else "111111"
    )
    await page.locator(f'form[action="/w/{workshop["id"]}/checkin"] button').click()
    assert "chiffres" in await page.locator("#checkin-error").inner_text()
    await page.get_by_label("Les 6 chiffres affichés sur l'écran").fill(
        (await _checkin_code(phone_server, workshop))["short_code"]
    )
    await page.locator(f'form[action="/w/{workshop["id"]}/checkin"] button').click()
    await page.wait_for_selector("#checked-in")
    assert "Présent" in await page.locator("#checked-in").inner_text()
    await page.get_by_role("link", name="Retour à ma coopérative").click()
    await page.wait_for_url("**/me")
    assert "Votre présence est notée" in await page.locator("main").inner_text()


async def test_phone_not_signed_in_scans_signs_in_and_is_checked_in(phone_server, new_phone):
    cohort, workshop = await _live_workshop(phone_server)
    name = "Binta-" + uuid.uuid4().hex[:4]
    async with httpx.AsyncClient(base_url=phone_server.url) as api:
        joined = await api.post(
            "/api/v1/join", json={"code": cohort["join_code"], "display_name": name, "pin": "4321"}
        )
    assert joined.status_code in (200, 201), joined.text
    context = await new_phone(service_workers="block")
    page = await context.new_page()
    code = (await _checkin_code(phone_server, workshop))["code"]
    await page.goto(f"{phone_server.url}/w/{workshop['id']}/checkin?code={code}")
    # The participant's sign-in, not the staff e-mail and password.
    assert await page.locator('input[type="email"], input[name="password"]').count() == 0
    await page.get_by_label("Votre prénom ou surnom").fill(name)
    await page.get_by_label("Votre code PIN (4 à 6 chiffres)").fill("4321")
    await _no_horizontal_scroll(page)
    await page.get_by_role("button", name="Me connecter et dire que je suis là").click()
    await page.wait_for_selector("#checked-in")
    assert page.url.endswith(f"/w/{workshop['id']}/checkin")
    response = httpx.get(
        f"{phone_server.url}/api/v1/workshops/{workshop['id']}/attendance",
        headers=_staff(phone_server),
    )
    assert [row["status"] for row in response.json()["items"]] == ["present"]
