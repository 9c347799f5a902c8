"""JSON API of skills frameworks: the ones the caller may use or see, and defining one."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from flashcoop.cohorts import services, skills
from flashcoop.cohorts.custom_frameworks import create_framework, read_framework
from flashcoop.core.principal import Principal
from flashcoop.web.api import json_body, listing
from flashcoop.web.auth import require
from flashcoop.web.openapi import TEXT, items_of, obj, op


async def visible_frameworks(principal: Principal) -> list[skills.Framework]:
    """Built-in frameworks and, of the structures' own: all for an administrator, their
    structure's for a facilitator, those of the cohorts they fund for a funder."""
    if principal.role == "admin":
        return await skills.every_framework()
    if principal.role == "facilitator":
        return await skills.usable_frameworks(principal.organisation_id)
    keys = set(await services.visible_cohorts(principal).values_list("framework", flat=True))
    found = list(skills.frameworks().values())
    for key in sorted(keys - set(skills.frameworks())):
        custom = await skills.custom_framework(str(key))
        if custom is not None:
            found.append(custom)
    return found


def framework_json(found: skills.Framework) -> dict[str, Any]:
    """A framework in the request's language (English labels fall back to French)."""
    return {
        "key": found.key,
        "name": str(found.name),
        "attribution": str(found.attribution),
        "builtin": found.key in skills.frameworks(),
        "levels": [str(level) for level in found.levels],
        "areas": [{"code": code, "label": str(label)} for code, label in found.areas],
        "competences": [
            {"code": c.code, "area": c.area, "label": str(c.label)} for c in found.competences
        ],
    }


async def framework_list(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin", "funder")
    if request.method == "GET":
        return listing([framework_json(f) for f in await visible_frameworks(principal)])
    principal = await require(request, "facilitator", "admin")
    draft = await read_framework(await json_body(request), principal=principal)
    return JSONResponse(framework_json(await create_framework(draft)), status_code=201)


routes = [Route("/api/v1/frameworks", framework_list, methods=["GET", "POST"])]

LABEL_IN: dict[str, Any] = {
    "oneOf": [TEXT, obj(["fr"], fr=TEXT, en=TEXT)],
    "description": "A French label, or {fr, en}; English falls back to French.",
}
FRAMEWORK = obj(
    ["key", "name", "levels", "competences"],
    key=TEXT,
    name=TEXT,
    attribution=TEXT,
    builtin={"type": "boolean"},
    levels={"type": "array", "items": TEXT},
    areas={"type": "array", "items": obj(["code", "label"], code=TEXT, label=TEXT)},
    competences={
        "type": "array",
        "items": obj(["code", "area", "label"], code=TEXT, area=TEXT, label=TEXT),
    },
)
PATHS: dict[str, Any] = {
    "/api/v1/frameworks": {
        "get": op(
            "Skills frameworks: the built-in ones and the structures' own the caller may see",
            response=items_of(FRAMEWORK),
            errors=(401, 403),
        ),
        "post": op(
            "Define a structure's own framework (facilitator, or admin with organisation_id)",
            ok=201,
            response=FRAMEWORK,
            errors=(400, 401, 403, 422),
            body=obj(
                ["key", "name", "levels", "areas", "competences"],
                key={"type": "string", "pattern": r"^[a-z][a-z0-9-]{1,31}$"},
                name=LABEL_IN,
                attribution=LABEL_IN,
                organisation_id={"type": "integer"},
                levels={"type": "array", "minItems": 3, "maxItems": 4, "items": LABEL_IN},
                areas={
                    "type": "array",
                    "items": obj(["code", "label"], code=TEXT, label=LABEL_IN),
                },
                competences={
                    "type": "array",
                    "items": obj(["code", "area", "label"], code=TEXT, area=TEXT, label=LABEL_IN),
                },
            ),
        ),
    },
}
