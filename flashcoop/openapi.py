"""GET /api/openapi.json: the API contract, assembled from each API module's description."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from flashcoop import __version__


def spec() -> dict[str, object]:
    from flashcoop.openapi_paths import PATHS

    return {
        "openapi": "3.1.0",
        "info": {"title": "flashcoop", "version": __version__},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": PATHS,
    }


async def openapi_json(request: Request) -> Response:
    return JSONResponse(spec())


routes = [Route("/api/openapi.json", openapi_json, methods=["GET"])]
