"""A real server (`flashcoop serve` in a subprocess, on its own database) and real Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright

from flashcoop.devserver import CHROMIUM, CHROMIUM_ARGS, PHONE, free_port, running
from tests.conftest import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]

    def cli(self, *args: str, stdin: str = "") -> str:
        """Run `flashcoop ARGS` against the server's database; return stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "flashcoop", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=ROOT,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()

    def add_staff(
        self, email: str, password: str, *, role: str = "facilitator", organisation: str = ""
    ) -> None:
        """A staff account, created through the command line as an operator would."""
        extra = ("--organisation", organisation) if organisation else ()
        self.cli(
            "user",
            "create",
            "--email",
            email,
            "--role",
            role,
            *extra,
            "--password-stdin",
            stdin=password + "\n",
        )


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("live")
    url = create_database(tmp)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FLASHCOOP_DATABASE_URL": url,
        "FLASHCOOP_SECRET_KEY": "e2e-secret-" + "y" * 32,
        "FLASHCOOP_BASE_URL": base,
        "FLASHCOOP_SCHEDULER": "off",
        "FLASHCOOP_DATA_DIR": str(tmp),
        "FLASHCOOP_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    log_path = tmp / "server.log"
    command = [sys.executable, "-m", "flashcoop", "serve", "--port", str(port)]
    try:
        with (
            log_path.open("w") as log,
            running(command, url=base + "/healthz", env=env, cwd=ROOT, output=log),
        ):
            yield LiveServer(url=base, env=env)
    except RuntimeError as exc:
        raise RuntimeError(log_path.read_text()) from exc
    finally:
        drop_database(url)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def new_phone(browser: Browser) -> AsyncIterator[Callable[..., object]]:
    """new_phone(**options) → a fresh phone-sized browser context (own cookies), French."""
    contexts: list[BrowserContext] = []

    async def make(**options: object) -> BrowserContext:
        context = await browser.new_context(**{**PHONE, "locale": "fr-FR", **options})
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        await context.close()
