"""Static files with cache headers, fingerprinted URLs for templates, and the favicon.

A URL from `static_url` carries the file's content hash (`?v=`): it may be cached for a year,
since a changed file gets a new URL. A plain /static/ URL (older templates, the worker's
precache) is revalidated on each use, cheaply, with its ETag (304 when unchanged).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from os import PathLike
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"
YEAR = 365 * 86400


@lru_cache(maxsize=256)
def _fingerprint(path: str, mtime_ns: int) -> str:
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:12]


def static_url(path: str) -> str:
    """/static/<path>?v=<content hash>, for templates; the plain URL if the file is missing."""
    file = STATIC_DIR / path
    try:
        version = _fingerprint(path, file.stat().st_mtime_ns)
    except OSError:
        return f"/static/{path}"
    return f"/static/{path}?v={version}"


class CachedStaticFiles(StaticFiles):
    """StaticFiles that says how long a browser (or the phone's worker) may keep a file."""

    def file_response(
        self,
        full_path: str | PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        fingerprinted = b"v=" in scope.get("query_string", b"")
        response.headers["Cache-Control"] = (
            f"public, max-age={YEAR}, immutable" if fingerprinted else "no-cache"
        )
        return response


async def favicon(request: Request) -> Response:
    # Browsers ask for /favicon.ico whatever the page says: answer with the SVG icon.
    return FileResponse(
        STATIC_DIR / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": f"public, max-age={86400 * 7}"},
    )


routes = [Route("/favicon.ico", favicon, methods=["GET", "HEAD"])]
