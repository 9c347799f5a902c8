"""Signing in and out, account pages (password, API tokens), the staff list, and their API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from flashcoop.accounts import services
from flashcoop.accounts.models import ROLES, ApiToken, Organisation, User
from flashcoop.accounts.services import authenticate, check_rate, rate_key, record_failure
from flashcoop.core.errors import N_, NotFound, RateLimited, Text, ValidationError
from flashcoop.core.fields import TITLE_MAX, Fields
from flashcoop.web.api import iso, json_body, listing
from flashcoop.web.auth import require, settings_of, sign_in_user, sign_out
from flashcoop.web.pages import client_address, safe_next
from flashcoop.web.templating import render

LOGIN_WINDOW = timedelta(minutes=15)


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "organisation_id": user.organisation_id,
        "is_active": user.is_active,
        "created_at": iso(user.created_at),
    }


def token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
        "revoked": token.revoked_at is not None,
    }


async def _own_tokens(user: User) -> list[ApiToken]:
    return await ApiToken.filter(user_id=user.id, revoked_at=None).order_by("-created_at")


async def account_page(request: Request) -> Response:
    principal = await require(request, *ROLES)
    user = services.staff_user(principal)
    errors: dict[str, Any] = {}
    new_token = None
    notice = None
    status = 200
    if request.method == "POST":
        form = await request.form()
        action = form.get("action")
        try:
            if action == "password":
                await services.change_password(
                    user,
                    current=str(form.get("current_password", "")),
                    new=str(form.get("new_password", "")),
                )
                await sign_in_user(request, user)  # this session stays; the others end
                notice = "password"
            elif action == "token":
                label = str(form.get("name", "")).strip()[:120] or "web"
                new_token = await services.create_token(user=user, name=label)
            elif action == "revoke":
                await services.revoke_token(user, int(str(form.get("token_id", "0")) or 0))
                return RedirectResponse("/account", status_code=303)
        except ValidationError as exc:
            errors = exc.fields
            status = 422
    context = {
        "user": user,
        "tokens": await _own_tokens(user),
        "errors": errors,
        "new_token": new_token,
        "notice": notice,
    }
    return render(request, "accounts/account.html", context, status=status)


async def admin_users(request: Request) -> Response:
    principal = await require(request, "admin")
    errors: dict[str, Any] = {}
    values: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await request.form()
        values = {k: str(form.get(k, "")) for k in ("email", "role", "name", "organisation")}
        if form.get("action") in ("deactivate", "activate"):
            await services.set_active(
                services.staff_user(principal),
                int(str(form.get("user_id", "0")) or 0),
                active=form.get("action") == "activate",
            )
            return RedirectResponse("/admin/users", status_code=303)
        try:
            await services.create_user(
                email=values["email"],
                role=values["role"],
                name=values["name"],
                organisation=values["organisation"] or None,
                password=str(form.get("password", "")),
            )
            return RedirectResponse("/admin/users?created=1", status_code=303)
        except ValidationError as exc:
            errors, status = exc.fields, 422
    users = await User.all().order_by("email").prefetch_related("organisation")
    organisations = await Organisation.all().order_by("name")
    context = {
        "users": users,
        "organisations": organisations,
        "errors": errors,
        "values": values,
        "roles": ROLES,
        "created": request.query_params.get("created"),
    }
    return render(request, "accounts/admin_users.html", context, status=status)


async def users_api(request: Request) -> Response:
    await require(request, "admin")
    if request.method == "GET":
        return listing([user_json(u) for u in await User.all().order_by("id")])
    data = await json_body(request)
    user = await services.create_user(
        email=str(data.get("email", "")),
        role=str(data.get("role", "")),
        name=str(data.get("name") or ""),
        password=str(data.get("password", "")),
        organisation=data.get("organisation"),
    )
    return JSONResponse(user_json(user), status_code=201)


async def tokens_api(request: Request) -> Response:
    principal = await require(request, *ROLES)
    user = services.staff_user(principal)
    if request.method == "GET":
        return listing([token_json(t) for t in await _own_tokens(user)])
    form = Fields(await json_body(request))
    # A name that is no text, or too long, is refused (422), not coerced nor cut.
    name = form.text("name", required=False, max_len=TITLE_MAX, default="api")
    form.check()
    token, row = await services.issue_token(user=user, name=name)
    return JSONResponse({**token_json(row), "token": token}, status_code=201)


async def token_revoke_api(request: Request) -> Response:
    principal = await require(request, *ROLES)
    try:
        token_id = int(request.path_params["token_id"])
    except ValueError:
        token_id = 0
    if token_id <= 0:
        raise NotFound()
    await services.revoke_token(services.staff_user(principal), token_id)
    return JSONResponse({"id": token_id, "revoked": True})


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        return render(request, "accounts/login.html", {"next": next_url, "errors": {}})
    form = await request.form()
    email = str(form.get("email", "")).strip()
    password = str(form.get("password", ""))
    next_url = safe_next(str(form.get("next", "")) or None)
    settings = settings_of(request)
    keys = [rate_key("login", client_address(request)), rate_key("login-email", email.lower())]
    try:
        for key in keys:
            await check_rate(key, limit=settings.login_max_failures, window=LOGIN_WINDOW)
    except RateLimited as exc:
        context = {"next": next_url, "email": email, "errors": {"form": exc.text}}
        return render(request, "accounts/login.html", context, status=429)
    user = await authenticate(email, password)
    if user is None:
        for key in keys:
            await record_failure(key)
        errors = {"form": Text(N_("Wrong e-mail or password."))}
        context = {"next": next_url, "email": email, "errors": errors}
        return render(request, "accounts/login.html", context, status=400)
    await sign_in_user(request, user)
    return RedirectResponse(next_url, status_code=303)


async def logout(request: Request) -> Response:
    await sign_out(request)
    return RedirectResponse("/login", status_code=303)


routes = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/account", account_page, methods=["GET", "POST"]),
    Route("/admin/users", admin_users, methods=["GET", "POST"]),
    Route("/api/v1/users", users_api, methods=["GET", "POST"]),
    Route("/api/v1/tokens", tokens_api, methods=["GET", "POST"]),
    Route("/api/v1/tokens/{token_id}/revoke", token_revoke_api, methods=["POST"]),
]
