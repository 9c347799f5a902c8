"""The access-control matrix: every route of the app, for every role, answers as the table says.

One test walks all of them (pages and API) with eight callers: nobody, a participant of the
cohort, a participant of another cohort, a facilitator of the cohort's structure, a facilitator
of another structure, a funder of the cohort, another funder, an admin. Each answer is sorted
into a class (allowed, or refused with 401, 403, 404, or a redirect to the login page) and
compared with `EXPECTED`. A route of the app without an entry fails the test, so a new route
cannot ship without someone deciding who may call it.

Allowed callers are sent empty bodies: authorisation comes before validation everywhere, so an
allowed caller gets a 2xx, a redirect, 409 or 422, while a refused one never gets past the
check. Routes that end something (a session, a cohort, a webhook, a join code) run last.
Set FLASHCOOP_ACCESS_MATRIX_PRINT=1 to print the observed table.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from flashcoop.accounts.services import issue_token
from flashcoop.app import all_routes
from flashcoop.certificates.issuing import issue_certificate
from flashcoop.cohorts.cards import card_token
from flashcoop.cohorts.models import Cohort, Participant
from flashcoop.core.clock import utcnow
from flashcoop.core.principal import Principal
from flashcoop.core.settings import Settings
from flashcoop.ledger.services import record_entry
from flashcoop.notify.models import WebhookDelivery
from flashcoop.notify.webhooks import create_webhook, read_webhook
from tests.factories import (
    bearer,
    csrf_from,
    login,
    make_cohort,
    make_funder_org,
    make_participant,
    make_user,
)
from tests.ledger_helpers import book_draft
from tests.report_helpers import make_closed
from tests.workshop_helpers import make_workshop

FORMULA = '=HYPERLINK("http://evil.example/","x")'
STAFF = ("facilitator", "admin")  # of the cohort: who runs it
ROLES = (
    "anonymous",
    "participant",
    "other_participant",
    "facilitator",
    "other_facilitator",
    "funder",
    "other_funder",
    "admin",
)


def app_routes() -> Iterator[tuple[str, str]]:
    """Every (method, path template) the app answers, static files aside."""

    def walk(routes: Any, prefix: str) -> Iterator[tuple[str, str]]:
        for route in routes:
            if isinstance(route, Mount):
                if route.path != "/static":
                    yield from walk(route.routes, prefix + route.path)
            elif isinstance(route, Route):
                for method in route.methods or ():
                    if method != "HEAD":
                        yield method, prefix + route.path

    yield from walk(all_routes(), "")


def classify(response: httpx.Response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.headers.get("location", "")
        return "login" if location.startswith("/login") else "redirect"
    if 200 <= status < 300:
        return "ok"
    return str(status)


OK = frozenset({"ok"})
# Allowed through the check (an empty body then fails validation or meets a state conflict).
ALLOW = frozenset({"ok", "redirect", "400", "409", "422"})
LOGIN = frozenset({"login"})  # a page's redirect to the login page
DENY_401 = frozenset({"401"})
DENY_403 = frozenset({"403"})
DENY_404 = frozenset({"404"})
NAMES = {"ok": "OK", "login": "LOGIN", "401": "DENY_401", "403": "DENY_403", "404": "DENY_404"}
NAMES.update({c: "ALLOW" for c in ("redirect", "400", "409", "422")})


@dataclass
class World:
    cohort: Cohort  # live, of the facilitator's structure, funded by the funder
    closed: Cohort  # closed with a report, same structure and funder
    member: Participant  # the "participant" role
    subject: Participant  # the member staff act upon (PIN reset, outcome, certificate)
    params: dict[str, str]
    closed_params: dict[str, str]
    second_webhook_id: str  # each of the two delete routes deletes its own

    def url(self, method: str, path: str) -> str:
        params = self.closed_params if path in CLOSED_COHORT_PATHS else self.params
        if path == "/admin/webhooks/{webhook_id}/delete":
            params = {**params, "webhook_id": self.second_webhook_id}
        return fill(path, params)

    def form(self, method: str, path: str) -> dict[str, str]:
        # The one page form that looks its object up before validating anything.
        if path == "/cohorts/{cohort_id}/certificates/issue":
            return {"participant_id": str(self.subject.id)}
        return {}


async def build_world(app: Starlette, settings: Settings) -> tuple[World, dict[str, Any]]:
    funder_org = await make_funder_org("Département Test")
    await make_funder_org("Autre Financeur")
    facilitator = await make_user("facilitator", organisation="CAE Test")
    other_facilitator = await make_user("facilitator", organisation="CAE Autre")
    funder = await make_user("funder", organisation="Département Test")
    other_funder = await make_user("funder", organisation="Autre Financeur")
    admin = await make_user("admin")

    now = utcnow()
    cohort = await make_cohort(
        facilitator=facilitator,
        starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=5),
        funders=[funder_org.id],
    )
    member = await make_participant(cohort, "Aïcha")
    subject = await make_participant(cohort, "Bruno", pin="4321")
    other_cohort = await make_cohort(facilitator=other_facilitator)
    other_member = await make_participant(other_cohort, "Zoé")
    workshop = await make_workshop(cohort, starts_at=now - timedelta(hours=1))
    # A label a spreadsheet would run as a formula: every CSV answer must make it inert.
    sale = replace(book_draft("sale", 250, now), label=FORMULA)
    entry = await record_entry(cohort, sale, principal=Principal(participant=member), now=now)
    certificate, _ = await issue_certificate(
        cohort,
        member,
        principal=Principal(user=facilitator),
        reason="Emploi trouvé",
        settings=settings,
        now=now,
    )
    closed = (
        await make_closed(("Chloé", "Dylan", "Eva"), funder_org=funder_org, facilitator=facilitator)
    ).cohort
    webhook = await create_webhook(
        read_webhook({"url": "https://example.org/hook", "events": ["cohort.closed"]}),
        created_by=admin.id,
    )
    delivery = await WebhookDelivery.create(
        id=uuid.uuid4(),
        webhook_id=webhook.id,
        event="cohort.closed",
        event_key=f"cohort.closed:{closed.id}",
        body="{}",
        next_attempt_at=now,
        created_at=now,
    )
    second_webhook = await create_webhook(
        read_webhook({"url": "https://example.org/other", "events": ["cohort.closed"]}),
        created_by=admin.id,
    )
    _, spare_token = await issue_token(user=facilitator, name="spare")
    entry_id = entry.entry.id
    params = {
        "cohort_id": str(cohort.id),
        "participant_id": str(subject.id),
        "workshop_id": str(workshop.id),
        "entry_id": str(entry_id),
        "certificate_id": str(certificate.id),
        "webhook_id": str(webhook.id),
        "delivery_id": str(delivery.id),
        "token_id": str(spare_token.id),
        "organisation_id": str(facilitator.organisation_id),
        "org_id": str(facilitator.organisation_id),
        "code": cohort.join_code,
        "token": "not-a-token",
    }
    closed_params = {**params, "cohort_id": str(closed.id)}
    callers: dict[str, Any] = {
        "participant": member,
        "other_participant": other_member,
        "facilitator": facilitator,
        "other_facilitator": other_facilitator,
        "funder": funder,
        "other_funder": other_funder,
        "admin": admin,
    }
    world = World(cohort, closed, member, subject, params, closed_params, str(second_webhook.id))
    return world, callers


# Report routes need a closed cohort: they are walked on the closed one.
CLOSED_COHORT_PATHS = {
    "/api/v1/cohorts/{cohort_id}/report.json",
    "/api/v1/cohorts/{cohort_id}/report.csv",
    "/api/v1/cohorts/{cohort_id}/report.pdf",
    "/api/v1/cohorts/{cohort_id}/reports",
    "/api/v1/cohorts/{cohort_id}/followup-reports",
    "/cohorts/{cohort_id}/followup-report",
}
# Routes that end something: walked after all the others, in this order.
LAST = [
    ("POST", "/api/v1/participants/{participant_id}/erase"),
    ("POST", "/admin/participants/{participant_id}/erase"),
    ("POST", "/api/v1/certificates/{certificate_id}/revoke"),
    ("POST", "/certificates/{certificate_id}/revoke"),
    ("POST", "/api/v1/tokens/{token_id}/revoke"),
    ("POST", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"),
    ("POST", "/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"),
    ("POST", "/admin/webhooks/{webhook_id}/delete"),
    ("POST", "/cohorts/{cohort_id}/joining"),
    ("POST", "/api/v1/cohorts/{cohort_id}/join-code"),
    ("POST", "/cohorts/{cohort_id}/join-code"),
    ("POST", "/api/v1/cohorts/{cohort_id}/close"),
    ("POST", "/cohorts/{cohort_id}/close"),
    ("POST", "/logout"),
    ("POST", "/me/signout"),
]


def fill(path: str, params: dict[str, str]) -> str:
    for name, value in params.items():
        path = path.replace("{" + name + "}", value).replace("{" + name + ":int}", value)
    return path


class Caller:
    """One role: a browser (cookies, CSRF) for pages and a Bearer token for the API."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.csrf = ""

    async def refresh_csrf(self) -> None:
        # Every page carries the language form, hence the session's CSRF token.
        page = await self.client.get("/", follow_redirects=True)
        self.csrf = csrf_from(page.text)

    async def call(self, method: str, url: str, form: dict[str, str]) -> httpx.Response:
        if url.startswith("/api/"):
            body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
            return await self.client.request(method, url, headers=self.headers, **body)
        if method == "GET":
            return await self.client.get(url)
        headers = {"X-CSRF-Token": self.csrf}
        return await self.client.request(method, url, headers=headers, data=form)


