"""The one list of installed domains, lowest first: the only place the shell names them.

The app, the command line, the scheduler and the migrations all ask the `House` built from
this list. Adding a domain: a package with a `domain.py` that declares `DOMAIN`, and its name
here, above the domains it imports (see docs/architecture.md).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any

from flashcoop.core import db
from flashcoop.core.domain import House

# The sale form comes before the programme on the pages composed of sections: the ledger is
# listed before workshops (siblings: neither imports the other).
INSTALLED = (
    "accounts",
    "cohorts",
    "notify",
    "privacy",
    "ledger",
    "workshops",
    "certificates",
    "closure",
)


@cache
def house() -> House:
    """The installed domains, loaded once: models named to the database, receivers connected."""
    built = House([import_module(f"flashcoop.{name}.domain").DOMAIN for name in INSTALLED])
    db.use_models(built.models)
    built.connect_receivers()
    return built


def __getattr__(name: str) -> Any:
    # The `tortoise` CLI (makemigrations) reads flashcoop.domains.TORTOISE_ORM; resolve the
    # settings only then, so importing this module never creates ./var/.
    if name == "TORTOISE_ORM":
        from flashcoop.core.settings import Settings

        house()
        return db.tortoise_config(Settings.from_env().database_url)
    raise AttributeError(name)
