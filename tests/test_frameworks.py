"""Skills frameworks: the built-in one, structures' own (API, page, validation), and a cohort
launched with its structure's framework whose workshops are tagged with its competences."""

from datetime import timedelta
from typing import Any

import pytest

from flashcoop.cohorts.launch import read_cohort
from flashcoop.cohorts.models import Cohort, CustomFramework
from flashcoop.cohorts.skills import cohort_framework, usable_frameworks
from flashcoop.core.clock import utcnow
from flashcoop.core.errors import ValidationError
from flashcoop.core.principal import Principal
from flashcoop.workshops.calendar import build_calendar
from flashcoop.workshops.models import Workshop
from tests.factories import bearer, csrf_from, login, make_cohort, make_participant, make_user


def definition(key: str = "cae-vente", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "key": key,
        "name": {"fr": "Compétences de la vente", "en": "Sales skills"},
        "levels": [
            {"fr": "Découvre", "en": "Discovers"},
            "Pratique avec aide",
            {"fr": "Pratique seul·e"},
            {"fr": "Transmet", "en": "Passes it on"},
        ],
        "areas": [{"code": "A", "label": "Relation client"}, {"code": "B", "label": "Caisse"}],
        "competences": [
            {"code": "A1", "area": "A", "label": {"fr": "Accueillir", "en": "Welcoming"}},
            {"code": "A2", "area": "A", "label": "Conseiller"},
            {"code": "B1", "area": "B", "label": "Tenir la caisse"},
        ],
    }
    body.update(changes)
    return body


async def test_builtin_entrecomp_is_listed_in_the_request_language(client):
    facilitator = await make_user()
    headers = await bearer(facilitator)
    response = await client.get("/api/v1/frameworks", headers=headers)
    assert response.status_code == 200
    [entrecomp] = response.json()["items"]
    assert entrecomp["key"] == "entrecomp" and entrecomp["builtin"] is True
    assert len(entrecomp["competences"]) == 15
    assert {c["area"] for c in entrecomp["competences"]} == {"1", "2", "3"}
    assert entrecomp["levels"][0] == "Découvre"  # French first
    english = await client.get("/api/v1/frameworks", headers={**headers, "Accept-Language": "en"})
    assert english.json()["items"][0]["levels"][0] == "Discovers"
    assert (await client.get("/api/v1/frameworks")).status_code == 401
    cohort = await make_cohort(facilitator=facilitator)
    member = await make_participant(cohort)
    refused = await client.get("/api/v1/frameworks", headers=await bearer(member))
    assert refused.status_code == 403