async def make_callers(
    app: Starlette, settings: Settings, who: dict[str, Any]
) -> dict[str, Caller]:
    callers: dict[str, Caller] = {}
    for role in ROLES:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        person = who.get(role)
        if person is None:
            headers: dict[str, str] = {}
        elif isinstance(person, Participant):
            response = await client.get(f"/s/{card_token(person, secret=settings.secret_key)}")
            assert response.status_code == 303, response.text
            headers = await bearer(person)
        else:
            await login(client, person)
            headers = await bearer(person)
        caller = Caller(client, headers)
        await caller.refresh_csrf()
        callers[role] = caller
    return callers


# Files meant to be cached (no one's data in them), and the public certificate documents that
# anyone may fetch and that revalidate ("no-cache") so a revocation shows at once.
CACHEABLE = {"/sw.js", "/favicon.ico", "/badges/image.svg"}
PUBLIC_DOCUMENTS = (
    "/verify/",
    "/badges/assertions/",
    "/badges/classes/",
    "/badges/credentials/",
    "/badges/issuers/",
    "/badges/keys/",
)


def leaks_in(
    response: httpx.Response, where: str, role: str, path: str, join_code: str
) -> list[str]:
    found = []
    # Nobody but the cohort's staff learns its join code, from any answer (but the join page,
    # reached by knowing it).
    if role not in STAFF and "{code}" not in path and join_code in response.text:
        found.append(f"{where}: the join code")
    # What a signed-in person is shown stays out of shared and disk caches.
    cache = response.headers.get("cache-control", "")
    private = path not in CACHEABLE and not path.startswith(PUBLIC_DOCUMENTS)
    if role != "anonymous" and private and "no-store" not in cache:
        found.append(f"{where}: no Cache-Control: no-store")
    # Every CSV goes through the one writer: no cell starts a formula.
    if response.headers.get("content-type", "").startswith("text/csv"):
        for line in response.text.lstrip("\ufeff").splitlines():
            # Split on either separator (the French exports use ";"): stricter than a reader.
            if any(cell.strip('"').startswith("=") for cell in re.split("[,;]", line)):
                found.append(f"{where}: a formula cell in {line!r}")
    return found


