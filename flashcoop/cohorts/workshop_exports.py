"""Attendance sheets, attendance summaries and calendars (filled in below)."""

from __future__ import annotations

from starlette.routing import BaseRoute

export_routes: list[BaseRoute] = []
