"""What the certificates domain contributes: assessments, certificates, verification, badges."""

from flashcoop.certificates import (
    api,
    assessment_api,
    assessment_openapi,
    assessment_routes,
    openapi,
    routes,
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
)
