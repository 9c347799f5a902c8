"""(Stub, filled in by the work on this part.)"""

from typing import Any

routes: list[Any] = []
