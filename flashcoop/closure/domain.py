"""What the closure domain contributes: the closure sweep, outcomes, reports, the funder portal."""

from flashcoop.closure.errors import ClosureError
from flashcoop.core.domain import Domain

DOMAIN = Domain(
    name="closure",
    models=("flashcoop.closure.models",),
    errors=ClosureError,
)
