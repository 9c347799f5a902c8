"""The EntreComp framework's 15 competences, which workshops say they work on.

Codes and English labels follow the European Commission's EntreComp (2016); the French labels
come from the `workshops` catalog. The certificates domain keeps its own, richer copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from flashcoop.core.errors import N_


@dataclass(frozen=True)
class Competence:
    code: str
    area: str
    label: str


AREAS = {
    "1": N_("Ideas and opportunities"),
    "2": N_("Resources"),
    "3": N_("Into action"),
}

COMPETENCES: tuple[Competence, ...] = (
    Competence("1.1", AREAS["1"], N_("Spotting opportunities")),
    Competence("1.2", AREAS["1"], N_("Creativity")),
    Competence("1.3", AREAS["1"], N_("Vision")),
    Competence("1.4", AREAS["1"], N_("Valuing ideas")),
    Competence("1.5", AREAS["1"], N_("Ethical and sustainable thinking")),
    Competence("2.1", AREAS["2"], N_("Self-awareness and self-efficacy")),
    Competence("2.2", AREAS["2"], N_("Motivation and perseverance")),
    Competence("2.3", AREAS["2"], N_("Mobilising resources")),
    Competence("2.4", AREAS["2"], N_("Financial and economic literacy")),
    Competence("2.5", AREAS["2"], N_("Mobilising others")),
    Competence("3.1", AREAS["3"], N_("Taking the initiative")),
    Competence("3.2", AREAS["3"], N_("Planning and management")),
    Competence("3.3", AREAS["3"], N_("Coping with uncertainty, ambiguity and risk")),
    Competence("3.4", AREAS["3"], N_("Working with others")),
    Competence("3.5", AREAS["3"], N_("Learning through experience")),
)

BY_CODE = {c.code: c for c in COMPETENCES}
