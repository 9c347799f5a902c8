"""What the assessment pages show: the cohort's competences in play, and the grid of members
× competences with each cell's current level, note and the member's self-assessment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flashcoop.certificates.assessments import latest
from flashcoop.cohorts.members import members
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.skills import Competence, Framework
from flashcoop.workshops.models import Workshop

# Big, friendly marks for the self-assessment buttons (the label says it in words).
PICTOGRAMS = {3: ("🌱", "🤝", "⭐"), 4: ("🌱", "🤝", "⭐", "🎓")}


def pictogram(skills: Framework, level: int) -> str:
    marks = PICTOGRAMS.get(len(skills.levels), PICTOGRAMS[4])
    return marks[min(level, len(marks)) - 1]


async def competences_in_play(
    cohort: Cohort, skills: Framework, *, show_all: bool = False
) -> tuple[list[Competence], bool]:
    """(competences to show, whether that is every one of the framework): those the cohort's
    workshops work on and those already assessed, in the framework's order; all of them when
    asked, or when no workshop is tagged yet."""
    if show_all:
        return list(skills.competences), True
    codes: set[str] = set()
    for tags in await Workshop.filter(cohort_id=cohort.id).values_list("competences", flat=True):
        codes.update(tags or [])
    codes.update(code for _, code in await latest(cohort.id))
    chosen = [c for c in skills.competences if c.code in codes]
    if not chosen:
        return list(skills.competences), True
    return chosen, len(chosen) == len(skills.competences)


def cell_key(participant_id: object, code: str) -> str:
    return f"{participant_id}.{code}"


@dataclass
class Cell:
    key: str  # participant id "." competence code: the form field suffix
    participant: Participant
    competence: Competence
    level: int | None  # the latest facilitator assessment
    note: str
    self_level: int | None
    value: str = ""  # what the select shows (the submitted value after an error)
    note_value: str = ""
    error: Any = None


@dataclass
class Row:
    participant: Participant
    cells: list[Cell] = field(default_factory=list)


async def grid_rows(
    cohort: Cohort,
    competences: list[Competence],
    *,
    submitted: dict[str, str] | None = None,
    errors: dict[str, Any] | None = None,
) -> list[Row]:
    """One row per member (by name), one cell per competence shown."""
    current = await latest(cohort.id)
    own = await latest(cohort.id, is_self=True)
    rows: list[Row] = []
    for person in await members(cohort.id, order="name"):
        row = Row(person)
        for competence in competences:
            pid = str(person.id)
            found = current.get((pid, competence.code))
            mine = own.get((pid, competence.code))
            key = cell_key(pid, competence.code)
            cell = Cell(
                key=key,
                participant=person,
                competence=competence,
                level=found.level if found else None,
                note=found.note if found else "",
                self_level=mine.level if mine else None,
            )
            cell.value = str(cell.level or "")
            cell.note_value = cell.note
            if submitted is not None:
                cell.value = submitted.get(f"level.{key}", cell.value)
                cell.note_value = submitted.get(f"note.{key}", cell.note_value)
            cell.error = (errors or {}).get(key)
            row.cells.append(cell)
        rows.append(row)
    return rows
