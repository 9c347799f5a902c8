import re
from datetime import timedelta

from flashcoop.core.clock import utcnow
from flashcoop.workshops import attendance as att
from flashcoop.workshops.models import Attendance, Workshop
from flashcoop.workshops.reminders import send_due_reminders
from tests.factories import bearer, csrf_from, login, make_cohort, make_participant, make_user
from tests.workshop_helpers import make_workshop


async def _staff_cohort(client, **fields):
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator, **fields)
    await login(client, facilitator)
    return facilitator, cohort


async def test_programme_page_create_with_field_errors_then_success(client):
    _f, cohort = await _staff_cohort(client)
    url = f"/cohorts/{cohort.id}/workshops"
    page = await client.get(url)
    assert page.status_code == 200
    # Every form on the page (the create form, each cancel button) carries the real token.
    tokens = re.findall(r'name="csrf_token" value="([^"]*)"', page.text)
    assert len(tokens) >= 3 and len(set(tokens)) == 1 and tokens[0]
    token = csrf_from(page.text)
    bad = await client.post(
        url, data={"title": "", "starts_at": "", "ends_at": "", "csrf_token": token}
    )
    assert bad.status_code == 422
    assert 'id="e-title"' in bad.text and 'id="e-starts_at"' in bad.text
    start = (utcnow() + timedelta(days=1)).astimezone(cohort.tz)
    good = await client.post(
        url,
        data={
            "title": "Atelier logo",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "competences": ["1.2", "1.3"],
            "csrf_token": token,
        },
    )
    assert good.status_code == 303
    workshop = await Workshop.get(cohort_id=cohort.id, title="Atelier logo")
    assert workshop.competences == ["1.2", "1.3"]
    assert "Atelier logo" in (await client.get(url)).text
    no_csrf = await client.post(url, data={"title": "x"})
    assert no_csrf.status_code == 403


