"""Who is asking, from a Bearer token or the signed session: a staff user or a participant.

Cohorts is the lowest domain that knows both kinds of people (staff users from accounts, its
own participants), so it answers for the house; `flashcoop.web.auth` asks through the house.
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from flashcoop.accounts.models import User
from flashcoop.accounts.services import resolve_token
from flashcoop.cohorts.models import Participant
from flashcoop.core.principal import ANONYMOUS, Principal
from flashcoop.core.sessions import participant_subject, session_alive, user_subject
from flashcoop.core.settings import Settings


async def identify(bearer: str | None, session: dict[str, Any], settings: Settings) -> Principal:
    """The principal of a request; an outdated session is emptied on the way."""
    if bearer is not None:
        return await _from_token(bearer)
    if "uid" in session:
        age = time.time() - float(session.get("at", 0))
        user = await User.get_or_none(id=session["uid"], is_active=True)
        if (
            user
            and user.session_version == session.get("uv")
            and age < settings.staff_session_hours * 3600
            and await session_alive(session.get("sid"), user_subject(user.id))
        ):
            return Principal(user=user)
        session.clear()
    elif "pid" in session:
        participant = await _participant(session["pid"])
        if (
            participant
            and participant.auth_version == session.get("pv")
            and await session_alive(session.get("sid"), participant_subject(participant.id))
        ):
            return Principal(participant=participant)
        session.clear()
    return ANONYMOUS


async def _participant(raw_id: object) -> Participant | None:
    try:
        return await Participant.get_or_none(id=UUID(str(raw_id)))
    except ValueError:
        return None


async def _from_token(raw: str) -> Principal:
    # One query: the token with its holder, and a participant's cohort (which every request of
    # a phone asks for next; get_cohort takes it from there).
    token = await resolve_token(raw, related=("user", "participant__cohort"))
    if token is None:
        return ANONYMOUS
    if token.user_id is not None:
        user: User | None = token.user
        return Principal(user=user) if user is not None and user.is_active else ANONYMOUS
    participant: Participant | None = token.participant
    return Principal(participant=participant) if participant is not None else ANONYMOUS
