"""Benchmark of the funders' indicators across 500 closed cohorts (issue #13, target 3).

    python bench/indicators.py [--cohorts 500] [--real 2] [--calls 30]

On each database (database_names()), builds `--cohorts` closed cohorts of 8 members funded by
one funder, then measures in the same run:

- build_indicators for that funder (every cohort) and GET /api/v1/indicators through the real
  app in-process (httpx ASGITransport: routing, bearer token, JSON, no socket), p50 over
  `--calls` calls;
- the baseline: the same two calls by a funder of one closed cohort. Its ratio shows what the
  499 other cohorts cost; a bare `SELECT 1` would only show the round trip, which both pay.
- for comparison, the raw re-aggregation the indicators made on every request before figures
  were stored (compute_figures over all the cohorts: members, workshops, attendance,
  certificates, outcomes), and the one-off lazy backfill of cohorts closed before the change.

Realistic data, built fast: `--real` cohorts are built through the services (join, sales,
programme, attendance, follow-up outcomes) and closed by the real closure engine (its
closure-report PDFs are skipped: they are target 4's bench; certificates are rendered); the
others are copies of the first one's rows (cohort, members, workshops, attendance, outcomes,
certificates, closure), bulk-inserted, whose figures are then stored by the same code the
closure step runs. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from bench.common import (  # noqa: E402
    Table,
    bench_settings,
    database_names,
    fresh_database,
    open_schema,
)

TARGET_MS = 250.0


async def _real_cohort(n: int, staff: Any, funder_id: int, settings: Any) -> Any:
    """One cohort built and closed through the services, as in production."""
    from flashcoop.closure.engine import close_cohort
    from flashcoop.closure.outcomes import OutcomeDraft, record_outcome
    from flashcoop.cohorts.joining import JoinRequest, join_cohort
    from flashcoop.cohorts.launch import CohortDraft, create_cohort
    from flashcoop.core.principal import Principal
    from flashcoop.ledger.drafts import Draft
    from flashcoop.ledger.services import record_entry
    from flashcoop.workshops.attendance import record_attendance
    from flashcoop.workshops.models import Workshop

    now = datetime.now(UTC)
    start = now - timedelta(days=12)
    draft = CohortDraft(
        name=f"Réelle {n}",
        activity="Épicerie",
        starts_at=start,
        ends_at=now - timedelta(hours=1),
        structure_id=staff.organisation_id,
        programme="flashcoop-7-days",
        funder_ids=(funder_id,),
    )
    cohort = await create_cohort(draft, principal=Principal(user=staff))
    genders = ("female", "male", "other", "")
    people = []
    for i in range(8):
        request = JoinRequest(
            cohort.join_code,
            f"Membre {i}",
            "1234",
            gender=genders[i % 4],
            birth_year=1960 + 6 * i,
            profile_data=True,
        )
        person, _ = await join_cohort(request, client="bench", max_failures=10_000, now=start)
        people.append(person)
    for i, person in enumerate(people):
        entry = Draft(uuid.uuid4(), "sale", "sale", 1000 + 25 * i, 1, "Jus", "cash", start)
        await record_entry(cohort, entry, principal=Principal(participant=person), now=start)
    for w, workshop in enumerate(await Workshop.filter(cohort_id=cohort.id).order_by("starts_at")):
        for i, person in enumerate(people):
            status = "present" if (i + w) % 5 else "absent"
            await record_attendance(
                workshop, cohort, participant_id=person.id, status=status, by=staff, now=start
            )
    await close_cohort(cohort.id, trigger="manual", settings=settings, now=now, by=staff)
    situations = ("durable_job", "training", "job_search", "other")
    for i, person in enumerate(people[:6]):
        await record_outcome(cohort, person, OutcomeDraft(situations[i % 4]), now=now)
    await cohort.refresh_from_db()
    return cohort


def _copy(row: Any, **changes: Any) -> Any:
    """A new unsaved instance with `row`'s column values, `changes` applied."""
    values = {name: getattr(row, name) for name in row._meta.fields_db_projection}
    values.pop("id", None)
    return type(row)(**{**values, **changes})


