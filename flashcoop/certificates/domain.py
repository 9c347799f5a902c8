"""What the certificates domain contributes: assessments, certificates, verification, badges."""

from flashcoop.certificates import (
    api,
    assessment_api,
    assessment_openapi,
    assessment_routes,
    assessment_sections,
    openapi,
    routes,
    sections,
)
from flashcoop.certificates.errors import CertificatesError
from flashcoop.core.domain import Domain

DOMAIN = Domain(
    name="certificates",
    models=("flashcoop.certificates.models",),
    routes=(*assessment_routes.routes, *routes.routes),
    api_routes=(*assessment_api.routes, *api.routes),
    openapi={**assessment_openapi.PATHS, **openapi.PATHS},
    errors=CertificatesError,
    home_sections=(sections.home_section, assessment_sections.home_section),
    dashboard_sections=(sections.dashboard_section, assessment_sections.dashboard_section),
)
