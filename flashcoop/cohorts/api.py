"""JSON API for cohorts, joining, organisations and `me` (thin: parse, call a service)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from flashcoop.accounts.services import create_token, staff_user, visible_organisations
from flashcoop.cohorts import joining, launch, members, services
from flashcoop.cohorts.cards import card_token
from flashcoop.cohorts.models import Cohort, Participant, Product
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import N_, ValidationError
from flashcoop.core.fields import format_amount
from flashcoop.web.api import iso, json_body, listing
from flashcoop.web.auth import get_principal, require, settings_of
from flashcoop.web.pages import client_address

# What lets someone join a cohort: for its staff only (a funder or a member holding the code
# could join, or hand it on).
JOIN_FIELDS = ("join_code", "join_url", "join_qr_url", "poster_url")


def cohort_json(
    cohort: Cohort,
    request: Request,
    products: list[Product] | None = None,
    *,
    staff: bool,
) -> dict[str, Any]:
    """The cohort as the API shows it; the join fields only when `staff` (who runs it)."""
    base = settings_of(request).base_url.rstrip("/")
    data: dict[str, Any] = {
        "id": str(cohort.id),
        "name": cohort.name,
        "activity": cohort.activity,
        "location": cohort.location,
        "status": cohort.public_status(utcnow()),
        "starts_at": iso(cohort.starts_at),
        "ends_at": iso(cohort.ends_at),
        "timezone": cohort.timezone,
        "currency": cohort.currency,
        "surplus_rule": cohort.surplus_rule,
        "framework": cohort.framework,
        "attendance_threshold": cohort.attendance_threshold,
        "programme": cohort.programme,
        "structure_id": cohort.structure_id,
        "joining_open": cohort.joining_open,
        "join_code": cohort.join_code,
        "join_url": services.join_url(base, cohort),
        "join_qr_url": f"{base}/cohorts/{cohort.id}/join-qr.svg",
        "poster_url": f"{base}/cohorts/{cohort.id}/poster.pdf",
        "closed_at": iso(cohort.closed_at),
    }
    if not staff:
        for private in JOIN_FIELDS:
            del data[private]
    if products is not None:
        data["products"] = [
            {"id": p.id, "label": p.label, "price": format_amount(p.price_cents)} for p in products
        ]
    return data


def participant_json(participant: Participant) -> dict[str, Any]:
    return {
        "id": str(participant.id),
        "cohort_id": str(participant.cohort_id),
        "display_name": members.person_name(participant),
        "role": participant.role,
        "gender": participant.gender or None,
        "birth_year": participant.birth_year,
    }


async def cohort_list(request: Request) -> Response:
    principal = await require(request)
    cohorts = await services.visible_cohorts(principal).order_by("-starts_at")
    return listing([cohort_json(c, request, staff=principal.is_staff) for c in cohorts])


async def cohort_create(request: Request) -> Response:
    principal = await require(request, "facilitator", "admin")
    data = await json_body(request)
    draft = await launch.read_cohort(
        data, principal=principal, default_timezone=settings_of(request).timezone
    )
    cohort = await launch.create_cohort(draft, principal=principal)
    products = await Product.filter(cohort=cohort)
    return JSONResponse(cohort_json(cohort, request, products, staff=True), status_code=201)


async def cohort_detail(request: Request) -> Response:
    principal = await require(request)
    cohort = await services.get_cohort(principal, request.path_params["cohort_id"])
    products = await Product.filter(cohort=cohort)
    return JSONResponse(cohort_json(cohort, request, products, staff=principal.is_staff))


async def join(request: Request) -> Response:
    data = await json_body(request)
    settings = settings_of(request)
    participant, created = await joining.join_cohort(
        joining.read_join(data),
        client=client_address(request),
        max_failures=settings.join_max_failures,
    )
    token = await create_token(participant=participant, name="join")
    return JSONResponse(
        {"participant": participant_json(participant), "token": token},
        status_code=201 if created else 200,
    )


async def organisations(request: Request) -> Response:
    principal = await require(request, "admin", "facilitator", "funder")
    found = await visible_organisations(principal).order_by("name")
    return listing([{"id": o.id, "name": o.name, "kind": o.kind} for o in found])


async def me(request: Request) -> Response:
    principal = await require(request)
    data: dict[str, Any] = {"role": principal.role}
    if principal.user is not None:
        user = staff_user(principal)
        data["user"] = {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "organisation_id": user.organisation_id,
        }
    if principal.participant is not None:
        participant = members.member(principal)
        cohort = await Cohort.get(id=participant.cohort_id)
        data["participant"] = participant_json(participant)
        data["cohort"] = cohort_json(cohort, request, staff=False)
    return JSONResponse(data)


async def _staff_cohort(request: Request) -> Cohort:
    principal = await require(request, "facilitator", "admin")
    return await services.get_cohort(principal, request.path_params["cohort_id"], staff=True)


async def cohort_update(request: Request) -> Response:
    cohort = await _staff_cohort(request)
    data = await json_body(request)
    value = data.get("joining_open")
    if not isinstance(value, bool) or set(data) != {"joining_open"}:
        raise ValidationError({"joining_open": N_("Send only joining_open: true or false.")})
    await joining.set_joining(cohort, open_=value)
    return JSONResponse(cohort_json(cohort, request, staff=True))


async def join_code_regenerate(request: Request) -> Response:
    cohort = await _staff_cohort(request)
    await joining.regenerate_join_code(cohort)
    return JSONResponse(cohort_json(cohort, request, staff=True))


async def participant_pin(request: Request) -> Response:
    cohort = await _staff_cohort(request)
    participant = await members.participant_of(cohort, request.path_params["participant_id"])
    data = await json_body(request)
    await joining.reset_pin(participant, str(data.get("pin", "")))
    return JSONResponse(participant_json(participant))


async def participant_sign_out(request: Request) -> Response:
    """Sign a member out of every device (a lost or shared phone)."""
    cohort = await _staff_cohort(request)
    participant = await members.participant_of(cohort, request.path_params["participant_id"])
    ended = await joining.sign_out_everywhere(participant)
    return JSONResponse({"participant": participant_json(participant), "sessions_ended": ended})


async def participant_update(request: Request) -> Response:
    cohort = await _staff_cohort(request)
    participant = await members.participant_of(cohort, request.path_params["participant_id"])
    data = await json_body(request)
    actor = await get_principal(request)
    await joining.update_participant(cohort, participant, data, actor=actor)
    return JSONResponse(participant_json(participant))


async def participant_signin_link(request: Request) -> Response:
    cohort = await _staff_cohort(request)
    participant = await members.participant_of(cohort, request.path_params["participant_id"])
    settings = settings_of(request)
    token = card_token(participant, secret=settings.secret_key)
    return JSONResponse({"url": f"{settings.base_url.rstrip('/')}/s/{token}"})


routes = [
    Route("/api/v1/cohorts", cohort_list, methods=["GET"]),
    Route("/api/v1/cohorts", cohort_create, methods=["POST"]),
    Route("/api/v1/cohorts/{cohort_id}", cohort_detail, methods=["GET"]),
    Route("/api/v1/cohorts/{cohort_id}", cohort_update, methods=["PATCH"]),
    Route("/api/v1/cohorts/{cohort_id}/join-code", join_code_regenerate, methods=["POST"]),
    Route(
        "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/pin",
        participant_pin,
        methods=["POST"],
    ),
    Route(
        "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/sign-out",
        participant_sign_out,
        methods=["POST"],
    ),
    Route(
        "/api/v1/cohorts/{cohort_id}/participants/{participant_id}",
        participant_update,
        methods=["PATCH"],
    ),
    Route(
        "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/signin-link",
        participant_signin_link,
        methods=["GET"],
    ),
    Route("/api/v1/join", join, methods=["POST"]),
    Route("/api/v1/organisations", organisations, methods=["GET"]),
    Route("/api/v1/me", me, methods=["GET"]),
]
