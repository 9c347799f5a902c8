"""Indicators across a funder's closed cohorts: totals, splits suppressed below 3, period."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flashcoop.closure.models import Outcome
from flashcoop.cohorts.models import Participant
from flashcoop.core.clock import utcnow
from tests.factories import bearer, make_funder_org, make_user
from tests.report_helpers import make_closed, make_open


async def _two_closed_cohorts():
    first = await make_closed(names=("Aïcha", "Bruno", "Chloé", "Dylan"))
    second = await make_closed(
        names=("Eva", "Farid", "Gaëlle"), funder_org=first.funder_org, facilitator=first.facilitator
    )
    profiles = {
        "Aïcha": ("female", 2005),
        "Bruno": ("male", 1990),
        "Chloé": ("female", 1985),
        "Dylan": ("", None),
        "Eva": ("female", 1970),
        "Farid": ("male", 2003),
        "Gaëlle": ("female", 1960),
    }
    for person in await Participant.all():
        person.gender, person.birth_year = profiles[person.display_name]
        await person.save()
    now = utcnow()
    for person in (*first.people[:3], second.people[0]):
        await Outcome.create(
            cohort_id=person.cohort_id, participant=person, situation="durable_job", recorded_at=now
        )
    return first, second


async def test_indicators_across_the_funders_cohorts(client):
    first, _second = await _two_closed_cohorts()
    await make_open(funder_org=first.funder_org)  # not closed: not counted
    response = await client.get("/api/v1/indicators", headers=await bearer(first.funder))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["cohorts"] == 2
    assert data["participants"] == 7
    assert data["sales"] == "200.10" and data["surplus"] == "160.10"
    assert data["certificates_issued"] == 2
    # Each cohort: one 3-hour workshop, 3 present; 6 of 7 possible participant-workshops.
    assert data["training_hours"] == 18.0
    assert data["attendance_rate"] == round(18 / 21, 4)
    genders = {g["value"]: g for g in data["by_gender"]}
    assert genders["female"] == {"value": "female", "count": 4}
    assert genders["male"] == {"value": "male", "count": None, "suppressed": True}
    assert genders["unknown"]["suppressed"] is True
    bands = {b["value"]: b for b in data["by_age_band"]}
    # At closure this year: ages 21, 23 under 26 (2) — suppressed; 26-44: 1990, 1985 → 2.
    assert bands["under_26"]["suppressed"] is True
    assert bands["45_plus"]["suppressed"] is True
    outcomes = {o["value"]: o for o in data["by_outcome"]}
    assert outcomes["durable_job"] == {"value": "durable_job", "count": 4}
    assert outcomes["not_recorded"]["count"] == 3
    assert outcomes["training"]["suppressed"] is True
    for items in (data["by_gender"], data["by_age_band"], data["by_outcome"]):
        assert all(i["count"] is None or i["count"] >= 3 for i in items)


async def test_indicators_scope_period_and_errors(client):
    first, _second = await _two_closed_cohorts()
    other = await make_closed(  # another funder's cohort
        names=("Hugo", "Inès", "Jade"), funder_org=await make_funder_org("Région")
    )
    admin = await make_user("admin")
    everyone = (await client.get("/api/v1/indicators", headers=await bearer(admin))).json()
    assert everyone["cohorts"] == 3
    own = (await client.get("/api/v1/indicators", headers=await bearer(other.funder))).json()
    assert own["cohorts"] == 1 and own["participants"] == 3
    headers = await bearer(first.funder)
    today = utcnow().date()
    later = (today + timedelta(days=2)).isoformat()
    empty = (await client.get(f"/api/v1/indicators?from={later}", headers=headers)).json()
    assert empty["cohorts"] == 0 and empty["participants"] == 0 and empty["sales"] == "0.00"
    assert all(i["suppressed"] for i in empty["by_gender"])
    earlier = (today - timedelta(days=2)).isoformat()
    both = await client.get(f"/api/v1/indicators?from={earlier}&to={later}", headers=headers)
    assert both.json()["cohorts"] == 2 and both.json()["from"] == earlier
    before = (await client.get(f"/api/v1/indicators?to={earlier}", headers=headers)).json()
    assert before["cohorts"] == 0
    for query, field in (
        ("from=2026-13-01", "from"),
        ("to=soon", "to"),
        (f"from={later}&to={earlier}", "to"),
    ):
        bad = await client.get(f"/api/v1/indicators?{query}", headers=headers)
        assert bad.status_code == 422, query
        assert field in bad.json()["error"]["fields"]
        csv_bad = await client.get(f"/api/v1/indicators.csv?{query}", headers=headers)
        assert csv_bad.status_code == 422
    facilitator = await client.get("/api/v1/indicators", headers=await bearer(first.facilitator))
    assert facilitator.status_code == 403
    member = await client.get("/api/v1/indicators", headers=await bearer(first.people[0]))
    assert member.status_code == 403
    assert (await client.get("/api/v1/indicators")).status_code == 401


async def test_indicators_csv(client):
    first, _second = await _two_closed_cohorts()
    response = await client.get("/api/v1/indicators.csv", headers=await bearer(first.funder))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    found = {(r["indicator"], r["value"]): r for r in rows}
    assert found[("participants", "7")]["count"] == ""
    assert found[("sales", "200.10")]
    assert found[("by_gender", "female")]["count"] == "4"
    assert found[("by_gender", "male")] == {
        "indicator": "by_gender",
        "value": "male",
        "count": "",
        "suppressed": "true",
    }
