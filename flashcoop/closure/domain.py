"""What the closure domain contributes: the closure sweep, outcomes, reports, the funder portal."""

from flashcoop.closure import api, openapi, report_api, report_openapi, report_routes, routes
from flashcoop.closure.errors import ClosureError
from flashcoop.core.domain import Domain

DOMAIN = Domain(
    name="closure",
    models=("flashcoop.closure.models",),
    routes=(*routes.routes, *report_routes.routes),
    api_routes=(*api.routes, *report_api.routes),
    openapi={**openapi.PATHS, **report_openapi.PATHS},
    errors=ClosureError,
)
