from datetime import timedelta

from flashcoop.cohorts.models import Cohort, Participant, Product
from flashcoop.core.clock import utcnow
from tests.factories import bearer, make_cohort, make_funder_org, make_participant, make_user


def cohort_body(**overrides):
    now = utcnow()
    body = {
        "name": "Traiteur éphémère",
        "activity": "Traiteur",
        "starts_at": (now - timedelta(hours=2)).isoformat(),
        "ends_at": (now + timedelta(days=14)).isoformat(),
        "products": [{"label": "Samoussa", "price": "1.50"}],
    }
    body.update(overrides)
    return body


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_create_cohort_returns_live_cohort_with_join_code(client):
    facilitator = await make_user("facilitator")
    response = await client.post(
        "/api/v1/cohorts", json=cohort_body(), headers=await bearer(facilitator)
    )
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["status"] == "active"
    assert data["timezone"] == "Europe/Paris"
    assert data["join_url"].endswith("/j/" + data["join_code"])
    assert data["products"] == [
        {"id": data["products"][0]["id"], "label": "Samoussa", "price": "1.50"}
    ]
    assert await Cohort.filter(id=data["id"]).count() == 1


async def test_invalid_cohort_is_422_with_fields_and_creates_nothing(client):
    facilitator = await make_user("facilitator")
    now = utcnow()
    body = cohort_body(
        name="x" * 121,
        timezone="Mars/Olympus",
        starts_at=(now + timedelta(days=3)).isoformat(),
        ends_at=(now + timedelta(days=2)).isoformat(),
        products=[{"label": "Jus", "price": "-2"}],
    )
    response = await client.post("/api/v1/cohorts", json=body, headers=await bearer(facilitator))
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert set(fields) >= {"name", "timezone", "products.0.price"}
    assert await Cohort.all().count() == 0
    assert await Product.all().count() == 0


async def test_end_before_start_and_in_the_past(client):
    facilitator = await make_user("facilitator")
    now = utcnow()
    headers = await bearer(facilitator)
    response = await client.post(
        "/api/v1/cohorts",
        headers=headers,
        json=cohort_body(
            starts_at=(now + timedelta(days=3)).isoformat(),
            ends_at=(now + timedelta(days=2)).isoformat(),
        ),
    )
    assert response.json()["error"]["fields"]["ends_at"]
    response = await client.post(
        "/api/v1/cohorts",
        headers=headers,
        json=cohort_body(
            starts_at=(now - timedelta(days=3)).isoformat(),
            ends_at=(now - timedelta(days=2)).isoformat(),
        ),
    )
    assert response.status_code == 422
    assert "ends_at" in response.json()["error"]["fields"]


async def test_errors_are_translated(client):
    facilitator = await make_user("facilitator")
    headers = {**await bearer(facilitator), "Accept-Language": "fr-FR,fr;q=0.9"}
    response = await client.post("/api/v1/cohorts", headers=headers, json=cohort_body(name=""))
    assert response.json()["error"]["fields"]["name"] == "Ce champ est obligatoire."
    headers["Accept-Language"] = "en"
    response = await client.post("/api/v1/cohorts", headers=headers, json=cohort_body(name=""))
    assert response.json()["error"]["fields"]["name"] == "This field is required."


async def test_no_token_is_401_and_funder_cannot_create(client):
    assert (await client.get("/api/v1/cohorts")).status_code == 401
    funder = await make_user("funder", organisation="Région")
    response = await client.post(
        "/api/v1/cohorts", json=cohort_body(), headers=await bearer(funder)
    )
    assert response.status_code == 403


async def test_scoping_of_cohorts(client):
    mine = await make_user("facilitator", organisation="CAE A")
    theirs = await make_user("facilitator", organisation="CAE B")
    funder_org = await make_funder_org("Région Test")
    funder = await make_user("funder", organisation="Région Test")
    cohort = await make_cohort(facilitator=mine, funders=[funder_org.id])
    other = await make_cohort(facilitator=theirs)

    listed = (await client.get("/api/v1/cohorts", headers=await bearer(mine))).json()["items"]
    assert [c["id"] for c in listed] == [str(cohort.id)]
    response = await client.get(f"/api/v1/cohorts/{other.id}", headers=await bearer(mine))
    assert response.status_code == 404
    listed = (await client.get("/api/v1/cohorts", headers=await bearer(funder))).json()["items"]
    assert [c["id"] for c in listed] == [str(cohort.id)]


async def test_join_creates_participant_and_token(client):
    cohort = await make_cohort()
    response = await client.post(
        "/api/v1/join",
        json={"code": cohort.join_code.lower(), "display_name": "Zoé 🌻 O'Brien", "pin": "0042"},
    )
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["participant"]["display_name"] == "Zoé 🌻 O'Brien"
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {data['token']}"})
    assert me.json()["participant"]["id"] == data["participant"]["id"]
    assert me.json()["cohort"]["id"] == str(cohort.id)
    assert "join_code" not in me.json()["cohort"]