async def test_a_facilitator_defines_a_framework_that_only_their_structure_sees(client):
    facilitator = await make_user()
    headers = await bearer(facilitator)
    created = await client.post("/api/v1/frameworks", json=definition(), headers=headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["key"] == "cae-vente" and body["builtin"] is False
    assert body["levels"] == ["Découvre", "Pratique avec aide", "Pratique seul·e", "Transmet"]
    assert body["competences"][0] == {"code": "A1", "area": "A", "label": "Accueillir"}
    english = await client.get("/api/v1/frameworks", headers={**headers, "Accept-Language": "en"})
    mine = english.json()["items"][1]
    # English where given, French where not.
    assert mine["name"] == "Sales skills" and mine["levels"][1] == "Pratique avec aide"
    assert [c["label"] for c in mine["competences"]] == [
        "Welcoming",
        "Conseiller",
        "Tenir la caisse",
    ]
    row = await CustomFramework.get(key="cae-vente")
    assert row.organisation_id == facilitator.organisation_id
    other = await make_user(organisation="Autre CAE")
    seen = await client.get("/api/v1/frameworks", headers=await bearer(other))
    assert [f["key"] for f in seen.json()["items"]] == ["entrecomp"]
    admin = await make_user("admin")
    every = await client.get("/api/v1/frameworks", headers=await bearer(admin))
    assert [f["key"] for f in every.json()["items"]] == ["entrecomp", "cae-vente"]
    again = await client.post("/api/v1/frameworks", json=definition(), headers=headers)
    assert again.status_code == 422 and "key" in again.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"key": "Bad Key"}, {"key"}),
        ({"key": "entrecomp"}, {"key"}),
        ({"key": None, "name": ""}, {"key", "name"}),
        ({"levels": ["Un", "Deux"]}, {"levels"}),
        ({"levels": ["1", "2", "3", "4", "5"]}, {"levels"}),
        ({"levels": ["Un", "", "Trois"]}, {"levels.1"}),
        ({"levels": ["Un", "x" * 61, "Trois"]}, {"levels.1"}),
        ({"name": {"en": "English only"}}, {"name"}),
        ({"name": "x" * 121}, {"name"}),
        ({"areas": []}, {"areas"}),
        ({"areas": [{"code": "A", "label": "x"}, {"code": "A", "label": "y"}]}, {"areas.1.code"}),
        (
            {
                "competences": [
                    {"code": "A1", "area": "A", "label": "Un"},
                    {"code": "A1", "area": "A", "label": "Deux"},
                ]
            },
            {"competences.1.code"},
        ),
        (
            {"competences": [{"code": "Z1", "area": "Z", "label": "Hors zone"}]},
            {"competences.0.area"},
        ),
        ({"competences": [{"code": "A 1!", "area": "A", "label": "x"}]}, {"competences.0.code"}),
        (
            {"competences": [{"code": "A1", "area": "A", "label": "x" * 121}]},
            {"competences.0.label"},
        ),
        ({"competences": "A1"}, {"competences"}),
        ({"competences": ["A1"]}, {"competences.0"}),
    ],
)
async def test_invalid_definitions_answer_422_with_the_field(client, changes, fields):
    headers = await bearer(await make_user())
    response = await client.post("/api/v1/frameworks", json=definition(**changes), headers=headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == fields
    assert await CustomFramework.all().count() == 0


async def test_who_may_define_a_framework(client):
    funder = await make_user("funder", organisation="Département")
    refused = await client.post(
        "/api/v1/frameworks", json=definition(), headers=await bearer(funder)
    )
    assert refused.status_code == 403
    assert (await client.post("/api/v1/frameworks", json=definition())).status_code == 401
    admin = await make_user("admin")
    headers = await bearer(admin)
    missing = await client.post("/api/v1/frameworks", json=definition(), headers=headers)
    assert set(missing.json()["error"]["fields"]) == {"organisation_id"}
    facilitator = await make_user()
    body = definition(organisation_id=facilitator.organisation_id)
    created = await client.post("/api/v1/frameworks", json=body, headers=headers)
    assert created.status_code == 201
    assert (
        await CustomFramework.get(key="cae-vente")
    ).organisation_id == facilitator.organisation_id
    malformed = await client.post(
        "/api/v1/frameworks", content="[]", headers={**headers, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400


async def test_a_cohort_launched_with_its_structures_framework_tags_its_workshops(client):
    facilitator = await make_user()
    headers = await bearer(facilitator)
    assert (
        await client.post("/api/v1/frameworks", json=definition(), headers=headers)
    ).status_code == 201
    now = utcnow()
    launched = await client.post(
        "/api/v1/cohorts",
        json={
            "name": "Boutique",
            "activity": "Vente",
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(days=5)).isoformat(),
            "framework": "cae-vente",
        },
        headers=headers,
    )
    assert launched.status_code == 201, launched.text
    assert launched.json()["framework"] == "cae-vente"
    cohort = await Cohort.get(id=launched.json()["id"])
    assert (await cohort_framework(cohort)).codes == {"A1", "A2", "B1"}
    start = now + timedelta(days=1)
    slot = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}
    tagged = await client.post(
        f"/api/v1/cohorts/{cohort.id}/workshops",
        json={"title": "Caisse", "competences": ["B1", "A1"], **slot},
        headers=headers,
    )
    assert tagged.status_code == 201, tagged.text
    assert tagged.json()["items"][0]["competences"] == ["A1", "B1"]  # the framework's order
    entrecomp_code = await client.post(
        f"/api/v1/cohorts/{cohort.id}/workshops",
        json={"title": "Idées", "competences": ["1.1"], **slot},
        headers=headers,
    )
    assert entrecomp_code.status_code == 422
    assert "competences" in entrecomp_code.json()["error"]["fields"]
    workshop = await Workshop.get(cohort_id=cohort.id, title="Caisse")
    patched = await client.patch(
        f"/api/v1/workshops/{workshop.id}", json={"competences": ["A2"]}, headers=headers
    )
    assert patched.status_code == 200 and patched.json()["competences"] == ["A2"]
    ics = (await build_calendar(cohort, [workshop], base_url="http://x")).decode()
    assert "Tenir la caisse" in ics.replace("\r\n ", "")
    await login(client, facilitator)
    page = await client.get(f"/cohorts/{cohort.id}/workshops")
    assert "Conseiller" in page.text and "Repérer les opportunités" not in page.text
    assert "Compétences de la vente" in page.text


async def test_another_structures_framework_cannot_be_used_to_launch(app):
    owner = await make_user()
    outsider = await make_user(organisation="Autre CAE")
    await CustomFramework.create(
        organisation_id=owner.organisation_id, key="cae-vente", data=definition()
    )
    assert [f.key for f in await usable_frameworks(outsider.organisation_id)] == ["entrecomp"]
    now = utcnow()
    data = {
        "name": "x",
        "activity": "y",
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=2)).isoformat(),
        "framework": "cae-vente",
    }
    with pytest.raises(ValidationError) as caught:
        await read_cohort(data, principal=Principal(user=outsider), default_timezone="Europe/Paris")
    assert set(caught.value.fields) == {"framework"}
    draft = await read_cohort(
        data, principal=Principal(user=owner), default_timezone="Europe/Paris"
    )
    assert draft.framework == "cae-vente"


