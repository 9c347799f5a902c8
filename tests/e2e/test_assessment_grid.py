"""The facilitator's assessment grid on a tablet, in real Chromium: cells are saved as they
change, each says so, and the page never reloads."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

MIGRATIONS = Path(__file__).resolve().parents[2] / "flashcoop" / "migrations"

pytestmark = pytest.mark.skipif(
    not any(
        re.search(r"""["']table["']: ["']assessment["']""", p.read_text())
        for p in MIGRATIONS.glob("*.py")
    ),
    reason="the assessment table is not in the committed migrations yet",
)

TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True, "locale": "fr-FR"}


async def test_grid_saves_cells_without_a_page_load(live_server, browser):
    live_server.add_staff("grille@e2e.org", "mot de passe e2e", organisation="CAE Grille")
    token = live_server.cli("token", "create", "--email", "grille@e2e.org")
    staff = {"Authorization": f"Bearer {token}"}
    now = datetime.now(UTC)
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        cohort = (
            await api.post(
                "/api/v1/cohorts",
                json={
                    "name": "Grille",
                    "activity": "Jus",
                    "starts_at": (now - timedelta(hours=1)).isoformat(),
                    "ends_at": (now + timedelta(days=3)).isoformat(),
                },
                headers=staff,
            )
        ).json()
        created = await api.post(
            f"/api/v1/cohorts/{cohort['id']}/workshops",
            json={
                "title": "Idées",
                "starts_at": (now + timedelta(hours=2)).isoformat(),
                "ends_at": (now + timedelta(hours=4)).isoformat(),
                "competences": ["1.1", "2.4"],
            },
            headers=staff,
        )
        assert created.status_code == 201
        people = []
        for name in ("Aïcha", "Bruno"):
            joined = await api.post(
                "/api/v1/join",
                json={"code": cohort["join_code"], "display_name": name, "pin": "1234"},
            )
            people.append(joined.json()["participant"]["id"])

    tablet = await browser.new_context(**TABLET)
    page = await tablet.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(live_server.url + "/login")
    await page.get_by_label("E-mail").fill("grille@e2e.org")
    await page.get_by_label("Mot de passe").fill("mot de passe e2e")
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(live_server.url + "/cohorts")

    await page.goto(f"{live_server.url}/cohorts/{cohort['id']}/assessments")
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    await page.evaluate("window.stillHere = true")
    aicha, bruno = people

    first = page.locator(f'td[data-participant="{aicha}"][data-competence="1.1"]')
    await page.get_by_label("Niveau : Aïcha, 1.1 Repérer les opportunités").select_option("3")
    await first.locator(".assess-status").filter(has_text="Enregistré").wait_for()

    second = page.locator(f'td[data-participant="{bruno}"][data-competence="2.4"]')
    await second.locator("summary").click()
    note = second.locator("textarea")
    await note.fill("Mobilise le groupe")
    await second.locator("select").select_option("4")
    await second.locator(".assess-status").filter(has_text="Enregistré").wait_for()
    assert await second.locator(".assess-status").get_attribute("aria-live") == "polite"

    assert loads == [] and await page.evaluate("window.stillHere") is True
    assert errors == []
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        items = (
            await api.get(f"/api/v1/cohorts/{cohort['id']}/assessments", headers=staff)
        ).json()["items"]
    found = {(i["participant_id"], i["competence"]): (i["level"], i["note"]) for i in items}
    assert found == {(aicha, "1.1"): (3, ""), (bruno, "2.4"): (4, "Mobilise le groupe")}
    # With every competence, the grid scrolls inside its own box: the page itself still fits
    # the tablet, and a phone.
    await page.goto(f"{live_server.url}/cohorts/{cohort['id']}/assessments?all=1")
    assert await page.locator("select.assess-level").count() == 2 * 15
    assert await page.evaluate("document.documentElement.scrollWidth") <= 768
    await page.set_viewport_size({"width": 360, "height": 740})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await tablet.close()
