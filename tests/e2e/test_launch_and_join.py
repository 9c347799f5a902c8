"""A facilitator launches a cohort on a phone; a second phone joins by the link; the dashboard
shows the newcomer. Real server, real Chromium, 360 px wide."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

EMAIL = "anim-e2e@example.org"


async def test_launch_then_join_by_link(live_server, new_phone):
    live_server.add_staff(EMAIL, "password123", organisation="CAE X")
    staff = await (await new_phone()).new_page()
    await staff.goto(live_server.url + "/login")
    await staff.get_by_label("E-mail").fill(EMAIL)
    await staff.get_by_label("Mot de passe").fill("password123")
    await staff.get_by_role("button", name="Se connecter").click()
    await staff.wait_for_url(live_server.url + "/cohorts")

    await staff.get_by_role("link", name="Lancer une cohorte").click()
    await staff.wait_for_url("**/cohorts/new")
    assert await staff.evaluate("document.documentElement.scrollWidth") <= 360
    await staff.get_by_label("Nom de la coopérative").fill("Traiteur d'été 🌞")
    await staff.get_by_label("Activité").fill("Traiteur")
    end = datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=10)
    await staff.get_by_label("Fin").fill(end.strftime("%Y-%m-%dT18:00"))
    await staff.get_by_label("Produit 1").fill("Samoussa")
    await staff.locator("#f-product-0-price").fill("1,50")
    # The small script adds a ninth row on demand.
    await staff.get_by_role("button", name="Ajouter un produit").click()
    await staff.locator("#f-product-8-label").fill("Thé glacé")
    await staff.locator("#f-product-8-price").fill("2")
    await staff.get_by_role("button", name="Lancer la cohorte").click()
    await staff.wait_for_url(re.compile(r".*/cohorts/[0-9a-f-]{36}$"))
    assert await staff.locator("h1").inner_text() == "Traiteur d'été 🌞"
    assert await staff.locator(".join-block svg").count() == 1
    link = await staff.locator(".join-link a").get_attribute("href")
    code = await staff.locator(".join-code").first.inner_text()
    assert link.endswith("/j/" + code)
    assert await staff.evaluate("document.documentElement.scrollWidth") <= 360

    phone = await (await new_phone()).new_page()
    await phone.goto(link)
    await phone.get_by_label("Votre prénom ou surnom").fill("Aïcha")
    await phone.get_by_label("Votre code PIN (4 à 6 chiffres)").fill("2468")
    await phone.get_by_role("button", name="Rejoindre").click()
    await phone.wait_for_url(live_server.url + "/me")
    assert "Aïcha" in await phone.locator("h1").inner_text()

    await staff.reload()
    assert await staff.locator(".members .member-name").all_inner_texts() == ["Aïcha"]
