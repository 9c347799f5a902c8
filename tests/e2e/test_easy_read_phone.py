"""Easy-read mode on a 360 px phone in real Chromium (issue #10): offered on the join page, kept
across pages and visits, pictograms drawn beside the words, amounts big, nothing overflowing,
no request leaving the site, and the sale form still working in it; French and English."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.test_ledger_offline import _new_cohort
from tests.e2e.test_phone_dead_ends import phone_server  # noqa: F401  (a module fixture)

pytestmark = pytest.mark.e2e


def _watch_hosts(page, server) -> list[str]:
    """Every request of the page that goes anywhere but the flashcoop server."""
    own = urlsplit(server.url).netloc
    away: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if urlsplit(request.url).netloc == own or request.url.startswith("data:")
            else away.append(request.url)
        ),
    )
    return away


async def _fits_the_phone(page) -> None:
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= 360


async def _pictograms_beside_words(page) -> int:
    """The visible pictograms, each with the words of its action beside it; their count."""
    return await page.evaluate(
        """() => {
          const pictos = [...document.querySelectorAll("svg.picto")].filter(
            svg => svg.getBoundingClientRect().width > 0);
          for (const svg of pictos) {
            if (svg.getAttribute("aria-hidden") !== "true") throw new Error("not hidden");
            const words = svg.parentElement.textContent.trim();
            if (!words) throw new Error("a pictogram alone in " + svg.parentElement.outerHTML);
            const box = svg.getBoundingClientRect();
            if (box.width < 20 || box.right > 360) throw new Error("pictogram size " + box.width);
          }
          return pictos.length;
        }"""
    )


async def test_easy_read_from_the_join_page_to_a_sale(phone_server, new_phone):  # noqa: F811
    cohort = _new_cohort(phone_server)
    context = await new_phone()
    page = await context.new_page()
    away = _watch_hosts(page, phone_server)
    await page.goto(f"{phone_server.url}/j/{cohort['join_code']}")
    toggle = page.get_by_role("link", name="Facile à lire")
    assert await toggle.is_visible()
    await toggle.click()
    await page.wait_for_url("**?easy=1")
    assert "easy" in (await page.get_attribute("body", "class") or "")
    assert await _pictograms_beside_words(page) >= 4
    await _fits_the_phone(page)
    assert await page.get_by_text("Tapez votre prénom.").is_visible()
    # The choice is kept on the phone: no parameter from here on.
    cookies = {c["name"]: c for c in await context.cookies()}
    assert cookies["easy"]["value"] == "1" and cookies["easy"]["httpOnly"]
    assert cookies["easy"]["sameSite"] == "Lax"
    await page.fill('input[name="display_name"]', "Aïcha")
    await page.fill('input[name="pin"]', "1234")
    await page.get_by_role("button", name="Rejoindre").click()
    try:
        await page.wait_for_url("**/me", timeout=5000)
    except Exception:
        raise AssertionError(await page.inner_text("main")) from None
    await page.wait_for_selector("#sale-form[data-ready]")
    assert "easy" in (await page.get_attribute("body", "class") or "")
    assert await _pictograms_beside_words(page) >= 8
    await _fits_the_phone(page)
    # Amounts big: the group's total is drawn at least 36 px high.
    size = await page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('#collective .total')).fontSize)"
    )
    assert size >= 36
    # A sale in two taps still works in this mode.
    await page.locator("label.product").first.click()
    await page.get_by_role("button", name="Enregistrer").click()
    # Kept on the phone first, then sent: the words of the easy mode, then what was recorded.
    await page.wait_for_function(
        "() => document.querySelector('#sale-status').textContent.includes(\"C'est enregistré\")"
    )
    assert "Jus d'orange" in await page.locator("#sale-status").inner_text()
    await page.wait_for_function(
        "() => document.querySelector('#my-total').textContent.includes('Vendu 1 fois')"
    )
    # A new visit (another tab, later) reads the easy way too; ?easy=0 turns it off for good.
    later = await context.new_page()
    await later.goto(f"{phone_server.url}/me/calendar")
    assert "easy" in (await later.get_attribute("body", "class") or "")
    assert await _pictograms_beside_words(later) >= 3
    await _fits_the_phone(later)
    await later.goto(f"{phone_server.url}/me?easy=0")
    assert "easy" not in (await later.get_attribute("body", "class") or "")
    await later.goto(f"{phone_server.url}/me")
    assert "easy" not in (await later.get_attribute("body", "class") or "")
    assert await later.get_by_role("link", name="Facile à lire").is_visible()
    assert away == []


async def test_easy_read_in_english(phone_server, new_phone):  # noqa: F811
    cohort = _new_cohort(phone_server)
    context = await new_phone(locale="en-GB")
    page = await context.new_page()
    away = _watch_hosts(page, phone_server)
    await page.goto(f"{phone_server.url}/j/{cohort['join_code']}?easy=1")
    assert await page.get_by_text("Type your first name.").is_visible()
    assert await page.get_by_role("link", name="Usual text").is_visible()
    assert await _pictograms_beside_words(page) >= 4
    await _fits_the_phone(page)
    await page.fill('input[name="display_name"]', "Binta")
    await page.fill('input[name="pin"]', "1234")
    await page.get_by_role("button", name="Join").click()
    await page.wait_for_url("**/me")
    assert await page.get_by_text("1. What did you sell?").is_visible()
    await _fits_the_phone(page)
    assert away == []
