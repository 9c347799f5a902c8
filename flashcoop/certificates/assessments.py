"""Assessments: levels given by facilitators and by members themselves, history kept.

(Stub: implemented by the assessments work; certificates read `latest_levels`.)
"""

from __future__ import annotations


async def latest_levels(cohort_id: object) -> dict[str, dict[str, int]]:
    """{participant id (str): {competence code: level}} from the latest facilitator assessment
    of each competence (self-assessments do not count on a certificate)."""
    raise NotImplementedError
