"""The launch form, the cohort list and dashboard, the join QR and the A4 poster."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from flashcoop.cohorts.models import Cohort, CohortFunder, Participant, Product
from flashcoop.core.clock import utcnow
from tests.factories import (
    login,
    make_cohort,
    make_funder_org,
    make_participant,
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


def field_error(html: str, field_id: str) -> str:
    """The error message shown next to a field (its id is e-<field>)."""
    pattern = rf'<p class="error" id="e-{re.escape(field_id)}" role="alert">([^<]*)</p>'
    match = re.search(pattern, html)
    assert match, f"no error next to {field_id}"
    return match.group(1)


async def launch_rejected(client, **overrides):
    facilitator = await make_user("facilitator")
    await login(client, facilitator)
    response = await post_form(client, "/cohorts/new", "/cohorts/new", launch_form(**overrides))
    assert response.status_code == 422, response.text
    assert await Cohort.all().count() == 0
    assert await Product.all().count() == 0
    return response.text


async def test_end_before_start_is_shown_next_to_end(client):
    now = utcnow()
    html = await launch_rejected(
        client,
        starts_at=local(now + timedelta(days=3)),
        ends_at=local(now + timedelta(days=2)),
        name="Gardée",
    )
    assert field_error(html, "ends_at") == "La fin doit venir après le début."
    assert re.search(r'aria-describedby="[^"]*e-ends_at"', html)
    assert 'value="Gardée"' in html  # what was typed is kept


async def test_end_in_the_past_is_refused(client):
    now = utcnow()
    html = await launch_rejected(
        client, starts_at=local(now - timedelta(days=5)), ends_at=local(now - timedelta(days=1))
    )
    assert "futur" in field_error(html, "ends_at")


async def test_unknown_timezone_is_refused_and_kept(client):
    html = await launch_rejected(client, timezone="Mars/Olympus")
    assert field_error(html, "timezone") == "Fuseau horaire inconnu."
    assert 'value="Mars/Olympus"' in html


async def test_negative_price_is_shown_next_to_its_row(client):
    html = await launch_rejected(
        client,
        product_label_0="Pain",
        product_price_0="2",
        product_label_4="Jus",
        product_price_4="-2",
    )
    assert "zéro" in field_error(html, "product-4-price")
    assert 'value="-2"' in html and 'value="Pain"' in html


async def test_product_without_label_is_refused(client):
    html = await launch_rejected(client, product_price_2="3.00")
    assert field_error(html, "product-2-label")


async def test_oversized_texts_are_refused(client):
    html = await launch_rejected(client, name="x" * 121, activity="y" * 500)
    assert field_error(html, "name") == "120 caractères au maximum."
    assert field_error(html, "activity")


async def test_missing_fields_and_bad_choices_are_refused(client):
    html = await launch_rejected(
        client, name="", starts_at="", surplus_rule="richest", attendance_threshold="140"
    )
    assert field_error(html, "name")
    assert field_error(html, "starts_at")
    assert field_error(html, "surplus_rule")
    assert field_error(html, "attendance_threshold")


async def test_unknown_funder_is_refused(client):
    html = await launch_rejected(client, funders="999999")
    assert field_error(html, "funders")


async def test_launch_form_in_english(client):
    facilitator = await make_user("facilitator")
    await login(client, facilitator)
    page = await client.get("/cohorts/new", headers={"Accept-Language": "en"})
    assert "Launch a cohort" in page.text
    client.cookies.set("lang", "en")
    now = utcnow()
    form = launch_form(starts_at=local(now + timedelta(days=3)), ends_at=local(now))
    response = await post_form(client, "/cohorts/new", "/cohorts/new", form)
    assert field_error(response.text, "ends_at") == "The end must come after the start."


async def test_funder_cannot_launch(client):
    funder = await make_user("funder", organisation="Région")
    await login(client, funder)
    assert (await client.get("/cohorts/new")).status_code == 403


async def test_anonymous_is_sent_to_login(client):
    response = await client.get("/cohorts")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_cohort_list_shows_own_structure_only(client):
    mine = await make_cohort(name="Ma cohorte")
    stranger = await make_user("facilitator", organisation="Autre CAE")
    await make_cohort(facilitator=stranger, name="Cohorte voisine")
    facilitator = await mine.created_by
    await login(client, facilitator)
    page = await client.get("/cohorts")
    assert "Ma cohorte" in page.text
    assert "Cohorte voisine" not in page.text


async def test_funder_sees_funded_cohort_read_only(client):
    funder_org = await make_funder_org("Région Test")
    funded = await make_cohort(name="Financée", funders=[funder_org.id])
    await make_participant(funded, "Aïcha")
    await make_cohort(name="Pas financée")
    funder = await make_user("funder", organisation="Région Test")
    await login(client, funder)
    page = await client.get("/cohorts")
    assert "Financée" in page.text and "Pas financée" not in page.text
    assert "/cohorts/new" not in page.text
    dashboard = await client.get(f"/cohorts/{funded.id}")
    assert dashboard.status_code == 200
    assert funded.join_code not in dashboard.text
    assert "Aïcha" not in dashboard.text  # no names for funders
    assert (await client.get(f"/cohorts/{funded.id}/join-qr.svg")).status_code == 403


async def test_other_structure_gets_404_on_every_page(client):
    cohort = await make_cohort()
    member = await make_participant(cohort)
    stranger = await make_user("facilitator", organisation="Autre CAE")
    await login(client, stranger)
    for path in (
        f"/cohorts/{cohort.id}",
        f"/cohorts/{cohort.id}/join-qr.svg",
        f"/cohorts/{cohort.id}/poster.pdf",
        f"/cohorts/{cohort.id}/cards",
        f"/cohorts/{cohort.id}/participants/{member.id}/pin",
        "/cohorts/not-a-uuid",
    ):
        assert (await client.get(path)).status_code == 404, path
    page = await client.get("/cohorts")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    for path in (f"/cohorts/{cohort.id}/join-code", f"/cohorts/{cohort.id}/joining"):
        response = await client.post(path, data={"csrf_token": token, "open": "0"})
        assert response.status_code == 404, path
    await cohort.refresh_from_db()
    assert cohort.joining_open


async def test_join_qr_svg_is_served_to_staff(client):
    cohort = await make_cohort()
    await login(client, await cohort.created_by)
    response = await client.get(f"/cohorts/{cohort.id}/join-qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg") and "<path" in response.text


async def test_poster_pdf_is_one_a4_page_with_the_code(client):
    cohort = await make_cohort(name="Épicerie d'Aïcha")
    await login(client, await cohort.created_by)
    response = await client.get(f"/cohorts/{cohort.id}/poster.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    assert cohort.join_code in text
    assert "Épicerie d'Aïcha" in text


async def test_regenerated_code_stops_the_old_one(client, other_client):
    cohort = await make_cohort()
    old = cohort.join_code
    await login(client, await cohort.created_by)
    response = await post_form(
        client, f"/cohorts/{cohort.id}", f"/cohorts/{cohort.id}/join-code", {}
    )
    assert response.status_code == 303
    await cohort.refresh_from_db()
    assert cohort.join_code != old
    assert (await other_client.get(f"/j/{old}")).status_code == 404
    assert (await other_client.get(f"/j/{cohort.join_code}")).status_code == 200
    dashboard = await client.get(f"/cohorts/{cohort.id}")
    assert cohort.join_code in dashboard.text and old not in dashboard.text


async def test_closing_and_reopening_joining(client, other_client):
    cohort = await make_cohort()
    await login(client, await cohort.created_by)
    url = f"/cohorts/{cohort.id}"
    response = await post_form(client, url, f"{url}/joining", {"open": "0"})
    assert response.status_code == 303
    await cohort.refresh_from_db()
    assert not cohort.joining_open
    refused = await post_form(
        other_client,
        f"/j/{cohort.join_code}",
        f"/j/{cohort.join_code}",
        {"display_name": "Léa", "pin": "1234"},
    )
    assert refused.status_code == 409
    assert "fermées" in refused.text
    assert await Participant.all().count() == 0
    await post_form(client, url, f"{url}/joining", {"open": "1"})
    await cohort.refresh_from_db()
    assert cohort.joining_open


async def test_dashboard_lists_participants_and_days_left(client):
    now = utcnow()
    cohort = await make_cohort(ends_at=now + timedelta(days=3))
    await make_participant(cohort, "Jean-Marc 🍅")
    await login(client, await cohort.created_by)
    page = await client.get(f"/cohorts/{cohort.id}")
    assert "Jean-Marc 🍅" in page.text
    expected = (cohort.ends_at.astimezone(PARIS).date() - now.astimezone(PARIS).date()).days
    assert f"{expected} jours restants" in page.text


async def test_admin_chooses_the_structure(client):
    from flashcoop.accounts.services import get_or_create_organisation

    structure = await get_or_create_organisation("CAE Nord", "structure")
    admin = await make_user("admin")
    await login(client, admin)
    page = await client.get("/cohorts/new")
    assert 'name="structure_id"' in page.text and "CAE Nord" in page.text
    missing = await post_form(client, "/cohorts/new", "/cohorts/new", launch_form())
    assert missing.status_code == 422
    assert field_error(missing.text, "structure_id")
    form = launch_form(structure_id=str(structure.id))
    response = await post_form(client, "/cohorts/new", "/cohorts/new", form)
    assert response.status_code == 303
    assert (await Cohort.get()).structure_id == structure.id


async def test_cohort_list_counts_participants(client):
    full = await make_cohort(name="Pleine")
    await make_participant(full, "Aïcha")
    await make_participant(full, "Léa")
    await make_cohort(facilitator=await full.created_by, name="Vide")
    await login(client, await full.created_by)
    page = await client.get("/cohorts")
    assert "2 participant·es" in page.text
    assert "0 participant·e" in page.text
