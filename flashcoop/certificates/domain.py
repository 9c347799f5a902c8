"""What the certificates domain contributes: assessments, certificates, verification, badges."""

from flashcoop.certificates.errors import CertificatesError
from flashcoop.core.domain import Domain

DOMAIN = Domain(
    name="certificates",
    models=("flashcoop.certificates.models",),
    errors=CertificatesError,
)
