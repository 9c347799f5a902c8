"""Light and right-to-left ready, checked on the real app: pages compressed, static files
fingerprinted and cached a year, each participant page with its CSS and JS at most 30 kB
compressed, and the style sheets written with logical properties only."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from flashcoop.web.static import STATIC_DIR
from tests.factories import make_cohort, make_participant
from tests.ledger_helpers import sign_in_participant

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 30 * 1024
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
GZIP = {"Accept-Encoding": "gzip"}


async def page_weight(client, path: str) -> tuple[int, dict[str, int]]:
    """gzip bytes of a page and of the CSS and JS it links (what a first visit downloads)."""
    page = await client.get(path, headers=GZIP)
    assert page.status_code == 200, path
    sizes = {path: len(gzip.compress(page.content))}
    for asset in sorted(set(ASSET.findall(page.text))):
        if asset.split("?")[0].endswith((".css", ".js")):
            sizes[asset] = len(gzip.compress((await client.get(asset)).content))
    return sum(sizes.values()), sizes


@pytest.mark.parametrize("easy", ["0", "1"])
async def test_participant_pages_stay_within_30_kb(client, settings, easy):
    cohort = await make_cohort()
    member = await make_participant(cohort, "Aïcha")
    for path in ("/join", f"/j/{cohort.join_code}"):
        total, sizes = await page_weight(client, f"{path}?easy={easy}")
        assert total <= BUDGET, sizes
    await sign_in_participant(client, settings, member)
    for path in ("/me", "/me/calendar", "/me/skills"):
        total, sizes = await page_weight(client, f"{path}?easy={easy}")
        assert total <= BUDGET, sizes
        assert any(".css" in name for name in sizes), sizes


async def test_pages_are_compressed_and_assets_cached_for_a_year(client):
    page = await client.get("/join", headers=GZIP)
    assert page.headers["content-encoding"] == "gzip"
    assert "no-store" in page.headers["cache-control"]  # a page may speak of someone
    assets = ASSET.findall(page.text)
    assert assets and all("?v=" in asset for asset in assets), assets
    css = next(a for a in assets if ".css" in a)
    fingerprinted = await client.get(css, headers=GZIP)
    assert fingerprinted.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert fingerprinted.headers["content-encoding"] == "gzip"
    # The plain URL (the worker's precache) is revalidated, never kept blindly.
    plain = await client.get(css.split("?")[0])
    assert plain.headers["cache-control"] == "no-cache"
    assert (await client.get(css.split("?")[0] + "?v=0")).status_code == 200
    assert (await client.get("/static/css/nothing.css?v=1")).status_code == 404


def test_templates_link_static_files_through_fingerprints():
    # A plain "/static/..." in a template would be revalidated on every visit: slow on 2G.
    offenders = [
        f"{path.relative_to(ROOT)}: {match}"
        for path in (ROOT / "flashcoop" / "templates").rglob("*.html")
        for match in re.findall(r'(?:href|src)="/static/[^"]*"', path.read_text())
    ]
    assert offenders == []


PHYSICAL = re.compile(
    r"(?<![-\w])(?:(?:margin|padding|border|inset)-(?:left|right|top|bottom)(?:-[\w-]+)?"
    r"|left|right|top|bottom)\s*:"
    r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
)


@pytest.mark.parametrize("sheet", sorted(p.name for p in (STATIC_DIR / "css").glob("*.css")))
def test_style_sheets_use_logical_properties(sheet):
    # Right-to-left ready: "start" and "end", never "left" and "right".
    css = re.sub(r"/\*.*?\*/", "", (STATIC_DIR / "css" / sheet).read_text(), flags=re.S)
    found = [m.group(0) for m in PHYSICAL.finditer(css)]
    assert found == [], f"{sheet}: {found}"
    # Four-value shorthands put left and right in fixed places: only symmetric ones are allowed.
    for prop, values in re.findall(r"(?<![-\w])(margin|padding|inset)\s*:\s*([^;}]+)", css):
        parts = values.split()
        assert len(parts) < 4 or parts[1] == parts[3], f"{sheet}: {prop}: {values}"
