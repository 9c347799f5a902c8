"""What the workshops domain contributes: the programme, attendance, check-in, reminders."""

from flashcoop.cohorts.signals import cohort_created
from flashcoop.core.domain import Domain
from flashcoop.core.jobs import Job
from flashcoop.privacy.signals import member_export_requested
from flashcoop.workshops import api, cli, openapi, routes, sections
from flashcoop.workshops.errors import WorkshopsError
from flashcoop.workshops.privacy_data import export_attendance
from flashcoop.workshops.programme import on_cohort_created
from flashcoop.workshops.reminders import send_due_reminders

DOMAIN = Domain(
    name="workshops",
    models=("flashcoop.workshops.models",),
    routes=tuple(routes.routes),
    api_routes=tuple(api.routes),
    openapi=openapi.PATHS,
    errors=WorkshopsError,
    commands=(cli.add_send_reminders,),
    jobs=(Job("reminders", send_due_reminders, 60, "remind participants of coming workshops"),),
    home_sections=(sections.home_section,),
    dashboard_sections=(sections.dashboard_section,),
    member_figures=(sections.member_figures,),
    receivers=(
        (cohort_created, on_cohort_created),
        (member_export_requested, export_attendance),
    ),
)
