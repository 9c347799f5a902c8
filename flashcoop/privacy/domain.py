"""What the privacy domain contributes: its tables, the consents and data pages and API, the
audit trail, erasure, the retention job, and the receivers that audit cohorts' changes."""

from flashcoop.cohorts.signals import participant_changed, participant_joined
from flashcoop.core.domain import Domain
from flashcoop.core.jobs import Job
from flashcoop.privacy import api, openapi, routes, sections
from flashcoop.privacy.errors import PrivacyError
from flashcoop.privacy.receivers import on_participant_changed, on_participant_joined
from flashcoop.privacy.retention import run_retention

DOMAIN = Domain(
    name="privacy",
    models=("flashcoop.privacy.models",),
    routes=tuple(routes.routes),
    api_routes=tuple(api.routes),
    openapi=openapi.PATHS,
    errors=PrivacyError,
    jobs=(
        Job(
            "retention",
            run_retention,
            3600,
            "anonymise the members of cohorts closed longer ago than the retention period",
        ),
    ),
    dashboard_sections=(sections.dashboard_section,),
    receivers=(
        (participant_joined, on_participant_joined),
        (participant_changed, on_participant_changed),
    ),
)
