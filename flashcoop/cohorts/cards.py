"""Personal sign-in cards: a signed token naming a member and their auth version.

A PIN reset bumps the member's auth_version, so every card printed before it stops working.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from flashcoop.cohorts.models import Participant

_SALT = "flashcoop.signin-card"


def card_token(participant: Participant, *, secret: str) -> str:
    serializer = URLSafeSerializer(secret, salt=_SALT)
    return str(serializer.dumps({"p": str(participant.id), "v": participant.auth_version}))


async def participant_from_card(token: str, *, secret: str) -> Participant | None:
    """The member the card signs in, or None when forged, malformed or outdated."""
    serializer = URLSafeSerializer(secret, salt=_SALT)
    try:
        data = serializer.loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), str):
        return None
    try:
        participant = await Participant.get_or_none(id=data["p"])
    except ValueError:
        return None
    if participant is None or participant.auth_version != data.get("v"):
        return None
    return participant
