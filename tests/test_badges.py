"""Open Badges: the 2.0 hosted Assertion, its BadgeClass and Issuer Profile validated against
the 2.0 structure (required properties and types, context, hosted verification rules), 410
once revoked; the 3.0 credential signed with the structure's published Ed25519 key."""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from cryptography.exceptions import InvalidTag

from flashcoop.certificates.content import hashed_identity
from flashcoop.certificates.issuing import issue_for_closure
from flashcoop.certificates.models import Certificate, SigningKey
from flashcoop.certificates.signing import (
    b64url,
    b64url_decode,
    decrypt_private,
    published_keys,
    sign_for,
    signing_key,
    verify_jws,
)
from tests.certificate_helpers import make_setup
from tests.factories import bearer

OB2 = "https://w3id.org/openbadges/v2"
IRI = re.compile(r"^https?://[^\s]+$")


def path_of(url: str) -> str:
    assert url.startswith("http://testserver/"), url
    return urlsplit(url).path


def is_datetime(value: str) -> bool:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


async def fetch(client, url: str, status: int = 200) -> dict:
    response = await client.get(path_of(url))
    assert response.status_code == status, (url, response.text)
    assert response.headers["access-control-allow-origin"] == "*"
    return response.json()


def check_assertion(doc: dict, own_url: str) -> None:
    assert doc["@context"] == OB2
    assert doc["type"] == "Assertion"
    assert doc["id"] == own_url  # hosted: the assertion's id is its own URL
    recipient = doc["recipient"]
    assert recipient["type"] in ("email", "url", "telephone")
    assert recipient["hashed"] is True and isinstance(recipient["salt"], str)
    assert re.fullmatch(r"sha256\$[0-9a-f]{64}", recipient["identity"])
    assert IRI.match(doc["badge"])
    assert doc["verification"] == {"type": "hosted"}
    assert is_datetime(doc["issuedOn"])
    for evidence in doc.get("evidence", []):
        assert IRI.match(evidence["id"]) and isinstance(evidence["narrative"], str)


def check_badge_class(doc: dict, own_url: str) -> None:
    assert doc["@context"] == OB2
    assert doc["type"] == "BadgeClass"
    assert doc["id"] == own_url
    for key in ("name", "description"):
        assert isinstance(doc[key], str) and doc[key]
    assert IRI.match(doc["image"])
    assert isinstance(doc["criteria"]["narrative"], str) and doc["criteria"]["narrative"]
    assert IRI.match(doc["issuer"])
    for alignment in doc["alignment"]:
        assert isinstance(alignment["targetName"], str) and IRI.match(alignment["targetUrl"])
        assert isinstance(alignment.get("targetDescription", ""), str)


def check_profile(doc: dict, own_url: str) -> None:
    assert doc["@context"] == OB2
    assert doc["type"] == "Profile"
    assert doc["id"] == own_url
    assert isinstance(doc["name"], str) and doc["name"]
    assert IRI.match(doc["url"])
    assert "email" not in doc and "telephone" not in doc  # no contact data


@pytest.fixture
async def issued(app, settings):
    s = await make_setup(threshold=50)
    await issue_for_closure(s.cohort, settings=settings, now=s.after_end)
    return s, await Certificate.get(participant_id=s.aicha.id)


async def test_hosted_assertion_badge_class_and_issuer_resolve_and_validate(client, issued):
    s, certificate = issued
    listed = await client.get(
        f"/api/v1/cohorts/{s.cohort.id}/certificates", headers=await bearer(s.facilitator)
    )
    badge_url = listed.json()["items"][0]["badge_url"]
    response = await client.get(path_of(badge_url))
    assert response.headers["content-type"].startswith("application/ld+json")
    assertion = response.json()
    check_assertion(assertion, badge_url)
    # Aïcha gave an e-mail: the hashed identity is hers, salted, never in clear.
    assert assertion["recipient"]["type"] == "email"
    salt = assertion["recipient"]["salt"]
    assert assertion["recipient"]["identity"] == hashed_identity("aicha@example.org", salt)
    assert "aicha" not in json.dumps(assertion).lower()
    badge_class = await fetch(client, assertion["badge"])
    check_badge_class(badge_class, assertion["badge"])
    alignment = {a["targetCode"]: a for a in badge_class["alignment"]}
    assert set(alignment) == {"1.1", "2.2", "3.3"}
    assert alignment["1.1"]["targetDescription"] == "Transmet"
    assert alignment["1.1"]["targetFramework"] == "EntreComp"
    assert alignment["1.1"]["targetUrl"].endswith(f"/verify/{certificate.id}#competence-1.1")
    profile = await fetch(client, badge_class["issuer"])
    check_profile(profile, badge_class["issuer"])
    assert profile["name"] == "CAE Test"
    # Hosted verification: the assertion lives on the issuer's origin.
    assert urlsplit(assertion["id"]).netloc == urlsplit(profile["url"]).netloc
    image = await client.get(path_of(badge_class["image"]))
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/svg+xml")
    assert image.text.lstrip().startswith("<svg")
    page = await client.get(path_of(alignment["1.1"]["targetUrl"]))
    assert page.status_code == 200 and 'id="competence-1.1"' in page.text


