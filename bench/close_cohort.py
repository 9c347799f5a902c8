"""Benchmark of a closure: a 30-person cohort with 5,000 ledger entries, closed for real.

    python bench/close_cohort.py [--members 30] [--entries 5000] [--database-url URL]

Builds the cohort through the real services (sales recorded one by one and chained, the
7-day programme with every member's attendance, a webhook endpoint), then measures, in the
same run:

- the baseline: verifying the ledger's hash chain alone (read every entry, hash it), the floor
  of any closure that trusts its books;
- the whole closure (`close_cohort`), step by step: chain check, final accounts, shares,
  certificates (one PDF each), the closure report (PDF, CSV, JSON per audience), the webhook
  event, the members' messages.

SQLite in a temporary folder by default; `--database-url postgres://...` uses an existing
empty PostgreSQL database instead. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere


async def _build(members: int, entries: int) -> tuple[Any, Any]:
    """A facilitator, a running cohort with members, attendance and chained books."""
    from flashcoop.accounts.services import create_user
    from flashcoop.cohorts.joining import JoinRequest, join_cohort
    from flashcoop.cohorts.launch import CohortDraft, ProductDraft, create_cohort
    from flashcoop.core.principal import Principal
    from flashcoop.ledger.drafts import Draft
    from flashcoop.ledger.services import record_entry
    from flashcoop.notify.webhooks import WebhookDraft, create_webhook
    from flashcoop.workshops.attendance import record_attendance
    from flashcoop.workshops.models import Workshop

    user = await create_user(
        email="bench@example.org",
        role="facilitator",
        password="bench-password-123",
        organisation="Bench",
    )
    assert user.organisation_id is not None
    now = datetime.now(UTC)
    start = now - timedelta(days=12)
    draft = CohortDraft(
        name="Bench",
        activity="Épicerie",
        starts_at=start,
        ends_at=now + timedelta(days=1),
        structure_id=user.organisation_id,
        surplus_rule="hours",
        attendance_threshold=50,
        programme="flashcoop-7-days",
        products=(ProductDraft("Jus", 250),),
    )
    cohort = await create_cohort(draft, principal=Principal(user=user))
    people = [
        (
            await join_cohort(
                JoinRequest(cohort.join_code, f"Membre {i:02d}", "1234"),
                client="bench",
                max_failures=10_000,
                now=start,
            )
        )[0]
        for i in range(members)
    ]
    for w_index, workshop in enumerate(
        await Workshop.filter(cohort_id=cohort.id, ends_at__lte=now).order_by("starts_at")
    ):
        for m_index, member in enumerate(people):
            status = "present" if (w_index + m_index) % 4 else "absent"
            await record_attendance(
                workshop,
                cohort,
                participant_id=member.id,
                status=status,
                by=user,
                now=workshop.ends_at,
            )
    for i in range(entries):
        kind = "expense" if i % 50 == 0 else "sale"
        principal = (
            Principal(user=user)
            if kind == "expense"
            else Principal(participant=people[i % members])
        )
        entry = Draft(
            id=uuid.uuid4(),
            kind=kind,
            book=kind,
            amount_cents=1500 if kind == "expense" else 250 * (1 + i % 3),
            quantity=1,
            label="Oranges" if kind == "expense" else "Jus",
            payment_method="cash",
            occurred_at=now,
        )
        await record_entry(cohort, entry, principal=principal, now=now)
    await create_webhook(
        WebhookDraft("http://127.0.0.1:9/funder", ("cohort.closed",)), created_by=user.id
    )
    return cohort, user


def _timed(work: Callable[[Any], Awaitable[None]], times: dict[str, float], name: str) -> Any:
    async def step(run: Any) -> None:
        started = time.perf_counter()
        await work(run)
        times[name] = time.perf_counter() - started

    return step


async def _measure(database_url: str, data_dir: Path, members: int, entries: int) -> None:
    from tortoise import Tortoise

    from flashcoop.certificates.models import Certificate
    from flashcoop.closure import engine
    from flashcoop.closure.models import Closure, Report
    from flashcoop.core import db
    from flashcoop.core.settings import Settings
    from flashcoop.domains import house
    from flashcoop.ledger.chain import verify_chain

    house()
    await db.init_db(database_url)
    await Tortoise.generate_schemas()
    try:
        started = time.perf_counter()
        cohort, user = await _build(members, entries)
        built = time.perf_counter() - started
        settings = Settings(
            data_dir=data_dir,
            database_url=database_url,
            secret_key="bench-" + "k" * 40,
            base_url="http://bench.example",
            scheduler=False,
        )

        baseline = []
        for _ in range(3):
            started = time.perf_counter()
            assert (await verify_chain(cohort.id)).ok
            baseline.append(time.perf_counter() - started)

        times: dict[str, float] = {}
        engine.STEP_WORK = tuple(  # type: ignore[misc]
            (done, _timed(work, times, done)) for done, work in engine.STEP_WORK
        )
        started = time.perf_counter()
        closed = await engine.close_cohort(cohort.id, trigger="manual", settings=settings, by=user)
        total = time.perf_counter() - started
        assert closed
        closure = await Closure.get(cohort_id=cohort.id)
        certificates = await Certificate.filter(cohort_id=cohort.id).count()
        reports = await Report.filter(cohort_id=cohort.id).count()

        started = time.perf_counter()
        again = await engine.close_cohort(cohort.id, trigger="manual", settings=settings)
        repeat = time.perf_counter() - started
        assert not again
    finally:
        await db.close_db()

    kind = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"close a cohort: {members} members, {closure.ledger_entries} entries, {kind}, "
        f"Python {sys.version.split()[0]} (built in {built:.0f} s)"
    )
    print(f"{'what':<44}{'seconds':>10}")
    floor = statistics.median(baseline)
    print(f"{'baseline: verify the chain alone (median of 3)':<44}{floor:>10.3f}")
    labels = {
        "verified": "  check the chain",
        "accounts": "  final accounts",
        "shares": "  shares (pro rata of hours)",
        "certificates": f"  certificates ({certificates} PDFs)",
        "reports": f"  closure report ({reports} files)",
        "webhook": "  webhook event queued",
        "members_told": "  members told",
        "done": "  closed",
    }
    for step, label in labels.items():
        print(f"{label:<44}{times.get(step, 0.0):>10.3f}")
    print(f"{'whole closure':<44}{total:>10.3f}")
    print(f"{'closing again (nothing to do)':<44}{repeat:>10.3f}")
    print(f"whole closure / baseline: {total / floor:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="flashcoop-bench-"))
    url = args.database_url or f"sqlite://{tmp / 'bench.sqlite3'}"
    asyncio.run(_measure(url, tmp, args.members, args.entries))


if __name__ == "__main__":
    main()
