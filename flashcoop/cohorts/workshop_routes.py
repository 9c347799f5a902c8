"""Routes of this part (filled in by its capability)."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