async def test_edit_and_cancel_pages(client):
    _f, cohort = await _staff_cohort(client)
    workshop = await make_workshop(cohort)
    edit_url = f"/workshops/{workshop.id}/edit"
    page = await client.get(edit_url)
    assert page.status_code == 200 and workshop.title in page.text
    start = workshop.starts_at.astimezone(cohort.tz) + timedelta(hours=1)
    response = await client.post(
        edit_url,
        data={
            "title": "Nouveau titre",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 303
    await workshop.refresh_from_db()
    assert workshop.title == "Nouveau titre" and workshop.duration_minutes == 60
    invalid = await client.post(
        edit_url,
        data={
            "title": "x",
            "starts_at": "2000-01-01T10:00",
            "ends_at": "2000-01-01T11:00",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert invalid.status_code == 422 and 'id="e-starts_at"' in invalid.text
    cancel = await client.post(
        f"/workshops/{workshop.id}/cancel", data={"csrf_token": csrf_from(page.text)}
    )
    assert cancel.status_code == 303
    await workshop.refresh_from_db()
    assert workshop.status == "cancelled"


async def test_other_structure_gets_404_pages(client):
    cohort = await make_cohort()
    workshop = await make_workshop(cohort)
    await login(client, await make_user(organisation="Autre CAE"))
    for url in (
        f"/cohorts/{cohort.id}/workshops",
        f"/workshops/{workshop.id}/edit",
        f"/workshops/{workshop.id}/checkin",
        f"/workshops/{workshop.id}/attendance",
    ):
        assert (await client.get(url)).status_code == 404, url


async def test_checkin_screen_shows_qr_and_loads_script(client, settings):
    _f, cohort = await _staff_cohort(client)
    workshop = await make_workshop(cohort)
    page = await client.get(f"/workshops/{workshop.id}/checkin")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert '<script src="/static/js/workshop-checkin.js?v=' in page.text
    code, _ = att.current_code(settings, workshop)
    assert code in page.text
    script = await client.get("/static/js/workshop-checkin.js")
    assert script.status_code == 200 and "qr_svg" in script.text


async def test_roll_call_page_records_status(client):
    _f, cohort = await _staff_cohort(client)
    workshop = await make_workshop(cohort, starts_at=utcnow() - timedelta(minutes=5))
    member = await make_participant(cohort, "Mamadou")
    url = f"/workshops/{workshop.id}/attendance"
    page = await client.get(url)
    assert page.status_code == 200 and "Mamadou" in page.text
    response = await client.post(
        url,
        data={
            "participant_id": str(member.id),
            "status": "excused",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 303
    row = await Attendance.get(workshop_id=workshop.id, participant_id=member.id)
    assert row.status == "excused" and row.method == "roll_call"
    page = await client.get(url, headers={"Accept-Language": "en"})
    assert "History" in page.text and "Mamadou: \n" not in page.text
    assert "Excused" in page.text.split("History", 1)[1]


async def test_scan_confirm_then_check_in(client, settings):
    cohort = await make_cohort()
    workshop = await make_workshop(cohort, starts_at=utcnow() - timedelta(minutes=2))
    member = await make_participant(cohort)
    headers = await bearer(member)
    code, _ = att.current_code(settings, workshop)
    url = f"/w/{workshop.id}/checkin"
    page = await client.get(url, params={"code": code}, headers=headers)
    assert page.status_code == 200
    ticket = re.search(r'name="ticket" value="([^"]+)"', page.text).group(1)
    assert await Attendance.filter(workshop_id=workshop.id).count() == 0  # GET changes nothing
    done = await client.post(url, data={"ticket": ticket}, headers=headers)
    assert done.status_code == 303  # then GET says "checked in": a refresh posts nothing
    row = await Attendance.get(workshop_id=workshop.id, participant_id=member.id)
    assert row.status == "present" and row.method == "qr"
    forged = await client.post(url, data={"ticket": ticket[:-4] + "0000"}, headers=headers)
    assert forged.status_code == 422


async def test_scan_with_expired_code_or_signed_out(client, settings):
    cohort = await make_cohort()
    workshop = await make_workshop(cohort, starts_at=utcnow() - timedelta(minutes=2))
    member = await make_participant(cohort)
    old, _ = att.current_code(settings, workshop, utcnow() - timedelta(minutes=5))
    url = f"/w/{workshop.id}/checkin"
    expired = await client.get(url, params={"code": old}, headers=await bearer(member))
    assert expired.status_code == 422
    signed_out = await client.get(url, params={"code": old})
    assert signed_out.status_code == 401
    later = await make_workshop(cohort, starts_at=utcnow() + timedelta(days=1))
    code, _ = att.current_code(settings, later)
    too_early = await client.get(
        f"/w/{later.id}/checkin",
        params={"code": code},
        headers={**await bearer(member), "Accept-Language": "en"},
    )
    assert too_early.status_code == 409
    assert "only during the workshop" in too_early.text and 'name="ticket"' not in too_early.text


async def test_ticket_expires(app, settings):
    cohort = await make_cohort()
    workshop = await make_workshop(cohort, starts_at=utcnow() - timedelta(minutes=2))
    member = await make_participant(cohort)
    now = utcnow()
    code, _ = att.current_code(settings, workshop, now)
    ticket = att.scan_ticket(settings, workshop, member, code, now)
    import pytest

    from flashcoop.core.errors import ValidationError

    with pytest.raises(ValidationError):
        await att.check_in_with_ticket(
            workshop, cohort, member, ticket, settings=settings, now=now + timedelta(minutes=6)
        )
    row = await att.check_in_with_ticket(
        workshop, cohort, member, ticket, settings=settings, now=now + timedelta(minutes=1)
    )
    assert row.checked_in_at == now.replace(microsecond=0)


async def test_participant_home_shows_programme_and_notifications(client, settings):
    cohort = await make_cohort()
    start = utcnow() + timedelta(minutes=30)
    await make_workshop(cohort, starts_at=start, title="Pitch au banquier", location="Banque")
    member = await make_participant(cohort)
    await send_due_reminders(settings, utcnow())
    page = await client.get("/me", headers={**await bearer(member), "Accept-Language": "en"})
    assert page.status_code == 200
    assert "Next workshops" in page.text and "Pitch au banquier" in page.text
    assert "Reminder: workshop" in page.text
    assert "/me/calendar" in page.text
    calendar_page = await client.get("/me/calendar", headers=await bearer(member))
    assert calendar_page.status_code == 200
    link = re.search(r'value="(http://testserver/ical/[0-9a-f]{64}\.ics)"', calendar_page.text)
    assert link
    feed = await client.get(link.group(1).removeprefix("http://testserver"))
    assert feed.status_code == 200 and b"Pitch au banquier" in feed.content


async def test_dashboard_section_renders(app):
    from flashcoop.core.principal import Principal
    from flashcoop.workshops.sections import dashboard_section

    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator)
    await make_workshop(cohort)
    template, ctx = await dashboard_section(cohort, Principal(user=facilitator))
    assert template == "workshops/_dashboard_section.html"
    assert len(ctx["workshops"]) == 1
    from flashcoop.web.templating import ENV

    html = ENV.get_template(template).render(
        ctx=ctx, csrf_token="tok", language="fr", principal=None
    )
    assert "1 atelier en tout" in html and "Étude de marché" in html
    assert 'value="tok"' in html
