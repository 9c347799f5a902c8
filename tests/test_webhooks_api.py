"""The webhooks API (admin only): register with a secret shown once, list, delete, delivery log,
retry; every field checked, every refusal in the API's error shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flashcoop.notify.models import Webhook, WebhookDelivery
from flashcoop.notify.webhooks import queue_event
from tests.factories import bearer, make_cohort, make_participant, make_user

NOW = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
HOOK = {"url": "https://funder.example/hooks/flashcoop", "events": ["cohort.closed"]}


async def admin_headers() -> dict[str, str]:
    return await bearer(await make_user("admin"))


async def test_register_shows_the_secret_once(client):
    headers = await admin_headers()
    created = await client.post("/api/v1/webhooks", json=HOOK, headers=headers)
    assert created.status_code == 201
    body = created.json()
    assert body["url"] == HOOK["url"] and body["events"] == ["cohort.closed"]
    assert body["secret"].startswith("whsec_") and len(body["secret"]) >= 6 + 43
    stored = await Webhook.get(id=body["id"])
    assert stored.secret == body["secret"]
    other = await client.post("/api/v1/webhooks", json=HOOK, headers=headers)
    assert other.json()["secret"] != body["secret"]

    listed = await client.get("/api/v1/webhooks", headers=headers)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [i["id"] for i in items] == [body["id"], other.json()["id"]]
    assert all("secret" not in i for i in items)
    assert body["secret"] not in listed.text


async def test_duplicate_events_are_kept_once(client):
    headers = await admin_headers()
    created = await client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:8080/x", "events": ["cohort.closed", "cohort.closed"]},
        headers=headers,
    )
    assert created.status_code == 201 and created.json()["events"] == ["cohort.closed"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"events": ["cohort.closed"]}, "url", "Ce champ est obligatoire."),
        ({"url": "", "events": ["cohort.closed"]}, "url", "Ce champ est obligatoire."),
        ({"url": 42, "events": ["cohort.closed"]}, "url", "Saisissez du texte."),
        ({"url": "ftp://example.org/x", "events": ["cohort.closed"]}, "url", "http"),
        ({"url": "https://", "events": ["cohort.closed"]}, "url", "http"),
        ({"url": "example.org/hook", "events": ["cohort.closed"]}, "url", "http"),
        ({"url": "https://exa mple.org/", "events": ["cohort.closed"]}, "url", "http"),
        ({"url": "https://example.org:port/", "events": ["cohort.closed"]}, "url", "http"),
        ({"url": "https://example.org:99999/", "events": ["cohort.closed"]}, "url", "http"),
        ({"url": "http://[::1/", "events": ["cohort.closed"]}, "url", "http"),
        ({"url": "https://exa\u0007mple.org/", "events": ["cohort.closed"]}, "url", "caract"),
        (
            {"url": "https://example.org/" + "a" * 481, "events": ["cohort.closed"]},
            "url",
            "500",
        ),
        ({"url": HOOK["url"]}, "events", "Choisissez au moins un événement."),
        ({"url": HOOK["url"], "events": []}, "events", "Choisissez au moins un événement."),
        ({"url": HOOK["url"], "events": "cohort.closed"}, "events", "au moins un"),
        ({"url": HOOK["url"], "events": ["cohort.opened"]}, "events", "cohort.opened"),
        ({"url": HOOK["url"], "events": [1]}, "events", "inconnu"),
    ],
)
async def test_each_field_is_checked(client, body, field, message):
    headers = await admin_headers()
    response = await client.post("/api/v1/webhooks", json=body, headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert message in error["fields"][field]
    assert await Webhook.all().count() == 0


async def test_url_of_exactly_500_characters_is_accepted(client):
    url = "https://example.org/" + "a" * 480
    assert len(url) == 500
    response = await client.post(
        "/api/v1/webhooks",
        json={"url": url, "events": ["cohort.closed"]},
        headers=await admin_headers(),
    )
    assert response.status_code == 201


async def test_malformed_bodies_are_400(client):
    headers = await admin_headers()
    for content in (b"not json", b"[1, 2]"):
        response = await client.post(
            "/api/v1/webhooks",
            content=content,
            headers={**headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "malformed"


async def test_only_admins(client):
    cohort = await make_cohort()
    participant = await make_participant(cohort)
    created = await client.post("/api/v1/webhooks", json=HOOK, headers=await admin_headers())
    hook_id = created.json()["id"]
    calls = [
        ("GET", "/api/v1/webhooks", None),
        ("POST", "/api/v1/webhooks", HOOK),
        ("DELETE", f"/api/v1/webhooks/{hook_id}", None),
        ("GET", f"/api/v1/webhooks/{hook_id}/deliveries", None),
        (
            "POST",
            f"/api/v1/webhooks/{hook_id}/deliveries/{'0' * 8}-0000-4000-8000-{'0' * 12}/retry",
            None,
        ),
    ]
    others = [
        (who, await bearer(who))
        for who in (
            await make_user("facilitator"),
            await make_user("funder", organisation="Funder"),
            participant,
        )
    ]
    for method, path, body in calls:
        anonymous = await client.request(method, path, json=body)
        assert anonymous.status_code == 401, path
        assert anonymous.json()["error"]["code"] == "unauthenticated"
        for who, headers in others:
            refused = await client.request(method, path, json=body, headers=headers)
            assert refused.status_code == 403, (path, who)
            assert refused.json()["error"]["code"] == "forbidden"
    assert await Webhook.filter(deleted_at=None).count() == 1


async def test_delete_is_soft_and_stops_everything(client):
    headers = await admin_headers()
    hook_id = (await client.post("/api/v1/webhooks", json=HOOK, headers=headers)).json()["id"]
    await queue_event("cohort.closed", "cohort.closed:1", {}, now=NOW)
    deleted = await client.delete(f"/api/v1/webhooks/{hook_id}", headers=headers)
    assert deleted.status_code == 204 and deleted.content == b""
    assert (await client.get("/api/v1/webhooks", headers=headers)).json()["items"] == []
    row = await Webhook.get(id=hook_id)
    assert row.deleted_at is not None
    assert (await WebhookDelivery.get(webhook_id=hook_id)).status == "failed"
    assert await queue_event("cohort.closed", "cohort.closed:2", {}, now=NOW) == 0
    again = await client.delete(f"/api/v1/webhooks/{hook_id}", headers=headers)
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"
    log = await client.get(f"/api/v1/webhooks/{hook_id}/deliveries", headers=headers)
    assert log.status_code == 404


@pytest.mark.parametrize("hook_id", ["999", "abc", "-1", "99999999999999999999", "1.5"])
async def test_unknown_ids_are_404(client, hook_id):
    headers = await admin_headers()
    for response in (
        await client.delete(f"/api/v1/webhooks/{hook_id}", headers=headers),
        await client.get(f"/api/v1/webhooks/{hook_id}/deliveries", headers=headers),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


async def test_delivery_log_newest_first_then_retry(client):
    headers = await admin_headers()
    hook = (await client.post("/api/v1/webhooks", json=HOOK, headers=headers)).json()
    other = (await client.post("/api/v1/webhooks", json=HOOK, headers=headers)).json()
    await queue_event("cohort.closed", "cohort.closed:1", {"n": 1}, now=NOW)
    await queue_event("cohort.closed", "cohort.closed:2", {"n": 2}, now=NOW + timedelta(hours=1))
    response = await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=headers)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["created_at"] for i in items] == [
        (NOW + timedelta(hours=1)).isoformat(),
        NOW.isoformat(),
    ]
    first = items[0]
    assert set(first) >= {
        "id",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    }
    assert first["event"] == "cohort.closed" and first["status"] == "pending"
    assert first["attempts"] == 0 and first["last_status_code"] is None
    assert first["delivered_at"] is None
    assert hook["secret"] not in response.text
    stored = await WebhookDelivery.get(id=first["id"])
    assert stored.webhook_id == hook["id"]

    retry = f"/api/v1/webhooks/{hook['id']}/deliveries/{first['id']}/retry"
    pending = await client.post(retry, headers=headers)
    assert pending.status_code == 409
    assert pending.json()["error"]["code"] == "delivery_not_failed"
    await WebhookDelivery.filter(id=first["id"]).update(status="failed", attempts=10)
    retried = await client.post(retry, headers=headers)
    assert retried.status_code == 200
    assert retried.json()["status"] == "pending" and retried.json()["attempts"] == 0
    # A delivery of another endpoint, or no delivery at all, is not found here.
    cross = f"/api/v1/webhooks/{other['id']}/deliveries/{first['id']}/retry"
    assert (await client.post(cross, headers=headers)).status_code == 404
    bogus = f"/api/v1/webhooks/{hook['id']}/deliveries/not-a-uuid/retry"
    assert (await client.post(bogus, headers=headers)).status_code == 404
