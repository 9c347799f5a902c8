"""Assessment pages: the facilitator's grid (members × competences) and the member's own
self-assessment on their phone. Both work without JavaScript; the grid's script saves each
cell through the API as it changes."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from flashcoop.certificates.assessment_grid import competences_in_play, grid_rows, pictogram
from flashcoop.certificates.assessments import (
    Judgement,
    latest,
    read_judgement,
    record_assessment,
    record_grid,
)
from flashcoop.cohorts import members, services
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.cohorts.skills import cohort_framework
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, Text, ValidationError
from flashcoop.core.fields import Fields
from flashcoop.web.auth import require
from flashcoop.web.templating import render

MAX_CELLS = 5000  # far above any cohort (members × competences); a bigger form is not ours


async def _grid_page(
    request: Request,
    cohort: Cohort,
    *,
    show_all: bool,
    submitted: dict[str, str] | None = None,
    errors: dict[str, Text] | None = None,
    status: int = 200,
) -> Response:
    skills = await cohort_framework(cohort)
    competences, every = await competences_in_play(cohort, skills, show_all=show_all)
    rows = await grid_rows(cohort, competences, submitted=submitted, errors=errors)
    context = {
        "cohort": cohort,
        "skills": skills,
        "competences": competences,
        "every": every,
        "show_all": show_all,
        "rows": rows,
        "frozen": cohort.is_frozen(utcnow()),
        "errors": errors or {},
        "saved": request.query_params.get("saved"),
    }
    return render(request, "certificates/assess_grid.html", context, status=status)


def _read_grid(
    form: FormData, skills: Any, member_ids: set[str]
) -> tuple[list[Judgement], dict[str, Text]]:
    """The cells sent (`level.<pid>.<code>`, `note.<pid>.<code>`) as judgements, and each
    invalid cell's first error; cells left at "—" are not assessed."""
    judgements: list[Judgement] = []
    errors: dict[str, Text] = {}
    names = [n for n in form if n.startswith("level.")][:MAX_CELLS]
    for name in names:
        parts = name.split(".", 2)
        if len(parts) != 3:
            continue  # not a cell of ours
        _, pid, code = parts
        key = f"{pid}.{code}"
        level = str(form.get(name, "") or "")
        note = str(form.get(f"note.{key}", "") or "")
        if not level:
            if note.strip():
                errors[key] = Text(N_("Choose a level to go with the note."))
            continue
        cell = Fields({"participant_id": pid, "competence": code, "level": level, "note": note})
        judgement = read_judgement(cell, skills, member_ids)
        if judgement is None:
            errors[key] = next(iter(cell.errors.values()))
        else:
            judgements.append(judgement)
    return judgements, errors


async def assessment_grid(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    if request.method == "GET":
        return await _grid_page(request, cohort, show_all=request.query_params.get("all") == "1")
    services.ensure_open(cohort, started=False)  # a closed cohort refuses before reading
    form = await request.form()
    show_all = form.get("all") == "1"
    skills = await cohort_framework(cohort)
    member_ids = {str(p.id) for p in await members.members(cohort.id)}
    judgements, errors = _read_grid(form, skills, member_ids)
    if errors:
        submitted = {k: str(v) for k, v in form.items() if k.startswith(("level.", "note."))}
        return await _grid_page(
            request, cohort, show_all=show_all, submitted=submitted, errors=errors, status=422
        )
    count = await record_grid(cohort, principal, judgements)
    back = f"/cohorts/{cohort.id}/assessments?saved={count}" + ("&all=1" if show_all else "")
    return RedirectResponse(back, status_code=303)


async def _self_page(
    request: Request,
    cohort: Cohort,
    participant: Participant,
    *,
    errors: dict[str, Text] | None = None,
    status: int = 200,
) -> Response:
    skills = await cohort_framework(cohort)
    show_all = request.query_params.get("all") == "1"
    competences, every = await competences_in_play(cohort, skills, show_all=show_all)
    pid = str(participant.id)
    own = await latest(cohort.id, is_self=True)
    theirs = await latest(cohort.id)
    saved = request.query_params.get("saved", "")
    saved_competence = skills.competence(saved)
    context = {
        "cohort": cohort,
        "skills": skills,
        "items": [
            {
                "competence": c,
                "area": skills.area_label(c.area),
                "mine": own[(pid, c.code)].level if (pid, c.code) in own else None,
                "theirs": theirs[(pid, c.code)].level if (pid, c.code) in theirs else None,
            }
            for c in competences
        ],
        "levels": [
            (n, label, pictogram(skills, n)) for n, label in enumerate(skills.levels, start=1)
        ],
        "every": every,
        "frozen": cohort.is_frozen(utcnow()),
        "saved": saved_competence,
        "saved_level": skills.level_label(int(own[(pid, saved)].level))
        if saved_competence and (pid, saved) in own
        else None,
        "errors": errors or {},
    }
    return render(request, "certificates/assess_self.html", context, status=status)


async def self_assessment(request: Request) -> Response:
    principal = await require(request, "participant")
    participant = members.member(principal)
    cohort = await services.get_cohort(principal, str(participant.cohort_id))
    if request.method == "GET":
        return await _self_page(request, cohort, participant)
    form = await request.form()
    competence = str(form.get("competence", ""))
    try:
        await record_assessment(
            cohort,
            principal,
            participant_id=participant.id,
            competence=competence,
            level=str(form.get("level", "")),
            is_self=True,
        )
    except ValidationError as exc:
        return await _self_page(request, cohort, participant, errors=exc.fields, status=422)
    return RedirectResponse(f"/me/skills?saved={competence}#c-{competence}", status_code=303)


routes = [
    Route("/cohorts/{cohort_id}/assessments", assessment_grid, methods=["GET", "POST"]),
    Route("/me/skills", self_assessment, methods=["GET", "POST"]),
]
