"""Recording entries through the API: exactly once, validated, scoped, chained."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from flashcoop.cohorts.models import Product
from flashcoop.core.clock import utcnow
from flashcoop.ledger.models import LedgerEntry, LedgerHead
from tests.factories import bearer, make_cohort, make_funder_org, make_participant, make_user
from tests.ledger_helpers import entries_url, sale


async def test_sale_is_recorded_with_seq_and_hash(client):
    cohort = await make_cohort()
    member = await make_participant(cohort)
    response = await client.post(entries_url(cohort), json=sale(), headers=await bearer(member))
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["seq"] == 1
    assert data["kind"] == "sale"
    assert data["amount"] == "12.50"
    assert data["quantity"] == 1
    assert data["payment_method"] == "cash"
    assert data["participant_id"] == str(member.id)
    assert data["reverses"] is None
    assert len(data["hash"]) == 64 and data["hash"] == data["hash"].lower()
    stored = await LedgerEntry.get(id=data["id"])
    assert stored.amount_cents == 1250
    assert (await LedgerHead.get(cohort_id=cohort.id)).hash == data["hash"]


async def test_replay_returns_stored_entry_and_adds_nothing(client):
    cohort = await make_cohort()
    headers = await bearer(await make_participant(cohort))
    body = sale(occurred_at=(utcnow() - timedelta(minutes=3)).isoformat())
    first = await client.post(entries_url(cohort), json=body, headers=headers)
    again = await client.post(entries_url(cohort), json=body, headers=headers)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert await LedgerEntry.all().count() == 1


async def test_replay_without_occurred_at_is_still_a_replay(client):
    cohort = await make_cohort()
    headers = await bearer(await make_participant(cohort))
    body = sale()
    await client.post(entries_url(cohort), json=body, headers=headers)
    again = await client.post(entries_url(cohort), json=body, headers=headers)
    assert again.status_code == 200
    assert await LedgerEntry.all().count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "12.51"},
        {"label": "Autre"},
        {"quantity": 2},
        {"payment_method": "card"},
        {"kind": "expense"},
    ],
)
async def test_same_id_different_content_is_409(client, change):
    cohort = await make_cohort()
    facilitator = await make_user("facilitator", email="f@example.org")
    cohort = await make_cohort(facilitator=facilitator)
    headers = await bearer(facilitator)
    body = sale()
    assert (await client.post(entries_url(cohort), json=body, headers=headers)).status_code == 201
    response = await client.post(entries_url(cohort), json={**body, **change}, headers=headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_id_conflict"
    assert await LedgerEntry.all().count() == 1


async def test_same_id_by_another_member_is_409(client):
    cohort = await make_cohort()
    body = sale()
    a = await bearer(await make_participant(cohort, "Aïcha"))
    b = await bearer(await make_participant(cohort, "Léa"))
    assert (await client.post(entries_url(cohort), json=body, headers=a)).status_code == 201
    response = await client.post(entries_url(cohort), json=body, headers=b)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_id_conflict"


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12,5", 1250),
        ("12.50", 1250),
        ("1 234,56", 123456),
        ("0,01", 1),
        ("10000", 1_000_000),
        ("1\u202f234,56", 123456),
    ],
)
async def test_french_amounts_are_read_exactly(client, text, cents):
    cohort = await make_cohort()
    headers = await bearer(await make_participant(cohort))
    response = await client.post(entries_url(cohort), json=sale(amount=text), headers=headers)
    assert response.status_code == 201, response.text
    assert (await LedgerEntry.get(id=response.json()["id"])).amount_cents == cents


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-3"}, "amount"),
        ({"amount": "10000.01"}, "amount"),
        ({"amount": "12.505"}, "amount"),
        ({"amount": "douze"}, "amount"),
        ({"amount": 12.5}, "amount"),
        ({"amount": None}, "amount"),
        ({"label": ""}, "label"),
        ({"label": "x" * 121}, "label"),
        ({"label": 5}, "label"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": "deux"}, "quantity"),
        ({"payment_method": "bitcoin"}, "payment_method"),
        ({"kind": "reversal"}, "kind"),
        ({"id": "not-a-uuid"}, "id"),
        ({"id": None}, "id"),
        ({"occurred_at": "hier"}, "occurred_at"),
        ({"occurred_at": "2099-01-01T10:00:00+00:00"}, "occurred_at"),
    ],
)
async def test_invalid_fields_are_422_and_write_nothing(client, change, field):
    cohort = await make_cohort()
    headers = await bearer(await make_participant(cohort))
    response = await client.post(entries_url(cohort), json=sale(**change), headers=headers)
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["fields"]
    assert await LedgerEntry.all().count() == 0
    assert await LedgerHead.all().count() == 0


async def test_label_of_120_characters_is_accepted(client):
    cohort = await make_cohort()
    headers = await bearer(await make_participant(cohort))
    response = await client.post(entries_url(cohort), json=sale(label="é" * 120), headers=headers)
    assert response.status_code == 201


async def test_malformed_body_is_400(client):
    cohort = await make_cohort()
    headers = await bearer(await make_participant(cohort))
    response = await client.post(
        entries_url(cohort),
        content=b"[1,2",
        headers={**headers, "content-type": "application/json"},
    )
    assert response.status_code == 400


async def test_without_token_is_401(client):
    cohort = await make_cohort()
    response = await client.post(entries_url(cohort), json=sale())
    assert response.status_code == 401
    assert await LedgerEntry.all().count() == 0


async def test_member_of_another_cohort_gets_404(client):
    cohort = await make_cohort()
    other = await make_cohort()
    outsider = await bearer(await make_participant(other))
    response = await client.post(entries_url(cohort), json=sale(), headers=outsider)
    assert response.status_code == 404
    assert await LedgerEntry.all().count() == 0


async def test_facilitator_of_another_structure_gets_404(client):
    cohort = await make_cohort()
    stranger = await make_user("facilitator", organisation="Autre structure")
    response = await client.post(entries_url(cohort), json=sale(), headers=await bearer(stranger))
    assert response.status_code == 404


async def test_funder_of_the_cohort_may_not_write(client):
    funder_org = await make_funder_org()
    cohort = await make_cohort(funders=[funder_org.id])
    funder = await make_user("funder", organisation=funder_org.name)
    response = await client.post(entries_url(cohort), json=sale(), headers=await bearer(funder))
    assert response.status_code == 403
    assert await LedgerEntry.all().count() == 0


async def test_unknown_cohort_is_404(client):
    member = await make_participant(await make_cohort())
    url = f"/api/v1/cohorts/{uuid.uuid4()}/entries"
    response = await client.post(url, json=sale(), headers=await bearer(member))
    assert response.status_code == 404


async def test_member_may_not_record_expense_but_treasurer_and_staff_may(client):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    member = await make_participant(cohort, "Aïcha")
    treasurer = await make_participant(cohort, "Léa")
    treasurer.role = "treasurer"
    await treasurer.save(update_fields=["role"])
    expense = sale(kind="expense", label="Oranges", amount="30")
    refused = await client.post(entries_url(cohort), json=expense, headers=await bearer(member))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "expenses_forbidden"
    ok = await client.post(entries_url(cohort), json=expense, headers=await bearer(treasurer))
    assert ok.status_code == 201
    ok2 = await client.post(
        entries_url(cohort),
        json=sale(kind="expense", amount="5"),
        headers=await bearer(facilitator),
    )
    assert ok2.status_code == 201
    assert ok2.json()["participant_id"] is None
    assert await LedgerEntry.all().count() == 2


async def test_closed_cohort_refuses_entries_with_409(client):
    now = utcnow()
    cohort = await make_cohort(
        now=now - timedelta(days=5),
        starts_at=now - timedelta(days=5),
        ends_at=now - timedelta(days=4) + timedelta(hours=1),
    )
    member = await make_participant_anytime(cohort)
    response = await client.post(entries_url(cohort), json=sale(), headers=await bearer(member))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cohort_closed"
    assert response.json()["error"]["message"]
    assert await LedgerEntry.all().count() == 0


async def test_cohort_not_started_refuses_entries_with_409(client):
    now = utcnow()
    cohort = await make_cohort(starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=3))
    member = await make_participant(cohort)
    response = await client.post(entries_url(cohort), json=sale(), headers=await bearer(member))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cohort_not_started"
    assert await LedgerEntry.all().count() == 0


async def test_replay_after_closure_still_returns_the_stored_entry(client):
    now = utcnow()
    cohort = await make_cohort()
    headers = await bearer(await make_participant(cohort))
    body = sale()
    assert (await client.post(entries_url(cohort), json=body, headers=headers)).status_code == 201
    cohort.status = "closed"
    await cohort.save(update_fields=["status"])
    again = await client.post(entries_url(cohort), json=body, headers=headers)
    assert again.status_code == 200
    fresh = await client.post(entries_url(cohort), json=sale(), headers=headers)
    assert fresh.status_code == 409
    assert now


PRODUCTS = [{"label": "Jus d'orange", "price": "2.50"}, {"label": "Cookie", "price": "1.20"}]


async def _product_seller(label: str = "Jus d'orange"):
    cohort = await make_cohort(products=PRODUCTS)
    product = await Product.get(cohort_id=cohort.id, label=label)
    return cohort, product, await bearer(await make_participant(cohort))


async def test_product_sale_without_amount_is_price_times_quantity(client):
    cohort, product, headers = await _product_seller()
    body = {"id": str(uuid.uuid4()), "kind": "sale", "product_id": product.id, "quantity": 3}
    response = await client.post(entries_url(cohort), json=body, headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()
    assert (data["label"], data["quantity"], data["amount"]) == ("Jus d'orange", 3, "7.50")
    assert (await LedgerEntry.get(id=body["id"])).amount_cents == 750
    again = await client.post(entries_url(cohort), json=body, headers=headers)
    assert again.status_code == 200
    assert again.json() == data
    assert await LedgerEntry.all().count() == 1


async def test_product_sale_with_an_explicit_amount_keeps_it_and_the_product_label(client):
    cohort, product, headers = await _product_seller("Cookie")
    body = sale(product_id=str(product.id), quantity=2, amount="2,00", label="Autre chose")
    response = await client.post(entries_url(cohort), json=body, headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()
    assert (data["label"], data["quantity"], data["amount"]) == ("Cookie", 2, "2.00")


@pytest.mark.parametrize("product_id", [999_999, "999999", "jus", 0, -1, 2**40, True, 1.5])
async def test_unknown_product_is_422_on_product_id(client, product_id):
    cohort, _, headers = await _product_seller()
    body = sale(product_id=product_id, payment_method="bitcoin")
    response = await client.post(entries_url(cohort), json=body, headers=headers)
    assert response.status_code == 422, response.text
    # Reported with the other invalid fields, all at once.
    assert set(response.json()["error"]["fields"]) == {"product_id", "payment_method"}
    assert await LedgerEntry.all().count() == 0


async def test_another_cohorts_product_is_422(client):
    _, product, _ = await _product_seller()
    cohort = await make_cohort(products=PRODUCTS)
    headers = await bearer(await make_participant(cohort, "Léa"))
    body = {"id": str(uuid.uuid4()), "product_id": product.id}
    response = await client.post(entries_url(cohort), json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert "product_id" in response.json()["error"]["fields"]
    assert await LedgerEntry.all().count() == 0


async def make_participant_anytime(cohort):
    """A member of a cohort that has already ended (joined while it ran)."""
    from flashcoop.accounts.services import hash_secret
    from flashcoop.cohorts.models import Participant

    return await Participant.create(
        cohort=cohort, display_name="Ancien", name_key="ancien", pin_hash=await hash_secret("1234")
    )
