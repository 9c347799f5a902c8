from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from flashcoop.core.clock import utcnow
from flashcoop.notify.models import Notification
from flashcoop.workshops.drafts import weekly_occurrences
from flashcoop.workshops.models import Workshop
from flashcoop.workshops.programme import plan
from tests.factories import bearer, make_cohort, make_participant, make_user

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)


async def test_create_workshop_and_list_it(client):
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator)
    start = utcnow() + timedelta(days=1)
    body = {
        "title": "Étude de marché",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(),
        "location": "Salle 2",
        "competences": ["1.1", "2.4"],
    }
    response = await client.post(
        f"/api/v1/cohorts/{cohort.id}/workshops", json=body, headers=await bearer(facilitator)
    )
    assert response.status_code == 201, response.text
    [item] = response.json()["items"]
    assert item["title"] == "Étude de marché"
    assert item["status"] == "scheduled"
    assert item["competences"] == ["1.1", "2.4"]
    assert item["duration_minutes"] == 180
    member = await make_participant(cohort)
    listed = await client.get(
        f"/api/v1/cohorts/{cohort.id}/workshops", headers=await bearer(member)
    )
    assert listed.status_code == 200
    assert [w["id"] for w in listed.json()["items"]] == [item["id"]]


async def test_invalid_workshops_are_422_and_create_nothing(client):
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator)
    headers = await bearer(facilitator)
    start = utcnow() + timedelta(days=1)
    cases = [
        (
            {
                "title": "",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
            },
            "title",
        ),
        ({"title": "x", "starts_at": start.isoformat(), "ends_at": start.isoformat()}, "ends_at"),
        (
            {
                "title": "x",
                "starts_at": (cohort.ends_at - timedelta(hours=1)).isoformat(),
                "ends_at": (cohort.ends_at + timedelta(hours=1)).isoformat(),
            },
            "starts_at",
        ),
        (
            {
                "title": "x",
                "starts_at": (cohort.starts_at - timedelta(hours=2)).isoformat(),
                "ends_at": (cohort.starts_at + timedelta(hours=1)).isoformat(),
            },
            "starts_at",
        ),
        (
            {
                "title": "x",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
                "competences": ["9.9"],
            },
            "competences",
        ),
        ({"title": "x", "starts_at": "tomorrow", "ends_at": "later"}, "starts_at"),
        (
            {
                "title": "x",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
                "repeat_weekly_until": (cohort.ends_at + timedelta(days=30)).date().isoformat(),
            },
            "repeat_weekly_until",
        ),
    ]
    for body, field in cases:
        response = await client.post(
            f"/api/v1/cohorts/{cohort.id}/workshops", json=body, headers=headers
        )
        assert response.status_code == 422, body
        assert field in response.json()["error"]["fields"], (body, response.json())
    assert await Workshop.filter(cohort_id=cohort.id).count() == 0


async def test_participant_and_other_structure_cannot_create(client):
    cohort = await make_cohort()
    member = await make_participant(cohort)
    outsider = await make_user(organisation="Autre CAE")
    start = utcnow() + timedelta(days=1)
    body = {
        "title": "x",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
    }
    url = f"/api/v1/cohorts/{cohort.id}/workshops"
    assert (await client.post(url, json=body, headers=await bearer(member))).status_code == 403
    assert (await client.post(url, json=body, headers=await bearer(outsider))).status_code == 404
    assert (await client.post(url, json=body)).status_code == 401


async def test_weekly_repeat_keeps_local_wall_time_across_dst(client):
    facilitator = await make_user()
    now = paris(2026, 10, 1, 8, 0)
    cohort = await make_cohort(
        facilitator=facilitator, starts_at=now, ends_at=paris(2026, 11, 30, 18, 0), now=now
    )
    created = await client.post(
        f"/api/v1/cohorts/{cohort.id}/workshops",
        json={
            "title": "Atelier du jeudi",
            "starts_at": "2026-10-15T09:30",  # naive: read in the cohort's zone
            "ends_at": "2026-10-15T12:30",
            "repeat_weekly_until": "2026-11-05",  # inclusive
        },
        headers=await bearer(facilitator),
    )
    assert created.status_code == 201, created.text
    items = created.json()["items"]
    starts = [datetime.fromisoformat(i["starts_at"]).astimezone(PARIS) for i in items]
    assert [s.date() for s in starts] == [
        date(2026, 10, 15),
        date(2026, 10, 22),
        date(2026, 10, 29),
        date(2026, 11, 5),
    ]
    assert {(s.hour, s.minute) for s in starts} == {(9, 30)}
    # 25 October 2026 is the switch to winter time: UTC hours differ, local ones do not.
    utc_hours = [datetime.fromisoformat(i["starts_at"]).astimezone(UTC).hour for i in items]
    assert utc_hours == [7, 7, 8, 8]
    assert len({i["series_id"] for i in items}) == 1


def test_weekly_occurrences_inclusive_end():
    start = paris(2026, 3, 23, 9, 30)
    found = weekly_occurrences(start, start + timedelta(hours=3), date(2026, 4, 6), PARIS)
    assert [s.astimezone(PARIS).strftime("%m-%d %H:%M") for s, _ in found] == [
        "03-23 09:30",
        "03-30 09:30",
        "04-06 09:30",
    ]


