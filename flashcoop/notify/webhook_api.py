"""JSON API of webhooks (admin only): register, list, delete endpoints; their delivery log."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from flashcoop.notify import webhooks
from flashcoop.notify.models import Webhook, WebhookDelivery
from flashcoop.web.api import iso, json_body, listing
from flashcoop.web.auth import require


def webhook_json(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": list(webhook.events),
        "created_at": iso(webhook.created_at),
    }


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": str(delivery.id),
        "event": delivery.event,
        # "sending" is a claim that lasts one HTTP call: outside, it is still pending.
        "status": "pending" if delivery.status == "sending" else delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error or None,
        "created_at": iso(delivery.created_at),
        "next_attempt_at": iso(delivery.next_attempt_at)
        if delivery.status in ("pending", "sending")
        else None,
        "delivered_at": iso(delivery.delivered_at),
    }


async def webhooks_api(request: Request) -> Response:
    principal = await require(request, "admin")
    if request.method == "GET":
        return listing([webhook_json(w) for w in await webhooks.active_webhooks()])
    draft = webhooks.read_webhook(await json_body(request))
    assert principal.user is not None
    webhook = await webhooks.create_webhook(draft, created_by=principal.user.id)
    return JSONResponse({**webhook_json(webhook), "secret": webhook.secret}, status_code=201)


async def webhook_delete_api(request: Request) -> Response:
    await require(request, "admin")
    await webhooks.delete_webhook(request.path_params["webhook_id"])
    return Response(status_code=204)


async def deliveries_api(request: Request) -> Response:
    await require(request, "admin")
    webhook = await webhooks.get_webhook(request.path_params["webhook_id"])
    return listing([delivery_json(d) for d in await webhooks.delivery_log(webhook)])


async def delivery_retry_api(request: Request) -> Response:
    await require(request, "admin")
    webhook = await webhooks.get_webhook(request.path_params["webhook_id"])
    delivery = await webhooks.retry_delivery(webhook, request.path_params["delivery_id"])
    return JSONResponse(delivery_json(delivery))


routes = [
    Route("/api/v1/webhooks", webhooks_api, methods=["GET", "POST"]),
    Route("/api/v1/webhooks/{webhook_id}", webhook_delete_api, methods=["DELETE"]),
    Route("/api/v1/webhooks/{webhook_id}/deliveries", deliveries_api, methods=["GET"]),
    Route(
        "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
        delivery_retry_api,
        methods=["POST"],
    ),
]
