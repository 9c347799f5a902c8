"""What the ledger domain contributes: entries, reversals, totals, exports, integrity."""

from flashcoop.core.domain import Domain
from flashcoop.ledger import api, cli, openapi, routes, sections
from flashcoop.ledger.errors import LedgerError
from flashcoop.ledger.privacy_data import export_entries
from flashcoop.privacy.signals import member_export_requested

DOMAIN = Domain(
    name="ledger",
    models=("flashcoop.ledger.models",),
    routes=tuple(routes.routes),
    api_routes=tuple(api.routes),
    openapi=openapi.PATHS,
    errors=LedgerError,
    commands=(cli.add_ledger_command,),
    home_sections=(sections.home_section,),
    dashboard_sections=(sections.dashboard_section,),
    member_figures=(sections.member_figures,),
    receivers=((member_export_requested, export_entries),),
)
