"""The staff page of skills frameworks: the ones in use, and a form to define one's own.

The form takes lines (`code | area | label`), the way a facilitator would type a list; they
are read into the API's JSON shape, so both go through `read_framework`."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from flashcoop.accounts.models import Organisation
from flashcoop.cohorts.custom_frameworks import MAX_LEVELS, create_framework, read_framework
from flashcoop.cohorts.frameworks_api import visible_frameworks
from flashcoop.core.errors import Text, ValidationError
from flashcoop.core.principal import Principal
from flashcoop.web.auth import require
from flashcoop.web.templating import render

LEVEL_FIELDS = tuple(f"level_{n}" for n in range(1, MAX_LEVELS + 1))
FIELDS = ("key", "name", "name_en", "areas", "competences", "organisation_id", *LEVEL_FIELDS)
MAX_LINES = 200


def _parts(line: str) -> list[str]:
    return [part.strip() for part in line.split("|")]


def _label(fr: str, en: str = "") -> dict[str, str]:
    return {"fr": fr, "en": en} if en else {"fr": fr}


def _lines(text: str) -> list[list[str]]:
    return [_parts(line) for line in text.splitlines()[:MAX_LINES] if line.strip()]


def read_form(values: dict[str, str]) -> dict[str, Any]:
    """The form's fields as the API's body: `French | English` wherever a label is typed."""
    levels = [
        _label(*_parts(values[f"level_{n}"])[:2])
        for n in range(1, MAX_LEVELS + 1)
        if values.get(f"level_{n}", "").strip()
    ]
    areas = [{"code": p[0], "label": _label(*(p[1:3] or [""]))} for p in _lines(values["areas"])]
    competences = [
        {"code": p[0], "area": p[1] if len(p) > 1 else "", "label": _label(*(p[2:4] or [""]))}
        for p in _lines(values["competences"])
    ]
    data: dict[str, Any] = {
        "key": values["key"].strip(),
        "name": _label(values["name"], values["name_en"].strip()),
        "levels": levels,
        "areas": areas,
        "competences": competences,
    }
    if values.get("organisation_id"):
        data["organisation_id"] = values["organisation_id"]
    return data


def form_errors(errors: dict[str, Text]) -> dict[str, Text]:
    """The service's field names (`competences.3.area`, `levels.0`) as the form's."""
    found: dict[str, Text] = {}
    for name, text in errors.items():
        parts = name.split(".")
        if parts[0] == "levels" and len(parts) > 1:
            target = f"level_{int(parts[1]) + 1}"
        elif parts[0] == "name":
            target = "name"
        else:
            target = parts[0]
        found.setdefault(target, text)  # the first problem of a list is the one to fix first
    return found


def _values(form: FormData) -> dict[str, str]:
    return {name: str(form.get(name, "") or "") for name in FIELDS}


async def _page(
    request: Request,
    principal: Principal,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, Text] | None = None,
    status: int = 200,
) -> Response:
    structures: list[Organisation] = []
    if principal.role == "admin":
        structures = await Organisation.filter(kind="structure").order_by("name")
    context = {
        "frameworks": await visible_frameworks(principal),
        "can_define": principal.is_staff,
        "structures": structures,
        "values": values or {name: "" for name in FIELDS},
        "errors": errors or {},
        "created": request.query_params.get("created", ""),
        "max_levels": MAX_LEVELS,
    }
    return render(request, "cohorts/frameworks.html", context, status=status)


async def frameworks_page(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin", "funder")
    if request.method == "GET":
        return await _page(request, principal)
    principal = await require(request, "facilitator", "admin")
    values = _values(await request.form())
    try:
        draft = await read_framework(read_form(values), principal=principal)
        created = await create_framework(draft)
    except ValidationError as exc:
        return await _page(
            request, principal, values=values, errors=form_errors(exc.fields), status=422
        )
    return RedirectResponse(f"/frameworks?created={created.key}#fw-{created.key}", status_code=303)


routes = [Route("/frameworks", frameworks_page, methods=["GET", "POST"])]
