"""Security headers and CSRF protection, as pure ASGI middleware.

CSRF: a random token lives in the signed session; every unsafe request that could ride on the
session cookie must echo it, in the `csrf_token` form field or the `X-CSRF-Token` header.
Requests carrying a Bearer token are exempt (no ambient authority), and so are anonymous
JSON API calls (no session to ride on; a cross-site form cannot send application/json).
"""

from __future__ import annotations

import base64
import hmac
import secrets
from typing import Any
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flashcoop.core import i18n
from flashcoop.core.errors import N_, CoreError, DomainError, Refused
from flashcoop.web.api import error_json

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
MAX_FORM_BYTES = 2 * 1024 * 1024  # a page's form (multipart included)
MAX_API_BYTES = 256 * 1024  # a JSON body: the largest (a framework, a cohort) is a few kB

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'"
)


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, masked afresh for each page.

    Pages are compressed: a secret repeated identically in every response could be guessed
    from their compressed sizes (BREACH). Each rendering XORs the secret with a new random pad
    and sends pad + result, so no two pages carry the same bytes."""
    secret = session.get("csrf")
    if not secret:
        secret = secrets.token_urlsafe(32)
        session["csrf"] = secret
    raw = str(secret).encode()
    pad = secrets.token_bytes(len(raw))
    masked = pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True))
    return base64.urlsafe_b64encode(masked).decode()


def _unmask(sent: str) -> str | None:
    """The secret behind a masked token (None when it is not one)."""
    try:
        masked = base64.urlsafe_b64decode(sent.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    half = len(masked) // 2
    if not half or len(masked) % 2:
        return None
    raw = bytes(a ^ b for a, b in zip(masked[:half], masked[half:], strict=True))
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return None


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                present = {name.lower() for name, _ in headers}
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if self.https:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                if not scope["path"].startswith("/static/"):
                    # Pages and API answers speak of someone: no shared or disk cache keeps them.
                    extra.append((b"cache-control", b"no-store"))
                headers.extend((k, v) for k, v in extra if k not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """Refuse a body past its route class's limit before reading past it (413).

    A declared length is checked before anything is read; a chunked body is read up to the
    limit and no further. Runs outermost, so no other layer buffers an oversized body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        is_api = scope["path"].startswith("/api/")
        limit = MAX_API_BYTES if is_api else MAX_FORM_BYTES
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                await _refusal(is_api, TOO_LARGE)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive, limit)
        if body is None:
            await _refusal(is_api, TOO_LARGE)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, read no further than `limit` (None past it, or if the client left)."""
    body = b""
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) > limit:
            return None
    return body


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the already-read body once, then whatever the client sends."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class CSRFMiddleware:
    """Runs inside SessionMiddleware; buffers the body once to read the form field."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if headers.get("authorization", "").lower().startswith("bearer "):
            await self.app(scope, receive, send)
            return
        session: dict[str, Any] = scope.get("session", {})
        expected = session.get("csrf")
        signed_in = bool(session.get("uid") or session.get("pid"))
        is_api = scope["path"].startswith("/api/")
        if is_api and not signed_in:
            await self.app(scope, receive, send)
            return

        # BodyLimitMiddleware, outside, already bounded the body.
        body = await _read_body(receive, MAX_FORM_BYTES)
        if body is None:
            await _refusal(is_api, TOO_LARGE)(scope, receive, send)
            return
        sent = headers.get(CSRF_HEADER)
        if sent is None and not is_api:
            sent = await _form_token(scope, headers, body)
        secret = _unmask(sent) if sent else None
        if not expected or not secret or not hmac.compare_digest(str(expected), secret):
            await _refusal(is_api, CSRF_FAILED)(scope, receive, send)
            return

        await self.app(scope, _replay(body, receive), send)


TOO_LARGE = Refused(413, CoreError.TOO_LARGE, N_("The request is too large."))
CSRF_FAILED = Refused(
    403, CoreError.CSRF_FAILED, N_("The form has expired: reload the page and try again.")
)


def _refusal(is_api: bool, error: DomainError) -> Response:
    """The API's error shape under /api/, a short translated text for a page's form."""
    if is_api:
        return error_json(error)
    return PlainTextResponse(error.text.render(i18n.gettext), error.status)


async def _form_token(scope: Scope, headers: Headers, body: bytes) -> str | None:
    content_type = headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):

        async def once() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        form = await Request(scope, once).form()
        value = form.get(CSRF_FIELD)
        await form.close()
        return value if isinstance(value, str) else None
    return None
