"""What the cohorts domain contributes: cohorts, joining, participants, the composed pages."""

from flashcoop.cohorts import api, identity, openapi, pages, routes
from flashcoop.cohorts.errors import CohortsError
from flashcoop.core.domain import Domain

DOMAIN = Domain(
    name="cohorts",
    models=("flashcoop.cohorts.models",),
    # /cohorts/new before the dashboard's /cohorts/{cohort_id}.
    routes=(*routes.routes, *pages.routes),
    api_routes=(*api.routes, *pages.api_routes),
    openapi=openapi.PATHS,
    errors=CohortsError,
    identify=identity.identify,
)
