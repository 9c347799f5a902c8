"""The closure report: exact figures, pseudonyms, suppression, stored once, served as stored."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json

from pypdf import PdfReader

from flashcoop.closure.models import Report
from flashcoop.closure.reports import store_closure_reports
from flashcoop.core.clock import utcnow
from flashcoop.core.storage import StoredFile
from tests.factories import bearer, make_funder_org, make_user
from tests.report_helpers import HEAD, make_closed, make_open


def url(cohort: object, fmt: str = "json") -> str:
    return f"/api/v1/cohorts/{cohort.id}/report.{fmt}"  # type: ignore[attr-defined]


async def test_staff_report_json_has_exact_figures_and_names(client, settings):
    closed = await make_closed()
    await store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
    response = await client.get(url(closed.cohort), headers=await bearer(closed.facilitator))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert data["cohort"]["id"] == str(closed.cohort.id)
    assert data["audience"] == "staff"
    assert set(data["period"]) >= {"starts_at", "ends_at", "closed_at"}
    assert data["participants"] == 4
    assert (data["sales"], data["expenses"], data["surplus"]) == ("100.05", "20.00", "80.05")
    assert data["shares"] == [
        {"participant": "Aïcha", "amount": "20.02"},
        {"participant": "Bruno", "amount": "20.01"},
        {"participant": "Chloé", "amount": "20.01"},
        {"participant": "Dylan", "amount": "20.01"},
    ]
    # 3 of 4 members attended the only 3-hour workshop.
    assert data["attendance_rate"] == 0.75
    assert data["training_hours"] == 9.0
    assert data["planned_hours"] == 3.0
    assert data["certificates_issued"] == 1
    assert data["ledger_head"] == HEAD
    assert data["ledger_entries"] == 3
    outcomes = {o["situation"]: o["count"] for o in data["outcomes"]}
    assert outcomes["not_recorded"] == 4 and outcomes["durable_job"] == 0
    assert next(p["participant"] for p in data["outcomes_by_participant"]) == "Aïcha"
    [skill] = data["skills"]
    assert skill["competence"] == "1.1"
    assert [lv["count"] for lv in skill["levels"]] == [0, 3, 0, 0]
    assert data["sales_by_day"][0]["amount"] == "100.05"


async def test_funder_report_is_pseudonymised_and_suppressed(client, settings):
    closed = await make_closed()
    closed.people[2].consent_share_name = True
    await closed.people[2].save()
    await store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
    response = await client.get(url(closed.cohort), headers=await bearer(closed.funder))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["audience"] == "funder"
    assert [s["participant"] for s in data["shares"]] == [
        "Participant 1",
        "Participant 2",
        "Chloé",  # consented to be named
        "Participant 4",
    ]
    assert "outcomes_by_participant" not in data
    body = response.text
    for name in ("Aïcha", "Bruno", "Dylan"):
        assert name not in body
    # Four people with no recorded situation: shown; every other situation: fewer than 3.
    outcomes = {o["situation"]: o for o in data["outcomes"]}
    assert outcomes["not_recorded"] == {"situation": "not_recorded", "count": 4}
    assert outcomes["durable_job"] == {
        "situation": "durable_job",
        "count": None,
        "suppressed": True,
    }
    genders = {g["value"]: g for g in data["by_gender"]}
    assert genders["unknown"]["count"] == 4 and genders["female"]["suppressed"] is True
    levels = data["skills"][0]["levels"]
    assert levels[1] == {"level": 2, "count": 3}
    assert levels[0] == {"level": 1, "count": None, "suppressed": True}
    # Money is not a count of people: exact for funders too.
    assert data["surplus"] == "80.05"


async def test_csv_parses_and_pdf_carries_totals_and_hash(client, settings):
    closed = await make_closed()
    await store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
    headers = await bearer(closed.funder)
    response = await client.get(url(closed.cohort, "csv"), headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {"section", "item", "detail", "value"} <= set(rows[0])
    found = {(r["section"], r["item"]): r for r in rows}
    assert found[("accounts", "surplus")]["value"] == "80.05"
    assert found[("summary", "ledger_head")]["value"] == HEAD
    assert found[("shares", "Participant 1")]["value"] == "20.02"
    assert found[("outcomes", "durable_job")]["detail"] == "suppressed"
    assert found[("outcomes", "durable_job")]["value"] == ""

    pdf = await client.get(url(closed.cohort, "pdf"), headers=headers)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Épicerie test" in flat
    assert "100,05" in flat and "80,05" in flat and "20,02" in flat
    assert HEAD[:32] in flat.replace(" ", "")
    assert "Participant 1" in flat and "Aïcha" not in flat

    staff_pdf = await client.get(
        url(closed.cohort, "pdf"), headers=await bearer(closed.facilitator)
    )
    staff_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(staff_pdf.content)).pages)
    assert "Aïcha" in staff_text


async def test_stored_once_and_served_byte_for_byte(client, settings):
    closed = await make_closed()
    await store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
    await store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
    assert await Report.filter(cohort_id=closed.cohort.id).count() == 6  # 3 formats × 2 audiences
    assert await StoredFile.all().count() == 6
    headers = await bearer(closed.facilitator)
    for fmt in ("json", "csv", "pdf"):
        first = await client.get(url(closed.cohort, fmt), headers=headers)
        second = await client.get(url(closed.cohort, fmt), headers=headers)
        assert first.content == second.content
        report = await Report.get(
            cohort_id=closed.cohort.id, kind="closure", audience="staff", format=fmt
        )
        stored = await StoredFile.get(id=report.file_id)
        assert hashlib.sha256(first.content).hexdigest() == stored.sha256
        assert first.headers["etag"] == f'"{stored.sha256}"'
    # Later changes (an outcome recorded now) never alter the stored report.
    before = (await client.get(url(closed.cohort), headers=headers)).content
    put = await client.put(
        f"/api/v1/cohorts/{closed.cohort.id}/participants/{closed.people[0].id}/outcome",
        json={"situation": "durable_job"},
        headers=headers,
    )
    assert put.status_code == 200
    assert (await client.get(url(closed.cohort), headers=headers)).content == before


async def test_concurrent_store_makes_one_row_per_key(app, settings):
    closed = await make_closed()
    await asyncio.gather(
        *(
            store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
            for _ in range(3)
        )
    )
    rows = await Report.filter(cohort_id=closed.cohort.id).values_list("audience", "format")
    assert sorted(rows) == sorted(
        (a, f) for a in ("staff", "funder") for f in ("json", "csv", "pdf")
    )
    # The losers' files were rolled back with their rows: no orphan.
    assert await StoredFile.all().count() == 6


async def test_missing_report_of_a_closed_cohort_is_stored_on_first_download(client):
    closed = await make_closed()
    response = await client.get(url(closed.cohort), headers=await bearer(closed.facilitator))
    assert response.status_code == 200
    assert json.loads(response.content)["surplus"] == "80.05"
    assert await Report.filter(cohort_id=closed.cohort.id).count() == 6


async def test_before_closure_409_and_scoping(client):
    funder_org = await make_funder_org()
    funder = await make_user("funder", organisation=funder_org.name)
    cohort, facilitator, _people, _now = await make_open(funder_org=funder_org)
    for fmt in ("json", "csv", "pdf"):
        for who in (facilitator, funder):
            response = await client.get(url(cohort, fmt), headers=await bearer(who))
            assert response.status_code == 409
            assert response.json()["error"]["code"] == "cohort_not_closed"
    cohort.status = "closing"
    await cohort.save()
    response = await client.get(url(cohort), headers=await bearer(facilitator))
    assert response.json()["error"]["code"] == "cohort_not_closed"

    closed = await make_closed(funder_org=await make_funder_org("Région"))
    other_funder = funder  # funds the open cohort only
    other_facilitator = await make_user("facilitator", organisation="Autre CAE")
    for who in (other_funder, other_facilitator):
        response = await client.get(url(closed.cohort), headers=await bearer(who))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    member = await client.get(url(closed.cohort), headers=await bearer(closed.people[0]))
    assert member.status_code == 403
    assert (await client.get(url(closed.cohort))).status_code == 401
    admin = await client.get(url(closed.cohort), headers=await bearer(await make_user("admin")))
    assert admin.status_code == 200 and admin.json()["audience"] == "staff"
    bad = await client.get(url(closed.cohort) + "?version=x", headers=await bearer(closed.funder))
    assert bad.status_code == 422
    missing = await client.get(
        url(closed.cohort) + "?version=7", headers=await bearer(closed.funder)
    )
    assert missing.status_code == 404
    unknown = await client.get("/api/v1/cohorts/nope/report.json", headers=await bearer(funder))
    assert unknown.status_code == 404


async def test_reports_list_and_page_download_with_cookie(client, settings):
    from tests.factories import login

    closed = await make_closed()
    await store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
    listing = await client.get(
        f"/api/v1/cohorts/{closed.cohort.id}/reports", headers=await bearer(closed.funder)
    )
    assert listing.status_code == 200
    [item] = listing.json()["items"]
    assert item["kind"] == "closure" and item["version"] == 0
    await login(client, closed.funder)
    pdf = await client.get(item["urls"]["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_csv_cells_never_run_as_formulas(client, settings):
    closed = await make_closed(names=("=SUM(A1)", "Bruno", "Chloé", "Dylan"))
    await store_closure_reports(closed.cohort, closed.closure, settings=settings, now=utcnow())
    response = await client.get(url(closed.cohort, "csv"), headers=await bearer(closed.facilitator))
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["shares", "'=SUM(A1)", "EUR", "20.02"] in rows
    assert not any(cell.startswith("=") for row in rows for cell in row)
