"""Situations at exit: recorded by the staff, history kept, 12 months after closure at most,
and reported after closure in follow-up reports that leave the closure report unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flashcoop.closure.errors import ClosureError
from flashcoop.closure.models import Outcome, Report
from flashcoop.closure.outcomes import OutcomeDraft, add_months, follow_up_until, record_outcome
from flashcoop.closure.reports import create_followup_report, store_closure_reports
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import DomainError
from tests.factories import bearer, csrf_from, login, make_user
from tests.report_helpers import make_closed, make_open


def outcome_url(cohort: object, participant: object) -> str:
    return f"/api/v1/cohorts/{cohort.id}/participants/{participant.id}/outcome"  # type: ignore[attr-defined]


async def test_put_outcome_before_closure_keeps_history(client):
    cohort, facilitator, people, _now = await make_open()
    headers = await bearer(facilitator)
    first = await client.put(
        outcome_url(cohort, people[0]), json={"situation": "job_search"}, headers=headers
    )
    assert first.status_code == 200, first.text
    assert first.json()["situation"] == "job_search"
    assert first.json()["history_count"] == 1
    second = await client.put(
        outcome_url(cohort, people[0]),
        json={"situation": "durable_job", "note": "CDI en boulangerie"},
        headers=headers,
    )
    assert second.json()["history_count"] == 2
    assert second.json()["note"] == "CDI en boulangerie"
    got = await client.get(outcome_url(cohort, people[0]), headers=headers)
    assert got.json()["latest"]["situation"] == "durable_job"
    assert [h["situation"] for h in got.json()["history"]] == ["durable_job", "job_search"]
    assert await Outcome.filter(participant_id=people[0].id).count() == 2


async def test_put_outcome_rejections(client):
    cohort, facilitator, people, _now = await make_open()
    headers = await bearer(facilitator)
    url = outcome_url(cohort, people[0])
    for body, field in (
        ({}, "situation"),
        ({"situation": "astronaut"}, "situation"),
        ({"situation": "other", "note": "x" * 2001}, "note"),
        ({"situation": 3}, "situation"),
    ):
        response = await client.put(url, json=body, headers=headers)
        assert response.status_code == 422, body
        assert field in response.json()["error"]["fields"]
    bad = await client.put(
        url, content=b"[1]", headers={**headers, "content-type": "application/json"}
    )
    assert bad.status_code == 400
    assert (await client.put(url, json={"situation": "other"})).status_code == 401
    member = await client.put(url, json={"situation": "other"}, headers=await bearer(people[1]))
    assert member.status_code == 403
    stranger = await make_user("facilitator", organisation="Autre CAE")
    response = await client.put(url, json={"situation": "other"}, headers=await bearer(stranger))
    assert response.status_code == 404
    wrong_pid = f"/api/v1/cohorts/{cohort.id}/participants/nope/outcome"
    assert (
        await client.put(wrong_pid, json={"situation": "other"}, headers=headers)
    ).status_code == 404
    assert await Outcome.all().count() == 0


async def test_twelve_months_after_closure_with_the_clock(app):
    closed = await make_closed()
    closed_at = datetime(2026, 1, 31, 10, tzinfo=UTC)
    closed.cohort.closed_at = closed_at
    await closed.cohort.save()
    assert follow_up_until(closed.cohort) == datetime(2027, 1, 31, 10, tzinfo=UTC)
    assert add_months(datetime(2024, 2, 29, tzinfo=UTC), 12) == datetime(2025, 2, 28, tzinfo=UTC)
    draft = OutcomeDraft("training")
    _row, count = await record_outcome(
        closed.cohort, closed.people[0], draft, now=closed_at + timedelta(days=90)
    )
    assert count == 1
    await record_outcome(
        closed.cohort, closed.people[0], draft, now=datetime(2027, 1, 31, 10, tzinfo=UTC)
    )
    with pytest.raises(DomainError) as caught:
        await record_outcome(
            closed.cohort, closed.people[0], draft, now=datetime(2027, 1, 31, 10, 1, tzinfo=UTC)
        )
    assert caught.value.code == ClosureError.FOLLOW_UP_OVER


async def test_put_after_follow_up_period_is_409(client):
    closed = await make_closed()
    closed.cohort.closed_at = utcnow() - timedelta(days=400)
    await closed.cohort.save()
    response = await client.put(
        outcome_url(closed.cohort, closed.people[0]),
        json={"situation": "training"},
        headers=await bearer(closed.facilitator),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "follow_up_over"


async def test_followup_report_is_a_new_version(client, settings):
    closed = await make_closed()
    await store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
    headers = await bearer(closed.facilitator)
    base = f"/api/v1/cohorts/{closed.cohort.id}"
    nothing = await client.post(f"{base}/followup-reports", headers=headers)
    assert nothing.status_code == 409
    assert nothing.json()["error"]["code"] == "no_new_outcomes"
    for member in closed.people[:3]:
        await client.put(
            outcome_url(closed.cohort, member), json={"situation": "durable_job"}, headers=headers
        )
    created = await client.post(f"{base}/followup-reports", headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    followup = await client.get(
        f"{base}/report.json?version=1", headers=await bearer(closed.funder)
    )
    data = followup.json()
    assert data["kind"] == "followup" and data["version"] == 1
    outcomes = {o["situation"]: o for o in data["outcomes"]}
    assert outcomes["durable_job"]["count"] == 3
    assert outcomes["not_recorded"] == {
        "situation": "not_recorded",
        "count": None,
        "suppressed": True,
    }
    closure = (await client.get(f"{base}/report.json", headers=headers)).json()
    assert {o["situation"]: o["count"] for o in closure["outcomes"]}["durable_job"] == 0
    again = await client.post(f"{base}/followup-reports", headers=headers)
    assert again.status_code == 409
    assert await Report.filter(cohort_id=closed.cohort.id, kind="followup").count() == 6
    pdf = await client.get(f"{base}/report.pdf?version=1", headers=headers)
    assert pdf.content.startswith(b"%PDF")
    funder_post = await client.post(f"{base}/followup-reports", headers=await bearer(closed.funder))
    assert funder_post.status_code == 403


async def test_followup_refused_before_closure(app, settings):
    cohort, _facilitator, _people, _now = await make_open()
    with pytest.raises(DomainError) as caught:
        await create_followup_report(cohort, settings=settings, now=utcnow())
    assert caught.value.code == ClosureError.COHORT_NOT_CLOSED


async def test_outcomes_page_records_everyone_in_one_save(client):
    cohort, facilitator, people, _now = await make_open()
    await login(client, facilitator)
    page = await client.get(f"/cohorts/{cohort.id}/outcomes")
    assert page.status_code == 200
    assert 'for="f-situation-' in page.text and "Aïcha" in page.text
    form = {"csrf_token": csrf_from(page.text)}
    form[f"situation-{people[0].id}"] = "durable_job"
    form[f"note-{people[0].id}"] = "CDI"
    form[f"situation-{people[1].id}"] = "training"
    saved = await client.post(f"/cohorts/{cohort.id}/outcomes", data=form)
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    assert 'role="status"' in page.text and "2" in page.text
    assert await Outcome.all().count() == 2
    # Saving the same choices again adds no history.
    form["csrf_token"] = csrf_from(page.text)
    await client.post(f"/cohorts/{cohort.id}/outcomes", data=form)
    assert await Outcome.all().count() == 2
    # An invalid choice: 422, nothing saved, the message next to the field.
    form[f"situation-{people[2].id}"] = "astronaut"
    bad = await client.post(f"/cohorts/{cohort.id}/outcomes", data=form)
    assert bad.status_code == 422
    assert f'id="e-situation-{people[2].id}"' in bad.text
    assert await Outcome.all().count() == 2
    no_csrf = await client.post(f"/cohorts/{cohort.id}/outcomes", data={})
    assert no_csrf.status_code == 403


async def test_outcomes_page_is_for_staff_only(client):
    closed = await make_closed()
    await login(client, closed.funder)
    assert (await client.get(f"/cohorts/{closed.cohort.id}/outcomes")).status_code == 403


async def test_outcomes_page_followup_button(client, settings):
    closed = await make_closed()
    await store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
    await login(client, closed.facilitator)
    page = await client.get(f"/cohorts/{closed.cohort.id}/outcomes")
    assert "/followup-report" in page.text
    token = csrf_from(page.text)
    refused = await client.post(
        f"/cohorts/{closed.cohort.id}/followup-report", data={"csrf_token": token}
    )
    assert refused.status_code == 409
    form = {"csrf_token": token, f"situation-{closed.people[0].id}": "joined_cae"}
    await client.post(f"/cohorts/{closed.cohort.id}/outcomes", data=form)
    made = await client.post(
        f"/cohorts/{closed.cohort.id}/followup-report", data={"csrf_token": token}
    )
    assert made.status_code == 303
    page = await client.get(made.headers["location"])
    assert "report.pdf?version=1" in page.text
