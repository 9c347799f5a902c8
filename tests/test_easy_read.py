"""The easy-read mode of the participant's pages (issue #10, "Facile à lire et à comprendre"):
switched on with ?easy=1 and off with ?easy=0, remembered on the device, offered on the join
page and the home; in it every participant page shows a pictogram beside each action (inline
SVG, hidden from screen readers, the words always there) and its numbers big, in French and
English, with nothing fetched from elsewhere."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import httpx
import pytest

from flashcoop.certificates.issuing import issue_for_closure
from flashcoop.cohorts.cards import card_token
from flashcoop.cohorts.models import Product
from flashcoop.core.clock import utcnow
from flashcoop.web.static import STATIC_DIR
from flashcoop.workshops import attendance as att
from tests.certificate_helpers import make_setup
from tests.factories import bearer, csrf_from, make_cohort, make_participant, make_user
from tests.ledger_helpers import entries_url, sale
from tests.workshop_helpers import make_workshop

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Pictograms(HTMLParser):
    """Every pictogram of a page, with the words of the element it stands in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.found: list[dict] = []  # {"tag", "attrs", "words"} of each pictogram's parent
        self.svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.svg_depth:
            self.svg_depth += tag != "path" and tag not in ("circle", "rect")
            return
        if tag == "svg":
            attributes = dict(attrs)
            if "picto" in (attributes.get("class") or "").split():
                assert attributes.get("aria-hidden") == "true", attrs
                if self.stack:
                    self.stack[-1]["pictos"].append(attributes)
            self.svg_depth = 1
            return
        if tag not in VOID:
            self.stack.append({"tag": tag, "attrs": dict(attrs), "words": "", "pictos": []})

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg" and not self.svg_depth:
            self.handle_starttag(tag, attrs)
            self.svg_depth = 0

    def handle_endtag(self, tag: str) -> None:
        if self.svg_depth:
            if tag not in ("path", "circle", "rect"):
                self.svg_depth -= 1
            return
        if tag in VOID:
            return
        while self.stack:
            element = self.stack.pop()
            if element["pictos"]:
                self.found.append(element)
            if self.stack:
                self.stack[-1]["words"] += " " + element["words"]
            if element["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.svg_depth and self.stack:
            self.stack[-1]["words"] += data


def pictograms(html: str) -> list[dict]:
    parser = Pictograms()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_easy_page(html: str, *, actions: int = 1) -> None:
    """In easy mode: the body says so, pictograms stand beside words, nothing comes from away."""
    assert re.search(r'<body class="easy\b', html), html[:400]
    assert "/static/css/easy.css?v=" in html
    found = pictograms(html)
    assert found, "no pictogram"
    for element in found:
        assert element["words"].strip(), element  # never a pictogram alone
    acting = [e for e in found if e["tag"] in ("a", "button", "label", "legend")]
    assert len(acting) >= actions, [e["tag"] for e in found]
    # No icon font, no image or script from another host: everything is inline or /static/.
    for tag, url in re.findall(r'<(link|script|img|iframe)\b[^>]*?(?:href|src)="([^"]+)"', html):
        assert url.startswith("/"), (tag, url)
    assert "@import" not in html and "url(http" not in html


def easy_cookie(response: httpx.Response) -> str | None:
    """The `easy` cookie this response sets, if any (the session cookie may come too)."""
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith("easy=")]
    assert len(found) <= 1
    return found[0] if found else None


def assert_usual_page(html: str) -> None:
    assert not re.search(r'<body class="easy\b', html)
    assert "easy.css" not in html
    # Only the switch itself wears its pictogram in the usual mode.
    assert all(e["attrs"].get("href", "").endswith("?easy=1") for e in pictograms(html))


async def test_easy_is_turned_on_remembered_and_turned_off(client):
    usual = await client.get("/join")
    assert usual.status_code == 200 and easy_cookie(usual) is None
    assert_usual_page(usual.text)
    on = await client.get("/join", params={"easy": "1"})
    assert on.status_code == 200
    cookie = easy_cookie(on)
    assert cookie and cookie.startswith("easy=1;")
    for part in ("HttpOnly", "Max-Age=31536000", "Path=/", "SameSite=Lax"):
        assert part.lower() in cookie.lower(), cookie
    assert "secure" not in cookie.lower()  # plain HTTP in tests: a Secure cookie would be lost
    assert_easy_page(on.text)
    # Remembered: the next pages, without the parameter, read the easy way too.
    again = await client.get("/join")
    assert easy_cookie(again) is None
    assert_easy_page(again.text)
    assert_easy_page((await client.get("/join?code=ABCD")).text)
    # Anything but 0/1 leaves the choice as it is.
    odd = await client.get("/join", params={"easy": "<script>"})
    assert easy_cookie(odd) is None and odd.status_code == 200
    assert_easy_page(odd.text)
    off = await client.get("/join", params={"easy": "0"})
    assert (easy_cookie(off) or "").startswith("easy=0;")
    assert_usual_page(off.text)
    assert_usual_page((await client.get("/join")).text)