async def test_frameworks_page_defines_one_from_lines_and_shows_errors(client):
    facilitator = await make_user()
    await login(client, facilitator)
    page = await client.get("/frameworks")
    assert page.status_code == 200 and "EntreComp" in page.text
    token = csrf_from(page.text)
    form = {
        "csrf_token": token,
        "key": "cae-vente",
        "name": "Compétences de la vente",
        "name_en": "Sales skills",
        "level_1": "Découvre | Discovers",
        "level_2": "Pratique avec aide",
        "level_3": "Pratique seul·e",
        "level_4": "",
        "areas": "A | Relation client | Customers\nB | Caisse\n",
        "competences": "A1 | A | Accueillir\nA2 | Z | Conseiller\n",
    }
    bad = await client.post("/frameworks", data=form)
    assert bad.status_code == 422
    assert 'id="e-competences"' in bad.text
    assert "Compétence 2" in bad.text and "Z" in bad.text  # which line, in French
    assert "A1 | A | Accueillir" in bad.text  # what was typed is kept
    form["competences"] = "A1 | A | Accueillir | Welcoming\nB1 | B | Tenir la caisse\n"
    good = await client.post("/frameworks", data=form)
    assert good.status_code == 303
    row = await CustomFramework.get(key="cae-vente")
    assert row.data["levels"][0] == {"fr": "Découvre", "en": "Discovers"}
    assert len(row.data["levels"]) == 3
    assert row.data["competences"][0]["label"] == {"fr": "Accueillir", "en": "Welcoming"}
    shown = await client.get(good.headers["location"])
    assert "Compétences de la vente" in shown.text and "Tenir la caisse" in shown.text
    launch = await client.get("/cohorts/new")
    assert 'value="cae-vente"' in launch.text
    no_csrf = await client.post(
        "/frameworks", data={k: v for k, v in form.items() if k != "csrf_token"}
    )
    assert no_csrf.status_code == 403


async def test_frameworks_page_level_and_key_errors_sit_next_to_their_fields(client):
    await login(client, await make_user())
    token = csrf_from((await client.get("/frameworks")).text)
    bad = await client.post(
        "/frameworks",
        data={
            "csrf_token": token,
            "key": "X",
            "name": "",
            "level_1": "Un",
            "level_2": "Deux",
            "areas": "",
            "competences": "",
        },
    )
    assert bad.status_code == 422
    for name in ("key", "name", "levels", "areas", "competences"):
        assert f'id="e-{name}"' in bad.text, name
