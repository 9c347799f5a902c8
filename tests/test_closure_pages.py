"""Closing by hand: the API (200, harmless again, 401/403/404/409) and the confirmation page."""

from __future__ import annotations

from flashcoop.closure.models import Closure, Share
from flashcoop.cohorts.models import Cohort
from flashcoop.notify.models import Notification
from tests.closure_helpers import attend, make_books, report_calls, sell, spend, tamper
from tests.factories import bearer, csrf_from, login, make_funder_org, make_user
from tests.ledger_helpers import sign_in_participant

__all__ = ["report_calls"]
EN = {"Accept-Language": "en"}


def close_url(books) -> str:
    return f"/api/v1/cohorts/{books.cohort.id}/close"


async def test_api_closes_and_answers_the_cohort_twice_alike(client, report_calls):
    books = await make_books()
    await sell(books, books.members[0], 900)
    headers = await bearer(books.facilitator)
    first = await client.post(close_url(books), headers=headers)
    assert first.status_code == 200, first.text
    data = first.json()
    assert data["status"] == "closed" and data["closed_at"]
    detail = await client.get(f"/api/v1/cohorts/{books.cohort.id}", headers=headers)
    assert data == detail.json()
    again = await client.post(close_url(books), headers=headers)
    assert again.status_code == 200 and again.json() == data
    assert report_calls == [books.cohort.id]
    assert await Share.filter(cohort_id=books.cohort.id).count() == 3
    assert await Notification.filter(kind="cohort_closed").count() == 3


async def test_api_refuses_who_may_not_close(client, report_calls):
    funder_org = await make_funder_org("Région Test")
    books = await make_books(funders=[funder_org.id])
    funder = await make_user("funder", organisation="Région Test")
    stranger = await make_user("facilitator", organisation="Another structure")
    url = close_url(books)
    assert (await client.post(url)).status_code == 401
    for who, status in (
        (books.members[0], 403),
        (funder, 403),
        (stranger, 404),
    ):
        response = await client.post(url, headers=await bearer(who))
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] in ("forbidden", "not_found")
    missing = "/api/v1/cohorts/00000000-0000-4000-8000-000000000000/close"
    assert (await client.post(missing, headers=await bearer(books.facilitator))).status_code == 404
    malformed = "/api/v1/cohorts/not-a-uuid/close"
    assert (
        await client.post(malformed, headers=await bearer(books.facilitator))
    ).status_code == 404
    assert (await Cohort.get(id=books.cohort.id)).status == "active"
    assert report_calls == []


async def test_api_says_when_the_books_do_not_verify(client, report_calls):
    books = await make_books()
    await sell(books, books.members[0], 900)
    await tamper(books.cohort, 1)
    response = await client.post(
        close_url(books), headers={**await bearer(books.facilitator), **EN}
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "ledger_broken" and "#1" in error["message"]
    page = await client.get(
        f"/api/v1/cohorts/{books.cohort.id}", headers=await bearer(books.facilitator)
    )
    assert page.json()["status"] == "closing"


async def test_page_explains_then_closes_with_csrf(client, report_calls):
    books = await make_books(surplus_rule="hours", attendance_threshold=50)
    a, b, _ = books.members
    await attend(books, 3, [a, b])
    await sell(books, a, 10000)
    await spend(books, 1000)
    await login(client, books.facilitator)
    url = f"/cohorts/{books.cohort.id}/close"

    dashboard = await client.get(f"/cohorts/{books.cohort.id}", headers=EN)
    assert url in dashboard.text

    page = await client.get(url, headers=EN)
    assert page.status_code == 200
    text = page.text
    assert "The books are frozen" in text
    assert "€90.00" in text and "pro rata of the hours attended" in text
    assert "€45.00" in text  # Aïcha's and Bruno's planned shares, Chloé's nothing
    assert "2 eligible members" in text
    assert "Close the cooperative now" in text
    french = await client.get(url)
    assert "Clôturer la coopérative" in french.text and "90,00" in french.text

    refused = await client.post(url, data={})
    assert refused.status_code == 403
    assert (await Cohort.get(id=books.cohort.id)).status == "active"

    done = await client.post(url, data={"csrf_token": csrf_from(text)})
    assert done.status_code == 303 and done.headers["location"].endswith("?done=1")
    after = await client.get(done.headers["location"], headers=EN)
    assert "The cooperative is closed." in after.text and "€45.00" in after.text
    assert "report.pdf" in after.text
    assert (await Cohort.get(id=books.cohort.id)).status == "closed"
    closure = await Closure.get(cohort_id=books.cohort.id)
    assert closure.trigger == "manual" and closure.requested_by_id == books.facilitator.id

    # Posting again (a second tab) changes nothing.
    again = await client.post(url, data={"csrf_token": csrf_from(text)})
    assert again.status_code == 303
    assert report_calls == [books.cohort.id]


async def test_page_shows_a_stopped_closure(client, report_calls):
    books = await make_books()
    await sell(books, books.members[0], 900)
    await tamper(books.cohort, 1)
    await login(client, books.facilitator)
    url = f"/cohorts/{books.cohort.id}/close"
    page = await client.get(url, headers=EN)
    assert "The books do not verify from entry #1" in page.text
    stopped = await client.post(url, data={"csrf_token": csrf_from(page.text)}, headers=EN)
    assert stopped.status_code == 409
    assert "the closure stopped" in stopped.text
    assert "breaks at entry #1" in stopped.text
    dashboard = await client.get(f"/cohorts/{books.cohort.id}", headers=EN)
    assert "breaks at entry #1" in dashboard.text


async def test_page_is_for_the_staff_only(client, other_client, settings, report_calls):
    funder_org = await make_funder_org("Région Test")
    books = await make_books(funders=[funder_org.id])
    funder = await make_user("funder", organisation="Région Test")
    url = f"/cohorts/{books.cohort.id}/close"
    await login(client, funder)
    assert (await client.get(url)).status_code == 403
    await sign_in_participant(other_client, settings, books.members[0])
    assert (await other_client.get(url)).status_code == 403
    stranger = await make_user("facilitator", organisation="Another structure")
    await login(client, stranger)
    assert (await client.get(url)).status_code == 404


async def test_members_and_funders_see_the_result(client, other_client, settings, report_calls):
    funder_org = await make_funder_org("Région Test")
    books = await make_books(("Aïcha", "Bruno"), funders=[funder_org.id])
    await sell(books, books.members[0], 1001)
    response = await client.post(close_url(books), headers=await bearer(books.facilitator))
    assert response.status_code == 200

    await sign_in_participant(other_client, settings, books.members[0])
    home = await other_client.get("/me", headers=EN)
    assert "Our cooperative is closed" in home.text
    share = await Share.get(participant_id=books.members[0].id)
    assert f"€{share.amount_cents / 100:.2f}" in home.text

    funder = await make_user("funder", organisation="Région Test")
    await login(client, funder)
    dashboard = await client.get(f"/cohorts/{books.cohort.id}", headers=EN)
    assert dashboard.status_code == 200
    assert "€10.01" in dashboard.text and "report.pdf" in dashboard.text
    assert "Aïcha" not in dashboard.text  # no names for funders