async def test_a_new_visit_remembers_it_through_the_cookie_alone(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", cookies={"easy": "1"}
    ) as phone:
        assert_easy_page((await phone.get("/join")).text)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", cookies={"easy": "yes please"}
    ) as phone:
        assert_usual_page((await phone.get("/join")).text)


@pytest.mark.parametrize(
    ("language", "offer", "back", "words"),
    [
        ("fr", "Facile à lire", "Texte habituel", "Tapez votre prénom."),
        ("en", "Easy to read", "Usual text", "Type your first name."),
    ],
)
async def test_the_join_pages_offer_it(client, language, offer, back, words):
    client.cookies.set("lang", language)
    cohort = await make_cohort()
    for path in ("/join", f"/j/{cohort.join_code}"):
        page = await client.get(path)
        assert page.status_code == 200
        assert f'href="{path}?easy=1"' in page.text and offer in page.text
        assert words not in page.text
        easy = await client.get(path, params={"easy": "1"})
        assert_easy_page(easy.text, actions=2)  # the switch back and the Join button
        assert f'href="{path}?easy=0"' in easy.text and back in easy.text
        assert words in easy.text
        client.cookies.delete("easy")


async def _member_with_a_workshop_now(client: httpx.AsyncClient):
    facilitator = await make_user()
    cohort = await make_cohort(facilitator=facilitator, name="Les Jus du Canal")
    member = await make_participant(cohort)
    workshop = await make_workshop(cohort, starts_at=utcnow() - timedelta(minutes=10), title="Prix")
    headers = await bearer(member)
    for cents in ("2.50", "12.00"):
        sold = await client.post(entries_url(cohort), json=sale(amount=cents), headers=headers)
        assert sold.status_code == 201, sold.text
    return cohort, member, workshop, headers


@pytest.mark.parametrize(
    ("language", "words", "usual_words"),
    [
        ("fr", ("1. Qu'avez-vous vendu", "Vendu 2 fois", "14,50"), "Ventes\u202f: 2"),
        ("en", ("1. What did you sell?", "Sold 2 times", "14.50"), "Sales: 2"),
    ],
)
async def test_the_home_in_easy_mode(client, language, words, usual_words):
    client.cookies.set("lang", language)
    _cohort, _member, workshop, headers = await _member_with_a_workshop_now(client)
    usual = await client.get("/me", headers=headers)
    assert usual.status_code == 200
    assert 'href="/me?easy=1"' in usual.text
    assert_usual_page(usual.text)
    assert usual_words in usual.text
    home = await client.get("/me?easy=1", headers=headers)
    assert home.status_code == 200
    text = home.text.replace("&#39;", "'")
    assert_easy_page(text, actions=5)
    for word in words:
        assert word in text, word
    # The amounts big: the group's total and mine.
    assert re.search(r'<strong class="total big-num"[^>]*>[^<]*14[.,]50', text)
    assert re.search(r'<p class="big-num" id="my-total">[^<]*14[.,]50', text)
    # A pictogram beside each action of the sale, the check-in box and the calendar.
    tags = {e["tag"] for e in pictograms(text)}
    assert {"button", "legend", "label", "a", "h2"} <= tags
    assert f'action="/w/{workshop.id}/checkin"' in text
    record = re.search(r'<button type="submit" class="primary huge">(.*?)</button>', text, re.S)
    assert record and 'class="picto"' in record.group(1)
    checkin = re.search(
        r'<button type="submit" class="primary big-button">(.*?)</button>', text, re.S
    )
    assert checkin and 'class="picto"' in checkin.group(1)
    # The same page keeps its form, ids and data for the offline queue.
    for anchor in ('id="sale-form"', 'id="ledger-home"', 'id="my-entries"', 'name="amount"'):
        assert anchor in text


