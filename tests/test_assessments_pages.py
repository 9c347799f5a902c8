"""The facilitator's grid (without JavaScript: one form for every changed cell), the member's
self-assessment page, and the sections of the home and the dashboard."""

import re

from flashcoop.certificates.assessments import latest_levels, latest_self_levels, record_assessment
from flashcoop.certificates.models import Assessment
from flashcoop.core.principal import Principal
from tests.factories import csrf_from, login, make_cohort, make_participant, make_user
from tests.workshop_helpers import make_workshop


async def _grid_setup(client):
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator)
    await make_workshop(cohort, competences=("1.1", "2.4"))
    aicha = await make_participant(cohort, "Aïcha")
    bruno = await make_participant(cohort, "Bruno")
    await login(client, facilitator)
    return facilitator, cohort, aicha, bruno


async def test_grid_shows_members_by_the_workshops_competences(client):
    _facilitator, cohort, aicha, bruno = await _grid_setup(client)
    await record_assessment(
        cohort,
        Principal(participant=aicha),
        participant_id=aicha.id,
        competence="2.4",
        level=3,
        is_self=True,
    )
    url = f"/cohorts/{cohort.id}/assessments"
    page = await client.get(url)
    assert page.status_code == 200
    assert "Aïcha" in page.text and "Bruno" in page.text
    assert f'name="level.{aicha.id}.1.1"' in page.text
    assert f'name="level.{bruno.id}.2.4"' in page.text
    assert ".3.1" not in page.text  # not a competence of the workshops
    assert "Auto\u202f: 3" in page.text  # her self-assessment, next to the cell
    assert page.text.count('aria-live="polite"') == 4
    everything = await client.get(url + "?all=1")
    assert f'name="level.{aicha.id}.3.1"' in everything.text
    assert 'name="all" value="1"' in everything.text


async def test_grid_without_javascript_saves_the_changed_cells(client):
    facilitator, cohort, aicha, bruno = await _grid_setup(client)
    await record_assessment(
        cohort, Principal(user=facilitator), participant_id=bruno.id, competence="1.1", level=2
    )
    url = f"/cohorts/{cohort.id}/assessments"
    token = csrf_from((await client.get(url)).text)
    form = {
        "csrf_token": token,
        f"level.{aicha.id}.1.1": "3",
        f"note.{aicha.id}.1.1": "A trouvé trois idées",
        f"level.{aicha.id}.2.4": "",
        f"note.{aicha.id}.2.4": "",
        f"level.{bruno.id}.1.1": "2",  # unchanged: not recorded again
        f"note.{bruno.id}.1.1": "",
        f"level.{bruno.id}.2.4": "4",
        f"note.{bruno.id}.2.4": "",
    }
    saved = await client.post(url, data=form)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/cohorts/{cohort.id}/assessments?saved=2"
    assert await latest_levels(cohort.id) == {
        str(aicha.id): {"1.1": 3},
        str(bruno.id): {"1.1": 2, "2.4": 4},
    }
    assert await Assessment.filter(cohort_id=cohort.id).count() == 3
    note = await Assessment.get(participant_id=aicha.id, competence="1.1")
    assert note.note == "A trouvé trois idées" and note.assessed_by_id == facilitator.id
    shown = await client.get(saved.headers["location"])
    assert "2 évaluations enregistrées" in shown.text
    assert "A trouvé trois idées" in shown.text


async def test_grid_errors_show_next_to_the_cell_and_nothing_is_saved(client):
    _facilitator, cohort, aicha, bruno = await _grid_setup(client)
    url = f"/cohorts/{cohort.id}/assessments"
    token = csrf_from((await client.get(url)).text)
    bad = await client.post(
        url,
        data={
            "csrf_token": token,
            f"level.{aicha.id}.1.1": "3",
            f"level.{aicha.id}.2.4": "9",
            f"level.{bruno.id}.1.1": "",
            f"note.{bruno.id}.1.1": "Une note sans niveau",
            f"level.{bruno.id}.2.4": "2",
            f"note.{bruno.id}.2.4": "x" * 2001,
            "level.not-a-member.1.1": "2",
            "level.broken": "1",
        },
    )
    assert bad.status_code == 422
    assert f'id="e-{aicha.id}.2.4"' in bad.text
    assert f'id="e-{bruno.id}.1.1"' in bad.text and "Choisissez un niveau" in bad.text
    assert f'id="e-{bruno.id}.2.4"' in bad.text
    assert "Une note sans niveau" in bad.text  # what was typed stays
    assert await Assessment.all().count() == 0
    assert (await client.post(url, data={f"level.{aicha.id}.1.1": "3"})).status_code == 403


