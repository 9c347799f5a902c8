"""Cohort pages for the staff: list, launch form, join QR and poster, join controls, PINs."""

from __future__ import annotations

from base64 import b64encode
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.functions import Count

from flashcoop.accounts.models import Organisation
from flashcoop.cohorts import forms, join_routes, joining, launch, members, services
from flashcoop.cohorts.cards import card_token
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import ValidationError
from flashcoop.core.pdf import render_pdf
from flashcoop.core.principal import Principal
from flashcoop.core.qr import qr_svg
from flashcoop.core.templating import render_template
from flashcoop.web.api import attachment
from flashcoop.web.auth import require, settings_of
from flashcoop.web.templating import render


def join_url(request: Request, cohort: Cohort) -> str:
    return services.join_url(settings_of(request).base_url, cohort)


async def staff_cohort(request: Request) -> tuple[Principal, Cohort]:
    principal = await require(request, "facilitator", "admin")
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)
    return principal, cohort


async def cohort_list(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin", "funder")
    cohorts = await services.visible_cohorts(principal).order_by("-starts_at")
    # One grouped query, not one per cohort: an admin's list holds hundreds of cohorts.
    rows = (
        await Participant.filter(cohort_id__in=[c.id for c in cohorts])
        .annotate(n=Count("id"))
        .group_by("cohort_id")
        .values("cohort_id", "n")
    )
    counts = {str(row["cohort_id"]): int(row["n"]) for row in rows}
    return render(
        request,
        "cohorts/cohort_list.html",
        {"cohorts": cohorts, "counts": counts, "now": utcnow(), "can_launch": principal.is_staff},
    )


async def _launch_context(principal: Principal) -> dict[str, Any]:
    funders = await Organisation.filter(kind="funder").order_by("name")
    structures: list[Organisation] = []
    if principal.user is not None and principal.user.organisation_id is None:
        structures = await Organisation.filter(kind="structure").order_by("name")
    return {
        "funders": funders,
        "structures": structures,
        "structure_options": [("", "—")] + [(str(s.id), s.name) for s in structures],
        "zones": forms.COMMON_ZONES,
        "framework_options": await launch.framework_options(principal),
    }


async def cohort_new(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    context = await _launch_context(principal)
    if request.method == "GET":
        values = forms.default_values(utcnow(), settings_of(request).timezone)
        return render(
            request, "cohorts/cohort_new.html", {**context, "values": values, "errors": {}}
        )
    form = await request.form()
    data, values, sent_rows = forms.read_launch_form(form)
    try:
        draft = await launch.read_cohort(
            data, principal=principal, default_timezone=settings_of(request).timezone
        )
        cohort = await launch.create_cohort(draft, principal=principal)
    except ValidationError as exc:
        errors = forms.errors_for_rows(exc.fields, sent_rows)
        return render(
            request,
            "cohorts/cohort_new.html",
            {**context, "values": values, "errors": errors},
            status=422,
        )
    return RedirectResponse(f"/cohorts/{cohort.id}", status_code=303)


async def join_qr(request: Request) -> Response:
    _, cohort = await staff_cohort(request)
    return Response(
        qr_svg(join_url(request, cohort)),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, no-store"},
    )


async def poster(request: Request) -> Response:
    _, cohort = await staff_cohort(request)
    url = join_url(request, cohort)
    html = render_template(
        "cohorts/cohort_poster.html",
        cohort=cohort,
        join_url=url,
        qr_b64=b64encode(qr_svg(url).encode()).decode(),
    )
    pdf = await render_pdf(html)
    filename = f"flashcoop-{cohort.join_code}.pdf"
    return attachment(pdf, "application/pdf", filename, inline=True)


async def regenerate_code(request: Request) -> Response:
    _, cohort = await staff_cohort(request)
    await joining.regenerate_join_code(cohort)
    return RedirectResponse(f"/cohorts/{cohort.id}?done=code#join", status_code=303)


async def set_joining(request: Request) -> Response:
    _, cohort = await staff_cohort(request)
    form = await request.form()
    open_ = str(form.get("open", "")) == "1"
    await joining.set_joining(cohort, open_=open_)
    done = "opened" if open_ else "closed"
    return RedirectResponse(f"/cohorts/{cohort.id}?done={done}#join", status_code=303)


async def participant_pin(request: Request) -> Response:
    _, cohort = await staff_cohort(request)
    participant = await members.participant_of(cohort, request.path_params["participant_id"])
    context: dict[str, Any] = {"cohort": cohort, "participant": participant, "errors": {}}
    if request.method == "GET":
        return render(request, "cohorts/participant_pin.html", context)
    form = await request.form()
    try:
        await joining.reset_pin(participant, str(form.get("pin", "")))
    except ValidationError as exc:
        context["errors"] = exc.fields
        return render(request, "cohorts/participant_pin.html", context, status=422)
    return RedirectResponse(
        f"/cohorts/{cohort.id}/participants/{participant.id}/pin?done=1", status_code=303
    )


async def participant_sign_out(request: Request) -> Response:
    _, cohort = await staff_cohort(request)
    participant = await members.participant_of(cohort, request.path_params["participant_id"])
    await joining.sign_out_everywhere(participant)
    return RedirectResponse(
        f"/cohorts/{cohort.id}/participants/{participant.id}/pin?signed_out=1", status_code=303
    )


async def participant_role(request: Request) -> Response:
    """Name a member treasurer (records expenses, corrects entries) or make them a member again;
    the same rule as `PATCH /api/v1/cohorts/{id}/participants/{pid}`."""
    principal, cohort = await staff_cohort(request)
    participant = await members.participant_of(cohort, request.path_params["participant_id"])
    form = await request.form()
    role = str(form.get("role", ""))
    await joining.update_participant(cohort, participant, {"role": role}, actor=principal)
    return RedirectResponse(
        f"/cohorts/{cohort.id}?done={role}&participant={participant.id}#members", status_code=303
    )


async def signin_cards(request: Request) -> Response:
    _, cohort = await staff_cohort(request)
    people = await members.members(cohort.id, order="name")
    only = request.query_params.get("participant")
    if only:
        people = [m for m in people if str(m.id) == only]
    base = settings_of(request).base_url.rstrip("/")
    secret = settings_of(request).secret_key
    cards = []
    for member in people:
        url = f"{base}/s/{card_token(member, secret=secret)}"
        cards.append({"participant": member, "url": url, "qr": qr_svg(url)})
    response = render(request, "cohorts/participant_cards.html", {"cohort": cohort, "cards": cards})
    response.headers["Cache-Control"] = "private, no-store"  # each card is a key
    return response


routes: list[BaseRoute] = [
    Route("/cohorts", cohort_list, methods=["GET"]),
    Route("/cohorts/new", cohort_new, methods=["GET", "POST"]),
    Route("/cohorts/{cohort_id}/join-qr.svg", join_qr, methods=["GET"]),
    Route("/cohorts/{cohort_id}/poster.pdf", poster, methods=["GET"]),
    Route("/cohorts/{cohort_id}/join-code", regenerate_code, methods=["POST"]),
    Route("/cohorts/{cohort_id}/joining", set_joining, methods=["POST"]),
    Route(
        "/cohorts/{cohort_id}/participants/{participant_id}/pin",
        participant_pin,
        methods=["GET", "POST"],
    ),
    Route(
        "/cohorts/{cohort_id}/participants/{participant_id}/sign-out",
        participant_sign_out,
        methods=["POST"],
    ),
    Route(
        "/cohorts/{cohort_id}/participants/{participant_id}/role",
        participant_role,
        methods=["POST"],
    ),
    Route("/cohorts/{cohort_id}/cards", signin_cards, methods=["GET"]),
    *join_routes.routes,
]
