"""Dead ends 7, 8 and 9 of the participant's phone, as the server answers them: the words, the
markup of fields in error, unique ids, the favicon, cache headers and compression."""

import re
import uuid

from babel.dates import format_datetime

from flashcoop.core.clock import utcnow
from flashcoop.core.qr import qr_svg
from flashcoop.web.static import static_url
from tests.factories import bearer, csrf_from, login, make_cohort, make_participant, make_user


async def test_a_field_in_error_keeps_required_and_aria_invalid(client):
    page = await client.get("/join")
    bad = await client.post(
        "/join",
        data={"code": "", "display_name": "", "pin": "12", "csrf_token": csrf_from(page.text)},
    )
    assert bad.status_code == 422
    # A participant reads "coopérative", never the programme's word "cohorte".
    assert "cohorte" not in page.text.lower() and "Code de la coopérative" in page.text
    tags = re.findall(r"<input [^>]*>", bad.text)
    pin = next(tag for tag in tags if 'name="pin"' in tag)
    assert re.search(r"\srequired\s", pin) and re.search(r'\saria-invalid="true"', pin)
    assert 'aria-describedby="h-pin e-pin"' in pin
    for html in (page.text, bad.text, (await client.get("/login")).text):
        assert 'aria-describedby=""' not in html
        assert "requiredaria" not in html


async def test_sign_in_cards_have_no_duplicate_ids(client):
    assert "id=" not in qr_svg("http://testserver/s/abc")
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator)
    for name in ("Aïcha", "Binta", "Chloé"):
        await make_participant(cohort, name)
    await login(client, facilitator)
    page = await client.get(f"/cohorts/{cohort.id}/cards")
    assert page.status_code == 200
    ids = re.findall(r'\sid="([^"]+)"', page.text)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


async def test_favicon_static_cache_and_compression(client):
    icon = await client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    login_page = await client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert login_page.headers.get("content-encoding") == "gzip"
    assert f'href="{static_url("favicon.svg")}"' in login_page.text
    css_url = static_url("css/app.css")
    assert re.fullmatch(r"/static/css/app\.css\?v=[0-9a-f]{12}", css_url)
    assert f'href="{css_url}"' in login_page.text
    fingerprinted = await client.get(css_url, headers={"Accept-Encoding": "gzip"})
    assert fingerprinted.status_code == 200
    assert fingerprinted.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert fingerprinted.headers.get("content-encoding") == "gzip"
    plain = await client.get("/static/js/sales.js")
    assert plain.headers["cache-control"] == "no-cache" and plain.headers.get("etag")


async def test_words_a_participant_and_a_facilitator_read(client, settings):
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator, name="Les Jus du Canal")
    member = await make_participant(cohort)
    home = await client.get("/me", headers=await bearer(member))
    assert home.status_code == 200
    for word in ("Libellé", "vente(s)", "Laissez vide", "cohorte", "Pointage"):
        assert word not in home.text, word
    assert "Qu'avez-vous vendu" in home.text or "Qu&#39;avez-vous vendu" in home.text
    # The ceiling in words, formatted the French way, in the API's answer too.
    response = await client.post(
        f"/api/v1/cohorts/{cohort.id}/entries",
        json={"id": str(uuid.uuid4()), "amount": "20000", "label": "Vélo"},
        headers=await bearer(member),
    )
    assert response.status_code == 422
    assert "10\u202f000,00\u00a0€" in response.json()["error"]["fields"]["amount"]
    sold = await client.post(
        f"/api/v1/cohorts/{cohort.id}/entries",
        json={"id": str(uuid.uuid4()), "amount": "2", "label": "Thé"},
        headers=await bearer(member),
    )
    assert sold.status_code == 201
    home = await client.get("/me", headers=await bearer(member))
    day = format_datetime(utcnow(), "d MMM y", tzinfo=cohort.tz, locale="fr_FR")
    assert "2,00\u00a0€" in home.text and day in home.text
    assert not re.search(r"\d\d/\d\d/\d{4}", home.text)
    await login(client, facilitator)
    books = await client.get(f"/cohorts/{cohort.id}/ledger")
    for word in ("Libellé", "Excédent", "Chaîne intacte", "Comptes de Les"):
        assert word not in books.text, word
    # The books form opens on a sale, not an expense.
    assert re.search(r'value="sale"\s+checked', books.text)
    account = await client.get("/account")
    assert ">facilitator<" not in account.text and "animat" in account.text


async def test_pdf_figures_are_written_the_french_way(client):
    import io
    from datetime import timedelta

    from pypdf import PdfReader

    from flashcoop.core.clock import utcnow
    from flashcoop.workshops import attendance as att
    from tests.workshop_helpers import make_workshop

    facilitator = await make_user()
    now = utcnow()
    cohort = await make_cohort(facilitator=facilitator, starts_at=now - timedelta(days=1))
    workshop = await make_workshop(cohort, starts_at=now - timedelta(hours=1), hours=2.5)
    member = await make_participant(cohort)
    await att.record_attendance(
        workshop, cohort, participant_id=member.id, status="present", by=facilitator
    )
    pdf = await client.get(
        f"/api/v1/cohorts/{cohort.id}/attendance.pdf", headers=await bearer(facilitator)
    )
    assert pdf.status_code == 200
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "2,50" in text and "2,5 heures" in text, text
    assert "2.50" not in text
