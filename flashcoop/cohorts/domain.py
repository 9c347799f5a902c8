"""What the cohorts domain contributes: cohorts, joining, participants, the composed pages."""

from flashcoop.cohorts import (
    api,
    cli,
    frameworks_api,
    frameworks_routes,
    identity,
    openapi,
    pages,
    routes,
)
from flashcoop.cohorts.errors import CohortsError
from flashcoop.core.domain import Domain

DOMAIN = Domain(
    name="cohorts",
    models=("flashcoop.cohorts.models",),
    # /cohorts/new before the dashboard's /cohorts/{cohort_id}.
    routes=(*routes.routes, *pages.routes, *frameworks_routes.routes),
    api_routes=(*api.routes, *pages.api_routes, *frameworks_api.routes),
    openapi={**openapi.PATHS, **frameworks_api.PATHS},
    commands=(cli.add_participant_command,),
    errors=CohortsError,
    identify=identity.identify,
)
