"""Joining on a phone: the join page behind the QR code, sign-in cards, signing out."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from flashcoop.accounts.services import check_rate, rate_key, record_failure
from flashcoop.cohorts import joining
from flashcoop.cohorts.cards import participant_from_card
from flashcoop.cohorts.errors import CohortsError
from flashcoop.cohorts.joining import JOIN_WINDOW
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.errors import N_, DomainError, NotFound, RateLimited, Text, ValidationError
from flashcoop.web.auth import settings_of, sign_in_participant, sign_out
from flashcoop.web.pages import client_address
from flashcoop.web.templating import render

# Where each refusal of the join service is shown: next to a field, or above the form.
FIELD_OF_CODE: dict[str, str] = {
    CohortsError.UNKNOWN_CODE: "code",
    CohortsError.NAME_TAKEN: "display_name",
}


async def _page(
    request: Request,
    cohort: Cohort | None,
    values: dict[str, str],
    errors: dict[str, Any],
    status: int = 200,
) -> Response:
    return render(
        request,
        "cohorts/join_form.html",
        {"cohort": cohort, "values": values, "errors": errors},
        status=status,
    )


async def join_by_link(request: Request) -> Response:
    code = joining.normalise_code(request.path_params["code"])
    cohort = await Cohort.get_or_none(join_code=code) if code else None
    values = {"code": code, "display_name": "", "pin": ""}
    if cohort is None:
        # Guessing codes through links costs attempts too, like the join form.
        key = rate_key("join", client_address(request))
        try:
            await check_rate(key, limit=settings_of(request).join_max_failures, window=JOIN_WINDOW)
        except RateLimited as exc:
            return await _page(request, None, values, {"form": exc.text}, status=429)
        await record_failure(key)
        errors = {"code": Text(N_("This code does not open any cohort. Check it."))}
        return await _page(request, None, values, errors, status=404)
    if request.method == "POST":
        return await _join(request, cohort_hint=cohort, path_code=code)
    return await _page(request, cohort, values, {})


async def join_by_code(request: Request) -> Response:
    if request.method == "POST":
        return await _join(request, cohort_hint=None, path_code=None)
    values = {"code": request.query_params.get("code", ""), "display_name": "", "pin": ""}
    return await _page(request, None, values, {})


async def _join(request: Request, *, cohort_hint: Cohort | None, path_code: str | None) -> Response:
    form = await request.form()
    values = {
        "code": path_code or str(form.get("code", "")).strip(),
        "display_name": str(form.get("display_name", "")),
        "pin": "",  # a PIN is never sent back into the page
        "gender": str(form.get("gender", "")),
        "birth_year": str(form.get("birth_year", "")).strip(),
        "situation_at_entry": str(form.get("situation_at_entry", "")),
        "education_level": str(form.get("education_level", "")),
        "guardian_name": str(form.get("guardian_name", "")),
    }
    # Checkboxes: present ("on") when ticked, absent otherwise.
    for box in ("named_in_reports", "profile_data", "minor", "guardian_consent"):
        values[box] = "on" if form.get(box) else ""
    data = {k: v for k, v in values.items() if k != "pin"}
    data["pin"] = str(form.get("pin", ""))
    participant, errors, status = await join_from_form(request, data)
    if participant is None:
        return await _page(request, cohort_hint, values, errors, status=status)
    await sign_in_participant(request, participant)
    return RedirectResponse("/me", status_code=303)


async def join_from_form(
    request: Request, data: dict[str, Any]
) -> tuple[Participant | None, dict[str, Any], int]:
    """Join, or sign in again, from a page's form (join page, check-in page): the member, or
    the errors to show next to the fields with the page's status."""
    try:
        participant, _created = await joining.join_cohort(
            joining.read_join(data),
            client=client_address(request),
            max_failures=settings_of(request).join_max_failures,
        )
    except ValidationError as exc:
        return None, dict(exc.fields), 422
    except RateLimited as exc:
        return None, {"form": exc.text}, 429
    except DomainError as exc:
        return None, {FIELD_OF_CODE.get(exc.code, "form"): exc.text}, exc.status
    return participant, {}, 200


async def sign_in_card(request: Request) -> Response:
    participant = await participant_from_card(
        request.path_params["token"], secret=settings_of(request).secret_key
    )
    if participant is None:
        raise NotFound(
            CohortsError.CARD_INVALID,
            N_("This sign-in card is no longer valid. Ask your facilitator for a new one."),
        )
    await sign_in_participant(request, participant)
    return RedirectResponse("/me", status_code=303)


async def participant_sign_out(request: Request) -> Response:
    await sign_out(request)
    return RedirectResponse("/join", status_code=303)


routes: list[BaseRoute] = [
    Route("/j/{code}", join_by_link, methods=["GET", "POST"]),
    Route("/join", join_by_code, methods=["GET", "POST"]),
    Route("/s/{token}", sign_in_card, methods=["GET"]),
    Route("/me/signout", participant_sign_out, methods=["POST"]),
]
