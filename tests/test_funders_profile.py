"""The optional profile behind the funders' gender and age splits: given at joining, or
corrected by the staff; validated; frozen with the cohort."""

from __future__ import annotations

from flashcoop.cohorts.models import Participant
from flashcoop.core.clock import utcnow
from tests.factories import bearer, csrf_from, make_user
from tests.report_helpers import make_closed, make_open


async def test_join_api_accepts_the_optional_profile(client):
    cohort, *_ = await make_open(names=())
    body = {"code": cohort.join_code, "display_name": "Zoé", "pin": "1234", "profile_data": True}
    response = await client.post(
        "/api/v1/join", json={**body, "gender": "female", "birth_year": 1999}
    )
    assert response.status_code == 201, response.text
    zoe = await Participant.get(display_name="Zoé")
    assert (zoe.gender, zoe.birth_year) == ("female", 1999)
    plain = await client.post("/api/v1/join", json={**body, "display_name": "Yann", "pin": "4321"})
    assert plain.status_code == 201
    yann = await Participant.get(display_name="Yann")
    assert (yann.gender, yann.birth_year) == ("", None)
    too_young = utcnow().year - 13
    for extra, field in (
        ({"gender": "robot"}, "gender"),
        ({"birth_year": too_young}, "birth_year"),
        ({"birth_year": 1899}, "birth_year"),
        ({"birth_year": "soon"}, "birth_year"),
        ({"birth_year": True}, "birth_year"),
        ({"birth_year": 1990.5}, "birth_year"),
    ):
        bad = await client.post("/api/v1/join", json={**body, "display_name": "Xavier", **extra})
        assert bad.status_code == 422, extra
        assert field in bad.json()["error"]["fields"]
    assert not await Participant.filter(display_name="Xavier").exists()


async def test_join_form_has_the_optional_fields(client):
    cohort, *_ = await make_open(names=())
    page = await client.get(f"/j/{cohort.join_code}")
    assert 'name="gender"' in page.text and 'name="birth_year"' in page.text
    assert 'for="f-gender"' in page.text and 'for="f-birth_year"' in page.text
    form = {"display_name": "Zoé", "pin": "1234", "gender": "other", "birth_year": "1980"}
    form["profile_data"] = "on"  # the profile is kept only with this consent (docs/privacy.md)
    done = await client.post(
        f"/j/{cohort.join_code}", data={**form, "csrf_token": csrf_from(page.text)}
    )
    assert done.status_code == 303, done.text
    zoe = await Participant.get(display_name="Zoé")
    assert (zoe.gender, zoe.birth_year) == ("other", 1980)


async def test_join_form_rejects_a_bad_year(client):
    cohort, *_ = await make_open(names=())
    page = await client.get(f"/j/{cohort.join_code}")
    form = {"display_name": "Zoé", "pin": "1234", "birth_year": "20", "profile_data": "on"}
    bad = await client.post(
        f"/j/{cohort.join_code}", data={**form, "csrf_token": csrf_from(page.text)}
    )
    assert bad.status_code == 422
    assert 'id="e-birth_year"' in bad.text
    assert not await Participant.filter(display_name="Zoé").exists()


async def test_staff_patch_role_and_profile(client):
    cohort, facilitator, people, _now = await make_open()
    await Participant.filter(id=people[0].id).update(consent_profile=True)
    url = f"/api/v1/cohorts/{cohort.id}/participants/{people[0].id}"
    headers = await bearer(facilitator)
    response = await client.patch(url, json={"gender": "male", "birth_year": 1975}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["gender"] == "male" and response.json()["birth_year"] == 1975
    role = await client.patch(url, json={"role": "treasurer"}, headers=headers)
    assert role.json()["role"] == "treasurer"
    cleared = await client.patch(url, json={"gender": "", "birth_year": None}, headers=headers)
    assert cleared.json()["gender"] is None and cleared.json()["birth_year"] is None
    stored = await Participant.get(id=people[0].id)
    assert (stored.role, stored.gender, stored.birth_year) == ("treasurer", "", None)
    for body, field in (
        ({"birth_year": utcnow().year - 13}, "birth_year"),
        ({"birth_year": "x"}, "birth_year"),
        ({"gender": "robot"}, "gender"),
        ({"role": "boss"}, "role"),
        ({"display_name": "Other"}, "display_name"),
    ):
        bad = await client.patch(url, json=body, headers=headers)
        assert bad.status_code == 422, body
        assert field in bad.json()["error"]["fields"]
    funder = await make_user("funder", organisation="Fondation X")
    assert (
        await client.patch(url, json={"gender": "male"}, headers=await bearer(funder))
    ).status_code == 403  # staff routes refuse other roles before any lookup
    member = await client.patch(url, json={"gender": "male"}, headers=await bearer(people[1]))
    assert member.status_code == 403
    stranger = await make_user("facilitator", organisation="Autre CAE")
    other = await client.patch(url, json={"gender": "male"}, headers=await bearer(stranger))
    assert other.status_code == 404


async def test_patch_refused_once_closed(client):
    closed = await make_closed()
    await Participant.filter(id=closed.people[0].id).update(consent_profile=True)
    url = f"/api/v1/cohorts/{closed.cohort.id}/participants/{closed.people[0].id}"
    response = await client.patch(
        url, json={"gender": "female"}, headers=await bearer(closed.facilitator)
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cohort_closed"
