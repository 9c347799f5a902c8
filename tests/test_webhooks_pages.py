"""Administrator pages of webhooks: add (secret shown once), delete after confirmation, the
delivery log with its retry button; admins only, CSRF on every form, French first."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from flashcoop.notify.models import Webhook, WebhookDelivery
from flashcoop.notify.webhooks import queue_event
from tests.factories import csrf_from, login, make_user, post_form

NOW = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
URL = "https://funder.example/hooks/flashcoop"


async def admin_client(client):
    await login(client, await make_user("admin"))
    return client


async def test_admin_area_links_to_webhooks(client):
    await admin_client(client)
    page = await client.get("/admin/users")
    assert 'href="/admin/webhooks"' in page.text


async def test_add_shows_the_secret_once(client):
    await admin_client(client)
    empty = await client.get("/admin/webhooks")
    assert empty.status_code == 200
    assert "<h1>Webhooks</h1>" in empty.text and "Aucun webhook pour l’instant." in empty.text
    created = await post_form(
        client, "/admin/webhooks", "/admin/webhooks", {"url": URL, "events": "cohort.closed"}
    )
    assert created.status_code == 201
    hook = await Webhook.get()
    assert hook.url == URL and hook.events == ["cohort.closed"]
    assert hook.secret in created.text
    assert "affiché une seule fois" in created.text
    assert 'role="status"' in created.text
    later = await client.get("/admin/webhooks")
    assert URL in later.text
    assert hook.secret not in later.text


async def test_invalid_form_says_what_is_wrong(client):
    await admin_client(client)
    response = await post_form(
        client, "/admin/webhooks", "/admin/webhooks", {"url": "ftp://example.org/x"}
    )
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "Saisissez une adresse qui commence par http:// ou https://." in text
    assert "Choisissez au moins un événement." in text
    assert 'aria-invalid="true"' in response.text and 'id="e-events"' in response.text
    assert 'value="ftp://example.org/x"' in response.text  # what was typed stays
    assert await Webhook.all().count() == 0


async def test_forms_need_the_csrf_token(client):
    await admin_client(client)
    response = await client.post("/admin/webhooks", data={"url": URL, "events": "cohort.closed"})
    assert response.status_code == 403
    assert await Webhook.all().count() == 0
    await post_form(
        client, "/admin/webhooks", "/admin/webhooks", {"url": URL, "events": "cohort.closed"}
    )
    hook = await Webhook.get()
    response = await client.post(f"/admin/webhooks/{hook.id}/delete")
    assert response.status_code == 403
    assert (await Webhook.get(id=hook.id)).deleted_at is None


async def test_delete_asks_for_confirmation(client):
    await admin_client(client)
    await post_form(
        client, "/admin/webhooks", "/admin/webhooks", {"url": URL, "events": "cohort.closed"}
    )
    hook = await Webhook.get()
    listing = await client.get("/admin/webhooks")
    assert f'href="/admin/webhooks/{hook.id}/delete"' in listing.text
    confirm = await client.get(f"/admin/webhooks/{hook.id}/delete")
    assert confirm.status_code == 200
    assert "Supprimer ce webhook" in confirm.text and URL in confirm.text
    assert (await Webhook.get(id=hook.id)).deleted_at is None  # asking deletes nothing
    done = await client.post(
        f"/admin/webhooks/{hook.id}/delete", data={"csrf_token": csrf_from(confirm.text)}
    )
    assert done.status_code == 303 and done.headers["location"] == "/admin/webhooks?deleted=1"
    assert (await Webhook.get(id=hook.id)).deleted_at is not None
    after = await client.get("/admin/webhooks?deleted=1")
    assert "Le webhook a été supprimé" in after.text and URL not in after.text
    assert (await client.get(f"/admin/webhooks/{hook.id}/delete")).status_code == 404
    assert (await client.get(f"/admin/webhooks/{hook.id}")).status_code == 404


async def test_delivery_log_and_retry(client):
    await admin_client(client)
    await post_form(
        client, "/admin/webhooks", "/admin/webhooks", {"url": URL, "events": "cohort.closed"}
    )
    hook = await Webhook.get()
    empty = await client.get(f"/admin/webhooks/{hook.id}")
    assert "Rien n’a encore été envoyé à ce webhook." in empty.text
    await queue_event("cohort.closed", "cohort.closed:1", {}, now=NOW)
    await queue_event("cohort.closed", "cohort.closed:2", {}, now=NOW)
    first, second = await WebhookDelivery.all().order_by("event_key")
    await WebhookDelivery.filter(id=first.id).update(
        status="failed", attempts=10, last_status_code=500, last_error="HTTP 500"
    )
    page = await client.get(f"/admin/webhooks/{hook.id}")
    assert page.status_code == 200
    assert "Journal des envois" in page.text
    assert "en échec" in page.text and "en attente" in page.text
    assert "HTTP 500" in page.text and str(first.id) in page.text and str(second.id) in page.text
    retry_action = f"/admin/webhooks/{hook.id}/deliveries/{first.id}/retry"
    assert page.text.count("/retry") == 1 and retry_action in page.text  # failed ones only
    assert hook.secret not in page.text
    refused = await client.post(retry_action)
    assert refused.status_code == 403
    done = await client.post(retry_action, data={"csrf_token": csrf_from(page.text)})
    assert done.status_code == 303
    assert done.headers["location"] == f"/admin/webhooks/{hook.id}?retried=1"
    assert (await WebhookDelivery.get(id=first.id)).status == "pending"
    shown = await client.get(done.headers["location"])
    assert "L’envoi va être renvoyé dans un instant." in html.unescape(shown.text)
    # Retrying what is not failed is refused with a message, not a crash.
    again = await client.post(retry_action, data={"csrf_token": csrf_from(page.text)})
    assert again.status_code == 409
    assert "Seul un envoi en échec peut être renvoyé." in html.unescape(again.text)


async def test_only_admins_see_the_pages(client, other_client):
    anonymous = await client.get("/admin/webhooks")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    await login(client, await make_user("facilitator"))
    assert (await client.get("/admin/webhooks")).status_code == 403
    page = await client.get("/account")
    response = await client.post(
        "/admin/webhooks",
        data={"url": URL, "events": "cohort.closed", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 403
    assert await Webhook.all().count() == 0


async def test_pages_in_english_and_labelled(client):
    await admin_client(client)
    english = await client.get("/admin/webhooks", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in english.text
    assert "Add a webhook" in english.text
    # Every input has its label; the events are a fieldset with a legend.
    for input_id in re.findall(r'<input id="([^"]+)"', english.text):
        assert f'for="{input_id}"' in english.text
    assert "<legend>Events to send" in english.text
    assert 'type="checkbox" name="events" value="cohort.closed" checked' in english.text
