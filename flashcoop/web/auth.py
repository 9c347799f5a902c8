"""Who is asking, from a Bearer token or the signed session cookie."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request

from flashcoop.accounts.models import User
from flashcoop.accounts.services import resolve_token
from flashcoop.cohorts.models import Participant
from flashcoop.errors import N_, DomainError, Forbidden
from flashcoop.principal import ANONYMOUS, Principal
from flashcoop.settings import Settings


class Unauthenticated(DomainError):
    status = 401

    def __init__(self) -> None:
        super().__init__("unauthenticated", N_("Sign in first."))


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


async def get_principal(request: Request) -> Principal:
    cached = request.scope.get("flashcoop.principal")
    if cached is not None:
        return cached
    principal = await _resolve(request)
    request.scope["flashcoop.principal"] = principal
    return principal


async def _resolve(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = await resolve_token(header[7:].strip())
        if token is None:
            return ANONYMOUS
        if token.user_id is not None:
            user = await User.get_or_none(id=token.user_id, is_active=True)
            return Principal(user=user) if user else ANONYMOUS
        participant = await Participant.get_or_none(id=token.participant_id)
        return Principal(participant=participant) if participant else ANONYMOUS
    session: dict[str, Any] = request.session
    settings = settings_of(request)
    if "uid" in session:
        age = time.time() - float(session.get("at", 0))
        user = await User.get_or_none(id=session["uid"], is_active=True)
        if (
            user
            and user.session_version == session.get("uv")
            and (age < settings.staff_session_hours * 3600)
        ):
            return Principal(user=user)
        session.clear()
    elif "pid" in session:
        participant = await Participant.get_or_none(id=session["pid"])
        if participant and participant.auth_version == session.get("pv"):
            return Principal(participant=participant)
        session.clear()
    return ANONYMOUS


def sign_in_user(request: Request, user: User) -> None:
    csrf = request.session.get("csrf")
    request.session.clear()  # a new identity gets a fresh session (no fixation)
    request.session.update({"uid": user.id, "uv": user.session_version, "at": time.time()})
    if csrf:
        request.session["csrf"] = csrf
    request.scope["flashcoop.principal"] = Principal(user=user)


def sign_in_participant(request: Request, participant: Participant) -> None:
    csrf = request.session.get("csrf")
    request.session.clear()
    request.session.update({"pid": str(participant.id), "pv": participant.auth_version})
    if csrf:
        request.session["csrf"] = csrf
    request.scope["flashcoop.principal"] = Principal(participant=participant)


def sign_out(request: Request) -> None:
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
