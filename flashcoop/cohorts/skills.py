"""Skills frameworks, as data: the competences a cohort's workshops work on and its
certificates attest, with labels in every language flashcoop speaks.

A framework is a JSON file in flashcoop/cohorts/frameworks/ (EntreComp is built in). Workshops
and certificates both read it from here: there is one source of truth for codes and labels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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


def _label(texts: dict[str, str]) -> Label:
    return Label(tuple(sorted(texts.items())))


def _load(path: Path) -> Framework:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Framework(
        key=data["key"],
        name=_label(data["name"]),
        attribution=_label(data["attribution"]),
        levels=tuple(_label(level) for level in data["levels"]),
        areas=tuple((area["code"], _label(area["label"])) for area in data["areas"]),
        competences=tuple(
            Competence(c["code"], c["area"], _label(c["label"])) for c in data["competences"]
        ),
    )


@cache
def frameworks() -> dict[str, Framework]:
    """Every built-in framework, by key."""
    return {f.key: f for f in (_load(p) for p in sorted(FRAMEWORK_DIR.glob("*.json")))}


def framework(key: str = DEFAULT) -> Framework:
    return frameworks()[key]


async def cohort_framework(cohort: object) -> Framework:
    """The framework of a cohort: built in, or one its structure defined.

    (Stub: the assessments work adds structures' own frameworks; built-in ones only for now.)"""
    return framework(str(getattr(cohort, "framework", DEFAULT)))
