"""Administrator pages of webhooks: the endpoints, adding one (secret shown once), deleting
one after a confirmation, and an endpoint's delivery log with a retry of failed deliveries."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from flashcoop.core.errors import ValidationError
from flashcoop.notify import webhooks
from flashcoop.web.auth import require
from flashcoop.web.templating import render


async def webhook_list(request: Request) -> Response:
    principal = await require(request, "admin")
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {"url": "", "events": list(webhooks.EVENTS)}
    created = None
    status = 200
    if request.method == "POST":
        form = await request.form()
        values = {
            "url": str(form.get("url", "")),
            "events": [str(e) for e in form.getlist("events")],
        }
        try:
            draft = webhooks.read_webhook(values)
            assert principal.user is not None
            created = await webhooks.create_webhook(draft, created_by=principal.user.id)
            values = {"url": "", "events": list(webhooks.EVENTS)}
            status = 201
        except ValidationError as exc:
            errors, status = exc.fields, 422
    context = {
        "webhooks": await webhooks.active_webhooks(),
        "events": webhooks.EVENTS,
        "errors": errors,
        "values": values,
        "created": created,
        "deleted": request.query_params.get("deleted"),
    }
    return render(request, "notify/webhook_list.html", context, status=status)


async def webhook_delete(request: Request) -> Response:
    await require(request, "admin")
    webhook = await webhooks.get_webhook(request.path_params["webhook_id"])
    if request.method == "POST":
        await webhooks.delete_webhook(webhook.id)
        return RedirectResponse("/admin/webhooks?deleted=1", status_code=303)
    context = {"webhook": webhook, "events": webhooks.EVENTS}
    return render(request, "notify/webhook_delete.html", context)


async def webhook_log(request: Request) -> Response:
    await require(request, "admin")
    webhook = await webhooks.get_webhook(request.path_params["webhook_id"])
    context = {
        "webhook": webhook,
        "events": webhooks.EVENTS,
        "deliveries": await webhooks.delivery_log(webhook),
        "retried": request.query_params.get("retried"),
        "max_attempts": webhooks.MAX_ATTEMPTS,
    }
    return render(request, "notify/webhook_log.html", context)


async def delivery_retry(request: Request) -> Response:
    await require(request, "admin")
    webhook = await webhooks.get_webhook(request.path_params["webhook_id"])
    await webhooks.retry_delivery(webhook, request.path_params["delivery_id"])
    return RedirectResponse(f"/admin/webhooks/{webhook.id}?retried=1", status_code=303)


routes = [
    Route("/admin/webhooks", webhook_list, methods=["GET", "POST"]),
    Route("/admin/webhooks/{webhook_id}", webhook_log, methods=["GET"]),
    Route("/admin/webhooks/{webhook_id}/delete", webhook_delete, methods=["GET", "POST"]),
    Route(
        "/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
        delivery_retry,
        methods=["POST"],
    ),
]
