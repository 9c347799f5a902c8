"""Every page people use fits a 360 px screen and can be read by a screen reader: one h1,
a language, a label for every field, a name for every button and link. Real Chromium, on the
demo data, for the facilitator, the administrator and a participant."""

from __future__ import annotations

import httpx
import pytest

CHECKS = """() => {
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push('wider than the screen: ' + document.documentElement.scrollWidth);
  if (!document.documentElement.lang) problems.push('no lang');
  if (document.querySelectorAll('h1').length !== 1) problems.push('h1 count');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby');
    if (!named) problems.push('unlabelled field ' + (el.name || el.id));
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;
    if (!(el.textContent || el.getAttribute('aria-label') || el.title || '').trim())
      problems.push('nameless ' + el.tagName + ' ' + el.outerHTML.slice(0, 80));
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def demo(live_server):
    live_server.cli("demo")
    token = live_server.cli("token", "create", "--email", "animatrice@demo.flashcoop.org")
    headers = {"Authorization": f"Bearer {token}"}
    cohort = httpx.get(live_server.url + "/api/v1/cohorts", headers=headers).json()["items"][0]
    workshops = httpx.get(
        f"{live_server.url}/api/v1/cohorts/{cohort['id']}/workshops", headers=headers
    ).json()["items"]
    return {"cohort": cohort, "workshop": workshops[0]}


async def sign_in(page, base: str, email: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Mot de passe").fill(password)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(base + "/cohorts")


async def check(page, url: str) -> None:
    response = await page.goto(url)
    assert response.status == 200, url
    problems = await page.evaluate(CHECKS)
    assert problems == [], f"{url}: {problems}"


async def test_facilitator_pages_fit_a_phone(live_server, demo, new_phone):
    page = await (await new_phone()).new_page()
    await sign_in(page, live_server.url, "animatrice@demo.flashcoop.org", "demo-animatrice")
    cohort = f"{live_server.url}/cohorts/{demo['cohort']['id']}"
    workshop = f"{live_server.url}/workshops/{demo['workshop']['id']}"
    for url in [
        live_server.url + "/cohorts",
        live_server.url + "/cohorts/new",
        cohort,
        cohort + "/ledger",
        cohort + "/workshops",
        cohort + "/cards",
        workshop + "/edit",
        workshop + "/checkin",
        workshop + "/attendance",
        live_server.url + "/account",
    ]:
        await check(page, url)


async def test_admin_and_participant_pages_fit_a_phone(live_server, demo, new_phone):
    admin = await (await new_phone()).new_page()
    await admin.goto(live_server.url + "/login")
    await admin.get_by_label("E-mail").fill("admin@demo.flashcoop.org")
    await admin.get_by_label("Mot de passe").fill("demo-admin")
    await admin.get_by_role("button", name="Se connecter").click()
    await check(admin, live_server.url + "/admin/users")

    member = await (await new_phone()).new_page()
    await check(member, live_server.url + "/join")
    await check(member, f"{live_server.url}/j/{demo['cohort']['join_code']}")
    await member.get_by_label("Votre prénom ou surnom").fill("Aïcha")
    await member.get_by_label("Votre code PIN (4 à 6 chiffres)").fill("1234")
    await member.get_by_role("button", name="Rejoindre").click()
    await member.wait_for_url(live_server.url + "/me")
    await check(member, live_server.url + "/me")


async def test_keyboard_alone_logs_a_sale(live_server, demo, new_phone):
    page = await (await new_phone(has_touch=False, is_mobile=False)).new_page()
    await page.goto(f"{live_server.url}/j/{demo['cohort']['join_code']}")
    await page.get_by_label("Votre prénom ou surnom").fill("Léa")
    await page.get_by_label("Votre code PIN (4 à 6 chiffres)").fill("3456")
    await page.keyboard.press("Enter")
    await page.wait_for_url(live_server.url + "/me")
    before = await page.locator("body").inner_text()
    # Tab to the first product, choose it with the space bar, then tab to the save button.
    first_product = page.locator("input[type=radio]").first
    await first_product.focus()
    await page.keyboard.press("Space")
    save = page.get_by_role("button", name="Enregistrer")
    for _ in range(40):
        if await save.evaluate("el => el === document.activeElement"):
            break
        await page.keyboard.press("Tab")
    else:
        pytest.fail("the save button cannot be reached with the keyboard")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("[role=status]")
    assert await page.locator("body").inner_text() != before
