"""The ledger's sections of the participant home and of the facilitator's dashboard."""

from __future__ import annotations

import uuid

from flashcoop.core.principal import Principal
from flashcoop.ledger.sections import dashboard_section, home_section
from flashcoop.web.templating import ENV
from tests.factories import bearer, make_cohort, make_funder_org, make_participant, make_user
from tests.ledger_helpers import entries_url, sale, sign_in_participant


async def test_dashboard_section_shows_the_totals_to_staff_only(client):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    member = await make_participant(cohort)
    await client.post(entries_url(cohort), json=sale(amount="412,5"), headers=await bearer(member))
    section = await dashboard_section(cohort, Principal(user=facilitator))
    assert section is not None
    template, ctx = section
    html = ENV.get_template(template).render(ctx=ctx)
    assert "412,50\xa0€" in html
    assert f"/cohorts/{cohort.id}/ledger" in html
    funder_org = await make_funder_org()
    funder = await make_user("funder", organisation=funder_org.name)
    assert await dashboard_section(cohort, Principal(user=funder)) is None


async def test_home_lists_my_sales_with_corrections_and_the_collective_total(client, settings):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    me = await make_participant(cohort, "Aïcha")
    other = await make_participant(cohort, "Léa")
    mine = await client.post(
        entries_url(cohort), json=sale(label="Tarte", amount="6"), headers=await bearer(me)
    )
    await client.post(
        entries_url(cohort), json=sale(label="Pain", amount="4"), headers=await bearer(other)
    )
    await client.post(
        f"/api/v1/cohorts/{cohort.id}/entries/{mine.json()['id']}/reverse",
        json={"id": str(uuid.uuid4()), "reason": "erreur"},
        headers=await bearer(facilitator),
    )
    await client.post(
        entries_url(cohort), json=sale(label="Jus", amount="2.5"), headers=await bearer(me)
    )
    section = await home_section(cohort, me)
    assert section is not None
    _, ctx = section
    assert [e.label for e in ctx["recent"]] == ["Jus", "Tarte"]  # not Léa's, nor the correction
    assert ctx["collective_sales"] == 650
    assert (ctx["my_sales"], ctx["my_count"]) == (250, 1)
    assert ctx["reversed_ids"] == {mine.json()["id"]}
    await sign_in_participant(client, settings, me)
    page = await client.get("/me")
    assert 'class="sale reversed"' in page.text
    assert "Ventes\u202f: 1, pour 2,50\xa0€" in page.text
    assert "6,50\xa0€" in page.text
