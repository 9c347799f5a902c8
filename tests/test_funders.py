"""The funder portal: a funder lands on their cohorts, downloads reports, sees indicators."""

from __future__ import annotations

from flashcoop.closure.reports import store_closure_reports
from flashcoop.core.clock import utcnow
from tests.factories import login, make_funder_org, make_user
from tests.report_helpers import make_closed, make_open


async def test_funder_lands_on_the_portal_and_sees_only_their_cohorts(client, settings):
    closed = await make_closed()
    await store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
    running, *_ = await make_open(funder_org=closed.funder_org, name="Café en cours")
    other, *_ = await make_open(funder_org=await make_funder_org("Région"), name="Ailleurs")
    await login(client, closed.funder)
    home = await client.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/funder"
    page = await client.get("/funder")
    assert page.status_code == 200
    assert "Épicerie test" in page.text and "Café en cours" in page.text
    assert "Ailleurs" not in page.text
    assert f"/api/v1/cohorts/{closed.cohort.id}/report.pdf" in page.text
    assert f"/api/v1/cohorts/{running.id}/report.pdf" not in page.text
    assert f"/api/v1/cohorts/{other.id}" not in page.text
    # The download links work with the session cookie, and give the funder edition.
    data = (await client.get(f"/api/v1/cohorts/{closed.cohort.id}/report.json")).json()
    assert data["audience"] == "funder"
    assert (await client.get(f"/api/v1/cohorts/{other.id}/report.json")).status_code == 404


async def test_portal_in_english_and_for_others(client):
    closed = await make_closed()
    await login(client, closed.funder)
    english = await client.get("/funder", headers={"Accept-Language": "en"})
    assert "Funded cohorts" in english.text
    french = await client.get("/funder", headers={"Accept-Language": "fr"})
    assert "Cohortes financées" in french.text


async def test_portal_is_for_funders_and_admins(client, other_client):
    closed = await make_closed()
    await login(client, closed.facilitator)
    assert (await client.get("/funder")).status_code == 403
    assert (await client.get("/")).headers["location"] == "/cohorts"
    assert (await other_client.get("/funder")).status_code in (303, 401)
    admin = await make_user("admin")
    await login(other_client, admin)
    page = await other_client.get("/funder")
    assert page.status_code == 200 and "Épicerie test" in page.text


async def test_indicators_page_with_charts_filter_and_errors(client):
    closed = await make_closed()
    await login(client, closed.funder)
    page = await client.get("/funder/indicators")
    assert page.status_code == 200
    assert page.text.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 3
    assert "/api/v1/indicators.csv" in page.text
    assert "&lt; 3" in page.text  # suppressed categories
    today = utcnow().date().isoformat()
    filtered = await client.get(f"/funder/indicators?from={today}&to={today}")
    assert filtered.status_code == 200
    assert f"/api/v1/indicators.csv?from={today}&amp;to={today}" in filtered.text
    bad = await client.get("/funder/indicators?from=yesterday")
    assert bad.status_code == 422
    assert 'id="e-from"' in bad.text
