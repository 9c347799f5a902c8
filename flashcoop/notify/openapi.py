"""(Stub, filled in by the work on this part.)"""

from typing import Any

PATHS: dict[str, Any] = {}
