"""The facilitator's rotating QR screen and a phone checking in, in real Chromium."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

MIGRATIONS = Path(__file__).resolve().parents[2] / "flashcoop" / "migrations"

pytestmark = pytest.mark.skipif(
    not any(
        re.search(r"""["']table["']: ["']workshop["']""", p.read_text())
        for p in MIGRATIONS.glob("*.py")
    ),
    reason="the workshop tables are not in the committed migrations yet",
)


async def test_qr_screen_refreshes_and_phone_checks_in(live_server, browser, new_phone):
    live_server.add_staff("anim@e2e.org", "mot de passe e2e", organisation="CAE E2E")
    token = live_server.cli("token", "create", "--email", "anim@e2e.org")
    staff = {"Authorization": f"Bearer {token}"}
    now = datetime.now(UTC)
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        cohort = (
            await api.post(
                "/api/v1/cohorts",
                json={
                    "name": "E2E",
                    "activity": "Jus",
                    "starts_at": (now - timedelta(hours=1)).isoformat(),
                    "ends_at": (now + timedelta(days=3)).isoformat(),
                },
                headers=staff,
            )
        ).json()
        [workshop] = (
            await api.post(
                f"/api/v1/cohorts/{cohort['id']}/workshops",
                json={
                    "title": "Atelier QR",
                    "starts_at": (now - timedelta(minutes=1)).isoformat(),
                    "ends_at": (now + timedelta(hours=2)).isoformat(),
                },
                headers=staff,
            )
        ).json()["items"]
        joined = (
            await api.post(
                "/api/v1/join",
                json={"code": cohort["join_code"], "display_name": "Aïcha", "pin": "1234"},
            )
        ).json()

    # The facilitator's laptop authenticates with the API token, which the page's own fetch
    # calls carry too.
    laptop = await browser.new_context(locale="fr-FR", extra_http_headers=staff)
    screen = await laptop.new_page()
    errors: list[str] = []
    screen.on(
        "response",
        lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    screen.on("pageerror", lambda exc: errors.append(str(exc)))
    await screen.goto(f"{live_server.url}/workshops/{workshop['id']}/checkin")
    assert await screen.locator("#checkin-qr svg").count() == 1
    first = await screen.locator("#checkin-code").inner_text()
    # The script fetches the next code when the current one expires (15 s by default).
    await screen.wait_for_function(
        "code => document.getElementById('checkin-code').textContent !== code",
        arg=first,
        timeout=20_000,
    )
    current = await screen.locator("#checkin-code").inner_text()
    assert errors == []

    phone = await new_phone(extra_http_headers={"Authorization": f"Bearer {joined['token']}"})
    page = await phone.new_page()
    await page.goto(f"{live_server.url}/w/{workshop['id']}/checkin?code={current}")
    await page.get_by_role("button", name="Je suis là").click()
    assert "Votre présence est enregistrée" in await page.locator(".notice").inner_text()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
