"""What a certificate says, taken once at issue: the snapshot the PDF, the verification page and
the badges all read, so that what was issued stays as issued whatever changes later.

Labels are kept in every language flashcoop speaks: the verification page follows the reader's
language, the PDF the language chosen at issue.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from flashcoop.accounts.models import Organisation, User
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.skills import Framework, Label, cohort_framework
from flashcoop.workshops.models import ATTENDED, SCHEDULED, Attendance

# Bumped when the shape of the snapshot changes, so readers can tell old ones apart.
CONTENT_VERSION = 1


def holder_name(participant: Participant) -> str:
    """The name printed on the certificate: first and last names when given (a document shown
    to an employer), else the name the member chose."""
    full = " ".join(p.strip() for p in (participant.first_name, participant.last_name) if p.strip())
    return full or participant.display_name


def _texts(label: Label) -> dict[str, str]:
    return dict(label.texts)


def hashed_identity(identity: str, salt: str) -> str:
    """Open Badges' hashed recipient: "sha256$" + hex SHA-256 of identity + salt."""
    return "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest()


def recipient(participant: Participant, salt: str) -> dict[str, Any]:
    """The badge's recipient, salted and hashed: the e-mail address when the member gave one
    (a backpack can match it), else the member's stable `urn:uuid:` identifier."""
    email = participant.email.strip().lower()
    if email:
        kind, identity = "email", email
    else:
        kind, identity = "url", f"urn:uuid:{participant.id}"
    return {"type": kind, "hashed": True, "salt": salt, "identity": hashed_identity(identity, salt)}


async def worked_competences(cohort: Cohort, participant: Participant) -> set[str]:
    """Competences the workshops this member attended were tagged with."""
    rows = await Attendance.filter(
        participant_id=participant.id,
        workshop__cohort_id=cohort.id,
        workshop__status=SCHEDULED,
        status__in=ATTENDED,
    ).values_list("workshop__competences", flat=True)
    found: set[str] = set()
    for codes in rows:
        found.update(str(c) for c in (codes or []))
    return found


def competence_lines(
    framework: Framework, levels: dict[str, int], worked: set[str]
) -> list[dict[str, Any]]:
    """Assessed competences with their level in words, then those only worked on in workshops
    (no level: nobody judged them), in the framework's order; unknown codes are dropped."""
    lines = []
    for competence in framework.competences:
        level = levels.get(competence.code)
        if level is not None and not 1 <= level <= len(framework.levels):
            level = None
        if level is None and competence.code not in worked:
            continue
        lines.append(
            {
                "code": competence.code,
                "area": competence.area,
                "area_label": _texts(framework.area_label(competence.area)),
                "label": _texts(competence.label),
                "level": level,
                "level_label": _texts(framework.levels[level - 1]) if level else None,
            }
        )
    return lines


async def build_content(
    cohort: Cohort,
    participant: Participant,
    *,
    minutes: int,
    levels: dict[str, int],
    salt: str,
    issued_at: datetime,
    issued_by: User | None,
) -> dict[str, Any]:
    """The snapshot of one certificate (JSON-ready)."""
    structure = await Organisation.get(id=cohort.structure_id)
    # The cohort's facilitator signs it; the person issuing it when that account is gone.
    creator_id = getattr(cohort, "created_by_id", None)
    facilitator = await User.get_or_none(id=creator_id) if creator_id else None
    facilitator = facilitator or issued_by
    framework = await cohort_framework(cohort)
    tz = cohort.tz
    return {
        "version": CONTENT_VERSION,
        "holder": holder_name(participant),
        "cohort": cohort.name,
        "activity": cohort.activity,
        "location": cohort.location,
        "structure": structure.name,
        "structure_id": structure.id,
        "facilitator": (facilitator.name if facilitator else "") or "",
        "starts_on": cohort.starts_at.astimezone(tz).date().isoformat(),
        "ends_on": cohort.ends_at.astimezone(tz).date().isoformat(),
        "issued_on": issued_at.astimezone(tz).date().isoformat(),
        "timezone": cohort.timezone,
        "minutes": minutes,
        "framework": {
            "key": framework.key,
            "name": _texts(framework.name),
            "attribution": _texts(framework.attribution),
            "levels": len(framework.levels),
        },
        "competences": competence_lines(
            framework, levels, await worked_competences(cohort, participant)
        ),
        "recipient": recipient(participant, salt),
    }


def in_language(texts: dict[str, str] | None, language: str) -> str:
    """A snapshot label in `language` (French, then anything, when missing)."""
    if not texts:
        return ""
    return texts.get(language) or texts.get("fr") or next(iter(texts.values()), "")


def grouped(content: dict[str, Any], language: str) -> list[dict[str, Any]]:
    """Competences grouped by area, labels in `language`: [{"area", "items": [...]}]."""
    groups: list[dict[str, Any]] = []
    for line in content.get("competences", []):
        area = in_language(line.get("area_label"), language)
        if not groups or groups[-1]["code"] != line.get("area"):
            groups.append({"code": line.get("area"), "area": area, "items": []})
        groups[-1]["items"].append(
            {
                "code": line["code"],
                "label": in_language(line.get("label"), language),
                "level": line.get("level"),
                "level_label": in_language(line.get("level_label"), language),
            }
        )
    return groups


def hours_text(minutes: int) -> str:
    """Minutes as hours with at most one decimal: 330 → "5.5", 180 → "3"."""
    hours = round(minutes / 60, 1)
    return f"{hours:g}"
