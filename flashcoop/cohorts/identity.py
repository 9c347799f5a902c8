"""Who is asking, from a Bearer token or the signed session: a staff user or a participant.

Cohorts is the lowest domain that knows both kinds of people (staff users from accounts, its
own participants), so it answers for the house; `flashcoop.web.auth` asks through the house.
"""

from __future__ import annotations

import functools
import time
from typing import Any
from uuid import UUID

from flashcoop.accounts.models import ApiToken, User
from flashcoop.accounts.services import note_use, token_digest
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core import rawsql
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
    digest = token_digest(raw)
    if digest is None:
        return ANONYMOUS
    rows = await rawsql.fetch("identity.token", _token_sql(), [digest])
    if not rows:
        return ANONYMOUS
    token = rawsql.model_from(rows[0], ApiToken, "t")
    assert isinstance(token, ApiToken)
    await note_use(token)
    if token.user_id is not None:
        user = await User.get_or_none(id=token.user_id, is_active=True)
        return Principal(user=user) if user else ANONYMOUS
    participant = rawsql.model_from(rows[0], Participant, "p")
    if not isinstance(participant, Participant):
        return ANONYMOUS
    # The member's cohort came with the same row; get_cohort answers from it.
    object.__setattr__(participant, "_cohort", rawsql.model_from(rows[0], Cohort, "c"))
    return Principal(participant=participant)


@functools.cache
def _token_sql() -> str:
    # A phone's every request starts here: the token, its member and the member's cohort in
    # one prepared statement (see core.rawsql for why it is not built by the ORM).
    # Names from the models' metadata, the token digest a parameter: nothing comes from input.
    wanted = f"{rawsql.columns(ApiToken, 't')},{rawsql.columns(Participant, 'p')}"
    wanted += f",{rawsql.columns(Cohort, 'c')}"
    token, member, cohort = (rawsql.table(m) for m in (ApiToken, Participant, Cohort))
    return (
        f'SELECT {wanted} FROM {token} "t" '  # noqa: S608
        f'LEFT JOIN {member} "p" ON "p"."id" = "t"."participant_id" '
        f'LEFT JOIN {cohort} "c" ON "c"."id" = "p"."cohort_id" '
        'WHERE "t"."token_hash" = {} AND "t"."revoked_at" IS NULL'
    )
