"""The webhook pages in real Chromium at 360 px, with the keyboard alone: add an endpoint (the
secret is shown once and fits the screen), read its delivery log, delete it after confirming."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.test_pages_on_a_phone import CHECKS

# Queue two deliveries in the live server's database (no page creates events) and fail one,
# so that the log shows both kinds of card and a retry button.
QUEUE = """
import asyncio
from datetime import UTC, datetime
from flashcoop.core import db
from flashcoop.core.settings import Settings
from flashcoop.domains import house
from flashcoop.notify.models import WebhookDelivery
from flashcoop.notify.webhooks import queue_event

async def main():
    house()
    await db.init_db(Settings.from_env().database_url)
    now = datetime.now(UTC)
    await queue_event("cohort.closed", "cohort.closed:1", {"name": "Épicerie"}, now=now)
    await queue_event("cohort.closed", "cohort.closed:2", {"name": "Traiteur"}, now=now)
    first = await WebhookDelivery.filter(event_key="cohort.closed:1").first()
    await WebhookDelivery.filter(id=first.id).update(
        status="failed", attempts=10, last_status_code=503, last_error="HTTP 503"
    )
    await db.close_db()

asyncio.run(main())
"""

EMAIL = "admin-webhooks@example.org"
PASSWORD = "webhooks-admin-pw"
LONG_URL = "https://information-system.funder.example/very/long/path/to/the/hooks/" + "x" * 120


async def tab_to(page, locator, limit: int = 60) -> None:
    for _ in range(limit):
        if await locator.evaluate("el => el === document.activeElement"):
            return
        await page.keyboard.press("Tab")
    pytest.fail("cannot be reached with the keyboard")


async def fits(page) -> None:
    problems = await page.evaluate(CHECKS)
    assert problems == [], f"{page.url}: {problems}"


async def test_webhooks_with_the_keyboard_on_a_phone(live_server, new_phone):
    live_server.add_staff(EMAIL, PASSWORD, role="admin")
    page = await (await new_phone(has_touch=False, is_mobile=False)).new_page()
    await page.goto(live_server.url + "/login")
    await page.get_by_label("E-mail").fill(EMAIL)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(live_server.url + "/cohorts")

    await page.goto(live_server.url + "/admin/users")
    link = page.get_by_role("link", name="Webhooks", exact=True)
    await tab_to(page, link)
    await page.keyboard.press("Enter")
    await page.wait_for_url(live_server.url + "/admin/webhooks")
    await fits(page)

    address = page.get_by_label("Adresse (URL)")
    await tab_to(page, address)
    await page.keyboard.type(LONG_URL)
    add = page.get_by_role("button", name="Ajouter le webhook")
    await tab_to(page, add)
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#new-secret")
    secret = await page.locator("#new-secret").inner_text()
    assert secret.startswith("whsec_")
    assert await page.get_by_role("status").count() == 1
    await fits(page)  # the long address and the secret wrap inside 360 px

    subprocess.run([sys.executable, "-c", QUEUE], env=live_server.env, check=True, timeout=60)
    await page.goto(live_server.url + "/admin/webhooks")
    assert secret not in await page.content()
    log_link = page.get_by_role("link", name="Journal des envois")
    await tab_to(page, log_link)
    await page.keyboard.press("Enter")
    await page.wait_for_selector("h1:has-text('Journal des envois')")
    assert await page.locator("li.card").count() == 2
    await fits(page)
    retry = page.get_by_role("button", name="Renvoyer")
    await tab_to(page, retry)
    await page.keyboard.press("Enter")
    await page.wait_for_selector("[role=status]")
    assert await page.get_by_role("button", name="Renvoyer").count() == 0
    await fits(page)

    await page.goto(live_server.url + "/admin/webhooks")
    delete = page.get_by_role("link", name="Supprimer")
    await tab_to(page, delete)
    await page.keyboard.press("Enter")
    await page.wait_for_selector("h1:has-text('Supprimer ce webhook')")
    await fits(page)
    confirm = page.get_by_role("button", name="Supprimer le webhook")
    await tab_to(page, confirm)
    await page.keyboard.press("Enter")
    await page.wait_for_url(live_server.url + "/admin/webhooks?deleted=1")
    assert await page.get_by_role("status").count() == 1
    assert LONG_URL not in await page.content()
    await fits(page)
