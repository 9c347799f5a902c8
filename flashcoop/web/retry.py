"""Retry a read once when the database connection broke under it.

A pooled connection that the server closed (a restart, a failover, `pg_terminate_backend`, an
idle timeout at a proxy) is only found dead when a query is sent on it; the next connection the
pool opens works. A GET or HEAD writes nothing that matters twice (the few that write, such as
rendering a missing certificate PDF, do it conditionally), so running it again once is safe and
spares the client a 503. Writes are never retried here: their client replays them with the same
id (sales and reversals are idempotent by id), and only the client knows whether to.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flashcoop.core import db

log = logging.getLogger(__name__)
SAFE_METHODS = ("GET", "HEAD")


class RetryReadsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            # Once only, and only when nothing was sent: a second failure is the 503.
            if started or not db.is_unavailable(exc):
                raise
            log.warning(
                "database connection lost during %s %s: retried once",
                scope["method"],
                scope["path"],
            )
            await self.app(scope, receive, send)
