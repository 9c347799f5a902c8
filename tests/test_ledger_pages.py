"""The sale form of /me (without JavaScript), the books page, and the service worker."""

from __future__ import annotations

import re
import uuid

from flashcoop.cohorts.models import Product
from flashcoop.ledger.models import LedgerEntry
from tests.factories import csrf_from, login, make_cohort, make_participant, make_user
from tests.ledger_helpers import sign_in_participant

ID_RE = re.compile(r'name="id" value="([0-9a-f-]{36})"')


async def _member_home(client, settings, **cohort_fields):
    cohort = await make_cohort(
        products=[{"label": "Jus d'orange", "price": "2.50"}, {"label": "Cookie", "price": "1.20"}],
        **cohort_fields,
    )
    member = await make_participant(cohort)
    await sign_in_participant(client, settings, member)
    page = await client.get("/me")
    assert page.status_code == 200, page.text
    return cohort, member, page


async def test_home_shows_products_total_and_a_fresh_id(client, settings):
    _cohort, _, page = await _member_home(client, settings)
    assert "Jus d&#39;orange" in page.text
    assert "2,50\xa0€" in page.text
    assert "Ensemble, nous avons vendu" in page.text
    assert 'src="/static/js/sales.js?v=' in page.text
    first = ID_RE.search(page.text).group(1)
    again = ID_RE.search((await client.get("/me")).text).group(1)
    assert first != again


async def test_product_sale_in_three_taps_without_javascript(client, settings):
    cohort, member, page = await _member_home(client, settings)
    product = await Product.get(cohort_id=cohort.id, label="Jus d'orange")
    entry_id = ID_RE.search(page.text).group(1)
    form = {
        "csrf_token": csrf_from(page.text),
        "id": entry_id,
        "kind": "sale",
        "product": str(product.id),
        "quantity": "3",
        "amount": "",
        "label": "",
        "payment_method": "cash",
    }
    response = await client.post(f"/cohorts/{cohort.id}/sales", data=form)
    assert response.status_code == 303
    assert response.headers["location"] == f"/me?recorded={entry_id}#recorded"
    # A double submit (or the browser re-sending the POST) records nothing more.
    again = await client.post(f"/cohorts/{cohort.id}/sales", data=form)
    assert again.status_code == 303
    entry = await LedgerEntry.get(id=entry_id)
    assert (entry.label, entry.quantity, entry.amount_cents) == ("Jus d'orange", 3, 750)
    assert entry.author_id == member.id
    assert await LedgerEntry.all().count() == 1
    shown = await client.get(response.headers["location"])
    assert "Enregistré\u202f: Jus d&#39;orange, 7,50\xa0€." in shown.text
    assert "Ensemble, nous avons vendu 7,50\xa0€." in shown.text


async def test_free_label_sale_and_errors_are_shown_next_to_fields(client, settings):
    cohort, _, page = await _member_home(client, settings)
    entry_id = ID_RE.search(page.text).group(1)
    token = csrf_from(page.text)
    bad = {
        "csrf_token": token,
        "id": entry_id,
        "product": "",
        "label": "",
        "amount": "0",
        "quantity": "1",
        "payment_method": "cash",
    }
    response = await client.post(f"/cohorts/{cohort.id}/sales", data=bad)
    assert response.status_code == 422
    assert 'id="e-amount"' in response.text and 'id="e-label"' in response.text
    assert await LedgerEntry.all().count() == 0
    good = {**bad, "label": "Gâteau", "amount": "1 234,5"}
    ok = await client.post(f"/cohorts/{cohort.id}/sales", data=good)
    assert ok.status_code == 303
    assert (await LedgerEntry.get(id=entry_id)).amount_cents == 123450


async def test_unknown_product_is_422(client, settings):
    cohort, _, page = await _member_home(client, settings)
    form = {
        "csrf_token": csrf_from(page.text),
        "id": str(uuid.uuid4()),
        "product": "999999",
        "quantity": "1",
    }
    response = await client.post(f"/cohorts/{cohort.id}/sales", data=form)
    assert response.status_code == 422
    assert await LedgerEntry.all().count() == 0
    # The service says product_id; the page shows it next to its own "product" field.
    assert 'id="e-product"' in response.text


async def test_form_without_csrf_is_403(client, settings):
    cohort, _, _page = await _member_home(client, settings)
    form = {"id": str(uuid.uuid4()), "label": "x", "amount": "1"}
    response = await client.post(f"/cohorts/{cohort.id}/sales", data=form)
    assert response.status_code == 403
    assert await LedgerEntry.all().count() == 0


