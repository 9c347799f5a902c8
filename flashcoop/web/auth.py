"""Who is asking (through the house's `identify`), signing in and out, and role checks."""

from __future__ import annotations

import time

from starlette.requests import Request

from flashcoop.core.errors import N_, CoreError, DomainError, Forbidden
from flashcoop.core.principal import Member, Principal, StaffUser
from flashcoop.core.sessions import (
    end_session,
    participant_subject,
    start_session,
    user_subject,
)
from flashcoop.core.settings import Settings


class Unauthenticated(DomainError):
    status = 401

    def __init__(self) -> None:
        super().__init__(CoreError.UNAUTHENTICATED, N_("Sign in first."))


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


async def get_principal(request: Request) -> Principal:
    cached = request.scope.get("flashcoop.principal")
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    bearer = header[7:].strip() if header.lower().startswith("bearer ") else None
    identify = request.app.state.house.identify
    principal: Principal = await identify(bearer, request.session, settings_of(request))
    request.scope["flashcoop.principal"] = principal
    return principal


def _fresh_session(request: Request) -> None:
    # A new identity gets a fresh session, CSRF token included (no fixation of either): the
    # next page draws a new token.
    request.session.clear()


async def sign_in_user(request: Request, user: StaffUser) -> None:
    await end_session(request.session.get("sid"))
    _fresh_session(request)
    key = await start_session(user_subject(user.id))
    request.session.update(
        {"uid": user.id, "uv": user.session_version, "at": time.time(), "sid": key}
    )
    request.scope["flashcoop.principal"] = Principal(user=user)


async def sign_in_participant(request: Request, participant: Member) -> None:
    await end_session(request.session.get("sid"))
    _fresh_session(request)
    key = await start_session(participant_subject(participant.id))
    request.session.update({"pid": str(participant.id), "pv": participant.auth_version, "sid": key})
    request.scope["flashcoop.principal"] = Principal(participant=participant)


async def sign_out(request: Request) -> None:
    """End this session on the server too: the same cookie replayed later is refused."""
    await end_session(request.session.get("sid"))
    request.session.clear()
    request.scope.pop("flashcoop.principal", None)


async def require(request: Request, *roles: str) -> Principal:
    """The principal if signed in with one of `roles` (any role when none given)."""
    principal = await get_principal(request)
    if principal.role == "anonymous":
        raise Unauthenticated()
    if roles and principal.role not in roles:
        raise Forbidden()
    return principal