async def test_after_a_sale_without_javascript_the_amount_is_big(client):
    cohort = await make_cohort()
    member = await make_participant(cohort)
    headers = await bearer(member)
    home = await client.get("/me?easy=1", headers=headers)
    assert "Pas encore de vente." in home.text
    product = await Product.filter(cohort_id=cohort.id).first()
    data = {
        "id": "7b1e4c2e-5d0a-4c8e-9a51-0c7d4b9e2f11",
        "kind": "sale",
        "product": str(product.id) if product else "",
        "label": "" if product else "Gâteau",
        "quantity": "1",
        "amount": "" if product else "3,00",
        "payment_method": "cash",
        "csrf_token": csrf_from(home.text),
    }
    done = await client.post(f"/cohorts/{cohort.id}/sales", data=data, headers=headers)
    assert done.status_code == 303, done.text
    page = await client.get(done.headers["location"], headers=headers)
    notice = re.search(
        r'<div class="notice" role="status" id="recorded">(.*?)</div>', page.text, re.S
    )
    assert notice and "C'est enregistré" in notice.group(1).replace("&#39;", "'")
    assert '<span class="big-num">' in notice.group(1)


async def test_the_other_participant_pages_in_easy_mode(client, other_client, settings):
    _cohort, member, workshop, headers = await _member_with_a_workshop_now(client)
    client.cookies.set("easy", "1")
    pages = {
        "/me/skills": 2,  # back, and each level's button
        "/me/calendar": 3,  # subscribe, download, back
        f"/w/{workshop.id}/checkin": 2,  # the digits field and "I am here"
    }
    for path, actions in pages.items():
        page = await client.get(path, headers=headers)
        assert page.status_code in (200, 422), (path, page.status_code)
        assert_easy_page(page.text, actions=actions)
    short = att.current_short_code(settings, workshop)
    done = await client.post(f"/w/{workshop.id}/checkin", data={"code": short}, headers=headers)
    assert done.status_code == 303
    checked = await client.get(done.headers["location"], headers=headers)
    assert 'id="checked-in"' in checked.text
    assert_easy_page(checked.text, actions=1)
    # A phone that is not signed in: the sign-in at check-in, then an old code's dead end.
    other_client.cookies.set("easy", "1")
    code, _ = att.current_code(settings, workshop)
    sign_in = await other_client.get(f"/w/{workshop.id}/checkin", params={"code": code})
    assert sign_in.status_code == 401
    assert_easy_page(sign_in.text, actions=1)
    assert "Tapez votre code secret (PIN)." in sign_in.text
    old, _ = att.current_code(settings, workshop, utcnow() - timedelta(minutes=5))
    expired = await other_client.get(f"/w/{workshop.id}/checkin", params={"code": old})
    assert_easy_page(expired.text, actions=1)
    # A sign-in card that no longer works shows the error page, easy too.
    bad_card = await other_client.get("/s/not-a-card")
    assert bad_card.status_code == 404
    assert_easy_page(bad_card.text, actions=1)
    card = await other_client.get(f"/s/{card_token(member, secret=settings.secret_key)}")
    assert card.status_code == 303 and card.headers["location"] == "/me"
    assert_easy_page((await other_client.get("/me")).text, actions=5)


async def test_certificate_and_skills_sections_in_easy_mode(client, settings):
    s = await make_setup(threshold=50)
    headers = await bearer(s.aicha)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    home = await client.get("/me?easy=1", headers=headers)
    assert home.status_code == 200
    assert_easy_page(home.text, actions=2)
    certificate = re.search(r'<section class="card certificate-home".*?</section>', home.text, re.S)
    assert certificate
    download = re.search(
        r'<a class="button primary" href="/api/v1/certificates/[^"]+\.pdf">(.*?)</a>',
        certificate.group(0),
        re.S,
    )
    assert download and 'class="picto"' in download.group(1) and "Télécharger" in download.group(1)
    assert "Montrez-le à un employeur." in home.text
    share = re.search(r'<button type="button" class="share-button".*?</button>', home.text, re.S)
    assert share and 'class="picto"' in share.group(0)


def test_the_easy_stylesheet_is_small_and_self_contained():
    css = (STATIC_DIR / "css" / "easy.css").read_text()
    assert len(css.encode()) < 3000
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert "body.easy" in css or ".easy " in css
