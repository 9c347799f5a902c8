"""The facilitator names or un-names a treasurer from the dashboard, and sees each member's
hours, sales and last activity there (and in the participants API); the poster shows the
cohort's dates and the three steps."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from pypdf import PdfReader

from flashcoop.cohorts.models import Participant
from flashcoop.core.clock import utcnow
from flashcoop.workshops.attendance import record_attendance
from tests.factories import (
    bearer,
    csrf_from,
    login,
    make_cohort,
    make_participant,
    make_user,
    post_form,
)
from tests.ledger_helpers import entries_url, sale
from tests.workshop_helpers import make_workshop


def role_url(cohort, member) -> str:
    return f"/cohorts/{cohort.id}/participants/{member.id}/role"


async def test_facilitator_names_and_unnames_a_treasurer(client):
    cohort = await make_cohort()
    member = await make_participant(cohort, "Léa")
    await login(client, await cohort.created_by)
    dashboard = f"/cohorts/{cohort.id}"
    page = await client.get(dashboard)
    assert f'action="{role_url(cohort, member)}"' in page.text
    assert 'name="role" value="treasurer"' in page.text

    named = await post_form(client, dashboard, role_url(cohort, member), {"role": "treasurer"})
    assert named.status_code == 303
    assert named.headers["location"] == (
        f"/cohorts/{cohort.id}?done=treasurer&participant={member.id}#members"
    )
    assert (await Participant.get(id=member.id)).role == "treasurer"
    confirmed = await client.get(named.headers["location"])
    assert re.search(r'role="status">\s*Léa est maintenant trésorier·e', confirmed.text)
    assert 'name="role" value="member"' in confirmed.text  # the control now un-names

    unnamed = await post_form(client, dashboard, role_url(cohort, member), {"role": "member"})
    assert unnamed.status_code == 303
    assert (await Participant.get(id=member.id)).role == "member"
    page = await client.get(unnamed.headers["location"])
    assert re.search(r'role="status">\s*Léa n’est plus trésorier·e', page.text)


async def test_role_form_refusals(client, settings):
    cohort = await make_cohort()
    member = await make_participant(cohort, "Léa")
    other_cohort = await make_cohort(
        facilitator=await make_user("facilitator", organisation="Autre structure")
    )
    stranger = await make_participant(other_cohort, "Zoé")
    await login(client, await cohort.created_by)
    dashboard = f"/cohorts/{cohort.id}"
    token = csrf_from((await client.get(dashboard)).text)

    # No CSRF token: refused, nothing changes.
    no_csrf = await client.post(role_url(cohort, member), data={"role": "treasurer"})
    assert no_csrf.status_code == 403
    # A role that does not exist: 422 page, not a 500.
    bad = await client.post(role_url(cohort, member), data={"role": "boss", "csrf_token": token})
    assert bad.status_code == 422
    empty = await client.post(role_url(cohort, member), data={"csrf_token": token})
    assert empty.status_code == 422
    # Someone from another cohort, or a malformed id: 404.
    for pid in (stranger.id, "not-a-uuid"):
        response = await client.post(
            f"/cohorts/{cohort.id}/participants/{pid}/role",
            data={"role": "treasurer", "csrf_token": token},
        )
        assert response.status_code == 404
    # Another facilitator's cohort: 404.
    foreign = await client.post(
        role_url(other_cohort, stranger), data={"role": "treasurer", "csrf_token": token}
    )
    assert foreign.status_code == 404
    assert {p.role for p in await Participant.all()} == {"member"}

    # A participant cannot name themselves.
    member_client_headers = await bearer(member)
    api = await client.patch(
        f"/api/v1/cohorts/{cohort.id}/participants/{member.id}",
        json={"role": "treasurer"},
        headers=member_client_headers,
    )
    assert api.status_code == 403

    # Once the cohort is closed, the role is frozen: 409.
    cohort.status = "closed"
    await cohort.save(update_fields=["status"])
    frozen = await client.post(
        role_url(cohort, member), data={"role": "treasurer", "csrf_token": token}
    )
    assert frozen.status_code == 409
    assert (await Participant.get(id=member.id)).role == "member"


async def test_anonymous_and_funder_cannot_change_roles(client):
    cohort = await make_cohort()
    member = await make_participant(cohort, "Léa")
    login_page = await client.get("/login")
    token = csrf_from(login_page.text)
    response = await client.post(
        role_url(cohort, member), data={"role": "treasurer", "csrf_token": token}
    )
    assert response.status_code in (303, 401, 403)
    assert (await Participant.get(id=member.id)).role == "member"


async def test_dashboard_shows_hours_sales_and_last_activity(client):
    cohort = await make_cohort(timezone="Europe/Paris")
    facilitator = await cohort.created_by
    seller = await make_participant(cohort, "Aïcha")
    learner = await make_participant(cohort, "Bintou")
    await make_participant(cohort, "Chloé")
    sold = await client.post(
        entries_url(cohort), json=sale(amount="12.50"), headers=await bearer(seller)
    )
    assert sold.status_code == 201, sold.text
    workshop = await make_workshop(cohort, starts_at=utcnow() - timedelta(minutes=50), hours=0.5)
    await record_attendance(
        workshop,
        cohort,
        participant_id=learner.id,
        status="present",
        by=facilitator,
        now=workshop.ends_at,
    )
    await login(client, facilitator)
    page = await client.get(f"/cohorts/{cohort.id}")
    items = re.findall(r"<li>(.*?)</li>", page.text, re.S)
    by_name = {
        re.search(r'member-name">([^<]+)<', i).group(1): i for i in items if "member-name" in i
    }
    assert "12,50\u00a0€" in by_name["Aïcha"]
    # A date as people write it, in the cohort's timezone: "26 nov. 2026, 14:05".
    assert re.search(r"dernière activité le \d{1,2} \w+\.? \d{4}, \d\d:\d\d", by_name["Aïcha"])
    assert "0,5 h" in by_name["Bintou"], by_name["Bintou"]
    assert "dernière activité" in by_name["Bintou"]
    assert "0,00\u00a0€" in by_name["Chloé"] and "aucune activité" in by_name["Chloé"]

    api = await client.get(
        f"/api/v1/cohorts/{cohort.id}/participants", headers=await bearer(facilitator)
    )
    rows = {row["display_name"]: row for row in api.json()["items"]}
    assert rows["Aïcha"]["sales"] == "12.50"
    assert rows["Aïcha"]["last_sale_at"] == rows["Aïcha"]["last_activity"]
    assert rows["Aïcha"]["last_activity"].startswith(str(utcnow().year))
    assert rows["Bintou"]["attendance_hours"] == 0.5
    assert rows["Bintou"]["last_checkin_at"] == rows["Bintou"]["last_activity"]
    assert rows["Chloé"]["last_activity"] is None


async def test_poster_shows_the_dates_and_the_three_steps(client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    now = utcnow()
    starts = now - timedelta(hours=1)
    ends = datetime(now.year + 1, 3, 14, 18, 0, tzinfo=paris)
    cohort = await make_cohort(starts_at=starts, ends_at=ends, timezone="Europe/Paris")
    await login(client, await cohort.created_by)
    response = await client.get(f"/cohorts/{cohort.id}/poster.pdf")
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 1  # one sheet to pin up
    text = " ".join((page.extract_text() or "") for page in pages)
    text = " ".join(text.split())
    assert f"14 mars {now.year + 1}" in text
    assert str(starts.astimezone(paris).day) in text
    for step in ("1. Scannez", "2. Votre prénom", "3. Un code PIN"):
        assert step in text
    # The pictograms are drawn (inline SVG in the HTML), not an external image.
    from flashcoop.core.templating import render_template

    html = render_template(
        "cohorts/cohort_poster.html", cohort=cohort, join_url="http://x/j/ABC", qr_b64=""
    )
    assert html.count("<svg") == 3 and "http" not in html.split("<ol")[1].split("</ol>")[0]
