"""The launch form, the cohort list and dashboard, the join QR and the A4 poster."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flashcoop.accounts.services import utcnow
from flashcoop.cohorts.models import Cohort, CohortFunder, Product
from tests.factories import (
    login,
    make_funder_org,
    make_user,
    post_form,
)

PARIS = ZoneInfo("Europe/Paris")


def local(moment):
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def launch_form(**overrides):
    now = utcnow()
    form = {
        "name": "Traiteur éphémère",
        "activity": "Traiteur",
        "location": "Maison de quartier",
        "starts_at": local(now - timedelta(hours=1)),
        "ends_at": local(now + timedelta(days=14)),
        "timezone": "Europe/Paris",
        "surplus_rule": "equal",
        "framework": "entrecomp",
        "programme": "none",
        "attendance_threshold": "70",
    }
    for i in range(8):
        form[f"product_label_{i}"] = ""
        form[f"product_price_{i}"] = ""
    form.update(overrides)
    return form


async def test_launch_form_creates_cohort_and_redirects_to_dashboard(client):
    facilitator = await make_user("facilitator")
    funder = await make_funder_org()
    await login(client, facilitator)
    page = await client.get("/cohorts/new")
    assert page.status_code == 200
    assert 'name="product_label_7"' in page.text
    assert funder.name in page.text
    form = launch_form(
        product_label_0="Samoussa",
        product_price_0="1,50",
        product_label_3="Jus",
        product_price_3="2.00",
        funders=str(funder.id),
    )
    response = await post_form(client, "/cohorts/new", "/cohorts/new", form)
    assert response.status_code == 303, response.text
    cohort = await Cohort.get()
    assert response.headers["location"] == f"/cohorts/{cohort.id}"
    products = await Product.filter(cohort=cohort).order_by("position")
    assert [(p.label, p.price_cents) for p in products] == [("Samoussa", 150), ("Jus", 200)]
    assert await CohortFunder.filter(cohort=cohort, funder_id=funder.id).exists()
    dashboard = await client.get(response.headers["location"])
    assert dashboard.status_code == 200
    assert cohort.join_code in dashboard.text
    assert "<svg" in dashboard.text
    assert f"/j/{cohort.join_code}" in dashboard.text
    assert "14 jours restants" in dashboard.text or "14 days left" in dashboard.text


async def test_launch_form_reads_dates_in_the_chosen_timezone(client):
    facilitator = await make_user("facilitator")
    await login(client, facilitator)
    start = (utcnow() + timedelta(days=2)).astimezone(ZoneInfo("America/Cayenne"))
    form = launch_form(
        timezone="America/Cayenne",
        starts_at=start.strftime("%Y-%m-%dT09:00"),
        ends_at=(start + timedelta(days=5)).strftime("%Y-%m-%dT18:00"),
    )
    response = await post_form(client, "/cohorts/new", "/cohorts/new", form)
    assert response.status_code == 303, response.text
    cohort = await Cohort.get()
    assert cohort.timezone == "America/Cayenne"
    assert cohort.starts_at.astimezone(ZoneInfo("America/Cayenne")).hour == 9
    assert cohort.starts_at.astimezone(ZoneInfo("UTC")).hour == 12  # UTC-3
