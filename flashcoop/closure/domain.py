"""What the closure domain contributes: the closure sweep, outcomes, reports, the funder portal."""

from flashcoop.closure import (
    api,
    cli,
    openapi,
    report_api,
    report_openapi,
    report_routes,
    routes,
    sections,
)
from flashcoop.closure.errors import ClosureError
from flashcoop.closure.privacy_data import export_closure, forget_notes
from flashcoop.closure.sweep import close_due
from flashcoop.core.domain import Domain
from flashcoop.core.jobs import Job
from flashcoop.privacy.signals import member_erased, member_export_requested

DOMAIN = Domain(
    name="closure",
    models=("flashcoop.closure.models",),
    routes=(*routes.routes, *report_routes.routes),
    api_routes=(*api.routes, *report_api.routes),
    openapi={**openapi.PATHS, **report_openapi.PATHS},
    errors=ClosureError,
    commands=(cli.add_close_due,),
    jobs=(
        Job(
            "closure",
            close_due,
            60,
            "close the cohorts whose end has passed; resume closures a dead worker left",
        ),
    ),
    home_sections=(sections.home_section,),
    dashboard_sections=(sections.dashboard_section,),
    receivers=((member_export_requested, export_closure), (member_erased, forget_notes)),
)