async def _copies(template: Any, count: int, funder_id: int) -> list[Any]:
    """`count` closed cohorts shaped like `template` (its rows copied), bulk-inserted."""
    from flashcoop.certificates.models import Certificate
    from flashcoop.closure.models import Closure, Outcome
    from flashcoop.cohorts.models import Cohort, CohortFunder, Participant
    from flashcoop.workshops.models import Attendance, Workshop

    people = await Participant.filter(cohort_id=template.id)
    workshops = await Workshop.filter(cohort_id=template.id)
    attendance = await Attendance.filter(workshop__cohort_id=template.id)
    outcomes = await Outcome.filter(cohort_id=template.id)
    certificates = await Certificate.filter(cohort_id=template.id)
    closure = await Closure.get(cohort_id=template.id)
    rows: dict[type, list[Any]] = {}
    cohorts = []
    for n in range(count):
        closed_at = template.closed_at - timedelta(hours=17 * (n + 1))  # over about a year
        cohort = _copy(
            template,
            id=uuid.uuid4(),
            name=f"Copie {n}",
            join_code=secrets.token_hex(6).upper(),
            closed_at=closed_at,
            starts_at=closed_at - timedelta(days=12),
            ends_at=closed_at,
        )
        cohorts.append(cohort)
        who = {p.id: uuid.uuid4() for p in people}
        what = {w.id: uuid.uuid4() for w in workshops}
        new: list[Any] = [
            _copy(closure, cohort_id=cohort.id, started_at=closed_at, finished_at=closed_at),
            CohortFunder(cohort_id=cohort.id, funder_id=funder_id),
            *(_copy(p, id=who[p.id], cohort_id=cohort.id) for p in people),
            *(_copy(w, id=what[w.id], cohort_id=cohort.id, series_id=None) for w in workshops),
            *(
                _copy(o, cohort_id=cohort.id, participant_id=who[o.participant_id])
                for o in outcomes
            ),
            *(
                _copy(a, workshop_id=what[a.workshop_id], participant_id=who[a.participant_id])
                for a in attendance
            ),
            *(
                _copy(c, id=uuid.uuid4(), cohort_id=cohort.id, participant_id=who[c.participant_id])
                for c in certificates  # sharing the template's PDF: the figures never read it
            ),
        ]
        for row in new:
            rows.setdefault(type(row), []).append(row)
    await Cohort.bulk_create(cohorts, batch_size=500)
    for model in (Participant, Workshop, Attendance, Closure, CohortFunder, Outcome, Certificate):
        await model.bulk_create(rows.get(model, []), batch_size=500)
    return cohorts


