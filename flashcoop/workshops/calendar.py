"""The cohort's programme as an iCalendar feed (RFC 5545), and private subscription links.

UIDs are the workshop ids, SEQUENCE is bumped on each change and LAST-MODIFIED follows it, so
calendar apps update events in place; a cancelled workshop stays with STATUS:CANCELLED so
subscribers see it disappear from their day rather than silently vanish.
"""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

from icalendar import Calendar, Event

from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.skills import cohort_framework
from flashcoop.core.settings import Settings
from flashcoop.workshops.models import CANCELLED, Workshop


async def build_calendar(cohort: Cohort, workshops: list[Workshop], *, base_url: str) -> bytes:
    tz = cohort.tz
    skills = await cohort_framework(cohort)
    calendar = Calendar()
    calendar.add("prodid", "-//flashcoop//workshops//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", cohort.name)
    calendar.add("x-wr-timezone", cohort.timezone)
    for workshop in workshops:
        event = Event()
        event.add("uid", f"{workshop.id}@flashcoop")
        event.add("dtstamp", workshop.updated_at)
        event.add("created", workshop.created_at)
        event.add("last-modified", workshop.updated_at)
        event.add("sequence", workshop.sequence)
        event.add("dtstart", workshop.starts_at.astimezone(tz))
        event.add("dtend", workshop.ends_at.astimezone(tz))
        event.add("summary", workshop.title)
        lines = [workshop.description] if workshop.description else []
        for code in workshop.competences:
            if (competence := skills.competence(code)) is not None:
                lines.append(f"{skills.name} {code} {competence.label}")
        if lines:
            event.add("description", "\n".join(lines))
        if workshop.location:
            event.add("location", workshop.location)
        event.add("status", "CANCELLED" if workshop.status == CANCELLED else "CONFIRMED")
        event.add("url", f"{base_url.rstrip('/')}/me")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _mac(settings: Settings, participant_id: UUID, auth_version: int) -> str:
    message = f"ical:{participant_id}:{auth_version}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def calendar_token(settings: Settings, participant: Participant) -> str:
    """Unguessable and revocable: a new PIN (auth_version) changes it."""
    pid = UUID(str(participant.id))
    return pid.hex + _mac(settings, pid, participant.auth_version)


async def participant_from_token(settings: Settings, token: str) -> Participant | None:
    if len(token) != 64:
        return None
    try:
        pid = UUID(hex=token[:32])
    except ValueError:
        return None
    participant = await Participant.get_or_none(id=pid)
    if participant is None:
        return None
    expected = _mac(settings, pid, participant.auth_version)
    return participant if hmac.compare_digest(expected, token[32:]) else None
