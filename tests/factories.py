"""Real rows through the real services, with keyword arguments for what a test cares about."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import httpx

from flashcoop.accounts.models import Organisation, User
from flashcoop.accounts.services import create_token, create_user, get_or_create_organisation
from flashcoop.cohorts.joining import join_cohort, read_join
from flashcoop.cohorts.launch import create_cohort, read_cohort
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.principal import Principal

PASSWORD = "correct horse battery"


async def make_user(
    role: str = "facilitator", *, email: str | None = None, organisation: str | None = "CAE Test"
) -> User:
    count = await User.all().count()
    return await create_user(
        email=email or f"{role}{count}@example.org",
        role=role,
        password=PASSWORD,
        name=f"{role.title()} {count}",
        organisation=None
        if role == "admin"
        else (organisation if role == "facilitator" else (organisation or "Funder")),
    )


async def make_funder_org(name: str = "Département Test") -> Organisation:
    return await get_or_create_organisation(name, "funder")


async def make_cohort(
    *,
    facilitator: User | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Cohort:
    facilitator = facilitator or await make_user("facilitator")
    now = now or utcnow()
    starts_at = starts_at or now - timedelta(hours=1)
    ends_at = ends_at or now + timedelta(days=10)
    data = {
        "name": "Épicerie test",
        "activity": "Épicerie",
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        **fields,
    }
    principal = Principal(user=facilitator)
    draft = await read_cohort(data, principal=principal, default_timezone="Europe/Paris", now=now)
    return await create_cohort(draft, principal=principal)


async def make_participant(
    cohort: Cohort, display_name: str = "Aïcha", pin: str = "1234", **fields: Any
) -> Participant:
    participant, _ = await join_cohort(
        read_join({"code": cohort.join_code, "display_name": display_name, "pin": pin, **fields}),
        client="factory",
        max_failures=10_000,
    )
    return participant


async def bearer(who: User | Participant) -> dict[str, str]:
    if isinstance(who, User):
        token = await create_token(user=who)
    else:
        token = await create_token(participant=who)
    return {"Authorization": f"Bearer {token}"}


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF field in the page"
    return match.group(1)


async def login(client: httpx.AsyncClient, user: User, password: str = PASSWORD) -> None:
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": user.email, "password": password, "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 303, response.text


async def post_form(
    client: httpx.AsyncClient, page_url: str, action: str, data: dict[str, Any]
) -> httpx.Response:
    """GET a page for its CSRF token, then POST the form as a browser would."""
    page = await client.get(page_url)
    return await client.post(action, data={**data, "csrf_token": csrf_from(page.text)})