def row(*classes: frozenset[str]) -> dict[str, frozenset[str]]:
    """One route's expected answer classes, in the order of ROLES."""
    assert len(classes) == len(ROLES)
    return dict(zip(ROLES, classes, strict=True))


async def test_every_route_answers_every_role_as_the_matrix_says(
    app: Starlette, settings: Settings
) -> None:
    world, who = await build_world(app, settings)
    callers = await make_callers(app, settings, who)
    routes = sorted(set(app_routes()), key=lambda r: (r in LAST and LAST.index(r) + 1, r[1], r[0]))
    join_code = world.cohort.join_code
    observed: dict[tuple[str, str], dict[str, str]] = {}
    leaks: list[str] = []
    try:
        for method, path in routes:
            url = world.url(method, path)
            observed[(method, path)] = {}
            for role in ROLES:
                caller = callers[role]
                if (method, path) in LAST and not path.startswith("/api/"):
                    await caller.refresh_csrf()  # an earlier sign-out renewed the session
                response = await caller.call(method, url, world.form(method, path))
                observed[(method, path)][role] = classify(response)
                leaks += leaks_in(response, f"{method} {path} as {role}", role, path, join_code)
    finally:
        for caller in callers.values():
            await caller.client.aclose()
    if os.environ.get("FLASHCOOP_ACCESS_MATRIX_PRINT"):
        for (method, path), answers in observed.items():
            print(
                f"    ({method!r}, {path!r}): row("
                + ", ".join(NAMES[answers[r]] for r in ROLES)
                + "),"
            )
    assert not leaks, "\n".join(leaks)
    assert set(observed) - set(EXPECTED) == set(), "routes without an entry in EXPECTED"
    assert set(EXPECTED) - set(observed) == set(), "entries of EXPECTED that are no route"
    wrong = [
        f"{method} {path} as {role}: {answer}, expected {sorted(EXPECTED[(method, path)][role])}"
        for (method, path), answers in observed.items()
        for role, answer in answers.items()
        if answer not in EXPECTED[(method, path)][role]
    ]
    assert not wrong, "\n".join(wrong)


