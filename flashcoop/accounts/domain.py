"""What the accounts domain contributes: organisations, staff users, sign-in, API tokens."""

from flashcoop.accounts import cli, openapi, routes
from flashcoop.accounts.errors import AccountsError
from flashcoop.core.domain import Domain

DOMAIN = Domain(
    name="accounts",
    models=("flashcoop.accounts.models",),
    routes=tuple(routes.routes),
    openapi=openapi.PATHS,
    errors=AccountsError,
    commands=(cli.add_commands,),
)
