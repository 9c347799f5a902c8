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
from flashcoop.certificates.privacy_data import export_certificates, forget_holder
from flashcoop.core.domain import Domain
from flashcoop.privacy.signals import member_erased, member_export_requested

DOMAIN = Domain(
    name="certificates",
    models=("flashcoop.certificates.models",),
    routes=(*assessment_routes.routes, *routes.routes),
    api_routes=(*assessment_api.routes, *api.routes),
    openapi={**assessment_openapi.PATHS, **openapi.PATHS},
    errors=CertificatesError,
    home_sections=(sections.home_section, assessment_sections.home_section),
    dashboard_sections=(sections.dashboard_section, assessment_sections.dashboard_section),
    receivers=(
        (member_export_requested, export_certificates),
        (member_erased, forget_holder),
    ),
)
