"""Skills frameworks, as data: the competences a cohort's workshops work on and its
certificates attest, with labels in every language flashcoop speaks.

A framework is a JSON file in flashcoop/cohorts/frameworks/ (EntreComp is built in), or a
structure's own, stored in the same shape (`CustomFramework`). Workshops, assessments and
certificates read a cohort's through `cohort_framework`: one source of truth for codes and labels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from flashcoop.cohorts.models import Cohort, CustomFramework
from flashcoop.core.i18n import LANGUAGES, current_language

FRAMEWORK_DIR = Path(__file__).resolve().parent / "frameworks"
DEFAULT = "entrecomp"


@dataclass(frozen=True)
class Label:
    """A text in each language; `str()` gives it in the language of the current request."""

    texts: tuple[tuple[str, str], ...]

    def in_language(self, language: str) -> str:
        found = dict(self.texts)
        return found.get(language) or found.get(LANGUAGES[0]) or next(iter(found.values()), "")

    def __str__(self) -> str:
        return self.in_language(current_language())


@dataclass(frozen=True)
class Competence:
    code: str
    area: str  # the area's code
    label: Label


@dataclass(frozen=True)
class Framework:
    key: str
    name: Label
    attribution: Label
    levels: tuple[Label, ...]  # level n is levels[n - 1]
    areas: tuple[tuple[str, Label], ...]
    competences: tuple[Competence, ...]

    def competence(self, code: str) -> Competence | None:
        return next((c for c in self.competences if c.code == code), None)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.competences)

    def area_label(self, code: str) -> Label:
        return dict(self.areas)[code]

    def sort_key(self, code: str) -> int:
        """Codes in the framework's own order."""
        order = [c.code for c in self.competences]
        return order.index(code) if code in order else len(order)

    def level_label(self, level: int) -> Label | None:
        """The label of level n (1-based), None outside the scale."""
        return self.levels[level - 1] if 1 <= level <= len(self.levels) else None


def _label(texts: dict[str, str] | str) -> Label:
    if isinstance(texts, str):  # a single text is French, the first language
        texts = {LANGUAGES[0]: texts}
    return Label(tuple(sorted(texts.items())))


def from_data(data: dict[str, Any]) -> Framework:
    """A framework from its JSON shape (a built-in file, or a structure's stored `data`)."""
    return Framework(
        key=data["key"],
        name=_label(data["name"]),
        attribution=_label(data.get("attribution") or {}),
        levels=tuple(_label(level) for level in data["levels"]),
        areas=tuple((area["code"], _label(area["label"])) for area in data["areas"]),
        competences=tuple(
            Competence(c["code"], c["area"], _label(c["label"])) for c in data["competences"]
        ),
    )


def _load(path: Path) -> Framework:
    return from_data(json.loads(path.read_text(encoding="utf-8")))


@cache
def frameworks() -> dict[str, Framework]:
    """Every built-in framework, by key."""
    return {f.key: f for f in (_load(p) for p in sorted(FRAMEWORK_DIR.glob("*.json")))}


def framework(key: str = DEFAULT) -> Framework:
    """A built-in framework; a cohort's own goes through `cohort_framework`."""
    return frameworks()[key]


# Structures' frameworks are never edited once defined (cohorts and certificates rely on their
# codes), so a row parsed once stays right for the life of the process.
_parsed: dict[int, Framework] = {}


def _custom(row: CustomFramework) -> Framework:
    found = _parsed.get(row.id)
    if found is None:
        found = _parsed[row.id] = from_data({**row.data, "key": row.key})
    return found


async def custom_framework(key: str, organisation_id: int | None = None) -> Framework | None:
    """A structure's own framework by key (of that structure only, when one is given)."""
    query = CustomFramework.filter(key=key)
    if organisation_id is not None:
        query = query.filter(organisation_id=organisation_id)
    row = await query.first()
    return _custom(row) if row is not None else None


async def cohort_framework(cohort: Cohort) -> Framework:
    """The framework of a cohort, built in or its structure's own: the one source of truth for
    its competences (workshops' tags, assessments, certificates)."""
    key = cohort.framework or DEFAULT
    if key in frameworks():
        return frameworks()[key]
    found = await custom_framework(key, cohort.structure_id)
    if found is None:
        raise LookupError(f"cohort {cohort.id} names an unknown framework {key!r}")
    return found


async def usable_frameworks(organisation_id: int | None) -> list[Framework]:
    """What a cohort of this structure may use: the built-in ones, then the structure's own
    (None: the built-in ones only)."""
    found = list(frameworks().values())
    if organisation_id is not None:
        rows = await CustomFramework.filter(organisation_id=organisation_id).order_by("key")
        found += [_custom(row) for row in rows]
    return found


async def every_framework() -> list[Framework]:
    """The built-in ones, then every structure's own (for administrators)."""
    rows = await CustomFramework.all().order_by("key")
    return list(frameworks().values()) + [_custom(row) for row in rows]