async def _p50(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    """Median wall time of `call` in milliseconds (after one warm-up call)."""
    await call()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def _measure(kind: str, url: str, folder: Path, count: int, real: int, calls: int) -> None:
    import httpx
    from asgi_lifespan import LifespanManager

    from flashcoop.accounts.services import create_token, create_user
    from flashcoop.app import create_app
    from flashcoop.closure import cohort_figures, reports
    from flashcoop.closure.indicators import Period, build_indicators
    from flashcoop.closure.models import CohortFigures
    from flashcoop.cohorts.models import CohortFunder
    from flashcoop.core import db
    from flashcoop.core.principal import Principal

    await open_schema(url)
    await db.close_db()
    settings = bench_settings(url, folder)

    async def no_report(*args: Any, **kwargs: Any) -> None:
        return None  # closure-report PDFs: seconds of WeasyPrint each, measured by target 4

    reports.store_closure_reports = no_report  # type: ignore[assignment]
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        started = time.perf_counter()
        staff = await create_user(
            email="staff@bench.example",
            role="facilitator",
            password="bench-password-123",
            organisation="Bench",
        )
        funder = await create_user(
            email="funder@bench.example",
            role="funder",
            password="bench-password-123",
            organisation="Département",
        )
        small = await create_user(
            email="small@bench.example",
            role="funder",
            password="bench-password-123",
            organisation="Fondation",
        )
        closed = [
            await _real_cohort(n, staff, funder.organisation_id, settings) for n in range(real)
        ]
        await CohortFunder.create(cohort_id=closed[0].id, funder_id=small.organisation_id)
        copies = await _copies(closed[0], count - real, funder.organisation_id)
        built_s = time.perf_counter() - started
        # The stored-figures step, for the copies: the code the closure step and backfill run.
        started = time.perf_counter()
        for at in range(0, len(copies), 100):
            batch = [cohort_figures.due(c) for c in copies[at : at + 100]]
            await cohort_figures.store_figures(batch, {})
        backfill_ms = (time.perf_counter() - started) * 1000
        assert await CohortFigures.all().count() == count  # follow-ups left the real ones stale

        everyone, one = Principal(user=funder), Principal(user=small)
        tz = settings.default_tz
        found = await build_indicators(everyone, Period(), tz=tz)
        assert found.cohorts == count, found
        stored = await _p50(lambda: build_indicators(everyone, Period(), tz=tz), calls)
        single = await _p50(lambda: build_indicators(one, Period(), tz=tz), calls)
        half = Period(start=(copies[len(copies) // 2].closed_at).date())
        period = await _p50(lambda: build_indicators(everyone, half, tz=tz), calls)
        dues = [cohort_figures.due(c) for c in [*closed, *copies]]
        raw = await _p50(lambda: cohort_figures.compute_figures(dues), max(3, calls // 6))
        again = (await cohort_figures.compute_figures(dues)).values()
        assert found.participants == sum(f["participants"] for f in again), "stored ≠ raw"
        assert found.attended_minutes == sum(f["attended_minutes"] for f in again), "stored ≠ raw"

        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            headers = {"Authorization": f"Bearer {await create_token(user=funder)}"}
            headers_one = {"Authorization": f"Bearer {await create_token(user=small)}"}

            async def get(h: dict[str, str]) -> None:
                response = await client.get("/api/v1/indicators", headers=h)
                assert response.status_code == 200, response.text

            http = await _p50(lambda: get(headers), calls)
            http_one = await _p50(lambda: get(headers_one), calls)

    table = Table(
        f"funder indicators: {count} closed cohorts of 8, {kind} (built in {built_s:.0f} s)"
    )
    ok = stored <= TARGET_MS
    table.row(
        f"build_indicators, {count} cohorts (ms)",
        stored,
        single,
        unit="ms",
        target="≤ 250 ms",
        ok=ok,
    )
    table.row(
        f"GET /api/v1/indicators, {count} cohorts (ms)",
        http,
        http_one,
        unit="ms",
        target="≤ 250 ms",
        ok=http <= TARGET_MS,
    )
    table.row("  with a period (about half the cohorts) (ms)", period, single, unit="ms")
    table.row(f"  raw re-aggregation, {count} cohorts, as before (ms)", raw, stored, unit="ms")
    table.row(
        f"  lazy backfill of {len(copies)} cohorts, once (ms)", backfill_ms, stored, unit="ms"
    )
    print("baseline: the same call by a funder of 1 closed cohort (raw rows: vs stored p50)")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, force=True)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohorts", type=int, default=500)
    parser.add_argument("--real", type=int, default=2)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--only", help="one database kind, in this process")
    args = parser.parse_args()
    if args.only:
        with fresh_database(args.only) as (url, folder):
            asyncio.run(_measure(args.only, url, folder, args.cohorts, args.real, args.calls))
        return
    # One process per database: Tortoise's model classes must not switch between SQLite and
    # PostgreSQL within one process (docs: STACK.md).
    for kind in database_names():
        command = [sys.executable, __file__, "--only", kind, *sys.argv[1:]]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