async def test_reused_form_with_other_values_offers_a_fresh_form(client, settings):
    cohort, _, page = await _member_home(client, settings)
    entry_id = ID_RE.search(page.text).group(1)
    form = {"csrf_token": csrf_from(page.text), "id": entry_id, "label": "Tarte", "amount": "3"}
    assert (await client.post(f"/cohorts/{cohort.id}/sales", data=form)).status_code == 303
    response = await client.post(f"/cohorts/{cohort.id}/sales", data={**form, "amount": "4"})
    assert response.status_code == 422
    assert ID_RE.search(response.text).group(1) != entry_id
    assert await LedgerEntry.all().count() == 1


async def test_api_with_session_needs_the_csrf_header(client, settings):
    cohort, _, page = await _member_home(client, settings)
    body = {"id": str(uuid.uuid4()), "label": "Jus", "amount": "2.50"}
    url = f"/api/v1/cohorts/{cohort.id}/entries"
    assert (await client.post(url, json=body)).status_code == 403
    ok = await client.post(url, json=body, headers={"X-CSRF-Token": csrf_from(page.text)})
    assert ok.status_code == 201
    total = await client.get(f"/api/v1/cohorts/{cohort.id}/ledger/total")
    assert total.json() == {
        "currency": "EUR",
        "sales": "2.50",
        "mine": {"sales": "2.50", "count": 1},
    }


async def test_treasurer_sees_the_expense_choice(client, settings):
    cohort = await make_cohort()
    treasurer = await make_participant(cohort, "Léa")
    treasurer.role = "treasurer"
    await treasurer.save(update_fields=["role"])
    await sign_in_participant(client, settings, treasurer)
    page = await client.get("/me")
    assert 'value="expense"' in page.text
    form = {
        "csrf_token": csrf_from(page.text),
        "id": str(uuid.uuid4()),
        "kind": "expense",
        "label": "Sucre",
        "amount": "4,20",
    }
    assert (await client.post(f"/cohorts/{cohort.id}/sales", data=form)).status_code == 303
    assert (await LedgerEntry.get(id=form["id"])).kind == "expense"


async def test_closed_cohort_refuses_the_form(client, settings):
    cohort, _, page = await _member_home(client, settings)
    cohort.status = "closed"
    await cohort.save(update_fields=["status"])
    form = {
        "csrf_token": csrf_from(page.text),
        "id": str(uuid.uuid4()),
        "label": "x",
        "amount": "1",
    }
    response = await client.post(f"/cohorts/{cohort.id}/sales", data=form)
    assert response.status_code == 409
    assert "clôturée" in response.text or "closed" in response.text
    assert await LedgerEntry.all().count() == 0


async def test_books_page_records_expense_and_reverses(client):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    await login(client, facilitator)
    page = await client.get(f"/cohorts/{cohort.id}/ledger")
    assert page.status_code == 200
    entry_id = ID_RE.search(page.text).group(1)
    form = {
        "csrf_token": csrf_from(page.text),
        "id": entry_id,
        "kind": "expense",
        "label": "Oranges",
        "amount": "30",
        "payment_method": "card",
    }
    response = await client.post(f"/cohorts/{cohort.id}/ledger/entries", data=form)
    assert response.status_code == 303
    page = await client.get(f"/cohorts/{cohort.id}/ledger")
    assert "Oranges" in page.text and "30,00\xa0€" in page.text
    reverse_url = f"/cohorts/{cohort.id}/ledger/{entry_id}/reverse"
    no_reason = await client.post(
        reverse_url, data={"csrf_token": csrf_from(page.text), "id": str(uuid.uuid4())}
    )
    assert no_reason.status_code == 303 and "reverse_error" in no_reason.headers["location"]
    done = await client.post(
        reverse_url,
        data={"csrf_token": csrf_from(page.text), "id": str(uuid.uuid4()), "reason": "Doublon"},
    )
    assert done.status_code == 303
    assert await LedgerEntry.filter(kind="reversal", reverses_id=entry_id).count() == 1
    page = await client.get(f"/cohorts/{cohort.id}/ledger")
    assert "Doublon" in page.text
    assert "Comptes vérifiés" in page.text


async def test_books_page_is_for_the_cohort_staff(client, settings):
    cohort = await make_cohort()
    stranger = await make_user("facilitator", organisation="Ailleurs")
    await login(client, stranger)
    assert (await client.get(f"/cohorts/{cohort.id}/ledger")).status_code == 404
    member = await make_participant(cohort)
    phone = client
    phone.cookies.clear()
    await sign_in_participant(phone, settings, member)
    assert (await phone.get(f"/cohorts/{cohort.id}/ledger")).status_code == 403


async def test_service_worker_is_served_from_the_root(client):
    response = await client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "fetch" in response.text


async def test_home_says_why_no_sale_can_be_logged_before_the_start(client, settings):
    from datetime import timedelta

    from flashcoop.core.clock import utcnow

    now = utcnow()
    cohort = await make_cohort(starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=3))
    await sign_in_participant(client, settings, await make_participant(cohort))
    page = await client.get("/me")
    assert page.status_code == 200
    assert 'id="sales-closed"' in page.text
    assert 'id="sale-form"' not in page.text