async def test_revoked_assertion_answers_410_at_once(client, issued):
    s, certificate = issued
    url = f"/badges/assertions/{certificate.id}"
    response = await client.post(
        f"/api/v1/certificates/{certificate.id}/revoke",
        json={"reason": "Attendance sheet forged"},
        headers=await bearer(s.facilitator),
    )
    assert response.status_code == 200
    gone = await client.get(url)
    assert gone.status_code == 410
    assert gone.json() == {
        "id": f"http://testserver{url}",
        "revoked": True,
        "revocationReason": "Attendance sheet forged",
    }
    credential = await client.get(f"/badges/credentials/{certificate.id}")
    assert credential.status_code == 410 and credential.json()["revoked"] is True
    # The badge class still describes the badge; only this award is gone.
    assert (await client.get(f"/badges/classes/{certificate.id}")).status_code == 200


async def test_unknown_documents_are_404_json(client, issued):
    for path in (
        "/badges/assertions/00000000-0000-4000-8000-000000000000",
        "/badges/assertions/not-an-id",
        "/badges/classes/nope",
        "/badges/credentials/nope",
        "/badges/issuers/999999",
        "/badges/keys/999999.json",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    # A structure that issued nothing publishes no profile (not a directory of names).
    other = await make_setup(threshold=0, organisation="CAE sans certificat")
    response = await client.get(f"/badges/issuers/{other.cohort.structure_id}")
    assert response.status_code == 404


async def test_open_badges_3_credential_checks_with_the_published_key(client, issued, settings):
    s, certificate = issued
    response = await client.get(f"/badges/credentials/{certificate.id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vc+jwt")
    token = response.text
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    keys_url = f"/badges/keys/{s.cohort.structure_id}.json"
    published = await client.get(keys_url)
    assert published.status_code == 200
    jwks = published.json()["keys"]
    assert [k["kid"] for k in jwks] == [header["kid"]]
    assert jwks[0]["kty"] == "OKP" and jwks[0]["crv"] == "Ed25519" and "d" not in jwks[0]
    payload = verify_jws(token, jwks)
    assert payload is not None
    assert payload["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["id"] == f"http://testserver/badges/credentials/{certificate.id}"
    assert is_datetime(payload["validFrom"])
    subject = payload["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"][0]["identityHash"] == certificate.content["recipient"]["identity"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["criteria"]["narrative"]
    assert {a["targetCode"] for a in achievement["alignment"]} == {"1.1", "2.2", "3.3"}
    assert all(a["type"] == ["Alignment"] for a in achievement["alignment"])
    profile = await fetch(client, payload["issuer"]["id"])
    assert profile["name"] == payload["issuer"]["name"] == "CAE Test"
    # The same credential fetched again is the same token (Ed25519 is deterministic).
    assert (await client.get(f"/badges/credentials/{certificate.id}")).text == token

    # Tampered: a payload claiming more hours, or another holder, no longer checks.
    protected, body, signature = token.split(".")
    forged = json.loads(b64url_decode(body))
    forged["credentialSubject"]["achievement"]["name"] = "Master of everything"
    forged_body = b64url(json.dumps(forged, separators=(",", ":")).encode())
    assert verify_jws(f"{protected}.{forged_body}.{signature}", jwks) is None
    assert verify_jws(f"{protected}.{body}.{signature[:-4]}AAAA", jwks) is None
    assert verify_jws("garbage", jwks) is None
    other_key = {**jwks[0], "x": b64url(bytes(32))}
    assert verify_jws(token, [other_key]) is None


async def test_private_key_is_encrypted_at_rest(app, issued, settings):
    s, _certificate = issued
    key = await signing_key(s.cohort.structure_id, secret_key=settings.secret_key)
    again = await signing_key(s.cohort.structure_id, secret_key=settings.secret_key)
    assert again.id == key.id  # created on first use, then reused
    assert await SigningKey.filter(organisation_id=s.cohort.structure_id).count() == 1
    blob = bytes(key.private_key)
    raw = decrypt_private(blob, secret_key=settings.secret_key, key_id=key.key_id)
    assert len(raw) == 32 and raw not in blob
    with pytest.raises(InvalidTag):
        decrypt_private(blob, secret_key="another secret", key_id=key.key_id)


async def test_a_changed_secret_key_retires_the_old_key(app, issued, settings):
    s, _certificate = issued
    org = s.cohort.structure_id
    first = await sign_for(org, {"a": 1}, secret_key=settings.secret_key, header={})
    second = await sign_for(org, {"a": 1}, secret_key="a new secret " + "y" * 32, header={})
    keys = await published_keys(org)
    assert len(keys) == 2  # the retired key stays published
    assert verify_jws(first, keys) == {"a": 1} and verify_jws(second, keys) == {"a": 1}
    assert first != second