async def test_join_again_with_same_name_and_pin_signs_in(client):
    cohort = await make_cohort()
    first = await make_participant(cohort, "Léa", "1234")
    response = await client.post(
        "/api/v1/join", json={"code": cohort.join_code, "display_name": " léa ", "pin": "1234"}
    )
    assert response.status_code == 200
    assert response.json()["participant"]["id"] == str(first.id)
    response = await client.post(
        "/api/v1/join", json={"code": cohort.join_code, "display_name": "Léa", "pin": "9999"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "name_taken"
    assert await Participant.all().count() == 1


async def test_join_rejections(client):
    cohort = await make_cohort()
    bad = await client.post(
        "/api/v1/join", json={"code": "NOPE2345", "display_name": "A", "pin": "1234"}
    )
    assert bad.status_code == 404
    invalid = await client.post(
        "/api/v1/join", json={"code": cohort.join_code, "display_name": "x" * 81, "pin": "12"}
    )
    assert invalid.status_code == 422
    assert set(invalid.json()["error"]["fields"]) == {"display_name", "pin"}
    cohort.joining_open = False
    await cohort.save()
    closed = await client.post(
        "/api/v1/join", json={"code": cohort.join_code, "display_name": "Ana", "pin": "1234"}
    )
    assert closed.status_code == 409
    assert closed.json()["error"]["code"] == "joining_closed"
    assert await Participant.all().count() == 0


async def test_join_is_rate_limited(client, settings):
    cohort = await make_cohort()
    for _ in range(settings.join_max_failures):
        response = await client.post(
            "/api/v1/join", json={"code": "WRONG234", "display_name": "A", "pin": "1234"}
        )
        assert response.status_code == 404
    response = await client.post(
        "/api/v1/join", json={"code": cohort.join_code, "display_name": "A", "pin": "1234"}
    )
    assert response.status_code == 429


async def test_organisations_and_participants_listing(client):
    facilitator = await make_user("facilitator", organisation="CAE Liste")
    cohort = await make_cohort(facilitator=facilitator)
    await make_participant(cohort, "Aïcha")
    headers = await bearer(facilitator)
    orgs = (await client.get("/api/v1/organisations", headers=headers)).json()["items"]
    assert any(o["name"] == "CAE Liste" and o["kind"] == "structure" for o in orgs)
    people = await client.get(f"/api/v1/cohorts/{cohort.id}/participants", headers=headers)
    assert people.status_code == 200
    assert people.json()["items"][0]["display_name"] == "Aïcha"
    assert people.json()["items"][0]["sales"] == "0.00"


async def test_joining_controls_through_the_api(client):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    headers = await bearer(facilitator)
    old_code = cohort.join_code
    renewed = await client.post(f"/api/v1/cohorts/{cohort.id}/join-code", headers=headers)
    assert renewed.status_code == 200
    assert renewed.json()["join_code"] != old_code
    gone = await client.post(
        "/api/v1/join", json={"code": old_code, "display_name": "Ana", "pin": "1234"}
    )
    assert gone.status_code == 404
    closed = await client.patch(
        f"/api/v1/cohorts/{cohort.id}", json={"joining_open": False}, headers=headers
    )
    assert closed.json()["joining_open"] is False
    bad = await client.patch(
        f"/api/v1/cohorts/{cohort.id}", json={"joining_open": "no"}, headers=headers
    )
    assert bad.status_code == 422
    assert "joining_open" in bad.json()["error"]["fields"]


async def test_pin_reset_and_signin_link_through_the_api(client):
    facilitator = await make_user("facilitator")
    cohort = await make_cohort(facilitator=facilitator)
    member = await make_participant(cohort, "Léa", "1234")
    member_headers = await bearer(member)
    headers = await bearer(facilitator)
    url = f"/api/v1/cohorts/{cohort.id}/participants/{member.id}"
    link = (await client.get(url + "/signin-link", headers=headers)).json()["url"]
    assert link.startswith("http://testserver/s/")
    invalid = await client.post(url + "/pin", json={"pin": "12a4"}, headers=headers)
    assert invalid.status_code == 422
    assert (
        await client.post(url + "/pin", json={"pin": "987654"}, headers=headers)
    ).status_code == 200
    rejoin = await client.post(
        "/api/v1/join", json={"code": cohort.join_code, "display_name": "Léa", "pin": "987654"}
    )
    assert rejoin.status_code == 200
    old = await client.post(
        "/api/v1/join", json={"code": cohort.join_code, "display_name": "Léa", "pin": "1234"}
    )
    assert old.status_code == 409
    # The card printed before the reset no longer signs anyone in.
    assert (await client.get(link.removeprefix("http://testserver"))).status_code != 303
    # The reset revoked the member's API tokens; with a new one, a member may not reset PINs;
    # another structure does not even see the cohort.
    assert (await client.get("/api/v1/me", headers=member_headers)).status_code == 401
    member_headers = {"Authorization": f"Bearer {rejoin.json()['token']}"}
    assert (
        await client.post(url + "/pin", json={"pin": "1111"}, headers=member_headers)
    ).status_code == 403
    stranger = await make_user("facilitator", organisation="CAE Autre")
    assert (
        await client.get(url + "/signin-link", headers=await bearer(stranger))
    ).status_code == 404
