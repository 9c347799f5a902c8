"""Easy-read mode ("Facile à lire et à comprendre"): short sentences, pictograms, big numbers.

`?easy=1` on any page turns it on and `?easy=0` off; the choice is kept on the device in an
`easy` cookie for a year, so every later page and visit reads the same way. Templates see it
as `easy` (and macros as `easy_read()`); `base.html` puts `class="easy"` on the body.
"""

from __future__ import annotations

from contextvars import ContextVar
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "easy"
YEAR = 365 * 86400
_easy: ContextVar[bool] = ContextVar("flashcoop_easy", default=False)


def easy_read() -> bool:
    """Whether the page being rendered is in easy-read mode."""
    return _easy.get()


def _asked(value: str | None) -> bool | None:
    """`?easy=` read as on (1), off (0), or not asked (anything else)."""
    if value in ("1", "on", "true"):
        return True
    if value in ("0", "off", "false"):
        return False
    return None


class EasyReadMiddleware:
    """Sets the mode of this request from `?easy=` or the cookie; `?easy=` also sets the cookie."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        asked = _asked(request.query_params.get("easy"))
        _easy.set(asked if asked is not None else request.cookies.get(COOKIE) == "1")
        if asked is None:
            await self.app(scope, receive, send)
            return
        cookie = SimpleCookie()
        cookie[COOKIE] = "1" if asked else "0"
        morsel = cookie[COOKIE]
        morsel["max-age"] = YEAR
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "lax"
        if self.https:
            morsel["secure"] = True
        header = morsel.OutputString()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", header)
            await send(message)

        await self.app(scope, receive, send_with_cookie)
