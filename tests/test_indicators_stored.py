"""Indicators read from the figures stored at closure: stored once by the closure, equal to the
raw data's, backfilled for cohorts closed without them, recomputed when something they count
changes (follow-ups, late certificates, erasure, withdrawn profiles), never holding a person."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tortoise.functions import Sum

from flashcoop.accounts.models import User
from flashcoop.certificates.models import Certificate
from flashcoop.closure import cohort_figures, engine
from flashcoop.closure.cohort_figures import COLUMNS, column
from flashcoop.closure.engine import CLAIM_TIMEOUT, close_cohort
from flashcoop.closure.figures import (
    AGE_BANDS,
    FUNDER,
    NOT_RECORDED,
    UNKNOWN,
    age_band,
    latest_outcomes,
    shown,
)
from flashcoop.closure.indicators import Indicators, Period, build_indicators
from flashcoop.closure.models import SITUATIONS, Closure, CohortFigures
from flashcoop.closure.outcomes import OutcomeDraft, record_outcome
from flashcoop.cohorts.models import CLOSED, GENDERS, Cohort, Participant
from flashcoop.cohorts.services import visible_cohorts
from flashcoop.core.clock import utcnow
from flashcoop.core.principal import Principal
from flashcoop.notify import webhooks
from flashcoop.privacy.consents import set_consents
from flashcoop.privacy.erasure import anonymise_participant, erase_participant
from flashcoop.workshops.models import ATTENDED, SCHEDULED, Attendance, Workshop
from tests.closure_helpers import attend, make_books, report_calls, sell, spend
from tests.factories import make_funder_org, make_user
from tests.querycount import count_queries
from tests.report_helpers import Closed, make_closed

__all__ = ["report_calls"]  # the fixture, imported for the tests below

PARIS = ZoneInfo("Europe/Paris")


async def raw_indicators(principal: Principal, period: Period) -> Indicators:
    """The oracle: indicators aggregated from the raw rows of every cohort, as they were
    before figures were stored (the previous build_indicators, kept here verbatim in spirit)."""
    query = visible_cohorts(principal).filter(status=CLOSED)
    if period.start:
        query = query.filter(closed_at__gte=datetime.combine(period.start, time(), PARIS))
    if period.end:
        end = datetime.combine(period.end + timedelta(days=1), time(), PARIS)
        query = query.filter(closed_at__lt=end)
    cohorts = await query
    ids = [c.id for c in cohorts]
    if not ids:
        people: list[Participant] = []
    else:
        people = await Participant.filter(cohort_id__in=ids)
    planned = {
        str(r["cohort_id"]): int(r["total"] or 0)
        for r in await Workshop.filter(cohort_id__in=ids, status=SCHEDULED)
        .annotate(total=Sum("duration_minutes"))
        .group_by("cohort_id")
        .values("cohort_id", "total")
    }
    attended = await (
        Attendance.filter(
            workshop__cohort_id__in=ids, workshop__status=SCHEDULED, status__in=ATTENDED
        )
        .annotate(total=Sum("workshop__duration_minutes"))
        .group_by("participant_id")
        .values("participant_id", "total")
    )
    money = await Closure.filter(cohort_id__in=ids).values("sales_cents", "surplus_cents")
    outcomes = await latest_outcomes(ids)
    closed_at = {str(c.id): (c.closed_at or c.ends_at).astimezone(c.tz) for c in cohorts}
    situations = [
        outcomes[str(p.id)].situation if str(p.id) in outcomes else NOT_RECORDED for p in people
    ]
    genders = [p.gender if p.gender in GENDERS else UNKNOWN for p in people]
    bands = [age_band(p.birth_year, closed_at[str(p.cohort_id)]) for p in people]
    return Indicators(
        period=period,
        cohorts=len(cohorts),
        participants=len(people),
        planned_minutes=sum(planned.get(str(p.cohort_id), 0) for p in people),
        attended_minutes=sum(int(r["total"] or 0) for r in attended),
        sales_cents=sum(int(r["sales_cents"]) for r in money),
        surplus_cents=sum(int(r["surplus_cents"]) for r in money),
        certificates_issued=await Certificate.filter(cohort_id__in=ids).count(),
        genders=tuple(shown(g, genders.count(g), FUNDER) for g in (*GENDERS, UNKNOWN)),
        age_bands=tuple(shown(b, bands.count(b), FUNDER) for b in AGE_BANDS),
        outcomes=tuple(shown(s, situations.count(s), FUNDER) for s in (*SITUATIONS, NOT_RECORDED)),
    )


async def profile(person: Participant, gender: str, birth_year: int | None) -> None:
    person.consent_profile, person.gender, person.birth_year = True, gender, birth_year
    await person.save()


async def varied() -> tuple[Closed, Closed, Closed, User]:
    """Three closed cohorts of one funder (another funder's cohort beside them), with varied
    profiles, outcome histories and zones; an admin."""
    first = await make_closed(names=("Aïcha", "Bruno", "Chloé", "Dylan", "Eva", "Farid"))
    second = await make_closed(
        names=("Gaëlle", "Hugo", "Inès"), funder_org=first.funder_org, timezone="America/Cayenne"
    )
    third = await make_closed(names=("Jade", "Kylian", "Léa", "Malik"), funder_org=first.funder_org)
    await make_closed(names=("Nina", "Omar", "Paul"), funder_org=await make_funder_org("Région"))
    profiles = [
        ("female", 2004),
        ("male", 1990),
        ("female", 1979),
        ("other", 1960),
        ("", None),
        ("female", 2001),
        ("male", 1955),
        ("female", 1999),
        ("male", 1982),
        ("female", 1970),
        ("female", 1988),
        ("male", 2006),
        ("", 1993),
    ]
    people = [*first.people, *second.people, *third.people]
    for person, (gender, year) in zip(people, profiles, strict=True):
        await profile(person, gender, year)
    now = utcnow()
    # A history for nine of them: the latest situation counts, the earlier one does not.
    for person, situation in zip(
        people[:9], ("durable_job", "training", "job_search") * 3, strict=True
    ):
        cohort = await Cohort.get(id=person.cohort_id)
        await record_outcome(cohort, person, OutcomeDraft("other"), now=now - timedelta(hours=1))
        await record_outcome(cohort, person, OutcomeDraft(situation), now=now)
    return first, second, third, await make_user("admin")


async def assert_same(principals: list[Principal], periods: list[Period]) -> None:
    for principal in principals:
        for period in periods:
            stored = await build_indicators(principal, period, tz=PARIS)
            assert stored == await raw_indicators(principal, period), (principal, period)


async def test_the_closure_stores_the_figures_once(app, settings, report_calls, monkeypatch):
    books = await make_books(("Aïcha", "Bruno", "Chloé", "Dylan"))
    a, b, c, _d = books.members
    await sell(books, a, 6000)
    await sell(books, b, 4001)
    await spend(books, 1000)
    await attend(books, 3, [a, b, c])
    await profile(a, "female", 2000)  # before closure: a stale row that the closure fills
    assert (await CohortFigures.get(cohort_id=books.cohort.id)).stale

    real_queue = webhooks.queue_event

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the worker died after storing the figures")

    stored: list[Any] = []
    real_store = cohort_figures.store_closure_figures

    async def counting(cohort: Cohort, closed_at: datetime) -> bool:
        stored.append(await real_store(cohort, closed_at))
        return stored[-1]

    monkeypatch.setattr(webhooks, "queue_event", crash)
    monkeypatch.setattr(cohort_figures, "store_closure_figures", counting)
    with pytest.raises(RuntimeError):
        await close_cohort(books.cohort.id, trigger="schedule", settings=settings, now=books.after)
    closure = await Closure.get(cohort_id=books.cohort.id)
    assert closure.step == engine.FIGURED and stored == [True]
    row = await CohortFigures.get(cohort_id=books.cohort.id)
    assert not row.stale and row.computed_at is not None
    assert (row.participants, row.planned_minutes, row.attended_minutes) == (4, 4 * 180, 540)
    assert (row.sales_cents, row.surplus_cents) == (10001, 9001)
    assert row.certificates_issued == await Certificate.filter(cohort_id=books.cohort.id).count()
    assert (row.gender_female, row.gender_male, row.gender_unknown) == (1, 0, 3)
    assert getattr(row, column("age", age_band(2000, closure.started_at))) == 1
    assert row.age_unknown == 3 and row.outcome_not_recorded == 4

    # Resumed by another worker: after the recorded step, so the figures are not stored again.
    monkeypatch.setattr(webhooks, "queue_event", real_queue)
    later = books.after + CLAIM_TIMEOUT + timedelta(minutes=1)
    assert await close_cohort(books.cohort.id, trigger="schedule", settings=settings, now=later)
    assert (await Closure.get(cohort_id=books.cohort.id)).step == "done" and stored == [True]
    # The step run again (a worker that died before recording it) leaves the row alone.
    cohort = await Cohort.get(id=books.cohort.id)
    assert await real_store(cohort, closure.started_at) is False
    again = await CohortFigures.get(cohort_id=books.cohort.id)
    assert (again.computed_at, again.revision) == (row.computed_at, row.revision)
    assert await CohortFigures.filter(cohort_id=books.cohort.id).count() == 1
    funder = Principal(user=await make_user("admin"))
    await assert_same([funder], [Period()])


async def test_stored_indicators_equal_the_raw_aggregation(app):
    first, second, third, admin = await varied()
    today = utcnow().astimezone(PARIS).date()
    principals = [Principal(user=first.funder), Principal(user=admin)]
    periods = [Period(), Period(start=today), Period(end=today - timedelta(days=1))]
    await assert_same(principals, periods)  # computed from raw data and stored (backfill)
    assert await CohortFigures.filter(stale=False).count() == 4
    await assert_same(principals, periods)  # read from the stored rows

    # What can change after closure marks the figures stale; the next read agrees again.
    now = utcnow()
    await record_outcome(second.cohort, second.people[2], OutcomeDraft("durable_job"), now=now)
    await Certificate.create(
        cohort=third.cohort,
        participant=third.people[1],
        kind="override",
        issued_at=now,
        salt="t" * 16,
    )
    by = Principal(user=admin)
    await set_consents(first.people[0], {"profile_data": False}, actor=by, now=now)
    await erase_participant(third.people[0], actor=by, reason="asked", now=now)
    stale = await CohortFigures.filter(stale=True).values_list("cohort_id", flat=True)
    assert {str(i) for i in stale} == {
        str(first.cohort.id),
        str(second.cohort.id),
        str(third.cohort.id),
    }
    await assert_same(principals, periods)
    assert await CohortFigures.filter(stale=True).count() == 0


async def test_a_cohort_closed_without_figures_is_backfilled_once(app, client):
    first = await make_closed(names=("Aïcha", "Bruno", "Chloé"))
    await CohortFigures.all().delete()  # as if closed before figures were stored
    funder = Principal(user=first.funder)
    found = await build_indicators(funder, Period(), tz=PARIS)
    assert found == await raw_indicators(funder, Period())
    row = await CohortFigures.get(cohort_id=first.cohort.id)
    assert not row.stale and row.participants == 3 and row.sales_cents == 10005
    async with count_queries() as one:
        assert await build_indicators(funder, Period(), tz=PARIS) == found
    assert (await CohortFigures.get(cohort_id=first.cohort.id)).computed_at == row.computed_at

    # Two queries whatever the number of cohorts: the cohorts in scope, their figures.
    for names in (("Dylan", "Eva", "Farid"), ("Gaëlle", "Hugo", "Inès")):
        await make_closed(names=names, funder_org=first.funder_org)
    await build_indicators(funder, Period(), tz=PARIS)  # backfills the two new ones
    async with count_queries() as three:
        many = await build_indicators(funder, Period(), tz=PARIS)
    assert many.cohorts == 3 and many == await raw_indicators(funder, Period())
    assert len(one) == len(three) == 2, three.report()


async def test_a_change_during_a_recomputation_is_not_lost(app):
    first = await make_closed(names=("Aïcha", "Bruno", "Chloé"))
    funder = Principal(user=first.funder)
    await build_indicators(funder, Period(), tz=PARIS)
    fresh = await CohortFigures.get(cohort_id=first.cohort.id)
    await profile(first.people[0], "female", 1990)
    row = await CohortFigures.get(cohort_id=first.cohort.id)
    assert row.stale and row.revision == fresh.revision + 1
    # A reader that read the revision before this change must not mark the row fresh.
    due = cohort_figures.due(first.cohort)
    await cohort_figures.store_figures([due], {str(first.cohort.id): fresh.revision})
    assert (await CohortFigures.get(cohort_id=first.cohort.id)).stale
    found = await build_indicators(funder, Period(), tz=PARIS)
    assert found == await raw_indicators(funder, Period())
    assert not (await CohortFigures.get(cohort_id=first.cohort.id)).stale


async def test_stored_figures_hold_no_personal_data_and_follow_erasure(app):
    first = await make_closed(names=("Aïcha", "Bruno", "Chloé", "Dylan"))
    for person, year in zip(first.people, (1990, 1991, 1992, 1993), strict=True):
        await profile(person, "female", year)
    funder = Principal(user=first.funder)
    before = await build_indicators(funder, Period(), tz=PARIS)
    assert dict((c.key, c.value) for c in before.genders)["female"] == 4
    # Counts and their bookkeeping only: no column could hold a name, an id or a profile.
    row = await CohortFigures.get(cohort_id=first.cohort.id).values()
    assert set(row) == {"id", "cohort_id", *COLUMNS, "stale", "revision", "computed_at"}
    assert all(type(row[name]) is int for name in COLUMNS)

    # An erased member's profile leaves the stored counts as it leaves the raw rows.
    admin = Principal(user=await make_user("admin"))
    await erase_participant(first.people[0], actor=admin, reason="asked", now=utcnow())
    after = await build_indicators(funder, Period(), tz=PARIS)
    assert dict((c.key, c.value) for c in after.genders)["female"] == 3
    assert after == await raw_indicators(funder, Period())
    stored = await CohortFigures.get(cohort_id=first.cohort.id)
    assert (stored.gender_female, stored.gender_unknown) == (3, 1)
    # Anonymisation (retention) keeps the anonymous profile: the figures stay fresh.
    assert await anonymise_participant(first.people[1], 2, utcnow())
    assert not (await CohortFigures.get(cohort_id=first.cohort.id)).stale