# The answers that recur, by who may: the cohort's staff (its facilitator, an admin), its
# members, its funders, any staff member, admins only, anyone.
# Public pages and documents (certificate verification, badges, joining, health).
PUBLIC = row(OK, OK, OK, OK, OK, OK, OK, OK)
PUBLIC_WRITE = row(ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW)
# The cohort's staff only; another structure's facilitator is not told the cohort exists.
STAFF_API = row(DENY_401, DENY_403, DENY_403, OK, DENY_404, DENY_403, DENY_403, OK)
STAFF_API_WRITE = row(DENY_401, DENY_403, DENY_403, ALLOW, DENY_404, DENY_403, DENY_403, ALLOW)
STAFF_PAGE = row(LOGIN, DENY_403, DENY_403, OK, DENY_404, DENY_403, DENY_403, OK)
STAFF_PAGE_WRITE = row(LOGIN, DENY_403, DENY_403, ALLOW, DENY_404, DENY_403, DENY_403, ALLOW)
# Admins only (users, webhooks, audit, erasure).
ADMIN_API = row(DENY_401, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403, OK)
ADMIN_API_WRITE = row(DENY_401, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403, ALLOW)
ADMIN_PAGE = row(LOGIN, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403, OK)
ADMIN_PAGE_WRITE = row(LOGIN, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403, ALLOW)
# A participant's own things (any participant, about themself).
MEMBER_API = row(DENY_401, OK, OK, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403)
MEMBER_PAGE = row(LOGIN, OK, OK, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403)
MEMBER_PAGE_WRITE = row(LOGIN, ALLOW, ALLOW, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403)
# Everyone in the cohort: its members, its staff, its funders.
COHORT_API = row(DENY_401, OK, DENY_404, OK, DENY_404, OK, DENY_404, OK)
# The cohort's staff and funders (reports).
FUNDED_API = row(DENY_401, DENY_403, DENY_403, OK, DENY_404, OK, DENY_404, OK)
# Any staff member, scoped inside to what is theirs.
ANY_STAFF_API = row(DENY_401, DENY_403, DENY_403, OK, OK, OK, OK, OK)
ANY_STAFF_PAGE = row(LOGIN, DENY_403, DENY_403, OK, OK, OK, OK, OK)
# Creating in one's own structure.
FACILITATORS_API_WRITE = row(DENY_401, DENY_403, DENY_403, ALLOW, ALLOW, DENY_403, DENY_403, ALLOW)
FACILITATORS_PAGE_WRITE = row(LOGIN, DENY_403, DENY_403, ALLOW, ALLOW, DENY_403, DENY_403, ALLOW)
# The funder portal and indicators (an admin sees all).
FUNDERS_API = row(DENY_401, DENY_403, DENY_403, DENY_403, DENY_403, OK, OK, OK)
FUNDERS_PAGE = row(LOGIN, DENY_403, DENY_403, DENY_403, DENY_403, OK, OK, OK)