async def test_reschedule_and_cancel_notify_members(client):
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator)
    member = await make_participant(cohort)
    start = utcnow() + timedelta(days=2)
    [created] = (
        await client.post(
            f"/api/v1/cohorts/{cohort.id}/workshops",
            json={
                "title": "Pitch",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=2)).isoformat(),
            },
            headers=await bearer(facilitator),
        )
    ).json()["items"]
    headers = await bearer(facilitator)
    new_start = start + timedelta(days=1)
    moved = await client.patch(
        f"/api/v1/workshops/{created['id']}",
        json={"starts_at": new_start.isoformat()},
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["ends_at"] == (new_start + timedelta(hours=2)).isoformat()
    assert moved.json()["sequence"] == 1
    cancelled = await client.patch(
        f"/api/v1/workshops/{created['id']}", json={"status": "cancelled"}, headers=headers
    )
    assert cancelled.json()["status"] == "cancelled"
    kinds = [n.kind for n in await Notification.filter(participant_id=member.id).order_by("id")]
    assert kinds == ["workshop_moved", "workshop_cancelled"]
    bad = await client.patch(
        f"/api/v1/workshops/{created['id']}", json={"status": "done"}, headers=headers
    )
    assert bad.status_code == 422
    forbidden = await client.patch(
        f"/api/v1/workshops/{created['id']}", json={"title": "x"}, headers=await bearer(member)
    )
    assert forbidden.status_code == 403


async def test_closed_cohort_programme_is_frozen(client):
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator)
    start = utcnow() + timedelta(days=1)
    [w] = (
        await client.post(
            f"/api/v1/cohorts/{cohort.id}/workshops",
            json={
                "title": "x",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
            },
            headers=await bearer(facilitator),
        )
    ).json()["items"]
    cohort.status = "closed"
    await cohort.save()
    response = await client.patch(
        f"/api/v1/workshops/{w['id']}", json={"title": "y"}, headers=await bearer(facilitator)
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cohort_closed"


async def test_default_programme_over_two_weeks(app):
    now = paris(2026, 6, 1, 8, 0)  # a Monday
    cohort = await make_cohort(
        starts_at=now, ends_at=paris(2026, 6, 12, 18, 0), now=now, programme="flashcoop-7-days"
    )
    workshops = await Workshop.filter(cohort_id=cohort.id).order_by("starts_at")
    assert len(workshops) == 14
    days = sorted({w.starts_at.astimezone(PARIS).date() for w in workshops})
    assert len(days) == 7
    assert days[0] == date(2026, 6, 1) and days[-1] == date(2026, 6, 12)
    assert all(d.weekday() < 5 for d in days)
    first = workshops[0].starts_at.astimezone(PARIS)
    assert (first.hour, first.minute) == (9, 30)
    assert all(cohort.starts_at <= w.starts_at and w.ends_at <= cohort.ends_at for w in workshops)
    assert all(w.competences for w in workshops)


async def test_default_programme_adapts_to_a_short_cohort(app):
    now = paris(2026, 6, 2, 8, 0)  # Tuesday to Wednesday: four sessions
    cohort = await make_cohort(
        starts_at=now, ends_at=paris(2026, 6, 3, 18, 0), now=now, programme="flashcoop-7-days"
    )
    sessions = [s.title for s, _, _ in plan(cohort)]
    assert sessions == ["Kick-off assembly", "Pitch to a banker", "Market day", "Results review"]
    assert await Workshop.filter(cohort_id=cohort.id).count() == 4


async def test_default_programme_spreads_over_a_long_cohort(app):
    now = paris(2026, 3, 2, 8, 0)
    cohort = await make_cohort(
        starts_at=now, ends_at=paris(2026, 5, 29, 18, 0), now=now, programme="flashcoop-7-days"
    )
    planned = plan(cohort)
    days = sorted({s.astimezone(PARIS).date() for _, s, _ in planned})
    assert len(planned) == 14 and len(days) == 7
    assert days[0] == date(2026, 3, 2) and days[-1] == date(2026, 5, 29)
    # Across the DST change of 29 March the local time stays 9:30.
    assert {(s.astimezone(PARIS).hour, s.astimezone(PARIS).minute) for _, s, _ in planned} == {
        (9, 30),
        (14, 0),
    }


ZONES = ["Europe/Paris", "America/New_York", "Australia/Sydney", "Pacific/Noumea", "UTC"]


@hsettings(max_examples=200, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    minute=st.integers(min_value=6 * 60, max_value=20 * 60),
    weeks=st.integers(min_value=0, max_value=30),
)
def test_weekly_repeats_keep_wall_time_in_any_zone(zone, day, minute, weeks):
    tz = ZoneInfo(zone)
    local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
    start = local.astimezone(UTC)
    found = weekly_occurrences(start, start + timedelta(hours=2), day + timedelta(weeks=weeks), tz)
    assert len(found) == weeks + 1
    for index, (s, e) in enumerate(found):
        here = s.astimezone(tz)
        assert here.date() == day + timedelta(weeks=index)
        assert (here.hour, here.minute) == (minute // 60, minute % 60)
        assert e > s