async def test_closed_cohort_grid_is_read_only_and_refuses_a_post(client):
    facilitator, cohort, aicha, _ = await _grid_setup(client)
    await record_assessment(
        cohort,
        Principal(user=facilitator),
        participant_id=aicha.id,
        competence="1.1",
        level=2,
        note="Progresse",
    )
    url = f"/cohorts/{cohort.id}/assessments"
    token = csrf_from((await client.get(url)).text)
    cohort.status = "closed"
    await cohort.save()
    page = await client.get(url)
    assert page.status_code == 200
    assert "<select" not in page.text and "assess-grid.js" not in page.text
    assert "ne peuvent plus être modifiées" in page.text
    assert "2 · Pratique avec aide" in page.text and "Progresse" in page.text
    refused = await client.post(url, data={"csrf_token": token, f"level.{aicha.id}.1.1": "4"})
    assert refused.status_code == 409
    assert await latest_levels(cohort.id) == {str(aicha.id): {"1.1": 2}}


async def test_grid_is_for_the_cohorts_staff(client):
    _facilitator, cohort, _aicha, _ = await _grid_setup(client)
    url = f"/cohorts/{cohort.id}/assessments"
    other = await make_user(organisation="Autre CAE")
    await login(client, other)
    assert (await client.get(url)).status_code == 404
    funder = await make_user("funder", organisation="Département")
    await login(client, funder)
    assert (await client.get(url)).status_code == 403


async def _member_phone(client, cohort, name="Aïcha"):
    member = await make_participant(cohort, name, pin="4321")
    page = await client.get(f"/j/{cohort.join_code}")
    response = await client.post(
        f"/j/{cohort.join_code}",
        data={"display_name": name, "pin": "4321", "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 303, response.text
    return member


async def test_member_self_assesses_with_big_buttons(client):
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator)
    await make_workshop(cohort, competences=("1.1",))
    member = await _member_phone(client, cohort)
    home = await client.get("/me")
    assert 'href="/me/skills"' in home.text and "Mes compétences" in home.text
    assert "0 sur 1" in home.text
    page = await client.get("/me/skills")
    assert page.status_code == 200
    assert "Repérer les opportunités" in page.text and "Découvre" in page.text
    assert page.text.count('name="level"') == 4
    assert 'aria-hidden="true">🌱' in page.text
    saved = await client.post(
        "/me/skills",
        data={"csrf_token": csrf_from(page.text), "competence": "1.1", "level": "2"},
    )
    assert saved.status_code == 303
    assert await latest_self_levels(cohort.id) == {str(member.id): {"1.1": 2}}
    assert await latest_levels(cohort.id) == {}
    after = await client.get(saved.headers["location"])
    assert "C’est noté" in after.text and 'aria-pressed="true"' in after.text
    assert "1 sur 1" in (await client.get("/me")).text
    bad = await client.post(
        "/me/skills", data={"csrf_token": csrf_from(page.text), "competence": "9.9", "level": "7"}
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    cohort.status = "closed"
    await cohort.save()
    frozen = await client.get("/me/skills")
    assert "disabled" in frozen.text
    refused = await client.post(
        "/me/skills", data={"csrf_token": csrf_from(page.text), "competence": "1.1", "level": "3"}
    )
    assert refused.status_code == 409


async def test_dashboard_counts_the_members_assessed(client):
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator)
    aicha = await make_participant(cohort, "Aïcha")
    await make_participant(cohort, "Bruno")
    staff = Principal(user=facilitator)
    for level in (1, 2):
        await record_assessment(
            cohort, staff, participant_id=aicha.id, competence="1.1", level=level
        )
    await login(client, facilitator)
    page = await client.get(f"/cohorts/{cohort.id}")
    assert f'href="/cohorts/{cohort.id}/assessments"' in page.text
    assert "1 participant·e évalué·e" in page.text


async def test_grid_script_path_saves_one_cell_with_the_session_and_csrf_header(client):
    _facilitator, cohort, aicha, _ = await _grid_setup(client)
    page = await client.get(f"/cohorts/{cohort.id}/assessments")
    api = re.search(r'data-api="([^"]+)"', page.text).group(1)
    token = re.search(r'data-csrf="([^"]+)"', page.text).group(1)
    body = {"participant_id": str(aicha.id), "competence": "2.4", "level": 4, "note": "Moteur"}
    without = await client.post(api, json=body)
    assert without.status_code == 403 and without.json()["error"]["code"] == "csrf_failed"
    saved = await client.post(api, json=body, headers={"X-CSRF-Token": token})
    assert saved.status_code == 201 and saved.json()["level"] == 4
    assert await latest_levels(cohort.id) == {str(aicha.id): {"2.4": 4}}
    assert 'src="/static/js/assess-grid.js?v=' in page.text
    script = await client.get("/static/js/assess-grid.js")
    assert script.status_code == 200 and "X-CSRF-Token" in script.text
