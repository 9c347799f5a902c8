"""The API against its own description: schemathesis generates requests from
/api/openapi.json (valid ones, and invalid ones that break a stated limit), sends them to the
real app as a facilitator, and checks every answer.

- no 5xx, whatever the input;
- every 4xx in the error shape of API.md;
- every answer's status, content type and body as the description says (so the description
  states the codes the server uses: the 200 of a replayed entry, 201s, 409s, 422s);
- invalid data (past a stated maxLength, pattern, range, enum) is refused with a 4xx (so the
  server enforces the limits the description states).

Small budget by default (a few examples per operation, fixed seed); a larger run:
    FLASHCOOP_FUZZ_EXAMPLES=200 .venv/bin/python -m pytest -q tests/test_api_fuzz.py
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.applications import Starlette

from flashcoop.core.settings import Settings
from tests.factories import bearer
from tests.test_access_matrix import build_world

EXAMPLES = int(os.environ.get("FLASHCOOP_FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations that end something the others need: fuzzed last.
LAST = ("/close", "/join-code", "/revoke", "/erase", "DELETE")


def collect(strategy: Any) -> list[Any]:
    """Draw up to EXAMPLES cases from a strategy, deterministically."""
    drawn: list[Any] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(case: Any) -> None:
        drawn.append(case)

    # Unsatisfiable: nothing to make invalid (no body, no parameter), so no negative case.
    with contextlib.suppress(Unsatisfiable):
        draw()
    return drawn


def _summary(exc: BaseException) -> str:
    """The failed checks' titles and what they saw, without the reproduction recipe."""
    text = str(exc).split("Reproduce with:")[0]
    return " ".join(text.split())[:500]


def error_shape_problem(response: httpx.Response) -> str | None:
    if not 400 <= response.status_code < 500:
        return None
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return "not in the error shape"
    if not (isinstance(error, dict) and isinstance(error.get("code"), str)):
        return "no error code"
    if not isinstance(error.get("message"), str) or not error["message"]:
        return "no error message"
    return None


def negates_only_credentials(case: Any) -> bool:
    """A negative case whose one invalid part is the Authorization header (the matrix's)."""
    negated = [
        str(location.value)
        for location, info in case.meta.components.items()
        if info.mode is GenerationMode.NEGATIVE
    ]
    return bool(negated) and set(negated) == {"header"}


WIRE = ("method", "url", "headers", "params", "json", "content", "data")


async def send(client: httpx.AsyncClient, case: Any, auth: dict[str, str]) -> httpx.Response:
    """The case as schemathesis would send it, through the test's client (same event loop)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=auth)
    request = {key: value for key, value in kwargs.items() if key in WIRE}
    # Negative cases may drop the credentials: who may call what is the matrix's business
    # (test_access_matrix.py); here every request is the facilitator's.
    request["headers"] = {**(request.get("headers") or {}), **auth}
    if isinstance(request.get("data"), (bytes, str)):
        request["content"] = request.pop("data")  # raw bytes, as sent on the wire
    return await client.request(**request)


def problems(case: Any, response: httpx.Response, mode: GenerationMode) -> list[str]:
    found: list[str] = []
    if response.status_code >= 500:
        return [f"server error {response.text[:200]}"]
    shape = error_shape_problem(response)
    if shape:
        found.append(f"{shape}: {response.text[:200]}")
    checks = CHECKS if mode is GenerationMode.POSITIVE else [*CHECKS, negative_data_rejection]
    try:
        case.validate_response(response, checks=checks)
    except (Exception, BaseExceptionGroup) as exc:  # collected, all shown at the end
        found.append(_summary(exc))
    return found


async def test_the_api_holds_to_its_description_under_generated_input(
    app: Starlette, client: httpx.AsyncClient, settings: Settings
) -> None:
    world, who = await build_world(app, settings)
    auth = await bearer(who["facilitator"])
    spec = (await client.get("/api/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(spec)
    # Credentials are always the facilitator's: who may call what is the matrix's business
    # (test_access_matrix.py), not generated here.
    schema.config.generation.update(with_security_parameters=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: any(mark in f"{op.method.upper()} {op.path}" for mark in LAST))

    failures: list[str] = []
    seen: Counter[tuple[str, int]] = Counter()
    for operation in operations:
        known = {
            p.name: world.params[p.name]
            for p in operation.path_parameters
            if p.name in world.params
        }
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # Positive cases on real objects (a random id would only meet 404s); negative ones
            # on whatever they draw.
            strategy = operation.as_strategy(
                generation_mode=mode,
                path_parameters=known if mode is GenerationMode.POSITIVE else None,
            )
            for case in collect(strategy):
                if negates_only_credentials(case):
                    continue
                response = await send(client, case, auth)
                label = f"{operation.method.upper()} {operation.path} [{mode.value}]"
                seen[(mode.value, response.status_code)] += 1
                failures += [
                    f"{label} {response.status_code}: {problem}"
                    for problem in problems(case, response, mode)
                ]
    if os.environ.get("FLASHCOOP_FUZZ_PRINT"):
        print(sorted(seen.items()))
    # The run did reach the services: valid requests that succeeded, invalid ones refused.
    assert sum(n for (mode, status), n in seen.items() if mode == "positive" and status < 300)
    assert seen[("negative", 422)] and seen[("negative", 400)]
    assert not failures, "\n\n".join(failures[:40]) + f"\n\n({len(failures)} failures)"
