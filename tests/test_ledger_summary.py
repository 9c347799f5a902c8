"""Totals, listing and CSV export of a cohort's books."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

from flashcoop.core.clock import utcnow
from flashcoop.ledger.services import sales_by_participant
from tests.factories import bearer, make_cohort, make_funder_org, make_participant, make_user
from tests.ledger_helpers import entries_url, sale


async def _books(client):
    facilitator = await make_user("facilitator")
    now = utcnow()
    cohort = await make_cohort(facilitator=facilitator, starts_at=now - timedelta(days=3))
    aicha = await make_participant(cohort, "Aïcha")
    lea = await make_participant(cohort, "Léa")
    staff = await bearer(facilitator)
    a, b = await bearer(aicha), await bearer(lea)
    day1 = now - timedelta(days=2)
    posts = [
        (a, sale(amount="2,50", quantity=1, label="Jus", occurred_at=day1.isoformat())),
        (a, sale(amount="5.00", quantity=2, label="Jus", payment_method="card")),
        (b, sale(amount="8", label="Panier")),
        (b, sale(amount="1.20", label="Cookie")),
        (staff, sale(kind="expense", amount="30", label="Oranges")),
    ]
    ids = []
    for headers, body in posts:
        response = await client.post(entries_url(cohort), json=body, headers=headers)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    # Léa's cookie was a mistake.
    reverse = await client.post(
        f"/api/v1/cohorts/{cohort.id}/entries/{ids[3]}/reverse",
        json={"id": str(uuid.uuid4()), "reason": "doublon"},
        headers=staff,
    )
    assert reverse.status_code == 201
    return cohort, facilitator, aicha, lea, day1, now


async def test_ledger_summary_matches_the_contract(client):
    cohort, facilitator, aicha, lea, day1, now = await _books(client)
    response = await client.get(
        f"/api/v1/cohorts/{cohort.id}/ledger", headers=await bearer(facilitator)
    )
    assert response.status_code == 200
    data = response.json()
    assert data["currency"] == "EUR"
    assert data["sales"] == "15.50"
    assert data["expenses"] == "30.00"
    assert data["surplus"] == "-14.50"
    assert data["entries"] == 6
    assert data["by_participant"] == [
        {"participant_id": str(lea.id), "display_name": "Léa", "sales": "8.00", "count": 1},
        {"participant_id": str(aicha.id), "display_name": "Aïcha", "sales": "7.50", "count": 2},
    ]
    paris = cohort.tz
    assert data["by_day"] == sorted(
        [
            {"day": day1.astimezone(paris).date().isoformat(), "sales": "2.50"},
            {"day": now.astimezone(paris).date().isoformat(), "sales": "13.00"},
        ],
        key=lambda d: d["day"],
    )
    assert {"label": "Jus", "sales": "7.50", "quantity": 3} in data["by_label"]
    assert {"label": "Cookie", "sales": "0.00", "quantity": 0} in data["by_label"]
    assert {"payment_method": "card", "sales": "5.00"} in data["by_payment_method"]
    assert {"payment_method": "cash", "sales": "10.50"} in data["by_payment_method"]
    assert await sales_by_participant(cohort.id) == {str(aicha.id): 750, str(lea.id): 800}


async def test_day_is_taken_in_the_cohort_timezone(client):
    facilitator = await make_user("facilitator")
    now = utcnow()
    cohort = await make_cohort(
        facilitator=facilitator, timezone="Pacific/Auckland", starts_at=now - timedelta(days=2)
    )
    member = await make_participant(cohort)
    # 23:00 UTC is already the next day in Auckland.
    moment = (now - timedelta(days=1)).replace(hour=23, minute=0, second=0, microsecond=0)
    if moment > now:
        moment -= timedelta(days=1)
    body = sale(occurred_at=moment.isoformat())
    assert (
        await client.post(entries_url(cohort), json=body, headers=await bearer(member))
    ).status_code == 201
    data = (
        await client.get(f"/api/v1/cohorts/{cohort.id}/ledger", headers=await bearer(facilitator))
    ).json()
    assert data["by_day"] == [
        {"day": (moment.date() + timedelta(days=1)).isoformat(), "sales": "12.50"}
    ]


async def test_participant_api_lists_sales(client):
    cohort, facilitator, aicha, lea, _, _ = await _books(client)
    response = await client.get(
        f"/api/v1/cohorts/{cohort.id}/participants", headers=await bearer(facilitator)
    )
    sales = {item["id"]: item["sales"] for item in response.json()["items"]}
    assert sales == {str(aicha.id): "7.50", str(lea.id): "8.00"}


async def test_entries_are_listed_in_seq_order_with_paging(client):
    cohort, facilitator, *_ = await _books(client)
    headers = await bearer(facilitator)
    url = f"/api/v1/cohorts/{cohort.id}/entries"
    first = (await client.get(url, params={"limit": 4}, headers=headers)).json()
    assert [e["seq"] for e in first["items"]] == [1, 2, 3, 4]
    assert first["next"] == 4
    rest = (await client.get(url, params={"after": 4}, headers=headers)).json()
    assert [e["seq"] for e in rest["items"]] == [5, 6]
    assert rest["next"] is None
    assert rest["items"][1]["kind"] == "reversal"
    assert (await client.get(url, params={"limit": 0}, headers=headers)).status_code == 422
    assert (await client.get(url, params={"after": "x"}, headers=headers)).status_code == 422


async def test_reads_are_for_staff(client):
    funder_org = await make_funder_org()
    cohort = await make_cohort(funders=[funder_org.id])
    member = await bearer(await make_participant(cohort))
    funder = await bearer(await make_user("funder", organisation=funder_org.name))
    for path in ("entries", "ledger", "entries.csv"):
        url = f"/api/v1/cohorts/{cohort.id}/{path}"
        assert (await client.get(url)).status_code == 401
        assert (await client.get(url, headers=member)).status_code == 403
        assert (await client.get(url, headers=funder)).status_code == 403
    stranger = await bearer(await make_user("facilitator", organisation="Ailleurs"))
    assert (
        await client.get(f"/api/v1/cohorts/{cohort.id}/ledger", headers=stranger)
    ).status_code == 404
    # The funder may check the chain of a cohort it funds.
    verify = await client.get(f"/api/v1/cohorts/{cohort.id}/ledger/verify", headers=funder)
    assert verify.status_code == 200


async def test_csv_export_has_bom_header_and_every_entry(client):
    cohort, facilitator, *_ = await _books(client)
    headers = await bearer(facilitator)
    response = await client.get(f"/api/v1/cohorts/{cohort.id}/entries.csv", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["seq", "id", "kind"]
    assert len(rows) == 7
    assert rows[6][2] == "reversal"
    assert rows[6][7] == "-1.20"
    assert "Léa" in {row[11] for row in rows}
    french = await client.get(
        f"/api/v1/cohorts/{cohort.id}/entries.csv", params={"sep": "semicolon"}, headers=headers
    )
    rows = list(csv.reader(io.StringIO(french.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 7 and rows[6][7] == "-1,20"


async def test_csv_neutralises_formulas(client):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    headers = await bearer(facilitator)
    await client.post(entries_url(cohort), json=sale(label="=HYPERLINK(1)"), headers=headers)
    body = (await client.get(f"/api/v1/cohorts/{cohort.id}/entries.csv", headers=headers)).text
    assert "'=HYPERLINK(1)" in body