EXPECTED: dict[tuple[str, str], dict[str, frozenset[str]]] = {
    ("GET", "/api/openapi.json"): PUBLIC,
    ("GET", "/api/v1/audit"): ADMIN_API,
    ("GET", "/api/v1/certificates/{certificate_id}.pdf"): row(
        DENY_401, OK, DENY_404, OK, DENY_404, DENY_403, DENY_404, OK
    ),
    ("POST", "/api/v1/certificates/{certificate_id}/revoke"): STAFF_API_WRITE,
    ("GET", "/api/v1/cohorts"): row(DENY_401, OK, OK, OK, OK, OK, OK, OK),
    ("POST", "/api/v1/cohorts"): FACILITATORS_API_WRITE,
    ("GET", "/api/v1/cohorts/{cohort_id}"): COHORT_API,
    ("PATCH", "/api/v1/cohorts/{cohort_id}"): STAFF_API_WRITE,
    ("GET", "/api/v1/cohorts/{cohort_id}/assessments"): row(
        DENY_401, DENY_403, DENY_404, OK, DENY_404, DENY_403, DENY_403, OK
    ),
    ("POST", "/api/v1/cohorts/{cohort_id}/assessments"): row(
        DENY_401, DENY_403, DENY_404, ALLOW, DENY_404, DENY_403, DENY_403, ALLOW
    ),
    ("GET", "/api/v1/cohorts/{cohort_id}/attendance.csv"): STAFF_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/attendance.pdf"): STAFF_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/calendar.ics"): COHORT_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/certificates"): STAFF_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/certificates.zip"): STAFF_API,
    ("POST", "/api/v1/cohorts/{cohort_id}/close"): STAFF_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/entries"): STAFF_API,
    ("POST", "/api/v1/cohorts/{cohort_id}/entries"): row(
        DENY_401, ALLOW, DENY_404, ALLOW, DENY_404, DENY_403, DENY_403, ALLOW
    ),
    ("GET", "/api/v1/cohorts/{cohort_id}/entries.csv"): STAFF_API,
    ("POST", "/api/v1/cohorts/{cohort_id}/entries/{entry_id}/reverse"): row(
        DENY_401, ALLOW, DENY_404, ALLOW, DENY_404, DENY_403, DENY_403, ALLOW
    ),
    ("POST", "/api/v1/cohorts/{cohort_id}/followup-reports"): STAFF_API_WRITE,
    ("POST", "/api/v1/cohorts/{cohort_id}/join-code"): STAFF_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/ledger"): STAFF_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/ledger/total"): row(
        DENY_401, OK, DENY_404, OK, DENY_404, DENY_403, DENY_404, OK
    ),
    ("GET", "/api/v1/cohorts/{cohort_id}/ledger/verify"): COHORT_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/participants"): STAFF_API,
    ("PATCH", "/api/v1/cohorts/{cohort_id}/participants/{participant_id}"): STAFF_API,
    ("POST", "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/certificate"): STAFF_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/outcome"): STAFF_API,
    ("PUT", "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/outcome"): STAFF_API_WRITE,
    ("POST", "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/pin"): STAFF_API_WRITE,
    ("POST", "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/sign-out"): STAFF_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/participants/{participant_id}/signin-link"): STAFF_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/report.csv"): FUNDED_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/report.json"): FUNDED_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/report.pdf"): FUNDED_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/reports"): FUNDED_API,
    ("GET", "/api/v1/cohorts/{cohort_id}/workshops"): COHORT_API,
    ("POST", "/api/v1/cohorts/{cohort_id}/workshops"): STAFF_API_WRITE,
    ("GET", "/api/v1/frameworks"): ANY_STAFF_API,
    ("POST", "/api/v1/frameworks"): FACILITATORS_API_WRITE,
    ("GET", "/api/v1/indicators"): FUNDERS_API,
    ("GET", "/api/v1/indicators.csv"): FUNDERS_API,
    ("POST", "/api/v1/join"): PUBLIC_WRITE,
    ("GET", "/api/v1/me"): row(DENY_401, OK, OK, OK, OK, OK, OK, OK),
    ("GET", "/api/v1/me/certificate"): row(
        DENY_401, OK, DENY_404, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403
    ),
    ("GET", "/api/v1/me/consents"): MEMBER_API,
    ("PUT", "/api/v1/me/consents"): MEMBER_API,
    ("GET", "/api/v1/me/export"): MEMBER_API,
    ("GET", "/api/v1/organisations"): ANY_STAFF_API,
    ("GET", "/api/v1/organisations/{org_id}/retention"): ADMIN_API,
    ("PUT", "/api/v1/organisations/{org_id}/retention"): ADMIN_API,
    ("POST", "/api/v1/participants/{participant_id}/erase"): ADMIN_API_WRITE,
    ("GET", "/api/v1/tokens"): ANY_STAFF_API,
    ("POST", "/api/v1/tokens"): ANY_STAFF_API,
    ("POST", "/api/v1/tokens/{token_id}/revoke"): row(
        DENY_401, DENY_403, DENY_403, OK, DENY_404, DENY_404, DENY_404, DENY_404
    ),
    ("GET", "/api/v1/users"): ADMIN_API,
    ("POST", "/api/v1/users"): ADMIN_API_WRITE,
    ("GET", "/api/v1/webhooks"): ADMIN_API,
    ("POST", "/api/v1/webhooks"): ADMIN_API_WRITE,
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): ADMIN_API,
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): ADMIN_API,
    ("POST", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"): ADMIN_API_WRITE,
    ("GET", "/api/v1/workshops/{workshop_id}"): COHORT_API,
    ("PATCH", "/api/v1/workshops/{workshop_id}"): row(
        DENY_401, DENY_403, DENY_404, OK, DENY_404, DENY_403, DENY_404, OK
    ),
    ("GET", "/api/v1/workshops/{workshop_id}/attendance"): STAFF_API,
    ("POST", "/api/v1/workshops/{workshop_id}/attendance"): STAFF_API_WRITE,
    ("GET", "/api/v1/workshops/{workshop_id}/attendance-sheet.pdf"): STAFF_API,
    ("GET", "/api/v1/workshops/{workshop_id}/attendance/log"): STAFF_API,
    ("GET", "/api/v1/workshops/{workshop_id}/checkin"): STAFF_API,
    ("POST", "/api/v1/workshops/{workshop_id}/checkin"): row(
        DENY_401, ALLOW, DENY_404, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403
    ),
    ("GET", "/"): row(LOGIN, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    ("GET", "/account"): ANY_STAFF_PAGE,
    ("POST", "/account"): ANY_STAFF_PAGE,
    ("GET", "/admin/audit"): ADMIN_PAGE,
    ("GET", "/admin/retention"): ADMIN_PAGE,
    ("POST", "/admin/retention"): ADMIN_PAGE_WRITE,
    ("GET", "/admin/participants/{participant_id}/erase"): ADMIN_PAGE,
    ("POST", "/admin/participants/{participant_id}/erase"): ADMIN_PAGE_WRITE,
    ("GET", "/admin/users"): ADMIN_PAGE,
    ("POST", "/admin/users"): ADMIN_PAGE_WRITE,
    ("GET", "/admin/webhooks"): ADMIN_PAGE,
    ("POST", "/admin/webhooks"): ADMIN_PAGE_WRITE,
    ("GET", "/admin/webhooks/{webhook_id}"): ADMIN_PAGE,
    ("GET", "/admin/webhooks/{webhook_id}/delete"): ADMIN_PAGE,
    ("POST", "/admin/webhooks/{webhook_id}/delete"): ADMIN_PAGE_WRITE,
    ("POST", "/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry"): ADMIN_PAGE_WRITE,
    ("GET", "/badges/assertions/{certificate_id}"): PUBLIC,
    ("GET", "/badges/classes/{certificate_id}"): PUBLIC,
    ("GET", "/badges/credentials/{certificate_id}"): PUBLIC,
    ("GET", "/badges/image.svg"): PUBLIC,
    ("GET", "/badges/issuers/{organisation_id:int}"): PUBLIC,
    ("GET", "/badges/keys/{organisation_id:int}.json"): PUBLIC,
    ("GET", "/certificates/{certificate_id}/revoke"): STAFF_PAGE,
    ("POST", "/certificates/{certificate_id}/revoke"): STAFF_PAGE_WRITE,
    ("GET", "/cohorts"): ANY_STAFF_PAGE,
    ("GET", "/cohorts/new"): row(LOGIN, DENY_403, DENY_403, OK, OK, DENY_403, DENY_403, OK),
    ("POST", "/cohorts/new"): FACILITATORS_PAGE_WRITE,
    ("GET", "/cohorts/{cohort_id}"): row(LOGIN, DENY_403, DENY_403, OK, DENY_404, OK, DENY_404, OK),
    ("GET", "/cohorts/{cohort_id}/assessments"): STAFF_PAGE,
    ("POST", "/cohorts/{cohort_id}/assessments"): STAFF_PAGE_WRITE,
    ("GET", "/cohorts/{cohort_id}/cards"): STAFF_PAGE,
    ("GET", "/cohorts/{cohort_id}/certificates"): STAFF_PAGE,
    ("POST", "/cohorts/{cohort_id}/certificates/issue"): STAFF_PAGE_WRITE,
    ("GET", "/cohorts/{cohort_id}/close"): STAFF_PAGE,
    ("POST", "/cohorts/{cohort_id}/close"): STAFF_PAGE_WRITE,
    ("POST", "/cohorts/{cohort_id}/followup-report"): STAFF_PAGE_WRITE,
    ("POST", "/cohorts/{cohort_id}/join-code"): STAFF_PAGE_WRITE,
    ("GET", "/cohorts/{cohort_id}/join-qr.svg"): STAFF_PAGE,
    ("POST", "/cohorts/{cohort_id}/joining"): STAFF_PAGE_WRITE,
    ("GET", "/cohorts/{cohort_id}/ledger"): STAFF_PAGE,
    ("POST", "/cohorts/{cohort_id}/ledger/entries"): STAFF_PAGE_WRITE,
    ("POST", "/cohorts/{cohort_id}/ledger/{entry_id}/reverse"): STAFF_PAGE_WRITE,
    ("GET", "/cohorts/{cohort_id}/outcomes"): STAFF_PAGE,
    ("POST", "/cohorts/{cohort_id}/outcomes"): STAFF_PAGE_WRITE,
    ("GET", "/cohorts/{cohort_id}/participants/{participant_id}/pin"): STAFF_PAGE,
    ("POST", "/cohorts/{cohort_id}/participants/{participant_id}/pin"): STAFF_PAGE_WRITE,
    ("POST", "/cohorts/{cohort_id}/participants/{participant_id}/role"): STAFF_PAGE_WRITE,
    ("POST", "/cohorts/{cohort_id}/participants/{participant_id}/sign-out"): STAFF_PAGE_WRITE,
    ("GET", "/cohorts/{cohort_id}/poster.pdf"): STAFF_PAGE,
    ("POST", "/cohorts/{cohort_id}/sales"): row(
        LOGIN, ALLOW, DENY_404, DENY_403, DENY_403, DENY_403, DENY_403, DENY_403
    ),
    ("GET", "/cohorts/{cohort_id}/workshops"): STAFF_PAGE,
    ("POST", "/cohorts/{cohort_id}/workshops"): STAFF_PAGE_WRITE,
    ("GET", "/favicon.ico"): PUBLIC,
    ("GET", "/frameworks"): ANY_STAFF_PAGE,
    ("POST", "/frameworks"): FACILITATORS_PAGE_WRITE,
    ("GET", "/funder"): FUNDERS_PAGE,
    ("GET", "/funder/indicators"): FUNDERS_PAGE,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/ical/{token}.ics"): row(
        DENY_404, DENY_404, DENY_404, DENY_404, DENY_404, DENY_404, DENY_404, DENY_404
    ),
    ("GET", "/j/{code}"): PUBLIC,
    ("POST", "/j/{code}"): PUBLIC_WRITE,
    ("GET", "/join"): PUBLIC,
    ("POST", "/join"): PUBLIC_WRITE,
    ("POST", "/lang"): PUBLIC_WRITE,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC_WRITE,
    ("POST", "/logout"): row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("GET", "/me"): MEMBER_PAGE,
    ("GET", "/me/calendar"): MEMBER_PAGE,
    ("GET", "/me/privacy"): MEMBER_PAGE,
    ("POST", "/me/privacy"): MEMBER_PAGE_WRITE,
    ("GET", "/me/privacy/data"): MEMBER_PAGE,
    ("POST", "/me/signout"): PUBLIC_WRITE,
    ("GET", "/me/skills"): MEMBER_PAGE,
    ("POST", "/me/skills"): MEMBER_PAGE_WRITE,
    ("GET", "/s/{token}"): row(
        DENY_404, DENY_404, DENY_404, DENY_404, DENY_404, DENY_404, DENY_404, DENY_404
    ),
    ("GET", "/sw.js"): PUBLIC,
    ("GET", "/verify/{certificate_id}"): PUBLIC,
    ("GET", "/w/{workshop_id}/checkin"): row(
        DENY_401, OK, DENY_401, DENY_401, DENY_401, DENY_401, DENY_401, DENY_401
    ),
    ("POST", "/w/{workshop_id}/checkin"): PUBLIC_WRITE,
    ("GET", "/workshops/{workshop_id}/attendance"): STAFF_PAGE,
    ("POST", "/workshops/{workshop_id}/attendance"): STAFF_PAGE_WRITE,
    ("POST", "/workshops/{workshop_id}/cancel"): STAFF_PAGE_WRITE,
    ("GET", "/workshops/{workshop_id}/checkin"): STAFF_PAGE,
    ("GET", "/workshops/{workshop_id}/edit"): STAFF_PAGE,
    ("POST", "/workshops/{workshop_id}/edit"): STAFF_PAGE_WRITE,
}
