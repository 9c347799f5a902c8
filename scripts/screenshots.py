"""Screenshots for the guides in docs/, taken from the demo in real Chromium.

    python scripts/screenshots.py [--out docs/screenshots]

Starts `flashcoop serve` on a temporary SQLite database loaded with `flashcoop demo`, signs in
as the demo facilitator and saves PNGs at phone (360 px) and desktop (1280 px) sizes; then
joins as a demo member and saves each participant page at 360 px in the usual and the easy-read
mode (`phone-<page>.png`, `phone-<page>-easy.png`) for docs/participant-guide.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from flashcoop.devserver import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    free_port,
    running,
)

# One device pixel per CSS pixel keeps the committed PNGs small.
SHOT_PHONE = {**PHONE, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1280, "height": 860}, "device_scale_factor": 1}
FACILITATOR = ("animatrice@demo.flashcoop.org", "demo-animatrice")
MEMBER = ("Aïcha", "1234")
CLOSED_MEMBER = ("Fatou", "1111")


async def sign_in(page: Page, base: str) -> None:
    await page.goto(base + "/login")
    await page.fill("#f-email", FACILITATOR[0])
    await page.fill("#f-password", FACILITATOR[1])
    await page.click("form.stack button[type=submit]")
    await page.wait_for_url(base + "/cohorts")


async def shoot(page: Page, out: Path, name: str, *, full: bool = False) -> None:
    path = out / f"{name}.png"
    await page.screenshot(path=str(path), full_page=full)
    # A 64-colour palette keeps UI screenshots sharp at a third of the size.
    from PIL import Image

    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=64).save(path, optimize=True)
    print(path)


async def staff_pages(browser: Browser, base: str, out: Path, size: str, options: dict) -> str:
    context = await browser.new_context(**options, locale="fr-FR")
    page = await context.new_page()
    if size == "phone":
        await page.goto(base + "/login")
        await shoot(page, out, f"{size}-login")
    await sign_in(page, base)
    await shoot(page, out, f"{size}-cohorts")
    await page.goto(base + "/cohorts/new")
    await shoot(page, out, f"{size}-launch-form", full=size == "desktop")
    await page.goto(base + "/cohorts")
    await page.click(".cohort-list h2 a")
    await page.wait_for_selector(".join-block svg")
    await shoot(page, out, f"{size}-dashboard", full=size == "desktop")
    code = await page.locator(".join-code").first.inner_text()
    if size == "desktop":
        dashboard = page.url.rstrip("/")
        await page.goto(dashboard + "/ledger")
        await shoot(page, out, "desktop-ledger", full=True)
        await page.goto(dashboard + "/workshops")
        await shoot(page, out, "desktop-programme", full=True)
    await context.close()
    return code


# A participant's pages, each at 360 px in the usual and the easy-read mode (issue #10).
PARTICIPANT_PAGES = (
    ("participant-home", "/me", True),
    ("skills", "/me/skills", False),
    ("calendar", "/me/calendar", False),
)
MODES = (("", "0"), ("-easy", "1"))


async def _member_signs_in(page: Page, base: str, code: str, name: str, pin: str) -> bool:
    await page.goto(f"{base}/j/{code}")
    await page.fill("#f-display_name", name)
    await page.fill("#f-pin", pin)
    await page.click("form.stack button[type=submit]")
    try:
        await page.wait_for_url(base + "/me", timeout=10_000)
    except Exception:  # a cohort that no longer lets its members in: no picture of it
        return False
    return True


async def participant_pages(browser: Browser, base: str, out: Path, code: str) -> None:
    context = await browser.new_context(**SHOT_PHONE, locale="fr-FR")
    page = await context.new_page()
    for suffix, easy in MODES:
        await page.goto(f"{base}/j/{code}?easy={easy}")
        await shoot(page, out, f"phone-join{suffix}", full=True)
    await page.goto(f"{base}/j/{code}?easy=0")
    if not await _member_signs_in(page, base, code, *MEMBER):
        raise RuntimeError("the demo member could not sign in")
    for suffix, easy in MODES:
        for name, path, full in PARTICIPANT_PAGES:
            await page.goto(f"{base}{path}?easy={easy}")
            await shoot(page, out, f"phone-{name}{suffix}", full=full)
    await context.close()


async def closed_member_pages(browser: Browser, base: str, out: Path, database: Path) -> None:
    """A member of the demo's closed cohort: the share of the surplus and the certificate."""
    import sqlite3

    with sqlite3.connect(database) as connection:
        row = connection.execute("SELECT join_code FROM cohort WHERE status = 'closed'").fetchone()
    if row is None:
        return
    context = await browser.new_context(**SHOT_PHONE, locale="fr-FR")
    page = await context.new_page()
    if await _member_signs_in(page, base, row[0], *CLOSED_MEMBER):
        for suffix, easy in MODES:
            await page.goto(f"{base}/me?easy={easy}")
            await shoot(page, out, f"phone-closed-home{suffix}", full=True)
    await context.close()


async def take(base: str, out: Path, database: Path) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            code = await staff_pages(browser, base, out, "phone", SHOT_PHONE)
            await staff_pages(browser, base, out, "desktop", DESKTOP)
            await participant_pages(browser, base, out, code)
            await closed_member_pages(browser, base, out, database)
        finally:
            await browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "FLASHCOOP_DATABASE_URL": f"sqlite://{Path(tmp) / 'demo.sqlite3'}",
            "FLASHCOOP_DATA_DIR": tmp,
            "FLASHCOOP_BASE_URL": base,
            "FLASHCOOP_SCHEDULER": "off",
            "FLASHCOOP_LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "flashcoop"]
        # Our own interpreter and fixed arguments: nothing untrusted reaches these calls.
        subprocess.run(  # noqa: S603
            [*command, "demo"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        serve = [*command, "serve", "--port", str(port)]
        with running(serve, url=base + "/healthz", env=env, cwd=ROOT, output=None):
            asyncio.run(take(base, out, Path(tmp) / "demo.sqlite3"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
