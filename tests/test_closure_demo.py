"""The demo comes with a closed cohort: shares that add up, certificates, a stored report."""

from __future__ import annotations

from flashcoop.certificates.models import Certificate
from flashcoop.closure.models import Closure, Report, Share
from flashcoop.cohorts.models import Cohort, CohortFunder
from flashcoop.demo import CLOSED_NAME, FUNDER, load_demo
from flashcoop.ledger.chain import verify_chain
from flashcoop.notify.models import Notification
from tests.factories import login


async def test_the_demo_has_a_closed_cohort_a_funder_can_see(app, settings, client):
    message = await load_demo(settings)
    cohort = await Cohort.get(name=CLOSED_NAME)
    assert cohort.status == "closed" and cohort.closed_at is not None
    assert f"/cohorts/{cohort.id}" in message and FUNDER[0] in message
    closure = await Closure.get(cohort_id=cohort.id)
    assert closure.step == "done" and closure.surplus_rule == "hours"
    assert closure.surplus_cents > 0
    shares = await Share.filter(cohort_id=cohort.id)
    assert len(shares) == 5
    assert sum(s.amount_cents for s in shares) == closure.surplus_cents
    assert (await verify_chain(cohort.id)).ok
    certificates = await Certificate.filter(cohort_id=cohort.id).count()
    assert 0 < certificates <= 5
    assert await Report.filter(cohort_id=cohort.id, kind="closure").exists()
    assert await Notification.filter(kind="cohort_closed").count() == 5

    # The funder is linked to it and sees it.
    from flashcoop.accounts.models import User

    funder = await User.get(email=FUNDER[0])
    assert await CohortFunder.exists(cohort_id=cohort.id, funder_id=funder.organisation_id)
    await login(client, funder, FUNDER[1])
    page = await client.get(f"/cohorts/{cohort.id}", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "report.pdf" in page.text

    # Loading again adds nothing.
    await load_demo(settings)
    assert await Cohort.filter(name=CLOSED_NAME).count() == 1
    assert await Share.filter(cohort_id=cohort.id).count() == 5
