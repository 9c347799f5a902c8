"""Request bodies read into drafts, and the cohort's rules a hand-built draft cannot skip."""

import dataclasses
from datetime import timedelta

import pytest

from flashcoop.core.clock import utcnow
from flashcoop.core.errors import DomainError, ValidationError
from flashcoop.workshops.drafts import (
    WorkshopChanges,
    WorkshopDraft,
    read_changes,
    read_workshop,
)
from flashcoop.workshops.models import Workshop
from flashcoop.workshops.services import create_workshops, update_workshop
from tests.factories import make_cohort
from tests.workshop_helpers import make_workshop


async def test_read_workshop_gives_a_frozen_draft(app):
    cohort = await make_cohort()
    start = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    draft = await read_workshop(
        {
            "title": " Pitch ",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "competences": "2.4, 1.1, 1.1",
        },
        cohort,
    )
    assert draft == WorkshopDraft(
        title="Pitch",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        competences=("1.1", "2.4"),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        draft.title = "x"


async def test_readers_report_shape_and_cohort_rules_at_once(app):
    cohort = await make_cohort()
    late = cohort.ends_at - timedelta(hours=1)
    with pytest.raises(ValidationError) as caught:
        await read_workshop(
            {
                "title": "",
                "starts_at": late.isoformat(),
                "ends_at": (late + timedelta(hours=2)).isoformat(),
                "competences": ["1.1", "9.9"],
            },
            cohort,
        )
    assert set(caught.value.fields) == {"title", "starts_at", "competences"}
    workshop = await make_workshop(cohort)
    with pytest.raises(ValidationError) as caught:
        await read_changes({"title": "", "starts_at": late.isoformat()}, workshop, cohort)
    assert set(caught.value.fields) == {"title", "starts_at"}
    with pytest.raises(ValidationError) as caught:
        await read_changes({"starts_at": "soon", "status": "done"}, workshop, cohort)
    assert set(caught.value.fields) == {"starts_at", "status"}
    assert await read_changes({}, workshop, cohort) == WorkshopChanges()


async def test_a_frozen_cohort_refuses_a_body_before_reading_it(app):
    cohort = await make_cohort()
    workshop = await make_workshop(cohort)
    cohort.status = "closed"
    await cohort.save()
    for read in (
        lambda: read_workshop({"title": ""}, cohort),
        lambda: read_changes({"title": ""}, workshop, cohort),
    ):
        with pytest.raises(DomainError) as caught:
            await read()
        assert caught.value.code == "cohort_closed"


async def test_a_draft_built_by_hand_still_meets_the_cohorts_rules(app):
    cohort = await make_cohort()
    start = utcnow() + timedelta(days=1)
    hour = timedelta(hours=1)
    beyond = (cohort.ends_at + timedelta(days=30)).date()
    cases = [
        (WorkshopDraft("x", cohort.ends_at - hour, cohort.ends_at + hour), "starts_at"),
        (WorkshopDraft("x", start, start), "ends_at"),
        (WorkshopDraft("x", start, start + hour, competences=("9.9",)), "competences"),
        (
            WorkshopDraft("x", start, start + hour, repeat_weekly_until=beyond),
            "repeat_weekly_until",
        ),
    ]
    for draft, field in cases:
        with pytest.raises(ValidationError) as caught:
            await create_workshops(cohort, draft)
        assert set(caught.value.fields) == {field}, draft
    assert await Workshop.filter(cohort_id=cohort.id).count() == 0
    [made] = await create_workshops(
        cohort, WorkshopDraft("x", start, start + hour, competences=("2.4", "1.1", "1.1"))
    )
    assert made.competences == ["1.1", "2.4"]


async def test_changes_built_by_hand_still_meet_the_cohorts_rules(app):
    cohort = await make_cohort()
    workshop = await make_workshop(cohort, hours=3)
    before = (workshop.starts_at, workshop.ends_at, workshop.sequence)
    for changes, field in (
        (WorkshopChanges(starts_at=cohort.ends_at - timedelta(hours=1)), "starts_at"),
        (WorkshopChanges(ends_at=workshop.starts_at), "ends_at"),
        (WorkshopChanges(competences=("9.9",)), "competences"),
    ):
        with pytest.raises(ValidationError) as caught:
            await update_workshop(workshop, cohort, changes)
        assert set(caught.value.fields) == {field}, changes
    with pytest.raises(ValueError):
        await update_workshop(workshop, cohort, WorkshopChanges(status="done"))
    await workshop.refresh_from_db()
    assert (workshop.starts_at, workshop.ends_at, workshop.sequence) == before
    moved = await update_workshop(
        workshop, cohort, WorkshopChanges(starts_at=workshop.starts_at + timedelta(hours=1))
    )
    assert moved.ends_at - moved.starts_at == timedelta(hours=3)
