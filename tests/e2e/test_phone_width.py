"""Nothing is cut at 360 px: the facilitator's programme (its table, its selects) and the other
pages a facilitator opens on a phone, in real Chromium."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.e2e.test_ledger_offline import _new_cohort

pytestmark = pytest.mark.e2e

EMAIL = "animateur-width@example.org"
PASSWORD = "motdepasse-tres-long"

# Elements whose right edge passes the screen, unless a scrolling box (a wide table's wrapper)
# holds them: that box scrolls, the page does not.
CUT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (["auto", "scroll"].includes(style.overflowX) && p.scrollWidth > p.clientWidth) {
        return p.getBoundingClientRect().right <= width + 1;
      }
    }
    return false;
  };
  return Array.from(document.querySelectorAll("main *"))
    .filter((el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.right > width + 1 && !scrolls(el);
    })
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""));
}"""


# A select shows only what fits: the chosen option's text must fit inside it (arrow and padding
# aside), or the person reads half a choice.
CLIPPED_CHOICES = """() => {
  const ctx = document.createElement("canvas").getContext("2d");
  return Array.from(document.querySelectorAll("main select")).flatMap((select) => {
    const style = getComputedStyle(select);
    ctx.font = style.font;
    const room = select.clientWidth - parseFloat(style.paddingLeft) -
      parseFloat(style.paddingRight) - 24;
    return Array.from(select.options)
      .filter((option) => ctx.measureText(option.text).width > room)
      .map((option) => select.name + ": " + option.text);
  });
}"""


@pytest.fixture(scope="module")
def width_server(live_server):
    live_server.add_staff(EMAIL, PASSWORD, organisation="CAE largeur")
    live_server.token = live_server.cli("token", "create", "--email", EMAIL)
    return live_server


async def test_facilitator_pages_fit_a_360_px_phone(width_server, new_phone):
    staff = {"Authorization": f"Bearer {width_server.token}"}
    cohort = _new_cohort(width_server)
    now = datetime.now(UTC)
    async with httpx.AsyncClient(base_url=width_server.url) as api:
        created = await api.post(
            f"/api/v1/cohorts/{cohort['id']}/workshops",
            json={
                "title": "Atelier « prix de revient » et marges, avec un titre long",
                "location": "Salle polyvalente du centre social Marcel-Cachin",
                "starts_at": (now + timedelta(days=1)).isoformat(),
                "ends_at": (now + timedelta(days=1, hours=3)).isoformat(),
                "competences": ["1.1", "2.3"],
            },
            headers=staff,
        )
        assert created.status_code == 201, created.text
        workshop = created.json()["items"][0]
        joined = await api.post(
            "/api/v1/join",
            json={"code": cohort["join_code"], "display_name": "Aïcha", "pin": "1234"},
        )
        assert joined.status_code in (200, 201)
    context = await new_phone()
    page = await context.new_page()
    await page.goto(width_server.url + "/login")
    await page.fill('input[name="email"]', EMAIL)
    await page.fill('input[name="password"]', PASSWORD)
    await page.locator('form:has(input[name="password"]) [type="submit"]').click()
    await page.wait_for_url("**/cohorts*")
    for path in (
        f"/cohorts/{cohort['id']}/workshops",
        f"/workshops/{workshop['id']}/edit",
        f"/workshops/{workshop['id']}/attendance",
        f"/workshops/{workshop['id']}/checkin",
        f"/cohorts/{cohort['id']}/ledger",
        f"/cohorts/{cohort['id']}",
        "/account",
        "/cohorts/new",
        "/cohorts",
    ):
        response = await page.goto(width_server.url + path)
        assert response is not None and response.status == 200, path
        assert await page.evaluate(CUT) == [], path
        assert await page.evaluate(CLIPPED_CHOICES) == [], path
        assert await page.evaluate("() => document.documentElement.scrollWidth") <= 360, path
